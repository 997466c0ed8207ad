"""The command line: account in three formats, factors, demo, and refusals with exit code 2."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()

DOC = {"enterprise": "91370211000000000X", "period": "2023", "region": "370211",
       "items": [{"item": "原煤", "amount": 1000, "unit": "吨"},
                 {"item": "电力", "amount": 1200, "unit": "万千瓦时"},
                 {"item": "工业增加值", "amount": 5, "unit": "亿元"}]}


@pytest.fixture
def doc_file(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(DOC, ensure_ascii=False), encoding="utf-8")
    return path


def test_account_json(doc_file):
    """1000 t raw coal = 714.3 tce; 1200 万kWh × 0.1229 kgce/kWh = 1474.8 tce; VA 5 亿元 = 50 000 万元."""
    result = runner.invoke(app, ["account", str(doc_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    rec = payload["results"][0]
    assert rec["energy_equivalent_tce"] == pytest.approx(714.3 + 1474.8)
    assert rec["value_added_10k_cny"] == pytest.approx(50_000)
    assert rec["energy_intensity_tce_per_10k_cny"] == pytest.approx((714.3 + 1474.8) / 50_000)
    assert payload["release"] == rec["release"]
    assert {f["id"] for f in payload["factors"]} >= {"gbt2589-2020-a.raw_coal", "gbt2589-2020-a.electricity"}


def test_account_csv_and_table(doc_file, tmp_path):
    result = runner.invoke(app, ["account", str(doc_file), "--format", "csv"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout), dtype={"enterprise": str, "period": str})
    assert frame.loc[0, "energy_equivalent_tce"] == pytest.approx(2189.1)
    result = runner.invoke(app, ["account", str(doc_file)])
    assert result.exit_code == 0 and "2,189.10" in result.stdout and "tce" in result.stdout


def test_account_refuses_bad_input_with_every_problem(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("enterprise,period,item,amount,unit\nE1,2023,原媒,10,t\nE1,2023,electricity,-5,kWh\n", encoding="utf-8")
    result = runner.invoke(app, ["account", str(bad)])
    assert result.exit_code == 2
    assert "row 2" in result.stderr and "原煤" in result.stderr  # suggestion for the typo 原媒
    assert "row 3" in result.stderr and "negative" in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_is_a_clear_error():
    result = runner.invoke(app, ["account", "no-such-file.csv"])
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_power_coal_rate_option(doc_file):
    """Equal value with 0.30 kgce/kWh: 714.3 + 12 000 000 kWh × 0.30 kgce/kWh = 714.3 + 3600 tce."""
    result = runner.invoke(app, ["account", str(doc_file), "-f", "json", "--power-coal-rate", "0.30"])
    assert json.loads(result.stdout)["results"][0]["energy_equal_tce"] == pytest.approx(4314.3)


def test_factors_list_show_validate():
    result = runner.invoke(app, ["factors", "list", "--kind", "grid_emission", "--format", "csv"])
    assert result.exit_code == 0
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert set(frame["kind"]) == {"grid_emission"} and "mee-nbs-grid-2022.37.average" in set(frame["id"])
    result = runner.invoke(app, ["factors", "show", "gbt2589-2020-a.electricity"])
    assert result.exit_code == 0 and "0.1229" in result.stdout and "GB/T 2589-2020" in result.stdout
    result = runner.invoke(app, ["factors", "show", "gbt2589-2020-a.electricty"])
    assert result.exit_code == 2 and "did you mean gbt2589-2020-a.electricity" in result.stderr
    assert runner.invoke(app, ["factors", "validate"]).exit_code == 0


def test_demo_runs(tmp_path, monkeypatch):
    # with the service installed, demo also stores the examples: keep them out of the working directory
    monkeypatch.setenv("CARBONKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite'}")
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "tce" in result.stdout and "tCO2" in result.stdout


def test_changes_in_json(tmp_path):
    """VA 10 000 万元 and 1 000 t raw coal in 2020 (0.07143 tce/万元); 2021 VA 12 500: intensity −20 %."""
    rows = ["enterprise,period,item,amount,unit", "E1,2020,raw_coal,1000,t", "E1,2020,value_added,10000,万元",
            "E1,2021,raw_coal,1000,t", "E1,2021,value_added,12500,万元"]
    path = tmp_path / "series.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["account", str(path), "-f", "json", "--changes"])
    assert result.exit_code == 0, result.output
    change = {c["period"]: c for c in json.loads(result.stdout)["changes"]}
    assert change["2021"]["energy_intensity_tce_per_10k_cny_change_prev"] == pytest.approx(-0.2)
    assert change["2021"]["energy_intensity_tce_per_10k_cny_change_base"] == pytest.approx(-0.2)
    assert change["2020"]["energy_intensity_tce_per_10k_cny_change_prev"] is None
    # the base year was not given: the default target profile's (shandong-14fyp-2021-2025, base 2020), stated
    assert json.loads(result.stdout)["changes_base_year"] == 2020


def test_changes_against_a_base_year_given(tmp_path):
    """Base 2021 instead: 2021 against itself is 0; the table states the base year it used."""
    rows = ["enterprise,period,item,amount,unit", "E1,2020,raw_coal,1000,t", "E1,2020,value_added,10000,万元",
            "E1,2021,raw_coal,1000,t", "E1,2021,value_added,12500,万元"]
    path = tmp_path / "series.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["account", str(path), "-f", "json", "--changes", "--base-year", "2021"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["changes_base_year"] == 2021
    change = {c["period"]: c for c in payload["changes"]}
    assert change["2021"]["energy_intensity_tce_per_10k_cny_change_base"] == pytest.approx(0.0)
    table = runner.invoke(app, ["account", str(path), "--changes"])
    assert "against the base year 2020" in " ".join(table.stdout.split())


def test_grid_level_option_and_statement(tmp_path):
    """1,000 MWh in Qingdao 2023: province factor 0.6191 → 619.1 t; --grid-level national 0.5306 → 530.6 t."""
    path = tmp_path / "e.json"
    path.write_text(json.dumps({"enterprise": "E1", "period": "2023", "region": "370211",
                                "items": [{"item": "electricity", "amount": 1000, "unit": "MWh"}]}), encoding="utf-8")
    for level, expected in (("province", 619.1), ("national", 530.6)):
        result = runner.invoke(app, ["account", str(path), "--grid-level", level, "--format", "json"])
        assert result.exit_code == 0, result.output
        rec = json.loads(result.stdout)["results"][0]
        assert rec["co2_electricity_location_tco2"] == pytest.approx(expected)
        assert (rec["grid_level_location"], rec["grid_year_location"]) == (level, 2023)
    table = runner.invoke(app, ["account", str(path)])
    assert "province level, data year 2023" in " ".join(table.stdout.split())


def test_electricity_without_region_is_refused_on_the_cli(tmp_path):
    path = tmp_path / "e.json"
    path.write_text(json.dumps({"enterprise": "E1", "period": "2023",
                                "items": [{"item": "electricity", "amount": 1000, "unit": "MWh"}]}), encoding="utf-8")
    result = runner.invoke(app, ["account", str(path)])
    assert result.exit_code == 2
    assert "no region" in result.output and "CN" in result.output
