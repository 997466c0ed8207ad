"""Input that must cost neither a 500 nor a difference between databases (issue 11), on SQLite and PostgreSQL:
identifiers normalised at the edge (strip, NFC) or refused (``/``, NUL, control characters), non-finite
figures refused naming the row and the field."""

from __future__ import annotations

import unicodedata

import pytest

from service_kit import auth


def doc(enterprise="9137HOSTILE01", period="2023", items=None, **extra) -> dict:
    return {"enterprise": enterprise, "period": period, "region": "370211",
            "items": items or [{"item": "electricity", "amount": 100, "unit": "MWh"}], **extra}


def post(client, key, document):
    return client.post("/v1/reports", json={"report": document}, headers=auth(key))


def test_identifiers_are_stripped_once_at_the_edge(client, province_key):
    r = post(client, province_key, doc(" 9137HOSTILE01 ", period=" 2023 "))
    assert r.status_code == 201, r.text
    assert (r.json()["enterprise"], r.json()["period"]) == ("9137HOSTILE01", "2023")
    again = post(client, province_key, doc("9137HOSTILE01"))
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")
    assert client.get("/v1/enterprises/9137HOSTILE01/reports/2023", headers=auth(province_key)).status_code == 200


def test_identifiers_are_nfc(client, province_key):
    composed, decomposed = "9137É", unicodedata.normalize("NFD", "9137É")
    assert composed != decomposed
    assert post(client, province_key, doc(decomposed)).status_code == 201
    r = post(client, province_key, doc(composed))
    assert (r.status_code, r.json()["status"], r.json()["enterprise"]) == (200, "unchanged", composed)


@pytest.mark.parametrize("enterprise", ["9137/01", "9137\u000001", "9137\t01", "9137\n01", "   ", "9137\u007f"])
def test_bad_identifiers_are_422_on_every_route_that_takes_them(client, province_key, enterprise):
    for url, body in (("/v1/reports", {"report": doc(enterprise)}), ("/v1/calculate", doc(enterprise)),
                      ("/v1/reports/bulk", [{"report": doc(enterprise)}])):
        r = client.post(url, json=body, headers=auth(province_key))
        assert r.status_code == 422, (url, r.status_code, r.text)
        assert "enterprise" in r.text
    assert client.get("/v1/enterprises", headers=auth(province_key)).json() == []


def test_park_with_slash_is_422(client, province_key):
    r = post(client, province_key, doc(park="P/1"))
    assert r.status_code == 422 and "park" in r.text


@pytest.mark.parametrize("url", ["/v1/enterprises/9137%00", "/v1/enterprises/9137%0A/reports",
                                 "/v1/enterprises?park=P%00", "/v1/enterprises?region=37%09"])
def test_control_characters_in_url_answer_422_alike(client, province_key, url):
    r = client.get(url, headers=auth(province_key))
    assert r.status_code == 422, r.text
    assert "control character" in r.json()["detail"]


# value added 1e-320 x 10^4 CNY: 100 MWh = 100,000 kWh x 0.1229 kgce/kWh = 12.29 tce, / 1e-320 overflows to inf
TINY_VA = [{"item": "electricity", "amount": 100, "unit": "MWh"}, {"item": "value_added", "amount": 1e-320, "unit": "万元"}]
# steam 1e15 t x 1e300 kJ/kg = 1e318 kJ: beyond the largest double (1.8e308)
HUGE_STEAM = [{"item": "steam", "amount": 1e15, "unit": "t", "enthalpy": 1e300}]


@pytest.mark.parametrize("items", [TINY_VA, HUGE_STEAM], ids=["value_added_1e-320", "enthalpy_1e300"])
def test_non_finite_figures_are_422_naming_row_and_field(client, province_key, items):
    for url, body in (("/v1/calculate", doc(items=items)), ("/v1/reports", {"report": doc(items=items)})):
        r = client.post(url, json=body, headers=auth(province_key))
        assert r.status_code == 422, (url, r.text)
        problems = [p for p in r.json()["problems"] if p["code"] == "not_finite"]
        assert problems and all(p["field"] and p["row"] is not None for p in problems), problems
    assert client.get("/v1/enterprises", headers=auth(province_key)).json() == []


# ------------------------------------------------------------------------------------------ CSV uploads

CSV_HEAD = "enterprise,period,region,item,amount,unit\n"


def post_csv(client, key, text: str):
    return client.post("/v1/reports/bulk", content=text.encode(), headers={**auth(key), "Content-Type": "text/csv"})


def test_a_csv_of_a_million_columns_is_413_before_parsing(client, province_key):
    import time

    wide = ",".join(f"c{i}" for i in range(1_000_000)) + "\n" + ",".join("1" for _ in range(10)) + "\n"
    t0 = time.perf_counter()
    r = post_csv(client, province_key, wide)
    assert r.status_code == 413, r.text[:300]
    assert r.json()["problems"][0]["code"] == "csv_too_wide"
    assert time.perf_counter() - t0 < 30  # the header line is refused unread (it took 164 s and 3.4 GB)


def test_a_csv_of_too_many_reports_is_413_while_streaming(make_client, province_key):
    small = make_client(max_bulk_reports=3)
    rows = "".join(f"9137MANY{i:05d},2023,370211,electricity,{i},MWh\n" for i in range(10_000))
    r = post_csv(small, province_key, CSV_HEAD + rows)
    assert r.status_code == 413, r.text
    (problem,) = r.json()["problems"]
    assert (problem["code"], problem["row"]) == ("too_many_reports", 5)  # the 4th report starts on line 5


def test_an_enterprise_key_csv_of_a_foreign_enterprise_is_403_alike(client, ent_a_key):
    from service_kit import ENT_A, ENT_B, ENT_C

    mine = f"{ENT_A},2023,370211,electricity,1,MWh\n"
    answers = [post_csv(client, ent_a_key, CSV_HEAD + mine + f"{other},2023,370211,electricity,1,MWh\n")
               for other in (ENT_B, ENT_C)]
    assert [a.status_code for a in answers] == [403, 403]
    assert answers[0].json()["detail"].replace(ENT_B, "X") == answers[1].json()["detail"].replace(ENT_C, "X")


def test_a_table_with_a_control_character_is_a_422_naming_the_cell(client, keys):
    """Found by the OpenAPI fuzz: a unit-separator character (U+001F) made openpyxl fail (500)."""
    r = client.post("/v1/dashboard/table.xlsx", json={"head": ["城市"], "rows": [["青岛"], ["a\x1fb"]]},
                    headers=auth(keys.province))
    assert r.status_code == 422
    problem = r.json()["problems"][0]
    assert problem["row"] == 2 and problem["field"] == "column 1"
