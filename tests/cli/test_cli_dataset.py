"""``carbonkit account --engine local DATA… --out RESULTS/`` and the roll-up commands on a results folder.

Figures by hand: GB/T 2589-2020 Appendix A, electricity 0.1229 kgce/kWh (equivalent value).
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

pytest.importorskip("pyarrow")

from cli.main import app  # noqa: E402
from carbonkit.parquet import write_dataset  # noqa: E402

runner = CliRunner()


def activities() -> pd.DataFrame:
    rows = []
    for ent, region, kwh, va in (("E1", "370211", 1000, 10), ("E2", "370102", 4000, 20), ("E3", "370211", 2000, 40)):
        for year in ("2024", "2025"):
            rows += [{"enterprise": ent, "period": year, "item": "electricity", "amount": kwh, "unit": "kWh",
                      "region": region, "industry": "C2911"},
                     {"enterprise": ent, "period": year, "item": "value_added", "amount": va, "unit": "万元",
                      "region": region, "industry": "C2911"}]
    return pd.DataFrame(rows)


def test_account_a_dataset_then_aggregate_the_results_folder(tmp_path):
    write_dataset(activities(), tmp_path / "data", 2)
    result = runner.invoke(app, ["account", str(tmp_path / "data"), "--engine", "local", "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["activity_rows"], manifest["enterprise_periods"], manifest["engine"]) == (12, 6, "local")
    result = runner.invoke(app, ["aggregate", str(tmp_path / "r"), "--by", "province", "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.output), dtype={"province": str, "period": str})
    row = table[table["period"] == "2025"].iloc[0]
    # (1000 + 4000 + 2000) kWh x 0.1229 kgce/kWh = 860.3 kgce = 0.8603 tce over 10 + 20 + 40 = 70 万元
    assert row["energy_equivalent_tce"] == pytest.approx(0.8603, rel=1e-12)
    assert row["energy_intensity_tce_per_10k_cny"] == pytest.approx(0.8603 / 70, rel=1e-12)
    assert row["n_reporting"] == 3


def test_a_bad_dataset_is_refused_with_its_global_rows(tmp_path):
    bad = activities()
    bad.loc[3, "amount"] = -1.0  # the 4th row of the only file
    write_dataset(bad, tmp_path / "data", 1)
    result = runner.invoke(app, ["account", str(tmp_path / "data"), "--engine", "local", "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "row 4" in result.output and "part-00000.parquet" in result.output
    assert not (tmp_path / "r" / "results").exists()


def test_engine_needs_an_output_folder(tmp_path):
    write_dataset(activities(), tmp_path / "data", 1)
    result = runner.invoke(app, ["account", str(tmp_path / "data"), "--engine", "local"])
    assert result.exit_code == 2 and "--out" in result.output
