"""Bulk submission: JSON array, JSON lines and CSV; all-or-nothing; idempotent; safe under concurrency.

Spec (service.md, POST /v1/reports/bulk): success 200 ``{"created", "revised", "unchanged", "reports": [...]}``;
any invalid report -> 422 with ``problems`` (each with its "index" or "row" and "field") and nothing stored;
more than ``max_bulk_reports`` reports -> 413; re-sending the same batch -> all "unchanged".
"""

from __future__ import annotations

import json
import threading

from service_kit import (A_2023, B_2023, ENT_A, ENT_B, ENT_C, as_list, assert_numbers, auth, doc_a, doc_b,
                         problems_of, simple_doc)

CSV_HEADER = "enterprise,period,item,amount,unit,flow,enthalpy,region,industry,name,park"

# The CSV form of doc_a() and doc_b() (lines 2-4 are A, lines 5-6 are B).
CSV_AB = "\n".join([
    CSV_HEADER,
    f"{ENT_A},2023,raw_coal,1000,t,consumption,,370211,C2911,青岛示例轮胎有限公司,P01",
    f"{ENT_A},2023,electricity,12000,MWh,consumption,,370211,C2911,青岛示例轮胎有限公司,P01",
    f"{ENT_A},2023,value_added,10000,万元,consumption,,370211,C2911,青岛示例轮胎有限公司,P01",
    f"{ENT_B},2023,natural_gas,100,万立方米,consumption,,370305,C2614,淄博示例石化有限公司,P02",
    f"{ENT_B},2023,electricity,5000,MWh,consumption,,370305,C2614,淄博示例石化有限公司,P02",
]) + "\n"

# A 2022 (electricity only): 12,000 MWh x 0.6410 tCO2/MWh (Shandong 2022) = 7,692.0 tCO2
A_2022 = {"co2_electricity_location_tco2": 7692.0, "energy_equivalent_tce": 2189.1}


def three_reports() -> list[dict]:
    return [{"report": doc_a()}, {"report": doc_b()}, {"submission_id": "bulk-a-2022", "report": doc_a("2022")}]


def post_bulk(client, key, batch, fmt="json"):
    if fmt == "json":
        return client.post("/v1/reports/bulk", json=batch, headers=auth(key))
    if fmt == "ndjson":
        body = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in batch).encode()
        return client.post("/v1/reports/bulk", content=body,
                           headers={**auth(key), "Content-Type": "application/x-ndjson"})
    assert fmt == "csv"
    return client.post("/v1/reports/bulk", content=batch.encode(), headers={**auth(key), "Content-Type": "text/csv"})


def stored(client, key, enterprise, period="2023"):
    return client.get(f"/v1/enterprises/{enterprise}/reports/{period}", headers=auth(key))


def revision_count(client, key, enterprise, period="2023") -> int:
    r = client.get(f"/v1/enterprises/{enterprise}/reports/{period}/revisions", headers=auth(key))
    return 0 if r.status_code == 404 else len(as_list(r.json(), "revisions"))


def index_of(problem: dict) -> int:
    """The 0-based position of the problem's report in a JSON or JSON-lines batch (spec: "index")."""
    assert "index" in problem, f"problem has no 'index' (position in the batch): {problem}"
    return problem["index"]


def assert_three_stored(client, key) -> None:
    assert_numbers(stored(client, key, ENT_A).json()["result"], A_2023)
    assert_numbers(stored(client, key, ENT_B).json()["result"], B_2023)
    assert_numbers(stored(client, key, ENT_A, "2022").json()["result"], A_2022)


# ------------------------------------------------------------------------------------------ formats


def test_bulk_json_array(client, province_key):
    r = post_bulk(client, province_key, three_reports())
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["created"], body["revised"], body["unchanged"]) == (3, 0, 0)
    assert sorted((x["enterprise"], x["period"], x["revision"], x["status"]) for x in body["reports"]) == [
        (ENT_A, "2022", 1, "created"), (ENT_A, "2023", 1, "created"), (ENT_B, "2023", 1, "created")]
    assert_three_stored(client, province_key)


def test_bulk_json_lines(client, province_key):
    r = post_bulk(client, province_key, three_reports(), "ndjson")
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["revised"], r.json()["unchanged"]) == (3, 0, 0)
    assert_three_stored(client, province_key)


