"""Green designations in the service: recorded by the province (all or nothing, re-sending is unchanged), read
within a key's scope, revoked; counted by /v1/progress and /v1/progress/report; the migration that adds them.

The province (2020 and 2023 reports; 1 MWh = 0.1229 tce):

    A  91370211473270545N  Qingdao 370211, park P01
    B  91370305552464479B  Zibo    370305, park P02
    C  91370305710852339P  Zibo    370305, park P02

and the designations recorded in ``LIST``:

    0  A   green_factory  provincial  2021
    1  A   green_factory  national    2022   (A counts once)
    2  B   green_factory  provincial  2022
    3  C   green_factory  provincial  2024   (not counted in 2023)
    4  P02 green_park     provincial  2022   (the park table has no region: its enterprises' shared 370305)

so in 2023: Shandong 2 green factories of 500 (A, B) and 1 green park of 20; Qingdao 1 and 0; park P02 1 and 1.
"""

from __future__ import annotations

import re

import pytest
from service_kit import ENT_A, ENT_B, ENT_C, PARK_A, PARK_B, auth

LIST = [
    {"subject_kind": "enterprise", "subject": ENT_A, "kind": "green_factory", "level": "provincial", "year": 2021,
     "batch": "示例 example: 山东省省级绿色工厂 第1批"},
    {"subject_kind": "enterprise", "subject": ENT_A, "kind": "green_factory", "level": "national", "year": 2022,
     "batch": "示例 example: 工信部 绿色制造名单 2022"},
    {"subject_kind": "enterprise", "subject": ENT_B, "kind": "green_factory", "level": "provincial", "year": 2022,
     "batch": "示例 example: 山东省省级绿色工厂 第2批"},
    {"subject_kind": "enterprise", "subject": ENT_C, "kind": "green_factory", "level": "provincial", "year": 2024,
     "batch": "示例 example: 山东省省级绿色工厂 第4批"},
    {"subject_kind": "park", "subject": PARK_B, "kind": "green_park", "level": "provincial", "year": 2022,
     "batch": "示例 example: 山东省省级绿色工业园区 2022"},
]


def doc(enterprise: str, period: str, mwh: float, va: float, region: str, park: str) -> dict:
    return {"enterprise": enterprise, "region": region, "park": park, "industry": "C2911", "period": period,
            "items": [{"item": "electricity", "amount": mwh, "unit": "MWh"},
                      {"item": "value_added", "amount": va, "unit": "万元"}]}


@pytest.fixture
def province(client, province_key):
    docs = [doc(e, y, 1000, 1000, region, park) for e, region, park in
            ((ENT_A, "370211", PARK_A), (ENT_B, "370305", PARK_B), (ENT_C, "370305", PARK_B)) for y in ("2020", "2023")]
    r = client.post("/v1/reports/bulk", json=[{"report": d} for d in docs], headers=auth(province_key))
    assert r.status_code == 200, r.text


@pytest.fixture
def recorded(client, keys, province) -> dict:
    r = client.post("/v1/designations", json=LIST, headers=auth(keys.province))
    assert r.status_code == 200, r.text
    return r.json()


def listed(client, key, query: str = "") -> list[tuple]:
    r = client.get(f"/v1/designations{query}", headers=auth(key))
    assert r.status_code == 200, r.text
    return sorted((d["subject"], d["kind"], d["level"]) for d in r.json())


def counts(body: dict) -> dict:
    return {c["target"]: c for c in body["counts"]}


# --------------------------------------------------------------------------- roles

def test_only_the_province_records_and_revokes(client, keys, province):
    for key in (keys.park, keys.ent_a):
        assert client.post("/v1/designations", json=LIST[:1], headers=auth(key)).status_code == 403
    assert client.post("/v1/designations", json=LIST[:1]).status_code == 401
    assert client.get("/v1/designations").status_code == 401
    assert listed(client, keys.province) == []  # nothing was stored by the refused calls
    made = client.post("/v1/designations", json=LIST[:1], headers=auth(keys.province)).json()
    ident = made["designations"][0]["id"]
    assert client.post(f"/v1/designations/{ident}/revoke", json={"year": 2024}, headers=auth(keys.park)).status_code == 403
    assert client.post(f"/v1/designations/{ident}/revoke", json={"year": 2024}).status_code == 401


