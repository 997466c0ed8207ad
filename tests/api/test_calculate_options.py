"""``POST /v1/calculate``: every accounting option settable, the grid level and year stated, unknown query
parameters refused, and the figures named from the indicator catalog.

Hand arithmetic: 1,000 MWh in Qingdao (Shandong) 2023 × 0.6191 tCO2/MWh = 619.1 t by the provincial factor;
the national 2023 average 0.5306 gives 530.6 t.
"""

from __future__ import annotations

import pytest

from carbonkit.catalog import indicator
from service_kit import ENT_A, auth, simple_doc


def _calc(client, key, query: str = "", doc=None):
    return client.post("/v1/calculate" + query, json=doc or simple_doc(ENT_A), headers=auth(key))


def test_grid_level_national_is_applied_and_stated(client, province_key):
    province = _calc(client, province_key).json()
    national = _calc(client, province_key, "?grid_level=national").json()
    assert province["result"]["co2_electricity_location_tco2"] == pytest.approx(619.1, rel=1e-9)
    assert national["result"]["co2_electricity_location_tco2"] == pytest.approx(530.6, rel=1e-9)
    assert (province["result"]["grid_level_location"], province["result"]["grid_year_location"]) == ("province", 2023)
    assert (national["result"]["grid_level_location"], national["result"]["grid_year_location"]) == ("national", 2023)
    assert national["options"]["grid_level"] == "national"


def test_every_option_is_settable(client, province_key):
    body = _calc(client, province_key, "?location_purpose=fossil&year_fallback=nearest&require_value_added=false"
                                       "&power_coal_rate=0.3&grid_level=grid").json()
    assert body["options"] == {"location_purpose": "fossil", "grid_level": "grid", "year_fallback": "nearest",
                               "power_coal_rate": 0.3, "require_value_added": False}


@pytest.mark.parametrize("query", ["?gridlevel=national", "?grid_level=national&colour=blue"])
def test_unknown_query_parameter_is_422_naming_it(client, province_key, query):
    r = _calc(client, province_key, query)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert any(d["loc"] == ["query", query.split("&")[-1].lstrip("?").split("=")[0]] for d in detail)
    assert "grid_level" in detail[0]["msg"]  # the accepted names are listed


def test_unknown_query_parameter_on_a_get_route_is_422(client, province_key):
    r = client.get("/v1/enterprises?colour=blue", headers=auth(province_key))
    assert r.status_code == 422, r.text


def test_electricity_without_a_region_is_422_naming_the_field(client, province_key):
    doc = simple_doc(ENT_A)
    del doc["region"]
    r = _calc(client, province_key, doc=doc)
    assert r.status_code == 422, r.text
    (problem,) = r.json()["problems"]
    assert (problem["code"], problem["field"]) == ("region_missing", "region")
    assert "`CN`" in problem["message"]


def test_indicators_named_from_the_catalog(client, province_key):
    body = _calc(client, province_key).json()
    for column in ("energy_equivalent_tce", "energy_equal_tce", "co2_location_tco2"):
        entry = indicator(column)
        assert body["indicators"][column]["name_zh"] == entry.name_zh
        assert body["indicators"][column]["name_en"] == entry.name_en
        assert body["indicators"][column]["unit"] == entry.unit
    assert "当量值" in body["indicators"]["energy_equivalent_tce"]["name_zh"]


def test_a_large_document_is_accounted_off_the_event_loop(client, province_key, monkeypatch):
    """A report of more than SMALL_ROWS items goes to the thread pool (one large body must not stop the worker's
    other requests); a report of a few items is accounted on the event loop. Both answer as before: 300 copies of
    the same item are refused (422, the duplicate named), one item gives 1,000 MWh x 0.6191 = 619.1 tCO2."""
    from api.routers import calculate as route
    from carbonkit.documents import SMALL_ROWS

    pooled = []
    real = route.run_in_threadpool

    async def spy(func, *args, **kwargs):
        pooled.append(func)
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(route, "run_in_threadpool", spy)
    small = _calc(client, province_key)
    assert small.status_code == 200 and pooled == []
    assert small.json()["result"]["co2_electricity_location_tco2"] == pytest.approx(619.1, rel=1e-9)
    doc = simple_doc(ENT_A)
    doc["items"] = doc["items"] * (SMALL_ROWS + 44)
    large = _calc(client, province_key, doc=doc)
    assert large.status_code == 422, large.text
    assert "electricity" in large.text
    assert len(pooled) == 1
