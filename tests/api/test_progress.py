"""Aggregates, target progress and decomposition over stored results: numbers worked out by hand, role
boundaries (province: everything; park key: its own park; enterprise key: 403), the migration that adds
the decomposition columns.

Hand arithmetic uses GB/T 2589-2020 Appendix A, electricity 0.1229 kgce/kWh (equivalent value), so
1 MWh = 1,000 kWh x 0.1229 kgce = 0.1229 tce.
"""

from __future__ import annotations

import pytest
from service_kit import ENT_A, ENT_B, ENT_C, PARK_A, PARK_B, auth

ENT_D = "91370305552464479X"  # registered in park P02 but never reports 2023 (coverage)


def doc(enterprise: str, period: str, mwh: float, va: float, *, va_comp: float | None = None, water_m3: float | None = None,
        region: str = "370211", park: str = PARK_A, industry: str = "C2911") -> dict:
    items = [{"item": "electricity", "amount": mwh, "unit": "MWh"}, {"item": "value_added", "amount": va, "unit": "万元"}]
    if va_comp is not None:
        items.append({"item": "value_added_comparable", "amount": va_comp, "unit": "万元"})
    if water_m3 is not None:
        items.append({"item": "tap_water", "amount": water_m3, "unit": "m3"})
    return {"enterprise": enterprise, "region": region, "park": park, "industry": industry, "period": period,
            "items": items}


def submit(client, key, docs) -> None:
    r = client.post("/v1/reports/bulk", json=[{"report": d} for d in docs], headers=auth(key))
    assert r.status_code == 200, r.text


@pytest.fixture
def province_data(client, province_key):
    """A (Qingdao, park P01, C29) and B (Zibo, park P02, C26), 2020 and 2023; D registered in P02 in 2020 only.

    A 2020: 10,000 MWh -> 1,229.0 tce, VA 10,000;  2023: 9,000 MWh -> 1,106.1 tce, VA 11,000 (comparable 10,500)
    B 2020:  5,000 MWh ->   614.5 tce, VA  5,000;  2023: 4,000 MWh ->   491.6 tce, VA  6,000 (comparable  5,500)
    D 2020:  1,000 MWh ->   122.9 tce, VA  1,000;  no 2023 report
    """
    submit(client, province_key, [
        doc(ENT_A, "2020", 10_000, 10_000), doc(ENT_A, "2023", 9_000, 11_000, va_comp=10_500),
        doc(ENT_B, "2020", 5_000, 5_000, region="370305", park=PARK_B, industry="C2614"),
        doc(ENT_B, "2023", 4_000, 6_000, va_comp=5_500, region="370305", park=PARK_B, industry="C2614"),
        doc(ENT_D, "2020", 1_000, 1_000, region="370305", park=PARK_B, industry="C2614"),
    ])


def groups(body: dict) -> dict:
    return {tuple(g[k] for k in body["keys"]) + (g["period"],): g for g in body["groups"]}


# --------------------------------------------------------------------------- roles

@pytest.mark.parametrize("path", ["/v1/aggregates?period=2023", "/v1/progress?year=2023",
                                  "/v1/decomposition?start=2020&end=2023"])
def test_enterprise_keys_are_refused_and_no_key_is_401(client, keys, province_data, path):
    assert client.get(path, headers=auth(keys.ent_a)).status_code == 403
    assert client.get(path).status_code == 401


def test_park_key_sees_its_own_park_only(client, keys, province_data):
    body = client.get("/v1/aggregates?period=2023&level=enterprise", headers=auth(keys.park)).json()
    assert {g["enterprise"] for g in body["groups"]} == {ENT_A}
    # 2023 energy of park P01 = A only = 9,000 MWh x 0.1229 = 1,106.1 tce
    body = client.get("/v1/aggregates?period=2023&level=park", headers=auth(keys.park)).json()
    assert [g["park"] for g in body["groups"]] == [PARK_A]
    assert body["groups"][0]["energy_equivalent_tce"] == pytest.approx(1106.1)
    assert client.get(f"/v1/aggregates?period=2023&park={PARK_B}", headers=auth(keys.park)).status_code == 404
    assert client.get(f"/v1/progress?year=2023&park={PARK_B}", headers=auth(keys.park)).status_code == 404
    assert client.get(f"/v1/decomposition?start=2020&end=2023&park={PARK_B}", headers=auth(keys.park)).status_code == 404
    # its own park, asked by name, answers
    assert client.get(f"/v1/aggregates?period=2023&park={PARK_A}", headers=auth(keys.park)).status_code == 200