def test_bulk_csv_long_format(client, province_key):
    r = post_bulk(client, province_key, CSV_AB, "csv")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["created"], body["revised"], body["unchanged"]) == (2, 0, 0)
    assert sorted((x["enterprise"], x["period"], x["revision"]) for x in body["reports"]) == [
        (ENT_A, "2023", 1), (ENT_B, "2023", 1)]
    assert_numbers(stored(client, province_key, ENT_A).json()["result"], A_2023)
    assert_numbers(stored(client, province_key, ENT_B).json()["result"], B_2023)
    # the optional park column places the enterprises in their parks
    ent = client.get(f"/v1/enterprises/{ENT_B}", headers=auth(province_key)).json()
    assert ent["park"] == "P02"
    # the same table again: unchanged
    r = post_bulk(client, province_key, CSV_AB, "csv")
    assert r.status_code == 200
    assert (r.json()["created"], r.json()["unchanged"]) == (0, 2)


def test_bulk_csv_chinese_headers(client, province_key):
    # the core's reader accepts Chinese headers; 原煤 and 电力 are item aliases, 吨 a unit spelling
    table = "企业,期间,能源品种,数量,单位,地区代码\n" \
            f"{ENT_C},2023,原煤,1000,吨,370211\n" \
            f"{ENT_C},2023,电力,12000,MWh,370211\n"
    r = post_bulk(client, province_key, table, "csv")
    assert r.status_code == 200, r.text
    # 714.3 + 1,474.8 = 2,189.1 tce; 12,000 x 0.6191 = 7,429.2 tCO2
    assert_numbers(stored(client, province_key, ENT_C).json()["result"],
                   {"energy_equivalent_tce": 2189.1, "co2_electricity_location_tco2": 7429.2})


def test_bulk_by_an_enterprise_key_for_itself(client, ent_a_key):
    r = post_bulk(client, ent_a_key, [{"report": doc_a()}, {"report": doc_a("2022")}])
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2


# ------------------------------------------------------------------------------------------ all or nothing


def test_bad_item_refuses_the_whole_batch(client, province_key):
    assert post_bulk(client, province_key, [{"report": doc_a()}]).status_code == 200
    bad = simple_doc(ENT_B, park="P02")
    bad["items"].append({"item": "unobtainium", "amount": 5, "unit": "t"})
    batch = [{"report": doc_a(coal_t=1500)}, {"report": simple_doc(ENT_C)}, {"report": bad}]
    r = post_bulk(client, province_key, batch)
    assert r.status_code == 422, r.text
    body = r.json()
    assert isinstance(body["detail"], str)
    (problem,) = [p for p in problems_of(body) if p["code"] == "item_unknown"]
    assert index_of(problem) == 2  # third report of the batch, 0-based like the JSON path [2]
    assert problem["field"] == "item"
    assert "unobtainium" in problem["message"]
    # nothing of the batch was stored
    assert revision_count(client, province_key, ENT_A) == 1
    assert stored(client, province_key, ENT_C).status_code == 404
    assert client.get(f"/v1/enterprises/{ENT_C}", headers=auth(province_key)).status_code == 404
    assert client.get(f"/v1/enterprises/{ENT_B}", headers=auth(province_key)).status_code == 404


def test_negative_amount_refuses_the_whole_batch(client, province_key):
    bad = doc_b()
    bad["items"][1]["amount"] = -5
    batch = [{"report": doc_a()}, {"report": bad}, {"report": simple_doc(ENT_C)}]
    r = post_bulk(client, province_key, batch)
    assert r.status_code == 422, r.text
    (problem,) = [p for p in problems_of(r.json()) if p["code"] == "amount_negative"]
    assert index_of(problem) == 1
    assert problem["field"] == "amount"
    for ent in (ENT_A, ENT_B, ENT_C):
        assert client.get(f"/v1/enterprises/{ent}", headers=auth(province_key)).status_code == 404


def test_bad_csv_row_is_named_by_line(client, province_key):
    lines = CSV_AB.splitlines()
    lines[4] = lines[4].replace(",100,", ",-100,")  # line 5 of the file (header = line 1): B's natural gas
    r = post_bulk(client, province_key, "\n".join(lines) + "\n", "csv")
    assert r.status_code == 422, r.text
    (problem,) = [p for p in problems_of(r.json()) if p["code"] == "amount_negative"]
    assert problem["row"] == 5
    assert problem["field"] == "amount"
    for ent in (ENT_A, ENT_B):
        assert client.get(f"/v1/enterprises/{ent}", headers=auth(province_key)).status_code == 404


