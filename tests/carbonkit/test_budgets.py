"""Carbon budgets: use, remaining, run-out year at the current pace and the roll-up, worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonkit.budgets import budget_use, read_budgets, run_out
from carbonkit.errors import InvalidInput


def results() -> pd.DataFrame:
    # E1 in city 3701; E2 in park P1 (370211, city 3702); E3 in city 3702 [tCO2]
    rows = [("E1", "370102", None, {"2026": 900, "2027": 1000}), ("E2", "370211", "P1", {"2026": 400, "2027": 500}),
            ("E3", "370203", None, {"2026": 1200, "2027": 1300})]
    return pd.DataFrame([{"enterprise": e, "period": y, "region": r, "park": p, "industry": "C30",
                          "co2_location_tco2": float(v), "energy_equivalent_tce": 1.0, "value_added_10k_cny": 1.0}
                         for e, r, p, series in rows for y, v in series.items()])


BUDGETS = pd.DataFrame({"scope": ["37", "3701", "3702", "P1"], "kind": ["region", "region", "region", "park"],
                        "start_year": [2026] * 4, "end_year": [2030] * 4,
                        "budget_tco2": [10_000, 4_000, 5_000, 1_500]})


def test_use_remaining_and_run_out_year():
    got = {r["scope"]: r for r in budget_use(results(), BUDGETS, 2027).records()}
    # 3701: used 900 + 1,000 = 1,900, remaining 2,100, pace 1,000: cumulative 2028 2,900, 2029 3,900,
    # 2030 4,900 > 4,000 -> runs out in 2030 (2027 + floor(2,100 / 1,000) + 1)
    assert got["3701"]["used_tco2"] == 1900 and got["3701"]["remaining_tco2"] == 2100
    assert got["3701"]["run_out_year"] == 2030 and got["3701"]["share_used"] == pytest.approx(0.475)
    assert got["3701"]["even_share"] == pytest.approx(2 / 5)
    # 3702: E2 + E3 = 400 + 500 + 1,200 + 1,300 = 3,400; remaining 1,600; pace 1,800 -> 2028 (5,200 > 5,000)
    assert got["3702"]["used_tco2"] == 3400 and got["3702"]["run_out_year"] == 2028
    # P1: 900 used, 600 left, pace 500: 2028 1,400, 2029 1,900 > 1,500 -> 2029
    assert got["P1"]["run_out_year"] == 2029
    # 37: 5,300 used, 4,700 left, pace 2,800: 2028 8,100, 2029 10,900 > 10,000 -> 2029
    assert got["37"]["used_tco2"] == 5300 and got["37"]["run_out_year"] == 2029


def test_budgets_roll_up_to_their_parent():
    got = {r["scope"]: r for r in budget_use(results(), BUDGETS, 2027).records()}
    assert got["3701"]["parent"] == "37" and got["3702"]["parent"] == "37" and got["37"]["parent"] is None
    assert got["P1"]["parent"] == "3702"  # its enterprises are in 370211
    # the cities' budgets 4,000 + 5,000 = 9,000, their use 1,900 + 3,400 = 5,300
    assert got["37"]["children_budget_tco2"] == 9000 and got["37"]["children_used_tco2"] == 5300
    assert got["3702"]["children_budget_tco2"] == 1500 and got["3701"]["children_budget_tco2"] is None


def test_a_budget_already_spent_and_one_that_lasts():
    # 2026 900 + 2027 1,000 = 1,900 > 1,500 in 2027
    assert run_out({2026: 900, 2027: 1000}, 1500, 2026, 2027, 2027) == 2027
    # 100 a year against 10,000 over 2026-2030: lasts the period
    assert run_out({2026: 100}, 10_000, 2026, 2030, 2026) is None


def test_bad_budget_rows_are_named():
    bad = BUDGETS.assign(kind=["region", "county", "region", "park"], budget_tco2=[10_000, 4_000, -1, 1_500])
    with pytest.raises(InvalidInput) as info:
        read_budgets(bad)
    text = [p.message for p in info.value.problems]
    assert any("row 2" in t and "county" in t for t in text) and any("row 3" in t and "budget_tco2" in t for t in text)
    with pytest.raises(InvalidInput, match="given twice"):
        read_budgets(pd.concat([BUDGETS, BUDGETS.iloc[:1]]))


def test_budgets_command(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    data, budgets = tmp_path / "results.csv", tmp_path / "budgets.csv"
    results().to_csv(data, index=False)
    BUDGETS.to_csv(budgets, index=False)
    got = CliRunner().invoke(app, ["budgets", str(data), "--budgets", str(budgets), "--year", "2027"])
    assert got.exit_code == 0, got.output
    assert "3701" in got.stdout and "2,100" in got.stdout and "2030" in got.stdout


def test_a_year_without_reports_is_listed():
    frame = results()
    frame = frame[~((frame["enterprise"] == "E1") & (frame["period"] == "2026"))]
    got = {r["scope"]: r for r in budget_use(frame, BUDGETS, 2027).records()}
    # 3701 has only E1: 2026 missing -> used 1,000 and the year listed; 3702 reported both years
    assert got["3701"]["years_without_reports"] == [2026] and got["3701"]["used_tco2"] == 1000
    assert got["3702"]["years_without_reports"] == []


def test_duplicate_results_and_bad_periods_are_refused_not_summed():
    frame = results()
    with pytest.raises(InvalidInput, match="two results for one enterprise and period"):
        budget_use(pd.concat([frame, frame.iloc[:1]]), BUDGETS, 2027)
    with pytest.raises(InvalidInput, match="is not 'YYYY' or 'YYYY-MM'"):
        budget_use(frame.assign(period=frame["period"].where(frame.index > 0, "20x6")), BUDGETS, 2027)
