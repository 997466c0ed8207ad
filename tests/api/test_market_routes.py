"""Service routes of the carbon-market sectors: submit monthly key parameters, read the sector report.

Hand-worked (annual entry, month 0): 1,000 t aluminium × 0.411 t/t × (1 − 0.02 − 0.004) × 44/12 = 1,470.832 tCO2
anode; PFCs at the defaults 0.034 kg CF4 × 6630 + 0.0034 kg C2F6 × 11100 per t = 0.26316 tCO2e/t → 263.16.
"""

from __future__ import annotations

import pytest

from service_kit import ENT_A, ENT_B, PARK_A, PARK_B, auth


def _body(enterprise: str = ENT_A, output: float = 1000, **extra) -> dict:
    return {"enterprise": enterprise, "year": 2025, "park": PARK_A, "name": "示例电解铝",
            "rows": [{"facility": "potline_1", "sector": "aluminium", "route": "electrolysis", "month": 0,
                      "parameter": "aluminium_output", "value": output, "unit": "t"}], **extra}


def test_submit_read_revise_and_resend(client, keys):
    r = client.post("/v1/market/submissions", json=_body(submission_id="s-1"), headers=auth(keys.ent_a))
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "created" and r.json()["revision"] == 1
    again = client.post("/v1/market/submissions", json=_body(submission_id="s-1"), headers=auth(keys.ent_a))
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    same = client.post("/v1/market/submissions", json=_body(), headers=auth(keys.ent_a))
    assert same.json()["status"] == "unchanged"
    report = client.get(f"/v1/market/reports/{ENT_A}/2025", headers=auth(keys.ent_a)).json()
    fac = report["facilities"][0]
    assert fac["process_tco2"] == pytest.approx(1_470.832) and fac["pfc_tco2e"] == pytest.approx(263.16)
    revised = client.post("/v1/market/submissions", json=_body(output=2000), headers=auth(keys.ent_a))
    assert revised.json()["status"] == "revised" and revised.json()["revision"] == 2
    report = client.get(f"/v1/market/reports/{ENT_A}/2025", headers=auth(keys.province)).json()
    assert report["revision"] == 2 and report["facilities"][0]["process_tco2"] == pytest.approx(2 * 1_470.832)
    revs = client.get(f"/v1/market/reports/{ENT_A}/2025/revisions", headers=auth(keys.park)).json()
    assert [(x["revision"], x["is_latest"]) for x in revs] == [(1, False), (2, True)]


def test_roles_and_foreign_ids_answer_like_missing_ones(client, keys):
    assert client.post("/v1/market/submissions", json=_body()).status_code == 401
    assert client.post("/v1/market/submissions", json=_body(), headers=auth(keys.ent_b)).status_code == 403
    assert client.post("/v1/market/submissions", json=_body(), headers=auth(keys.ent_a)).status_code == 201
    foreign = client.get(f"/v1/market/reports/{ENT_A}/2025", headers=auth(keys.ent_b))
    missing = client.get("/v1/market/reports/NOPE/2025", headers=auth(keys.ent_b))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["detail"].replace(ENT_A, "X") == missing.json()["detail"].replace("NOPE", "X")
    assert client.get("/v1/market/reports?year=2025", headers=auth(keys.park_b)).json() == []
    listed = client.get("/v1/market/reports?year=2025", headers=auth(keys.province)).json()
    assert [x["enterprise"] for x in listed] == [ENT_A]


def test_bad_rows_answer_422_naming_the_row_and_store_nothing(client, keys):
    body = _body()
    body["rows"].append({**body["rows"][0], "parameter": "aluminium_outptu"})
    r = client.post("/v1/market/submissions", json=body, headers=auth(keys.province))
    assert r.status_code == 422
    problem = r.json()["problems"][0]
    assert problem["row"] == 2 and problem["field"] == "parameter"
    assert client.get(f"/v1/market/reports/{ENT_A}/2025", headers=auth(keys.province)).status_code == 404


def test_html_and_xlsx(client, keys):
    client.post("/v1/market/submissions", json=_body(), headers=auth(keys.province))
    html = client.get(f"/v1/market/reports/{ENT_A}/2025/html", headers=auth(keys.park))
    assert html.status_code == 200 and "排放汇总 / Emissions by facility" in html.text
    xlsx = client.get(f"/v1/market/reports/{ENT_A}/2025/xlsx", headers=auth(keys.province))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(f"/v1/market/reports/{ENT_B}/2025/html", headers=auth(keys.province)).status_code == 404


# --------------------------------------------------------------------------- tenancy (the rules of issue 11)

def test_another_tenants_submission_id_is_new_for_the_sender(client, keys):
    """ENT_B reuses ENT_A's submission id: its own submission is stored (created, revision 1), nothing of
    ENT_A's comes back, and ENT_A's report is untouched."""
    a = client.post("/v1/market/submissions", json=_body(submission_id="dup"), headers=auth(keys.ent_a))
    assert a.status_code == 201
    b = client.post("/v1/market/submissions", json=_body(ENT_B, output=500, park=PARK_B, submission_id="dup"),
                    headers=auth(keys.ent_b))
    assert b.status_code == 201, b.text
    assert (b.json()["enterprise"], b.json()["status"], b.json()["revision"]) == (ENT_B, "created", 1)
    assert ENT_A not in b.text
    mine = client.get(f"/v1/market/reports/{ENT_B}/2025", headers=auth(keys.ent_b)).json()
    # 500 t x 0.411 x (1 - 0.02 - 0.004) x 44/12 = 735.416 tCO2
    assert mine["facilities"][0]["process_tco2"] == pytest.approx(735.416)
    theirs = client.get(f"/v1/market/reports/{ENT_A}/2025", headers=auth(keys.province)).json()
    assert theirs["revision"] == 1 and theirs["facilities"][0]["process_tco2"] == pytest.approx(1_470.832)


def test_a_submission_id_names_one_enterprise_year(client, keys):
    assert client.post("/v1/market/submissions", json=_body(submission_id="s-9"),
                       headers=auth(keys.ent_a)).status_code == 201
    other_year = {**_body(submission_id="s-9"), "year": 2024}
    r = client.post("/v1/market/submissions", json=other_year, headers=auth(keys.ent_a))
    assert r.status_code == 409, r.text
    assert "s-9" in r.text and "2025" in r.text
    assert client.get(f"/v1/market/reports/{ENT_A}/2024", headers=auth(keys.ent_a)).status_code == 404


def test_an_enterprise_key_sets_no_park_membership(client, keys):
    """Park membership is register data: ENT_B (registered in P02) may not claim P01, nor a park that does not
    exist; no park row is created."""
    into_a = client.post("/v1/market/submissions", json=_body(ENT_B, park=PARK_A), headers=auth(keys.ent_b))
    assert into_a.status_code == 403
    new_park = client.post("/v1/market/submissions", json=_body(ENT_B, park="P-NEW"), headers=auth(keys.ent_b))
    assert new_park.status_code == 403
    parks = [p["id"] for p in client.get("/v1/parks", headers=auth(keys.province)).json()]
    assert "P-NEW" not in parks
    members = [e["id"] for e in client.get(f"/v1/parks/{PARK_A}/enterprises", headers=auth(keys.province)).json()]
    assert ENT_B not in members