def test_each_key_sees_its_own_scope(client, keys, recorded):
    assert len(listed(client, keys.province)) == 5
    # park P01: A's two designations; park P02: B, C and the park itself; enterprise keys: their own
    assert listed(client, keys.park) == [(ENT_A, "green_factory", "national"), (ENT_A, "green_factory", "provincial")]
    assert listed(client, keys.park_b) == [(ENT_B, "green_factory", "provincial"),
                                           (ENT_C, "green_factory", "provincial"), (PARK_B, "green_park", "provincial")]
    assert listed(client, keys.ent_b) == [(ENT_B, "green_factory", "provincial")]
    assert [s for s, _k, _l in listed(client, keys.ent_a)] == [ENT_A, ENT_A]
    # a park key asking for another park: 404, as /v1/parks answers
    assert client.get(f"/v1/designations?park={PARK_B}", headers=auth(keys.park)).status_code == 404
    assert listed(client, keys.park_b, f"?park={PARK_B}&kind=green_park") == [(PARK_B, "green_park", "provincial")]


def test_filters_and_the_park_region(client, keys, recorded):
    assert listed(client, keys.province, "?region=3702") == [(ENT_A, "green_factory", "national"),
                                                              (ENT_A, "green_factory", "provincial")]
    assert [s for s, _k, _l in listed(client, keys.province, "?region=3703")] == [ENT_B, ENT_C, PARK_B]
    (park,) = client.get("/v1/designations?kind=green_park", headers=auth(keys.province)).json()
    # the park table has no region; B and C, its enterprises, are both in 370305
    assert (park["subject"], park["region"], park["park"], park["year"]) == (PARK_B, "370305", PARK_B, 2022)
    assert client.get("/v1/designations?region=3x", headers=auth(keys.province)).status_code == 422


# --------------------------------------------------------------------------- recording