def test_park_b_key_progress_covers_park_b_only(client, keys, province_data):
    # park P02 2020: B + D = 614.5 + 122.9 = 737.4 tce over VA 6,000 -> 0.1229; 2023: B 491.6 / 5,500 = 0.0893818
    body = client.get("/v1/progress?year=2023", headers=auth(keys.park_b)).json()
    line = next(i for i in body["indicators"] if i["target"] == "energy_intensity" and i["variant"] == "total")
    assert line["base_value"] == pytest.approx(737.4 / 6000)
    assert line["value"] == pytest.approx(491.6 / 5500)
    assert body["scope"]["parks"] == [PARK_B]
    assert body["coverage"]["2023"]["missing"] == [ENT_D]


# --------------------------------------------------------------------------- aggregates

def test_province_aggregate_by_city_with_coverage(client, keys, province_data):
    body = client.get("/v1/aggregates?period=2023&level=city", headers=auth(keys.province)).json()
    g = groups(body)
    qingdao, zibo = g[("37", "3702", "2023")], g[("37", "3703", "2023")]
    assert qingdao["energy_equivalent_tce"] == pytest.approx(1106.1)  # 9,000 MWh x 0.1229
    assert zibo["energy_equivalent_tce"] == pytest.approx(491.6)  # 4,000 MWh x 0.1229
    assert (zibo["n_expected"], zibo["n_reporting"], zibo["n_missing"]) == (2, 1, 1)  # D registered, not reported
    assert body["missing_total"] == 1 and body["missing"][0]["enterprise"] == ENT_D
    # comparable intensity = 1,106.1 / 10,500; at current prices 1,106.1 / 11,000
    assert qingdao["energy_intensity_comparable_tce_per_10k_cny"] == pytest.approx(1106.1 / 10500)
    assert qingdao["energy_intensity_tce_per_10k_cny"] == pytest.approx(1106.1 / 11000)
    assert body["price_basis"] == "comparable"


def test_province_total_is_total_over_total(client, keys, province_data):
    body = client.get("/v1/aggregates?period=2020&level=province", headers=auth(keys.province)).json()
    (row,) = body["groups"]
    # 2020: (1,229.0 + 614.5 + 122.9) tce / (10,000 + 5,000 + 1,000) = 1,966.4 / 16,000 = 0.1229
    assert row["energy_equivalent_tce"] == pytest.approx(1966.4)
    assert row["energy_intensity_tce_per_10k_cny"] == pytest.approx(0.1229)
    assert row["price_basis"] == "comparable"  # no comparable VA reported, but 2020 is the base year (base_year=2020)
    (later,) = client.get("/v1/aggregates?period=2020&level=province&base_year=2019",
                          headers=auth(keys.province)).json()["groups"]
    assert later["price_basis"] == "nominal"  # against a 2019 price base, 2020 at current prices is nominal


def test_aggregate_with_shipped_deflator_table(client, keys, province_data):
    # nbs-ppi-cn, chain 2021 108.1, 2022 104.1, 2023 97.0: P2023/P2020 = 1.081 x 1.041 x 0.970 = 1.09156137
    body = client.get("/v1/aggregates?period=2023&level=province&deflators=nbs-ppi-cn&override_deflators=true",
                      headers=auth(keys.province)).json()
    (row,) = body["groups"]
    assert row["value_added_comparable_10k_cny"] == pytest.approx(17000 / 1.09156137)
    assert body["deflators"] == "nbs-ppi-cn"


def test_bad_parameters_answer_422(client, keys, province_data):
    h = auth(keys.province)
    assert client.get("/v1/aggregates?period=20x3", headers=h).status_code == 422
    assert client.get("/v1/aggregates?period=2023&level=galaxy", headers=h).status_code == 422
    assert client.get("/v1/aggregates?period=2023&deflators=nope", headers=h).status_code == 422
    assert client.get("/v1/aggregates?period=2023&deflators=../../etc", headers=h).status_code == 422
    r = client.get("/v1/progress?year=2019", headers=h)  # before the base year; no 2019 results either
    assert r.status_code == 422 and r.json()["problems"]
    assert client.get("/v1/progress?year=2023&count=green_factories", headers=h).status_code == 422
    assert client.get("/v1/decomposition?start=2020&end=2021", headers=h).status_code == 422  # no 2021 results


# --------------------------------------------------------------------------- progress

