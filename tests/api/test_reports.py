"""Reports: submission, revisions, idempotency, recomputation and the store-nothing calculator.

Spec (service.md): POST /v1/reports answers 201 "created"/"revised" or 200 "unchanged" (content equal to
the latest revision's, or a submission_id seen before: then what that submission stored). GET of a report
returns the latest revision unless ``?revision=n``. Hand-computed numbers: see service_kit (doc_a, doc_b).
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from service_kit import (A_2023, B_2023, ENT_A, ENT_B, ENT_C, RELEASE, as_list, assert_numbers, auth, doc_a,
                         doc_b, document_of, ids_of, release_names, simple_doc, summary_of)


def submit(client, key, doc, submission_id=None):
    body = {"report": doc} if submission_id is None else {"submission_id": submission_id, "report": doc}
    return client.post("/v1/reports", json=body, headers=auth(key))


def revisions(client, key, enterprise=ENT_A, period="2023") -> list[dict]:
    r = client.get(f"/v1/enterprises/{enterprise}/reports/{period}/revisions", headers=auth(key))
    assert r.status_code == 200, r.text
    return as_list(r.json(), "revisions")


def coal_of(document: dict) -> float:
    (coal,) = [i["amount"] for i in document["items"] if i["item"] == "raw_coal"]
    return coal


def by_key(client, province_key, submitted_by, name: str) -> bool:
    """``submitted_by`` names the key called ``name``: its name or its id (service.md: "key name/id")."""
    if isinstance(submitted_by, dict):
        return submitted_by.get("name") == name or by_key(client, province_key, submitted_by.get("id"), name)
    if submitted_by == name:
        return True
    listed = as_list(client.get("/v1/keys", headers=auth(province_key)).json(), "keys")
    return any(k.get("name") == name and str(k["id"]) == str(submitted_by) for k in listed)


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# ------------------------------------------------------------------------------------------ submit


def test_submit_creates_revision_1_with_hand_computed_result(client, ent_a_key):
    r = submit(client, ent_a_key, doc_a())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "created"
    assert body["enterprise"] == ENT_A
    assert body["period"] == "2023"
    assert body["revision"] == 1
    assert body["report_id"] is not None
    # 1,000 t raw coal = 714.3 tce; 12,000 MWh = 1,474.8 tce; total 2,189.1 tce;
    # 12,000 MWh x 0.6191 (Shandong 2023) = 7,429.2 tCO2; coal 1,000 t x 1.8608 = 1,860.8 tCO2
    assert_numbers(body["result"], A_2023)
    assert summary_of(body["result"])["release"] == RELEASE
    assert summary_of(body["result"])["grid_factor_location"] == "mee-nbs-grid-2023.37.average"


def test_stored_report_reads_back(client, ent_a_key):
    submit(client, ent_a_key, doc_a())
    r = client.get(f"/v1/enterprises/{ENT_A}/reports/2023", headers=auth(ent_a_key))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["revision"] == 1
    assert document_of(body)["items"] == doc_a()["items"]
    assert_numbers(body["result"], A_2023)
    r = client.get(f"/v1/enterprises/{ENT_A}/reports", headers=auth(ent_a_key))
    (entry,) = as_list(r.json(), "reports")
    assert entry["period"] == "2023" and entry["revision"] == 1
    assert entry["submitted_at"] and entry["submitted_by"] is not None


def test_two_periods_are_two_reports(client, ent_a_key):
    assert submit(client, ent_a_key, doc_a("2022")).status_code == 201
    assert submit(client, ent_a_key, doc_a("2023")).status_code == 201
    listed = as_list(client.get(f"/v1/enterprises/{ENT_A}/reports", headers=auth(ent_a_key)).json(), "reports")
    assert sorted((e["period"], e["revision"]) for e in listed) == [("2022", 1), ("2023", 1)]
    r = client.get(f"/v1/enterprises/{ENT_A}/reports/2022", headers=auth(ent_a_key))
    # 2022: 12,000 MWh x 0.6410 tCO2/MWh (Shandong 2022) = 7,692.0 tCO2; energy as in 2023 = 2,189.1 tce
    assert_numbers(r.json()["result"], {"co2_electricity_location_tco2": 7692.0, "energy_equivalent_tce": 2189.1})


def test_identical_resubmission_is_unchanged(client, ent_a_key):
    assert submit(client, ent_a_key, doc_a()).status_code == 201
    r = submit(client, ent_a_key, doc_a())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "unchanged"
    assert body["revision"] == 1
    assert_numbers(body["result"], A_2023)
    # the same content with its JSON keys in another order is the same content
    reordered = json.loads(json.dumps(doc_a(), sort_keys=True))
    reordered = dict(reversed(list(reordered.items())))
    r = submit(client, ent_a_key, reordered)
    assert r.status_code == 200 and r.json()["status"] == "unchanged", r.text
    assert len(revisions(client, ent_a_key)) == 1


def test_same_submission_id_is_idempotent_even_with_other_content(client, ent_a_key):
    first = submit(client, ent_a_key, doc_a(), submission_id="sub-0001")
    assert first.status_code == 201
    r = submit(client, ent_a_key, doc_a(coal_t=2000), submission_id="sub-0001")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "unchanged"
    assert body["revision"] == 1
    assert body["report_id"] == first.json()["report_id"]
    # what that submission stored: the 1,000 t document, 2,189.1 tce (not 2,000 t -> 2,903.4 tce)
    assert_numbers(body["result"], A_2023)
    latest = client.get(f"/v1/enterprises/{ENT_A}/reports/2023", headers=auth(ent_a_key)).json()
    assert coal_of(document_of(latest)) == 1000
    (rev,) = revisions(client, ent_a_key)
    assert rev["submission_id"] == "sub-0001"


def test_corrected_report_is_revision_2_and_revision_1_stays(client, ent_a_key, province_key):
    assert submit(client, ent_a_key, doc_a()).status_code == 201
    r = submit(client, province_key, doc_a(coal_t=1100), submission_id="fix-2023")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "revised"
    assert body["revision"] == 2
    # 1,100 t x 0.7143 = 785.73 tce; + 1,474.8 = 2,260.53 tce; CO2 1,100 x 1.8608 = 2,046.88 tCO2
    corrected = {"energy_equivalent_tce": 2260.53, "co2_combustion_tco2": 2046.88,
                 "co2_electricity_location_tco2": 7429.2}
    assert_numbers(body["result"], corrected)

    latest = client.get(f"/v1/enterprises/{ENT_A}/reports/2023", headers=auth(ent_a_key))
    assert latest.status_code == 200
    assert latest.json()["revision"] == 2
    assert coal_of(document_of(latest.json())) == 1100
    assert_numbers(latest.json()["result"], corrected)

    old = client.get(f"/v1/enterprises/{ENT_A}/reports/2023?revision=1", headers=auth(ent_a_key))
    assert old.status_code == 200, old.text
    assert old.json()["revision"] == 1
    assert coal_of(document_of(old.json())) == 1000
    assert_numbers(old.json()["result"], A_2023)

    revs = revisions(client, ent_a_key)
    assert [x["revision"] for x in revs] == [1, 2]
    assert by_key(client, province_key, revs[0]["submitted_by"], "ent-A")
    assert by_key(client, province_key, revs[1]["submitted_by"], "province")
    assert parse_time(revs[0]["submitted_at"]) <= parse_time(revs[1]["submitted_at"])
    assert revs[0]["content_hash"] and revs[1]["content_hash"] and revs[0]["content_hash"] != revs[1]["content_hash"]
    assert revs[0]["submission_id"] is None
    assert revs[1]["submission_id"] == "fix-2023"

    listed = as_list(client.get(f"/v1/enterprises/{ENT_A}/reports", headers=auth(ent_a_key)).json(), "reports")
    assert [(e["period"], e["revision"]) for e in listed] == [("2023", 2)]
    # going back to the first content is a new revision 3, not "unchanged" (it differs from the latest)
    r = submit(client, ent_a_key, doc_a())
    assert r.status_code == 201 and r.json()["status"] == "revised" and r.json()["revision"] == 3, r.text


def test_unknown_revision_or_period_is_404(client, ent_a_key):
    submit(client, ent_a_key, doc_a())
    assert client.get(f"/v1/enterprises/{ENT_A}/reports/2023?revision=2", headers=auth(ent_a_key)).status_code == 404
    assert client.get(f"/v1/enterprises/{ENT_A}/reports/2021", headers=auth(ent_a_key)).status_code == 404
    assert client.get(f"/v1/enterprises/{ENT_A}/reports/2021/revisions",
                      headers=auth(ent_a_key)).status_code == 404


def test_enterprise_record_comes_from_the_document(client, province_key):
    submit(client, province_key, doc_b())
    r = client.get(f"/v1/enterprises/{ENT_B}", headers=auth(province_key))
    assert r.status_code == 200
    assert {k: r.json().get(k) for k in ("id", "name", "region", "industry", "park")} == {
        "id": ENT_B, "name": "淄博示例石化有限公司", "region": "370305", "industry": "C2614", "park": "P02"}
    r = client.get(f"/v1/enterprises/{ENT_B}/reports/2023", headers=auth(province_key))
    # gas 100 x 10^4 m3 x 1.3300 kgce/m3 = 1,330.0 tce; + 5,000 MWh x 0.1229 = 614.5 tce -> 1,944.5 tce
    assert_numbers(r.json()["result"], B_2023)


# ------------------------------------------------------------------------------------------ results and releases


def test_releases_lists_the_shipped_release(client, province_key):
    r = client.get("/v1/factors/releases", headers=auth(province_key))
    assert r.status_code == 200
    assert release_names(r.json()) == [RELEASE]


def test_recompute_with_the_same_release_returns_the_existing_result(client, ent_a_key):
    """Only one release ships (cn-2026.11), so "both kept" cannot be shown with two releases. The spec
    keeps one result per release beside the others; recomputing with the release already used gives the
    same numbers and must not add a duplicate result (the list of results keeps its length)."""
    submit(client, ent_a_key, doc_a())
    (release,) = release_names(client.get("/v1/factors/releases", headers=auth(ent_a_key)).json())
    before = client.get(f"/v1/enterprises/{ENT_A}/results?period=2023", headers=auth(ent_a_key))
    assert before.status_code == 200
    before = as_list(before.json(), "results")
    assert len(before) == 1
    assert before[0]["release"] == release

    r = client.post(f"/v1/enterprises/{ENT_A}/reports/2023/recompute?release={release}", headers=auth(ent_a_key))
    assert r.status_code in (200, 201), r.text
    body = r.json()
    result = body.get("result", body)
    assert_numbers(result, A_2023)
    assert summary_of(result)["release"] == release
    again = client.post(f"/v1/enterprises/{ENT_A}/reports/2023/recompute?release={release}", headers=auth(ent_a_key))
    assert again.status_code in (200, 201), again.text

    after = as_list(client.get(f"/v1/enterprises/{ENT_A}/results?period=2023", headers=auth(ent_a_key)).json(),
                    "results")
    assert len(after) == len(before)
    for res in after:
        assert res["release"] == release
        assert_numbers(res.get("result", res), A_2023)
    # the report itself did not change
    assert len(revisions(client, ent_a_key)) == 1


def test_recompute_unknown_release_or_report(client, ent_a_key):
    submit(client, ent_a_key, doc_a())
    r = client.post(f"/v1/enterprises/{ENT_A}/reports/2023/recompute?release=no-such-release",
                    headers=auth(ent_a_key))
    assert 400 <= r.status_code < 500, r.text
    r = client.post(f"/v1/enterprises/{ENT_A}/reports/2021/recompute?release={RELEASE}", headers=auth(ent_a_key))
    assert r.status_code == 404, r.text
    results = as_list(client.get(f"/v1/enterprises/{ENT_A}/results?period=2023", headers=auth(ent_a_key)).json(),
                      "results")
    assert [res["release"] for res in results] == [RELEASE]


def test_factor_lookup(client, ent_a_key):
    r = client.get("/v1/factors/gbt2589-2020-a.raw_coal", headers=auth(ent_a_key))
    assert r.status_code == 200, r.text
    assert r.json()["value"] == pytest.approx(0.7143)  # GB/T 2589 Appendix A, raw coal, kgce/kg
    assert client.get("/v1/factors/no-such-table.raw_coal", headers=auth(ent_a_key)).status_code == 404
    r = client.get(f"/v1/factors?release={RELEASE}", headers=auth(ent_a_key))
    assert r.status_code == 200
    assert "gbt2589-2020-a.raw_coal" in ids_of(r.json(), "factors")


# ------------------------------------------------------------------------------------------ calculate


def test_calculate_returns_numbers_and_stores_nothing(client, province_key):
    r = client.post("/v1/calculate", json=simple_doc(ENT_C, electricity_mwh=1000), headers=auth(province_key))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["release"] == RELEASE
    # 1,000 MWh = 1,000,000 kWh x 0.1229 kgce/kWh = 122.9 tce; x 0.6191 tCO2/MWh = 619.1 tCO2
    assert_numbers(body["result"], {"energy_equivalent_tce": 122.9, "co2_electricity_location_tco2": 619.1})
    factor_ids = {f["id"] for f in body["factors"]}
    assert {"gbt2589-2020-a.electricity", "mee-nbs-grid-2023.37.average"} <= factor_ids
    assert client.get(f"/v1/enterprises/{ENT_C}", headers=auth(province_key)).status_code == 404
    assert ENT_C not in ids_of(client.get("/v1/enterprises", headers=auth(province_key)).json(), "enterprises")
    assert client.get("/v1/parks", headers=auth(province_key)).json() in ([], {"items": []}, {"parks": []})


def test_calculate_options(client, ent_a_key):
    # equal-value method with power_coal_rate 0.3 kgce/kWh:
    # coal 714.3 tce + 12,000,000 kWh x 0.3 kgce/kWh = 3,600 tce -> 4,314.3 tce; equivalent method unchanged
    r = client.post(f"/v1/calculate?power_coal_rate=0.3&release={RELEASE}", json=doc_a(), headers=auth(ent_a_key))
    assert r.status_code == 200, r.text
    assert_numbers(r.json()["result"], {"energy_equal_tce": 4314.3, "energy_equivalent_tce": 2189.1})
    raw_coal = [f for f in r.json()["factors"] if f["id"] == "gbt2589-2020-a.raw_coal"]
    assert raw_coal and raw_coal[0]["value"] == pytest.approx(0.7143)
    # electricity in 2019 with year_fallback=earlier: no grid factor for 2019 or earlier -> factor_missing
    r = client.post("/v1/calculate?year_fallback=earlier", json=doc_a("2019"), headers=auth(ent_a_key))
    assert r.status_code == 422, r.text
    assert "factor_missing" in {p["code"] for p in r.json()["problems"]}
    # nothing of A was stored by calculating (A itself is in the register since its key was issued)
    assert client.get(f"/v1/enterprises/{ENT_A}/reports", headers=auth(ent_a_key)).json() == []


def test_calculate_does_not_touch_a_stored_report(client, ent_a_key):
    submit(client, ent_a_key, doc_a())
    r = client.post("/v1/calculate", json=doc_a(coal_t=5000), headers=auth(ent_a_key))
    assert r.status_code == 200
    # 5,000 t x 0.7143 = 3,571.5 tce + 1,474.8 = 5,046.3 tce
    assert_numbers(r.json()["result"], {"energy_equivalent_tce": 5046.3})
    assert len(revisions(client, ent_a_key)) == 1
    latest = client.get(f"/v1/enterprises/{ENT_A}/reports/2023", headers=auth(ent_a_key)).json()
    assert_numbers(latest["result"], A_2023)