def test_re_sending_is_unchanged_not_a_duplicate(client, keys, recorded):
    assert (recorded["created"], recorded["updated"], recorded["unchanged"]) == (5, 0, 0)
    again = client.post("/v1/designations", json=LIST, headers=auth(keys.province)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    assert [d["id"] for d in again["designations"]] == [d["id"] for d in recorded["designations"]]
    assert len(listed(client, keys.province)) == 5
    corrected = [{**LIST[2], "batch": "示例 example: 山东省省级绿色工厂 第2批 (corrected)"}]
    body = client.post("/v1/designations", json=corrected, headers=auth(keys.province)).json()
    assert (body["updated"], body["designations"][0]["outcome"]) == (1, "updated")
    assert len(listed(client, keys.province)) == 5


def test_a_bad_list_stores_nothing_and_names_every_problem(client, keys, province):
    unknown = "91370000000000000X"
    bad = [LIST[0],
           {**LIST[2], "subject": unknown},                       # 1: not registered
           {**LIST[4], "level": "municipal"},                      # 2: not a level
           {**LIST[4], "subject_kind": "enterprise", "subject": ENT_B},  # 3: a green park is a park
           {**LIST[0], "batch": "again"},                          # 4: the same designation as 0
           {**LIST[1], "year": 2022, "revoked_year": 2020}]        # 5: revoked before designated
    r = client.post("/v1/designations", json=bad, headers=auth(keys.province))
    assert r.status_code == 422
    found = sorted((p["index"], p["code"]) for p in r.json()["problems"])
    assert found == [(1, "subject_unknown"), (2, "level_unknown"), (3, "subject_kind_mismatch"),
                     (4, "designation_duplicate"), (5, "revoked_before_designated")]
    assert listed(client, keys.province) == []
    # the list is fine but for the unknown enterprise: 422 naming it, nothing stored
    r = client.post("/v1/designations", json=[LIST[0], {**LIST[2], "subject": unknown}, {**LIST[4], "subject": "P99"}],
                    headers=auth(keys.province))
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert [(p["index"], p["code"]) for p in problems] == [(1, "subject_unknown"), (2, "subject_unknown")]
    assert unknown in problems[0]["message"] and "P99" in problems[1]["message"]
    assert listed(client, keys.province) == []
    assert client.post("/v1/designations", json=[], headers=auth(keys.province)).status_code == 422
    assert client.post("/v1/designations", json=[{**LIST[0], "extra": 1}], headers=auth(keys.province)).status_code == 422


def test_revoke(client, keys, recorded):
    b = next(d for d in recorded["designations"] if d["subject"] == ENT_B)
    h = auth(keys.province)
    assert client.post(f"/v1/designations/{b['id']}/revoke", json={"year": 2021}, headers=h).status_code == 422
    r = client.post(f"/v1/designations/{b['id']}/revoke", json={"year": 2023}, headers=h)
    assert r.status_code == 200 and (r.json()["outcome"], r.json()["revoked_year"]) == ("revoked", 2023)
    assert client.post(f"/v1/designations/{b['id']}/revoke", json={"year": 2023}, headers=h).json()["outcome"] == "unchanged"
    assert client.post("/v1/designations/999999/revoke", json={"year": 2023}, headers=h).status_code == 404
    # B revoked in 2023: Shandong 2023 counts A only -> 1 of 500
    assert counts(client.get("/v1/progress?year=2023", headers=h).json())["green_factories"]["count"] == 1
    # re-sending B without revoked_year keeps the revocation; an explicit null lifts it
    assert client.post("/v1/designations", json=[LIST[2]], headers=h).json()["unchanged"] == 1
    lifted = client.post("/v1/designations", json=[{**LIST[2], "revoked_year": None}], headers=h).json()
    assert lifted["updated"] == 1 and lifted["designations"][0]["revoked_year"] is None
    assert counts(client.get("/v1/progress?year=2023", headers=h).json())["green_factories"]["count"] == 2


# --------------------------------------------------------------------------- progress and the HTML report

def test_progress_counts_the_designations_in_scope(client, keys, recorded):
    body = client.get("/v1/progress?year=2023", headers=auth(keys.province)).json()
    c = counts(body)
    # Shandong 2023: A (provincial 2021 + national 2022: once) and B -> 2 of 500 = 0.4 %, 498 to go; C from 2024
    assert (c["green_factories"]["count"], c["green_factories"]["source"], c["green_factories"]["remaining"]) == (
        2, "designations", 498)
    assert c["green_factories"]["share"] == pytest.approx(0.004)
    assert (c["green_parks"]["count"], c["green_parks"]["target_count"]) == (1, 20)
    assert c["green_design_products"]["count"] is None
    # Qingdao: A -> 1 factory, no park; park P02 (its key): B -> 1 factory, P02 -> 1 park
    city = counts(client.get("/v1/progress?year=2023&region=3702", headers=auth(keys.province)).json())
    assert (city["green_factories"]["count"], city["green_parks"]["count"]) == (1, 0)
    park = counts(client.get("/v1/progress?year=2023", headers=auth(keys.park_b)).json())
    assert (park["green_factories"]["count"], park["green_parks"]["count"]) == (1, 1)


def test_an_explicit_count_wins(client, keys, recorded):
    c = counts(client.get("/v1/progress?year=2023&count=green_factories:9", headers=auth(keys.province)).json())
    assert (c["green_factories"]["count"], c["green_factories"]["source"]) == (9, "supplied")
    assert (c["green_parks"]["count"], c["green_parks"]["source"]) == (1, "designations")


def test_without_designations_the_counts_are_not_available(client, keys, province):
    c = counts(client.get("/v1/progress?year=2023", headers=auth(keys.province)).json())
    assert c["green_factories"]["count"] is None and "not stored" in c["green_factories"]["reason"]


def test_the_html_report_shows_the_count(client, keys, recorded):
    r = client.get("/v1/progress/report?year=2023&lang=en", headers=auth(keys.province))
    assert r.status_code == 200
    row = re.search(r'<tr data-target="green_factories">(.*?)</tr>', r.text, re.DOTALL).group(1)
    values = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
    assert values[1:] == ["500", "2", "0.4 %", "498"]  # 2 / 500
    parks = re.search(r'<tr data-target="green_parks">(.*?)</tr>', r.text, re.DOTALL).group(1)
    assert ">1<" in parks and ">20<" in parks
    assert "green_factories: 2 counted from the green_factory designations" in r.text


# --------------------------------------------------------------------------- migration

def test_migration_0003_adds_the_designation_table(backend):
    import sqlalchemy as sa

    from api.db import alembic_config, upgrade

    upgrade(backend, "0002_progress")
    engine = sa.create_engine(backend)
    try:
        assert "designation" not in sa.inspect(engine).get_table_names()
        upgrade(backend)
        assert "designation" in sa.inspect(engine).get_table_names()
        table = sa.table("designation", *(sa.column(c) for c in ("subject_kind", "subject_id", "kind", "level", "year",
                                                                 "batch", "recorded_at")))
        row = {"subject_kind": "park", "subject_id": "P1", "kind": "green_park", "level": "national", "year": 2022,
               "batch": "b", "recorded_at": sa.func.current_timestamp()}
        with engine.begin() as conn:
            conn.execute(table.insert().values(**row))
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:  # unique (subject, kind, level)
            conn.execute(table.insert().values(**row))
        from alembic import command

        command.downgrade(alembic_config(backend), "0002_progress")
        assert "designation" not in sa.inspect(engine).get_table_names()
        upgrade(backend)
        assert "designation" in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