def test_progress_toward_the_shandong_targets(client, keys, province_data):
    body = client.get("/v1/progress?year=2023&count=green_factories:120", headers=auth(keys.province)).json()
    assert body["profile"]["id"] == "shandong-14fyp-2021-2025"
    line = next(i for i in body["indicators"] if i["target"] == "energy_intensity" and i["variant"] == "total")
    # 2020: 1,966.4 tce / 16,000 = 0.1229 (no comparable VA in the base year: current = base-year prices)
    # 2023: (1,106.1 + 491.6) / (10,500 + 5,500) = 1,597.7 / 16,000 = 0.09985625
    # change = 0.09985625 / 0.1229 - 1 = 0.8125 - 1 = -0.1875
    assert line["base_value"] == pytest.approx(0.1229)
    assert line["value"] == pytest.approx(0.09985625)
    assert line["cumulative_change"] == pytest.approx(-0.1875)
    # required: 1 - 0.83^(1/5) = 1 - exp(ln 0.83 / 5) = 1 - exp(-0.0372659) = 0.0365801
    assert line["required_annual_pace"] == pytest.approx(0.0365801, abs=1e-7)
    # achieved: 1 - 0.8125^(1/3) = 1 - exp(-0.2076394 / 3) = 1 - exp(-0.0692131) = 1 - 0.9331278 = 0.0668722
    assert line["achieved_annual_pace"] == pytest.approx(0.0668722, abs=1e-7)
    assert line["on_track"] is True
    counts = {c["target"]: c for c in body["counts"]}
    assert counts["green_factories"]["count"] == 120 and counts["green_factories"]["target_count"] == 500
    assert counts["green_parks"]["count"] is None and counts["green_parks"]["target_count"] == 20
    assert "not stored" in counts["green_parks"]["reason"]
    assert "exclusion new_renewables" in body["unverified"]
    assert body["coverage"]["2023"]["missing"] == [ENT_D]
    # the bilingual dashboard's Chinese: each line's status mark beside the English one
    marks = {"verified": "已核实", "corroborated": "已佐证", "unverified": "未核实", "unconfirmed": "未确认"}
    assert all(i["status_zh"] == marks[i["status"]] for i in body["indicators"])


def test_targets_list_is_open_to_every_key(client, keys):
    body = client.get("/v1/targets", headers=auth(keys.ent_a)).json()
    shandong = next(p for p in body if p["id"] == "shandong-14fyp-2021-2025")
    assert {t["id"]: t["value"] for t in shandong["target"]}["energy_intensity"] == 0.17


# --------------------------------------------------------------------------- decomposition

def test_decomposition_reproduces_the_reference_test_vector(client, keys):
    """energy_carbon_factors.md §6 with water as the quantity: Y0 = (60, 40), W0 = (120, 20) m3; YT = (60, 70),
    WT = (108, 28). I0 = 140 / 100 = 1.4, IT = 136 / 130 = 1.046154; additive structure -0.201730, intensity
    -0.152116; multiplicative 0.846960 x 0.882276 = 0.747253."""
    a = dict(region="370211", park=PARK_A, industry="C2911")
    b = dict(region="370305", park=PARK_B, industry="C2614")
    submit(client, keys.province, [doc(ENT_A, "2020", 1, 60, water_m3=120, **a), doc(ENT_B, "2020", 1, 40, water_m3=20, **b),
                                   doc(ENT_A, "2023", 1, 60, water_m3=108, **a), doc(ENT_B, "2023", 1, 70, water_m3=28, **b)])
    body = client.get("/v1/decomposition?start=2020&end=2023&by=division&indicator=water",
                      headers=auth(keys.province)).json()
    assert body["I0"] == pytest.approx(1.4) and body["IT"] == pytest.approx(136 / 130)
    assert body["additive"]["structure"] == pytest.approx(-0.201730, abs=1e-6)
    assert body["additive"]["intensity"] == pytest.approx(-0.152116, abs=1e-6)
    assert body["multiplicative"]["structure"] == pytest.approx(0.846960, abs=1e-6)
    assert body["multiplicative"]["intensity"] == pytest.approx(0.882276, abs=1e-6)
    # contributions sorted by size: C29 (A) moved the number most
    assert [c["division"] for c in body["contributions"]] == ["C29", "C26"]
    # the park key sees its own park only: one sector, no structure effect
    mine = client.get("/v1/decomposition?start=2020&end=2023&by=division&indicator=water", headers=auth(keys.park)).json()
    assert [c["division"] for c in mine["contributions"]] == ["C29"]
    assert mine["additive"]["structure"] == pytest.approx(0.0, abs=1e-12)