def test_every_problem_of_the_batch_is_listed(client, province_key):
    first, second = simple_doc(ENT_A), simple_doc(ENT_C)
    first["items"][0]["unit"] = "t"  # electricity in tonnes
    second["items"][0]["item"] = "raw_coa1"
    r = post_bulk(client, province_key, [{"report": first}, {"report": doc_b()}, {"report": second}], "ndjson")
    assert r.status_code == 422, r.text
    found = {(index_of(p), p["field"], p["code"]) for p in problems_of(r.json())}
    assert found >= {(0, "unit", "unit_dimension"), (2, "item", "item_unknown")}
    assert client.get(f"/v1/enterprises/{ENT_B}", headers=auth(province_key)).status_code == 404


# ------------------------------------------------------------------------------------------ idempotency


def test_resent_batch_is_unchanged(client, province_key):
    assert post_bulk(client, province_key, three_reports()).status_code == 200
    r = post_bulk(client, province_key, three_reports())
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["created"], body["revised"], body["unchanged"]) == (0, 0, 3)
    assert {x["status"] for x in body["reports"]} == {"unchanged"}
    assert {x["revision"] for x in body["reports"]} == {1}
    for ent, period in ((ENT_A, "2023"), (ENT_B, "2023"), (ENT_A, "2022")):
        assert revision_count(client, province_key, ent, period) == 1


def test_batch_with_a_correction_revises_it(client, province_key):
    assert post_bulk(client, province_key, three_reports()).status_code == 200
    batch = three_reports()
    batch[1] = {"report": doc_b(gas_10k_m3=200)}
    r = post_bulk(client, province_key, batch)
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["revised"], r.json()["unchanged"]) == (0, 1, 2)
    # gas 200 x 10^4 m3 x 1.3300 = 2,660.0 tce + 614.5 = 3,274.5 tce
    latest = stored(client, province_key, ENT_B).json()
    assert latest["revision"] == 2
    assert_numbers(latest["result"], {"energy_equivalent_tce": 3274.5})


def test_concurrent_identical_batches_store_one_revision_each(client, province_key):
    """Two threads send the same batch at the same moment through one started app; every report ends
    with exactly one revision, one response says "created" and the other "unchanged" for it."""
    for round_no in range(4):
        batch = [{"report": simple_doc(f"9137CONC{round_no}{i:02d}", electricity_mwh=100 + i)} for i in range(6)]
        if round_no % 2:
            batch = [{"submission_id": f"conc-{round_no}-{i}", **x} for i, x in enumerate(batch)]
        barrier = threading.Barrier(2)
        responses: list = [None, None]

        def send(slot: int) -> None:
            barrier.wait()
            try:
                responses[slot] = post_bulk(client, province_key, batch)
            except Exception as exc:  # a server exception re-raised by TestClient
                responses[slot] = exc

        threads = [threading.Thread(target=send, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for resp in responses:
            assert not isinstance(resp, Exception), repr(resp)
            assert resp.status_code == 200, (round_no, resp.status_code, resp.text)
        statuses: dict[str, list[str]] = {}
        for resp in responses:
            for rep in resp.json()["reports"]:
                statuses.setdefault(rep["enterprise"], []).append(rep["status"])
        assert len(statuses) == 6
        for ent, got in statuses.items():
            assert sorted(got) == ["created", "unchanged"], (round_no, ent, got)
            assert revision_count(client, province_key, ent) == 1


def test_concurrent_identical_single_reports(client, province_key):
    barrier = threading.Barrier(2)
    responses: list = [None, None]

    def send(slot: int) -> None:
        barrier.wait()
        try:
            responses[slot] = client.post("/v1/reports", json={"report": doc_a()}, headers=auth(province_key))
        except Exception as exc:
            responses[slot] = exc

    threads = [threading.Thread(target=send, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert sorted((r.status_code, r.json()["status"]) for r in responses) == [(200, "unchanged"), (201, "created")]
    assert revision_count(client, province_key, ENT_A) == 1


# ------------------------------------------------------------------------------------------ size limit


def test_more_than_max_bulk_reports_is_413(make_client, province_key):
    small = make_client(max_bulk_reports=2)
    r = post_bulk(small, province_key, three_reports())
    assert r.status_code == 413, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert "detail" in r.json()
    assert post_bulk(small, province_key, three_reports(), "ndjson").status_code == 413
    # CSV: three enterprise-periods
    csv = CSV_AB + f"{ENT_C},2023,electricity,1,MWh,consumption,,370211,,,\n"
    assert post_bulk(small, province_key, csv, "csv").status_code == 413
    for ent in (ENT_A, ENT_B, ENT_C):
        assert small.get(f"/v1/enterprises/{ent}", headers=auth(province_key)).status_code == 404
    # exactly the limit is accepted
    r = post_bulk(small, province_key, three_reports()[:2])
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2
