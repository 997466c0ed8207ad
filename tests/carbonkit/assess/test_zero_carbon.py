"""Zero-carbon park assessment (发改环资〔2025〕910号 indicator set, values unverified), worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonkit.assess.zero_carbon import assess_zero_carbon_park, load_zero_carbon_criteria, shipped_zero_carbon
from carbonkit.errors import InvalidInput


def summaries(energy, co2_market, co2_location, renewables=0.0, recycled=None, withdrawal=None):
    rows = []
    for i, (e, cm, cl) in enumerate(zip(energy, co2_market, co2_location)):
        rows.append({"enterprise": f"E{i}", "energy_equivalent_tce": e, "co2_market_tco2": cm,
                     "co2_location_tco2": cl, "renewable_electricity_equivalent_tce": renewables,
                     "recycled_water_m3": recycled, "water_withdrawal_m3": withdrawal})
    return pd.DataFrame(rows)


def by_id(result):
    return {i["id"]: i for i in result.indicators}


def test_the_shipped_set_is_data_and_unverified():
    c = load_zero_carbon_criteria()
    assert shipped_zero_carbon() == ["ndrc-zero-carbon-park-2025"]
    core = next(i for i in c.indicators if i.role == "core")
    assert [(t.from_, t.to, t.threshold) for t in core.tiers] == [(200000, 1000000, 0.2), (1000000, None, 0.3)]
    assert all(i.status == "unverified" for i in c.indicators)


def test_core_indicator_in_the_first_tier():
    # two enterprises: energy 150,000 + 250,000 = 400,000 tce (20万-100万 tier: <= 0.20);
    # market CO2 30,000 + 50,000 = 80,000 -> 0.20 tCO2/tce: met exactly, gap 0; location 200,000 / 400,000 = 0.5
    r = assess_zero_carbon_park(summaries([150_000, 250_000], [30_000, 50_000], [100_000, 100_000]), park="P1")
    core = by_id(r)["co2_per_energy"]
    assert core["value"] == pytest.approx(0.2) and core["threshold"] == 0.2 and core["met"] is True
    assert core["gap"] == pytest.approx(0.0) and r.core_met is True
    assert r.metrics["co2_location_per_energy"] == pytest.approx(0.5)


def test_core_indicator_in_the_second_tier_missed():
    # 1,200,000 tce, 420,000 tCO2 -> 0.35 > 0.30: gap +0.05, missed
    r = assess_zero_carbon_park(summaries([1_200_000], [420_000], [600_000]))
    core = by_id(r)["co2_per_energy"]
    assert core["threshold"] == 0.3 and core["gap"] == pytest.approx(0.05) and core["met"] is False
    assert r.core_met is False


def test_a_small_park_has_no_published_threshold():
    r = assess_zero_carbon_park(summaries([50_000], [5_000], [20_000]))
    core = by_id(r)["co2_per_energy"]
    assert core["value"] == pytest.approx(0.1) and core["threshold"] is None and core["met"] is None
    assert "no published threshold" in core["reason"] and r.core_met is None


def test_guiding_indicators_computed_and_stated():
    # renewables 2 x 180,000 of 400,000 tce = 90 %: met with gap 0; water reuse 9,000 / (9,000 + 1,000) = 90 %
    # >= 80 %: gap -10 points; solid waste stated 0.75 as {value, unit} = 75 % < 80 %: gap +5; waste heat missing
    frame = summaries([200_000, 200_000], [10_000, 10_000], [90_000, 90_000], renewables=180_000,
                      recycled=4_500, withdrawal=500)
    r = assess_zero_carbon_park(frame, {"values": {"solid_waste_use_rate": {"value": 0.75, "unit": "dimensionless"},
                                                   "product_energy_level2": True}})
    got = by_id(r)
    assert got["clean_energy_share"]["value"] == pytest.approx(90.0) and got["clean_energy_share"]["met"] is True
    assert got["water_reuse_rate"]["gap"] == pytest.approx(-10.0) and got["water_reuse_rate"]["met"] is True
    assert got["solid_waste_use_rate"]["value"] == pytest.approx(75.0) and got["solid_waste_use_rate"]["gap"] == \
        pytest.approx(5.0) and got["solid_waste_use_rate"]["met"] is False
    assert got["waste_heat_use_rate"]["met"] is None and got["product_energy_level2"]["met"] is True


def test_unknown_or_wrong_statements_are_named():
    with pytest.raises(InvalidInput, match="'happiness' is not an indicator"):
        assess_zero_carbon_park(summaries([1], [1], [1]), {"values": {"happiness": 1.0}})
    with pytest.raises(InvalidInput, match="expected true or false"):
        assess_zero_carbon_park(summaries([1], [1], [1]), {"values": {"product_energy_level2": 3.0}})


def test_zero_carbon_command(tmp_path):
    import json

    from typer.testing import CliRunner

    from cli.main import app

    frame = summaries([150_000, 250_000], [30_000, 50_000], [100_000, 100_000]).assign(
        period="2026", region="370211", park="P1", industry="C30", value_added_10k_cny=1.0)
    path = tmp_path / "results.csv"
    frame.to_csv(path, index=False)
    runner = CliRunner()
    got = runner.invoke(app, ["zero-carbon", str(path), "--park", "P1", "--year", "2026", "--values",
                              '{"waste_heat_use_rate": 55}', "--format", "json"])
    assert got.exit_code == 0, got.output
    body = json.loads(got.stdout)
    assert body["core_met"] is True
    heat = next(i for i in body["indicators"] if i["id"] == "waste_heat_use_rate")
    assert heat["gap"] == pytest.approx(-5.0) and heat["source"] == "stated"  # 50 - 55
    table = runner.invoke(app, ["zero-carbon", str(path), "--park", "P1", "--year", "2026"])
    assert table.exit_code == 0 and "单位能耗碳排放" in table.stdout
    missing = runner.invoke(app, ["zero-carbon", str(path), "--park", "P9", "--year", "2026"])
    assert missing.exit_code == 2 and "no results of park P9" in missing.output
