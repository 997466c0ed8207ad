"""Issue 15 routes: zero-carbon park assessment (roles as the green-park assessment), carbon budgets, the
2026-2030 profiles through /v1/progress, and the total decomposition."""

from __future__ import annotations

import pytest
from service_kit import ENT_A, PARK_A, PARK_B, auth, doc_a


def test_zero_carbon_park_roles_and_numbers(client, seeded, keys):
    # P01 = enterprise A, 2023: energy 2,189.1 tce; market CO2 = combustion 1,860.8329 + 12,000 MWh x 0.6096
    # (CN 2023 excluding market-traded non-fossil; no Shandong or North China row) = 1,860.8329 + 7,315.2
    # = 9,176.0329 tCO2 -> 4.191692 tCO2/tce; 2,189.1 tce is below the 200,000 tce of the first tier: no verdict
    r = client.post(f"/v1/assess/parks/{PARK_A}/zero-carbon?year=2023", json={}, headers=auth(keys.park))
    assert r.status_code == 200, r.text
    body = r.json()
    core = next(i for i in body["indicators"] if i["id"] == "co2_per_energy")
    assert core["value"] == pytest.approx(9176.0329 / 2189.1, rel=1e-5)
    assert core["met"] is None and "no published threshold" in core["reason"] and body["core_met"] is None
    assert body["metrics"]["co2_location_per_energy"] == pytest.approx(9290.0329 / 2189.1, rel=1e-5)
    # the same roles as the green-park assessment: a foreign or missing park is the same 404
    for key, park in ((keys.park_b, PARK_A), (keys.ent_a, PARK_A), (keys.province, "NOPE")):
        r = client.post(f"/v1/assess/parks/{park}/zero-carbon?year=2023", json={}, headers=auth(key))
        assert r.status_code == 404
    assert client.post(f"/v1/assess/parks/{PARK_B}/zero-carbon?year=2023", json={},
                       headers=auth(keys.province)).status_code == 200
    assert client.post(f"/v1/assess/parks/{PARK_A}/zero-carbon?year=2023", json={}).status_code == 401
    bad = client.post(f"/v1/assess/parks/{PARK_A}/zero-carbon?year=2023", json={"values": {"nope": 1}},
                      headers=auth(keys.province))
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "values.nope"
    listed = client.get("/v1/assess/zero-carbon/criteria", headers=auth(keys.ent_a))
    assert [c["id"] for c in listed.json()] == ["ndrc-zero-carbon-park-2025"]


BUDGETS = [{"scope": "37", "kind": "region", "start_year": 2023, "end_year": 2025, "budget_tco2": 30_000},
           {"scope": PARK_A, "kind": "park", "start_year": 2023, "end_year": 2025, "budget_tco2": 20_000}]


def test_budget_use_rolls_up_and_respects_roles(client, seeded, keys):
    # 2023: A 9,290.0329 + B (2,162.2 + 3,095.5 = 5,257.7) = 14,547.73 tCO2 of 30,000: remaining 15,452.27;
    # at 14,547.73 a year the cumulative 2024 = 29,095.46, 2025 = 43,643.19 > 30,000 -> runs out in 2025
    r = client.post("/v1/budgets", json={"year": 2023, "budgets": BUDGETS}, headers=auth(keys.province))
    assert r.status_code == 200, r.text
    got = {b["scope"]: b for b in r.json()["budgets"]}
    assert got["37"]["used_tco2"] == pytest.approx(14_547.73, rel=1e-5) and got["37"]["run_out_year"] == 2025
    # P01 (A only): 9,290.0329 of 20,000; 2024 18,580.07, 2025 27,870.10 > 20,000 -> 2025; its parent is 37
    assert got[PARK_A]["used_tco2"] == pytest.approx(9290.0329, rel=1e-5) and got[PARK_A]["parent"] == "37"
    assert got["37"]["children_budget_tco2"] == 20_000
    # a park key: its own park's budget only
    assert client.post("/v1/budgets", json={"budgets": BUDGETS[1:]}, headers=auth(keys.park)).status_code == 200
    assert client.post("/v1/budgets", json={"budgets": BUDGETS[:1]}, headers=auth(keys.park)).status_code == 403
    assert client.post("/v1/budgets", json={"budgets": BUDGETS[1:]}, headers=auth(keys.park_b)).status_code == 404
    assert client.post("/v1/budgets", json={"budgets": BUDGETS}, headers=auth(keys.ent_a)).status_code == 403
    bad = client.post("/v1/budgets", json={"budgets": [dict(BUDGETS[0], budget_tco2=-1)]}, headers=auth(keys.province))
    assert bad.status_code == 422


def test_progress_with_the_national_2026_profile(client, seeded, keys):
    # A's 2026 report: coal 900 t (1,674.7496 tCO2) and 12,000 MWh at the Shandong 2023 factor (the latest
    # published, used for 2026 with year_fallback earlier) -> CO2 per VA falls; the response names the profile
    r = client.post("/v1/reports", json={"report": doc_a(period="2025")}, headers=auth(keys.province))
    assert r.status_code == 201, r.text
    r = client.post("/v1/reports", json={"report": doc_a(period="2026", coal_t=900)}, headers=auth(keys.province))
    assert r.status_code == 201, r.text
    r = client.get("/v1/progress?profile=cn-15fyp-2026-2030&year=2026&region=37", headers=auth(keys.province))
    assert r.status_code == 200, r.text
    body = r.json()
    step = next(i for i in body["indicators"] if i["target"] == "co2_intensity_2026")
    # 2025: 9,290.0329 / 10,000; 2026: (900 x 1.8608329 + 7,429.2) / 10,000 = (1,674.7496 + 7,429.2) / 10,000
    # step = 9,103.9496 / 9,290.0329 - 1 = -2.003 %: the 3.8 % step is missed
    assert step["step_change"] == pytest.approx(9103.9496 / 9290.0329 - 1, rel=1e-5) and step["met"] is False
    assert body["panel"] == "balanced" and body["panel_coverage"]["n_panel"] == 1


def test_total_decomposition_route(client, seeded, keys):
    r = client.post("/v1/reports", json={"report": doc_a(period="2022", coal_t=1200)}, headers=auth(keys.province))
    assert r.status_code == 201
    r = client.get("/v1/decomposition?start=2022&end=2023&by=enterprise&indicator=energy&total=true",
                   headers=auth(keys.province))
    assert r.status_code == 200, r.text
    body = r.json()
    # only A reports in 2022; 2023 adds B (all structure: a new sector). ΔE = 2,189.1 + 1,944.5 - (857.16 + 1,474.8)
    assert body["effects"] == ["activity", "structure", "intensity"] and body["unit"] == "tce"
    assert sum(body["additive"][e] for e in body["effects"]) == pytest.approx(body["additive"]["total"])
