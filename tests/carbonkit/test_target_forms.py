"""Target forms of 2026-2030 (carbon dual control): annual steps, CO2 intensity, totals, targets without a
value, the final evaluation of the 14th period, and a 2031-2035 profile as a data file only.

Every expected number is worked out by hand in the comments.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from carbonkit.errors import FactorDataError
from carbonkit.evaluation import final_evaluation
from carbonkit.target_forms import FORMS, Series, evaluate, register_form
from carbonkit.targets import progress
from carbonkit.target_profiles import load_profile, profile_for

NATIONAL = "cn-15fyp-2026-2030"


def row(enterprise, period, co2, va, *, energy=100.0, region="370211", water=0.0):
    return {"enterprise": enterprise, "period": period, "region": region, "industry": "C2911", "park": None,
            "energy_equivalent_tce": energy, "feedstock_equivalent_tce": 0.0,
            "renewable_electricity_equivalent_tce": 0.0, "water_withdrawal_m3": water,
            "co2_location_tco2": co2, "co2_market_tco2": co2, "value_added_10k_cny": va,
            "value_added_comparable_10k_cny": np.nan}


def line(answer, target, variant="total"):
    return next(i for i in answer.indicators if i["target"] == target and i["variant"] == variant)


def test_national_profiles_ship_as_data():
    p = load_profile(NATIONAL)
    assert (p.region, p.base_year, p.target_year) == ("CN", 2025, 2030)
    t = {x.id: x for x in p.targets}
    assert (t["co2_intensity"].form, t["co2_intensity"].value) == ("cumulative_decline", 0.17)
    assert (t["co2_intensity_2026"].form, t["co2_intensity_2026"].value, t["co2_intensity_2026"].year) == (
        "annual_step", 0.038, 2026)
    assert t["energy_intensity"].value is None and t["co2_total"].form == "total_cap"
    water = load_profile("cn-water-2026-2030")
    assert water.targets[0].value == 0.10 and water.targets[0].status == "unverified"
    shandong = load_profile("shandong-15fyp-2026-2030")
    assert all(x.value is None for x in shandong.targets)  # never invented
    # a year inside 2026-2030 picks the new profile, 2025 still the 14th period
    assert profile_for("370211", 2027).id == "shandong-15fyp-2026-2030"
    assert profile_for("370211", 2025).id == "shandong-14fyp-2021-2025"


def test_2026_step_missed_and_co2_intensity_off_path():
    # 2025: CO2 1,000 over VA 1,000 -> 1.0; 2026: 970 over 1,000 -> 0.97: a step of -3.0 %, the target -3.8 %:
    # 0.97 > 1.0 x (1 - 0.038) = 0.962 -> missed.
    frame = pd.DataFrame([row("E1", "2025", 1000, 1000), row("E1", "2026", 970, 1000)])
    answer = progress(frame, NATIONAL, 2026)
    step = line(answer, "co2_intensity_2026")
    assert step["step_change"] == pytest.approx(-0.03) and step["target_decline"] == pytest.approx(0.038)
    assert step["met"] is False and step["previous_value"] == pytest.approx(1.0)
    # cumulative -17 % over 5 years: path in 2026 = 0.83^(1/5) = exp(-0.1863296 / 5) = 0.9634199; 0.97 above it
    cum = line(answer, "co2_intensity")
    assert cum["path_value"] == pytest.approx(0.9634199, abs=1e-7) and cum["on_track"] is False
    # energy intensity is monitored without a value: 100 / 1,000 both years -> change 0, no verdict
    energy = line(answer, "energy_intensity")
    assert energy["cumulative_change"] == pytest.approx(0.0) and energy["on_track"] is None
    assert "not published" in energy["reason"]


def test_2026_step_met():
    # 2026: 960 / 1,000 = 0.96 <= 0.962 -> met; 0.96 <= 0.9634199 -> on the cumulative path too
    frame = pd.DataFrame([row("E1", "2025", 1000, 1000), row("E1", "2026", 960, 1000)])
    answer = progress(frame, NATIONAL, 2026)
    assert line(answer, "co2_intensity_2026")["met"] is True
    assert line(answer, "co2_intensity")["on_track"] is True


def test_every_step_of_a_yearly_target(tmp_path):
    # a yearly step of 2 % every year: 2025 1.00, 2026 0.97 (-3 %, met), 2027 0.96 (-1.03 %, missed)
    path = tmp_path / "steps.toml"
    path.write_text(PROFILE_HEAD.format(id="steps", base=2025, target=2030) + '''
[[target]]
id = "step"
indicator = "co2_intensity"
form = "annual_step"
value = 0.02
status = "unverified"
''', encoding="utf-8")
    frame = pd.DataFrame([row("E1", "2025", 1000, 1000), row("E1", "2026", 970, 1000), row("E1", "2027", 960, 1000)])
    steps = line(progress(frame, path, 2027), "step")["steps"]
    assert [s["year"] for s in steps] == [2026, 2027]
    assert steps[0]["step_change"] == pytest.approx(-0.03) and steps[0]["met"] is True
    # 0.96 / 0.97 - 1 = -0.0103093; 0.96 > 0.97 x 0.98 = 0.9506 -> missed
    assert steps[1]["step_change"] == pytest.approx(-0.0103093, abs=1e-7) and steps[1]["met"] is False


def test_market_based_intensity_and_co2_per_tce(tmp_path):
    path = tmp_path / "per-tce.toml"
    path.write_text(PROFILE_HEAD.format(id="per-tce", base=2025, target=2030) + '''
[[target]]
id = "per_tce"
indicator = "co2_per_energy"
form = "cumulative_decline"
value = 0.5
status = "unverified"
''', encoding="utf-8")
    # CO2 per tce: 2025 250 / 100 = 2.5 tCO2/tce; 2027 150 / 120 = 1.25 -> -50 %: on the path 2.5 x 0.5^(2/5)
    # = 2.5 x 0.7578583 = 1.8946457
    frame = pd.DataFrame([row("E1", "2025", 250, 1000, energy=100), row("E1", "2027", 150, 1000, energy=120)])
    got = line(progress(frame, path, 2027), "per_tce")
    assert got["unit"] == "tCO2/tce" and got["value"] == pytest.approx(1.25)
    assert got["path_value"] == pytest.approx(1.8946457, abs=1e-6) and got["on_track"] is True


PROFILE_HEAD = '''id = "{id}"
kind = "targets"
title = "t"
source = "s"
edition = "e"
issuing_body = "b"
published = "2030"
region = "37"
base_year = {base}
target_year = {target}
'''


def test_total_cap_projection(tmp_path):
    path = tmp_path / "cap.toml"
    path.write_text(PROFILE_HEAD.format(id="cap", base=2025, target=2030) + '''
[[target]]
id = "cap"
indicator = "co2_total"
form = "total_cap"
value = 900
status = "unverified"
''', encoding="utf-8")
    # total 1,000 (2025) -> 950 (2027): pace 1 - 0.95^(1/2) = 0.0253206; projected 2030: 950 x 0.95^(3/2)
    # = 950 x 0.95 x sqrt(0.95) = 950 x 0.95 x 0.9746794 = 950 x 0.9259454 = 879.6482 <= 900: on track;
    # headroom now 900 - 950 = -50; met only in 2030
    frame = pd.DataFrame([row("E1", "2025", 1000, 1000), row("E1", "2027", 950, 1000)])
    got = line(progress(frame, path, 2027), "cap")
    assert got["achieved_annual_pace"] == pytest.approx(0.0253206, abs=1e-7)
    assert got["projected_final_value"] == pytest.approx(879.6482, abs=1e-3)
    assert got["on_track"] is True and got["met"] is None and got["headroom"] == pytest.approx(-50)


def test_a_2031_2035_profile_is_a_data_file_only(tmp_path):
    path = tmp_path / "cn-16fyp-2031-2035.toml"
    path.write_text(PROFILE_HEAD.format(id="cn-16fyp-2031-2035", base=2030, target=2035) + '''
[[target]]
id = "co2_intensity"
indicator = "co2_intensity"
form = "cumulative_decline"
value = 0.15
status = "unverified"

[[target]]
id = "co2_step_2031"
indicator = "co2_intensity"
form = "annual_step"
value = 0.03
year = 2031
status = "unverified"
''', encoding="utf-8")
    # 2030 1.0, 2031 0.96: step -4 % against -3 % -> met; required pace 1 - 0.85^(1/5) = 1 - exp(-0.1625189 / 5)
    # = 1 - exp(-0.0325038) = 1 - 0.9680188 = 0.0319812
    frame = pd.DataFrame([row("E1", "2030", 1000, 1000), row("E1", "2031", 960, 1000)])
    answer = progress(frame, path, 2031)
    assert line(answer, "co2_step_2031")["met"] is True
    assert line(answer, "co2_intensity")["required_annual_pace"] == pytest.approx(0.0319812, abs=1e-7)


def test_a_form_is_an_addition(tmp_path):
    @register_form("halve", lambda v: None)
    def halve(s: Series) -> dict:
        b, v = s.at(s.base_year), s.at(s.year)
        return {"base_value": b, "value": v, "met": v <= b / 2}

    try:
        path = tmp_path / "halve.toml"
        path.write_text(PROFILE_HEAD.format(id="halve", base=2025, target=2030) + '''
[[target]]
id = "h"
indicator = "co2_intensity"
form = "halve"
value = 1
status = "unverified"
''', encoding="utf-8")
        frame = pd.DataFrame([row("E1", "2025", 1000, 1000), row("E1", "2030", 400, 1000)])
        assert line(progress(frame, path, 2030), "h")["met"] is True
    finally:
        FORMS.pop("halve")
    with pytest.raises(FactorDataError, match="form 'halve' is not one of"):
        load_profile(path)


@given(st.floats(0.001, 0.2), st.integers(1, 10), st.floats(0.3, 1.5))
def test_annual_decline_is_the_cumulative_decline_it_compounds_to(r, n, ratio):
    years = np.array([2025, 2025 + n])
    s = Series(years, np.array([1.0, ratio]), 2025, 2025 + n, 2025 + n, r)
    cum = Series(years, np.array([1.0, ratio]), 2025, 2025 + n, 2025 + n, 1 - (1 - r) ** n)
    assert evaluate("annual_decline", s)["met"] == evaluate("cumulative_decline", cum)["met"]


def frame_14th() -> pd.DataFrame:
    # E1 in both years: 2020 E 1,000 over VA 1,000 (1.0); 2025 E 820 over VA 1,000 (0.82): -18 %.
    # E2 only in 2025: E 300 over VA 500. All enterprises 2025: 1,120 / 1,500 = 0.7466667: -25.33 %.
    rows = [row("E1", "2020", 0, 1000, energy=1000), row("E1", "2025", 0, 1000, energy=820),
            row("E2", "2025", 0, 500, energy=300)]
    return pd.DataFrame(rows)


def test_final_evaluation_of_the_14th_period():
    final = final_evaluation(frame_14th(), "shandong-14fyp-2021-2025")
    energy = next(r for r in final.rows if r["target"] == "energy_intensity" and r["variant"] == "total")
    # achieved 18 % against 17 %: met, by +1 point; the unbalanced figure 1 - 0.7466667 = 25.33 %
    assert energy["achieved_decline"] == pytest.approx(0.18) and energy["margin"] == pytest.approx(0.01)
    assert energy["met"] is True and energy["other_panel"] == "all"
    assert energy["other_achieved_decline"] == pytest.approx(1 - 1120 / 1500)
    # both ways of the exclusions are shown: total, without feedstock, without feedstock and new renewables
    assert {r["variant"] for r in final.rows if r["target"] == "energy_intensity"} == {
        "total", "excl_feedstock", "excl_feedstock_new_renewables"}
    # coverage of the headline: 1 of 2 enterprises, VA 1,000 of 1,500
    assert final.progress.panel_coverage["share_value_added"] == pytest.approx(1000 / 1500)


def test_final_command(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    path = tmp_path / "results.csv"
    frame_14th().to_csv(path, index=False)
    runner = CliRunner()
    got = runner.invoke(app, ["progress", str(path), "--final", "--profile", "shandong-14fyp-2021-2025",
                              "--format", "json"])
    assert got.exit_code == 0, got.output
    rows = json.loads(got.stdout)["rows"]
    assert next(r for r in rows if r["target"] == "energy_intensity")["margin"] == pytest.approx(0.01)
    table = runner.invoke(app, ["progress", str(path), "--final", "--profile", "shandong-14fyp-2021-2025"])
    assert table.exit_code == 0 and "Final evaluation" in table.stdout and "1.00 %" in table.stdout
    refused = runner.invoke(app, ["progress", str(path), "--final"])
    assert refused.exit_code == 2 and "--final needs --profile" in refused.output


def test_region_report_has_the_final_evaluation_section():
    from reports import region_report

    frame = frame_14th().assign(industry="C2911", co2_location_tco2=0.0, fresh_water_m3=0.0)
    html = region_report(frame, lang="en", profile="shandong-14fyp-2021-2025", year=2025, region="37")
    assert 'id="final"' in html and 'data-final="energy_intensity.total"' in html
    row = html.split('data-final="energy_intensity.total"')[1].split("</tr>")[0]
    # achieved 18.00 %, target 17.00 %, margin 1.00 %, the unbalanced figure 25.33 %
    assert "18.00 %" in row and "17.00 %" in row and "1.00 %" in row and "25.33 %" in row
    assert 'id="panel-coverage"' in html


def test_a_year_after_the_newest_grid_factor_is_named():
    # the shipped release's newest grid factors are of 2023: results of 2025 and 2026 rest on them
    frame = pd.DataFrame([row("E1", "2025", 1000, 1000), row("E1", "2026", 960, 1000)]).assign(release="cn-2026.11")
    notes = progress(frame, NATIONAL, 2026).notes
    assert any("results of 2025, 2026 (release cn-2026.11) rest on grid factors of 2023" in n for n in notes)
