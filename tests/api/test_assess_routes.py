"""Assessment endpoints: a posted factory, a stored enterprise-period, a stored park; keys and roles."""

from __future__ import annotations

import pytest
from service_kit import ENT_A, ENT_B, PARK_A, PARK_B, auth, doc_a, doc_b

GATES = {"management_systems": True, "discharge_permit": True, "emissions_within_limits": True,
         "no_phased_out_equipment": True, "no_major_incident_3y": True, "not_dishonest_debtor": True}


def test_every_assessment_route_needs_a_key(client, seeded):
    for method, path, body in (("get", "/v1/assess/criteria", None),
                               ("post", "/v1/assess/factory", {"document": doc_a()}),
                               ("post", f"/v1/assess/enterprises/{ENT_A}/2023", {}),
                               ("post", f"/v1/assess/parks/{PARK_A}?year=2023", {})):
        r = client.request(method, path, json=body)
        assert r.status_code == 401, (path, r.text)
        assert "detail" in r.json()


def test_criteria_list(client, keys):
    r = client.get("/v1/assess/criteria", headers=auth(keys.ent_a))
    assert r.status_code == 200
    ids = {c["id"]: c for c in r.json()}
    assert set(ids) == {"miit-green-factory-2025", "miit-green-park-2016", "miit-green-park-2025"}
    assert ids["miit-green-park-2016"]["indicators"] == 31 and "path" not in ids["miit-green-park-2016"]


def test_posted_factory_own_enterprise_only(client, keys):
    r = client.post("/v1/assess/factory", json={"document": doc_a(), "gates": GATES}, headers=auth(keys.ent_a))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["subject"]["enterprise"] == ENT_A and body["criteria"]["id"] == "miit-green-factory-2025"
    # doc_a: 2,189.1 tce (service_kit), no renewables: share 0 %; below 3,000 tce the lead value is 33.03
    ren = next(i for i in body["indicators"] if i["id"] == "renewable_share")
    assert ren["value"] == 0.0 and ren["lead"] == 33.03 and ren["points"] == 0.0 and ren["source"] == "computed"
    assert body["assessable"] is False and body["passed"] is None  # many statements are missing
    r = client.post("/v1/assess/factory", json={"document": doc_b()}, headers=auth(keys.ent_a))
    assert r.status_code == 403
    r = client.post("/v1/assess/factory", json={"gates": GATES}, headers=auth(keys.province))
    assert r.status_code == 422


def test_stored_factory_uses_the_stored_result(client, seeded, keys):
    r = client.post(f"/v1/assess/enterprises/{ENT_A}/2023", json={"gates": dict(GATES, discharge_permit=False)},
                    headers=auth(keys.ent_a))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["passed"] is False and any("veto" in x for x in body["reasons"])
    assert body["metrics"]["energy_tce"]["value"] == pytest.approx(2189.1)
    assert body["release"] == "cn-2026.11"
    # another tenant's enterprise does not exist for this key; a missing period is 404 too
    assert client.post(f"/v1/assess/enterprises/{ENT_B}/2023", json={}, headers=auth(keys.ent_a)).status_code == 404
    assert client.post(f"/v1/assess/enterprises/{ENT_A}/2019", json={}, headers=auth(keys.ent_a)).status_code == 404
    assert client.post(f"/v1/assess/enterprises/{ENT_A}/2023", json={}, headers=auth(keys.park)).status_code == 200
    assert client.post(f"/v1/assess/enterprises/{ENT_A}/2023", json={}, headers=auth(keys.park_b)).status_code == 404


def test_park_from_stored_reports(client, seeded, keys):
    # a 2022 report with 1,200 t of coal gives the CO2 intensity reduction rate. Raw coal EF (NDRC table):
    #   20.908 GJ/t x 26.1 tC/TJ x 0.93 x 44/12 = 1.8608329 tCO2/t
    #   2022: 1,200 t x 1.8608329 + 12,000 MWh x 0.6410 (Shandong 2022) = 2,232.9995 + 7,692.0 = 9,924.9995 tCO2
    #   2023: 1,000 t x 1.8608329 + 12,000 MWh x 0.6191 = 1,860.8329 + 7,429.2 = 9,290.0329 tCO2
    #   value added 10,000 万元 both years: reduction = 1 - 9,290.0329 / 9,924.9995 = 6.3976 %
    r = client.post("/v1/reports", json={"report": doc_a(period="2022", coal_t=1200)}, headers=auth(keys.province))
    assert r.status_code == 201, r.text
    r = client.post(f"/v1/assess/parks/{PARK_A}?year=2023", json={"land_area": {"value": 2, "unit": "km2"}},
                    headers=auth(keys.park))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["subject"]["enterprises"] == [ENT_A] and body["subject"]["enterprises_year_before"] == [ENT_A]
    ind = {i["id"]: i for i in body["indicators"]}
    # energy output rate 10,000 万元 / 2,189.1 tce = 4.5681 万元/tce >= lead 3: 4 points
    assert ind["energy_output_rate"]["value"] == pytest.approx(10_000 / 2189.1) and ind["energy_output_rate"]["points"] == 4
    assert ind["co2_intensity_reduction"]["value"] == pytest.approx(100 * (1 - 9290.0329 / 9924.9995), rel=1e-6)
    # land output rate 10,000 万元 / 2 km2 = 0.5 亿元/km2
    assert ind["land_output_rate"]["value"] == pytest.approx(0.5)
    assert body["assessable"] is False  # gates and park-level values not stated
    # roles: the other park's key and enterprise keys do not see the park; the province sees both
    assert client.post(f"/v1/assess/parks/{PARK_A}?year=2023", json={}, headers=auth(keys.park_b)).status_code == 404
    assert client.post(f"/v1/assess/parks/{PARK_A}?year=2023", json={}, headers=auth(keys.ent_a)).status_code == 404
    assert client.post(f"/v1/assess/parks/{PARK_B}?year=2023", json={}, headers=auth(keys.province)).status_code == 200
    assert client.post("/v1/assess/parks/NOPE?year=2023", json={}, headers=auth(keys.province)).status_code == 404


def test_bad_requests_are_4xx_json(client, seeded, keys):
    h = auth(keys.province)
    r = client.post(f"/v1/assess/enterprises/{ENT_A}/2023", json={"values": {"nope": 1}}, headers=h)
    assert r.status_code == 422 and any(p.get("field") == "values.nope" for p in r.json()["problems"])
    r = client.post(f"/v1/assess/enterprises/{ENT_A}/2023?criteria=../../etc/passwd", json={}, headers=h)
    assert r.status_code == 422
    r = client.post(f"/v1/assess/enterprises/{ENT_A}/2023?criteria=nope", json={}, headers=h)
    assert r.status_code == 422 and "miit-green-factory-2025" in r.json()["detail"]
    r = client.post(f"/v1/assess/enterprises/{ENT_A}/2023?criteria=miit-green-park-2016", json={}, headers=h)
    assert r.status_code == 422  # a park set for a factory
    r = client.post(f"/v1/assess/parks/{PARK_A}", json={}, headers=h)
    assert r.status_code == 422  # year is required
    r = client.post(f"/v1/assess/parks/{PARK_A}?year=2023", json={"land_area": {"value": 2, "unit": "kWh"}}, headers=h)
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "land_area.unit"
    r = client.post(f"/v1/assess/parks/{PARK_A}?year=2023", content=b"{not json", headers=h)
    assert r.status_code == 422