def test_co2_decomposition_sums_to_the_change(client, keys, province_data):
    body = client.get("/v1/decomposition?start=2020&end=2023&by=city&indicator=co2", headers=auth(keys.province)).json()
    parts = sum(body["additive"][e] for e in ("structure", "energy_intensity", "fuel_mix", "emission_factor"))
    assert parts == pytest.approx(body["IT"] - body["I0"], rel=1e-9)


# --------------------------------------------------------------------------- migration

def test_migration_fills_the_new_columns_from_stored_summaries(backend):
    import sqlalchemy as sa

    from api.db import upgrade

    upgrade(backend, "0001")
    now = sa.func.current_timestamp()
    enterprise = sa.table("enterprise", sa.column("id"), sa.column("created_at"))
    report = sa.table("report", *(sa.column(c) for c in ("id", "enterprise_id", "period", "revision", "is_latest",
                                                        "content_hash", "submitted_at")), sa.column("document", sa.JSON))
    result = sa.table("result", *(sa.column(c) for c in ("report_id", "release", "options_hash", "computed_at")),
                      sa.column("options", sa.JSON), sa.column("summary", sa.JSON))
    engine = sa.create_engine(backend)
    try:
        with engine.begin() as conn:
            conn.execute(enterprise.insert().values(id=ENT_C, created_at=now))
            conn.execute(report.insert().values(id=1, enterprise_id=ENT_C, period="2023", revision=1, is_latest=True,
                                                content_hash="h", submitted_at=now, document={}))
            conn.execute(result.insert().values(report_id=1, release="r", options_hash="o", computed_at=now, options={},
                                                summary={"electricity_kwh": 1000.0, "co2_combustion_tco2": 2.5,
                                                         "co2_heat_tco2": None, "co2_electricity_location_tco2": "x"}))
        upgrade(backend)
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT electricity_kwh, co2_combustion_tco2, co2_heat_tco2, "
                                       "co2_electricity_location_tco2 FROM result")).one()
        assert tuple(row) == (1000.0, 2.5, None, None)  # numbers copied; null and a non-number stay empty
    finally:
        engine.dispose()


def test_the_newest_result_of_a_report_counts(client, keys, settings, province_data):
    """A report recomputed with another release has two results; the newest (highest id) is aggregated."""
    from sqlmodel import select

    from api.db import session_scope
    from api.models import Report, Result

    with session_scope(settings) as session:
        report = session.exec(select(Report).where(Report.enterprise_id == ENT_A, Report.period == "2023")).one()
        old = session.exec(select(Result).where(Result.report_id == report.id)).one()
        session.add(Result(report_id=report.id, release="other-release", options_hash="x", options={},
                           summary={}, energy_equivalent_tce=5000.0, value_added_10k_cny=11000.0,
                           value_added_comparable_10k_cny=10500.0))
        assert old.energy_equivalent_tce == pytest.approx(1106.1)
    body = client.get("/v1/aggregates?period=2023&level=park", headers=auth(keys.park)).json()
    assert body["groups"][0]["energy_equivalent_tce"] == pytest.approx(5000.0)


def test_aggregate_by_city_and_industry_section_and_division_filter(client, keys, province_data):
    body = client.get("/v1/aggregates?period=2020&level=city&by_industry=division", headers=auth(keys.province)).json()
    assert body["keys"] == ["province", "city", "section", "division"]
    g = groups(body)
    # Zibo C26 in 2020: B 614.5 + D 122.9 = 737.4 tce
    assert g[("37", "3703", "C", "C26", "2020")]["energy_equivalent_tce"] == pytest.approx(737.4)
    only = client.get("/v1/aggregates?period=2020&level=province&industry=C29", headers=auth(keys.province)).json()
    assert only["groups"][0]["energy_equivalent_tce"] == pytest.approx(1229.0)  # A only: 10,000 MWh x 0.1229


def test_progress_series_lists_every_year_loaded(client, keys, province_key, province_data):
    submit(client, province_key, [doc(ENT_A, "2021", 9_500, 10_000, va_comp=10_000)])
    body = client.get("/v1/progress?year=2023&series=true", headers=auth(keys.province)).json()
    years = [s["year"] for s in body["series"]]
    assert years == [2020, 2021, 2023]  # no 2022 reports
    # 2021: A only, 9,500 MWh x 0.1229 = 1,167.55 tce / 10,000 = 0.116755
    assert body["series"][1]["energy_intensity.total"] == pytest.approx(0.116755)
