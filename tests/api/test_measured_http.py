"""Measured calorific value and carbon content over HTTP: passed per item in the report document with a source,
stored with the report, used in its result and named in the factor trace.

1,000 t raw coal at a measured 21.5 GJ/t and 27.0 tC/TJ (OF 0.93 from the release):
energy 21,500,000 kJ/t ÷ 29,307 kJ/kgce × 1,000 t = 733.61 tce; CO2 21.5 TJ × 27.0 × 0.93 × 44/12 = 1,979.505 t.
"""

from __future__ import annotations

import pytest

from service_kit import ENT_A, auth

SOURCE = "SGS report 2023-117"


def _doc() -> dict:
    return {"enterprise": ENT_A, "period": "2023", "region": "370211", "park": "P01",
            "items": [{"item": "raw_coal", "amount": 1000, "unit": "t", "ncv": 21.5, "ncv_unit": "GJ/t",
                       "carbon_content": 27.0, "carbon_content_unit": "tC/TJ", "factor_source": SOURCE}]}


def test_measured_values_are_stored_used_and_traced(client, province_key):
    r = client.post("/v1/reports", json={"report": _doc()}, headers=auth(province_key))
    assert r.status_code == 201, r.text
    summary = r.json()["result"]["summary"]
    assert summary["energy_equivalent_tce"] == pytest.approx(21_500_000 / 29_307, rel=1e-9)
    assert summary["co2_combustion_tco2"] == pytest.approx(1979.505, rel=1e-9)
    assert "measured.91370211473270545N.2023.raw_coal.ncv" in summary["factor_ids"]
    stored = client.get(f"/v1/enterprises/{ENT_A}/reports/2023", headers=auth(province_key)).json()
    item = stored["document"]["items"][0]
    assert (item["ncv"], item["ncv_unit"], item["factor_source"]) == (21.5, "GJ/t", SOURCE)


def test_calculate_lists_the_measured_factor_with_its_source(client, province_key):
    body = client.post("/v1/calculate", json=_doc(), headers=auth(province_key)).json()
    factors = {f["id"]: f for f in body["factors"]}
    cc = factors["measured.91370211473270545N.2023.raw_coal.carbon_content"]
    assert (cc["value"], cc["unit"], cc["source"]) == (27.0, "tC/TJ", SOURCE)


def test_a_measured_value_without_source_is_422(client, province_key):
    doc = _doc()
    del doc["items"][0]["factor_source"]
    r = client.post("/v1/reports", json={"report": doc}, headers=auth(province_key))
    assert r.status_code == 422, r.text
    assert r.json()["problems"][0]["code"] == "factor_source_missing"
