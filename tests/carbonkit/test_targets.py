"""Progress toward target profiles: pace arithmetic, exclusions, counts, comparable prices, any plan period.

Every expected number is worked out by hand below (policy_targets.md §1 for the targets; §5 of
energy_carbon_factors.md for the exclusions).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from carbonkit.errors import FactorDataError, InvalidInput
from carbonkit.targets import achieved_pace, intensity_progress, progress, required_pace
from carbonkit.target_profiles import load_profile, profile_for

SHANDONG = "shandong-14fyp-2021-2025"


def row(enterprise, period, energy, va, *, va_comp=np.nan, feedstock=0.0, renewables=0.0, water=0.0,
        region="370211", park=None):
    return {"enterprise": enterprise, "period": period, "region": region, "industry": "C2911", "park": park,
            "energy_equivalent_tce": energy, "feedstock_equivalent_tce": feedstock,
            "renewable_electricity_equivalent_tce": renewables, "water_withdrawal_m3": water,
            "value_added_10k_cny": va, "value_added_comparable_10k_cny": va_comp}


def line(answer, target, variant="total"):
    return next(i for i in answer.indicators if i["target"] == target and i["variant"] == variant)


# --------------------------------------------------------------------------- pace arithmetic

def test_required_pace_for_17_and_5_percent():
    # 1 - 0.83^(1/5): ln 0.83 = -0.1863296; / 5 = -0.0372659; exp(-0.0372659) = 0.9634199; 1 - 0.9634199 = 0.0365801
    # (the "≈ 3.66 % a year"; 0.036574 would be a slip in the fifth decimal)
    assert required_pace(0.17, 5) == pytest.approx(0.0365801, abs=1e-7)
    # 1 - 0.95^(1/5): ln 0.95 = -0.0512933; / 5 = -0.0102587; exp = 0.9897938; 1 - 0.9897938 = 0.0102062
    assert required_pace(0.05, 5) == pytest.approx(0.0102062, abs=1e-7)
    # a pace kept five years gives the decline back: 1 - (1 - 0.0365801)^5 = 1 - 0.83 = 0.17
    assert 1 - (1 - required_pace(0.17, 5)) ** 5 == pytest.approx(0.17)


def test_progress_numbers_of_one_series():
    # base 2020 I = 1.0; 2023 I = 0.88; target -17 % by 2025 (n = 5, k = 3, m = 2)
    p = intensity_progress(1.0, 0.88, 2020, 2023, 2025, 0.17)
    assert p["cumulative_change"] == pytest.approx(-0.12)
    # achieved: 1 - 0.88^(1/3): ln 0.88 = -0.1278334; / 3 = -0.0426111; exp = 0.9582840; pace 0.0417160
    assert p["achieved_annual_pace"] == pytest.approx(0.0417160, abs=1e-7)
    # path value in 2023: 0.83^(3/5) = exp(0.6 x -0.1863296) = exp(-0.1117978) = 0.8942251; 0.88 <= it: on track
    assert p["path_value"] == pytest.approx(0.8942251, abs=1e-7)
    assert p["on_track"] is True
    # still needed each of the 2 remaining years: 1 - (0.83 / 0.88)^(1/2) = 1 - sqrt(0.9431818) = 1 - 0.9711755
    assert p["needed_annual_pace"] == pytest.approx(0.0288245, abs=1e-7)
    # projected 2025 at the achieved pace: 0.88 x 0.9582840^2 = 0.88 x 0.9183082 = 0.8081112 -> -19.19 %
    assert p["projected_final_value"] == pytest.approx(0.8081112, abs=1e-7)
    assert p["projected_cumulative_change"] == pytest.approx(-0.1918888, abs=1e-7)
    assert p["target_value"] == pytest.approx(0.83)
    assert p["met"] is None


def test_off_track_and_the_final_year():
    # 2023 at 0.95 (only -5 % in 3 years) is above the path 0.8942251: not on track
    assert intensity_progress(1.0, 0.95, 2020, 2023, 2025, 0.17)["on_track"] is False
    final = intensity_progress(1.0, 0.84, 2020, 2025, 2025, 0.17)  # -16 % in 2025: target 0.83 missed
    assert final["met"] is False and final["needed_annual_pace"] is None and final["remaining_years"] == 0
    assert achieved_pace(0.84, 5) == pytest.approx(1 - 0.84 ** 0.2)


# --------------------------------------------------------------------------- progress of a region

def frame_with_exclusions() -> pd.DataFrame:
    """Base 2020: E 1,000 tce of which feedstock 200, renewable electricity 10, VA 1,000.
    2023: E 900, feedstock 180, renewables 40, VA 1,210 current / 1,100 comparable (reported)."""
    return pd.DataFrame([row("E1", "2020", 1000, 1000, feedstock=200, renewables=10, water=5000),
                         row("E1", "2023", 900, 1210, va_comp=1100, feedstock=180, renewables=40, water=4800)])


def test_progress_with_and_without_the_exclusions():
    answer = progress(frame_with_exclusions(), SHANDONG, 2023)
    total = line(answer, "energy_intensity")
    # total: 1,000 / 1,000 = 1.0 -> 900 / 1,100 = 0.8181818: -18.18 %
    assert (total["base_value"], total["value"]) == pytest.approx((1.0, 900 / 1100))
    assert total["cumulative_change"] == pytest.approx(-0.1818182, abs=1e-7)
    # raw-material energy deducted in both years: (1,000 - 200) / 1,000 = 0.8 -> (900 - 180) / 1,100 = 0.6545455
    feed = line(answer, "energy_intensity", "excl_feedstock")
    assert (feed["base_value"], feed["value"]) == pytest.approx((0.8, 720 / 1100))
    # and the increase of renewables over 2020 (40 - 10 = 30) deducted in 2023: (720 - 30) / 1,100 = 0.6272727;
    # change 0.6272727 / 0.8 - 1 = -0.2159091
    both = line(answer, "energy_intensity", "excl_feedstock_new_renewables")
    assert (both["base_value"], both["value"]) == pytest.approx((0.8, 690 / 1100))
    assert both["cumulative_change"] == pytest.approx(-0.2159091, abs=1e-7)
    assert both["status"] == "unverified" and feed["status"] == "verified"  # reference §5: the renewables rule is U
    assert "exclusion new_renewables" in answer.unverified
    # water: 5,000 / 1,000 = 5 -> 4,800 / 1,100 = 4.3636364, -12.73 % against -5 %: on track
    water = line(answer, "water_intensity")
    assert water["value"] == pytest.approx(4800 / 1100) and water["on_track"] is True
    # 2023 comparable as reported; 2020 is the base year, whose current prices are the base prices
    assert answer.price_basis == "comparable"


def test_renewables_falling_below_the_base_deduct_nothing():
    frame = frame_with_exclusions()
    frame.loc[1, "renewable_electricity_equivalent_tce"] = 5  # below 2020's 10: max(5 - 10, 0) = 0
    answer = progress(frame, SHANDONG, 2023)
    assert line(answer, "energy_intensity", "excl_feedstock_new_renewables")["value"] == pytest.approx(720 / 1100)


def test_comparable_prices_change_the_progress(tmp_path):
    # Without comparable VA, 2023 VA 1,210 at current prices: 900 / 1,210 = 0.7438017 (-25.6 %, nominal).
    # With a chain index (previous year = 100) 2021 110, 2022 100, 2023 100: P2023 / P2020 = 1.10 x 1.00 x 1.00
    # = 1.10; VA 1,210 / 1.10 = 1,100 at 2020 prices -> 900 / 1,100 = 0.8181818 (-18.18 %).
    frame = pd.DataFrame([row("E1", "2020", 1000, 1000), row("E1", "2023", 900, 1210)])
    nominal = line(progress(frame, SHANDONG, 2023), "energy_intensity")
    assert nominal["value"] == pytest.approx(900 / 1210)
    (tmp_path / "p.toml").write_text('id = "p"\nkind = "va_deflator"\ntitle = "t"\nsource = "s"\nedition = "1"\n'
                                     'issuing_body = "b"\npublished = "2024"\nregion = "37"\n', encoding="utf-8")
    (tmp_path / "p.csv").write_text("id,region,industry,year,value,base_year,status,note\n"
                                    "p.1,37,,2021,110,,verified,\np.2,37,,2022,100,,verified,\n"
                                    "p.3,37,,2023,100,,verified,\n", encoding="utf-8")
    answer = progress(frame, SHANDONG, 2023, deflators=tmp_path / "p.csv")
    real = line(answer, "energy_intensity")
    assert real["value"] == pytest.approx(900 / 1100)
    assert real["cumulative_change"] == pytest.approx(-0.1818182, abs=1e-7)
    assert answer.price_basis == "comparable" and answer.deflators == "p"


def test_counts_are_not_available_unless_supplied():
    answer = progress(frame_with_exclusions(), SHANDONG, 2023, counts={"green_factories": 120})
    counts = {c["target"]: c for c in answer.counts}
    # 120 of 500 = 24 %, 380 to go
    assert counts["green_factories"]["share"] == pytest.approx(0.24) and counts["green_factories"]["remaining"] == 380
    assert counts["green_parks"]["target_count"] == 20 and counts["green_parks"]["count"] is None
    assert "not stored" in counts["green_parks"]["reason"]


def test_shanghai_annual_decline_profile():
    # 1 % a year over 2022-2025: R = 1 - 0.99^3 = 1 - 0.970299 = 0.029701; required pace back to 0.01
    frame = pd.DataFrame([row("E1", "2022", 100, 100, region="310115"), row("E1", "2024", 97, 100, region="310115")])
    answer = progress(frame, None, 2024, region="31")
    assert answer.profile.id == "shanghai-manufacturing-2023-2025"
    energy = line(answer, "energy_intensity")
    assert energy["target_decline"] == pytest.approx(0.029701)
    assert energy["required_annual_pace"] == pytest.approx(0.01)
    # 0.97 after 2 years: achieved 1 - sqrt(0.97) = 1 - 0.9848858 = 0.0151142 -> on track
    assert energy["achieved_annual_pace"] == pytest.approx(0.0151142, abs=1e-7) and energy["on_track"] is True
    assert energy["status"] == "unconfirmed"


def test_the_profile_is_found_from_the_data_region():
    answer = progress(frame_with_exclusions(), None, 2023)
    assert answer.profile.id == SHANDONG and answer.region == "37"


def test_a_2026_2030_profile_needs_no_code(tmp_path):
    path = tmp_path / "jiangsu-15fyp.toml"
    path.write_text('''id = "jiangsu-15fyp"
kind = "targets"
title = "an example 15th Five-Year profile"
source = "example, not a published plan"
edition = "15th"
issuing_body = "nobody"
published = 2026-01-01
region = "32"
base_year = 2025
target_year = 2030

[[target]]
id = "energy"
indicator = "energy_intensity"
form = "cumulative_decline"
value = 0.135
status = "unverified"

[[target]]
id = "co2"
indicator = "co2_intensity"
form = "cumulative_decline"
value = 0.18
status = "unverified"
''', encoding="utf-8")
    frame = pd.DataFrame([row("E1", "2025", 100, 100, region="320102"), row("E1", "2027", 90, 100, region="320102")])
    frame["co2_location_tco2"] = [300.0, 240.0]
    answer = progress(frame, path, 2027)
    energy = line(answer, "energy")
    # required 1 - 0.865^(1/5): ln 0.865 = -0.1450258; / 5 = -0.0290052; exp = 0.9714114; 1 - that = 0.0285886
    assert energy["required_annual_pace"] == pytest.approx(0.0285886, abs=1e-7)
    # achieved 1 - 0.9^(1/2) = 1 - 0.9486833 = 0.0513167
    assert energy["achieved_annual_pace"] == pytest.approx(0.0513167, abs=1e-7)
    co2 = line(answer, "co2")
    assert co2["cumulative_change"] == pytest.approx(240 / 300 - 1)
    assert answer.unverified == ["target energy", "target co2"]


def test_balanced_panel_drops_entrants():
    # E2 enters in 2023 with a high intensity (100 / 100); all: (90 + 100) / (110 + 100) = 0.9047619;
    # balanced (the default since issue 15): E1 only, 90 / 110 = 0.8181818
    frame = pd.DataFrame([row("E1", "2020", 100, 100), row("E1", "2023", 90, 110), row("E2", "2023", 100, 100)])
    balanced = progress(frame, SHANDONG, 2023)
    assert balanced.panel == "balanced"
    assert line(balanced, "energy_intensity")["value"] == pytest.approx(90 / 110)
    assert balanced.coverage["2020"]["n_expected"] == 2
    # the unbalanced figure rides along, labelled; the coverage of the headline: 1 of 2 enterprises,
    # value added 110 of 210 = 0.5238095, energy 90 of 190 = 0.4736842
    other = line(balanced, "energy_intensity")["other_panel"]
    assert other["panel"] == "all" and other["value"] == pytest.approx(190 / 210)
    cover = balanced.panel_coverage
    assert (cover["n_panel"], cover["n_with_value_added"]) == (1, 2)
    assert cover["share_value_added"] == pytest.approx(110 / 210)
    assert cover["share_energy"] == pytest.approx(90 / 190)
    everyone = progress(frame, SHANDONG, 2023, panel="all")
    assert line(everyone, "energy_intensity")["value"] == pytest.approx(190 / 210)
    assert line(everyone, "energy_intensity")["other_panel"]["value"] == pytest.approx(90 / 110)


def test_coverage_of_the_compared_years():
    register = pd.DataFrame({"enterprise": ["E1", "E2", "E3"]})
    frame = pd.DataFrame([row("E1", "2020", 100, 100), row("E2", "2020", 50, 50), row("E1", "2023", 90, 110)])
    answer = progress(frame, SHANDONG, 2023, register=register)
    assert answer.coverage["2020"]["missing"] == ["E3"]
    assert answer.coverage["2023"]["missing"] == ["E2", "E3"]


def test_missing_years_and_bad_profiles_are_clear_errors(tmp_path):
    with pytest.raises(InvalidInput) as info:
        progress(pd.DataFrame([row("E1", "2023", 90, 110)]), SHANDONG, 2023)
    assert [p.code for p in info.value.problems] == ["year_missing"] and info.value.problems[0].period == "2020"
    with pytest.raises(FactorDataError, match="no shipped document 'nope'"):
        load_profile("nope")
    with pytest.raises(FactorDataError, match="no shipped target profile for region 44"):
        profile_for("440100")
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "bad"\nkind = "targets"\ntitle = "t"\nsource = "s"\nedition = "e"\nissuing_body = "b"\n'
                   'published = "2021"\nregion = "37"\nbase_year = 2025\ntarget_year = 2020\n'
                   '[[target]]\nid = "x"\nindicator = "happiness_intensity"\nform = "cumulative_decline"\nvalue = 0.1\n'
                   'status = "verified"\n', encoding="utf-8")
    with pytest.raises(FactorDataError) as info:
        load_profile(bad)
    text = str(info.value)
    assert "target[0]" in text and "happiness_intensity" in text and "bad.toml" in text


# --------------------------------------------------------------------------- the command

def test_progress_command_from_activity_data(tmp_path):
    """Activity CSV, one enterprise: 2020 10,000 MWh (1,229 tce) over VA 10,000; 2023 9,000 MWh (1,106.1 tce) over
    VA 11,000 with comparable 10,500. Change 0.1053429 / 0.1229 - 1 = 1,106.1 x 10,000 / (10,500 x 1,229) - 1
    = 0.8571429 - 1 = -0.1428571."""
    from typer.testing import CliRunner

    from cli.main import app

    path = tmp_path / "act.csv"
    path.write_text("enterprise,period,item,amount,unit,region\n"
                    "E1,2020,electricity,10000,MWh,370211\nE1,2020,value_added,10000,万元,370211\n"
                    "E1,2023,electricity,9000,MWh,370211\nE1,2023,value_added,11000,万元,370211\n"
                    "E1,2023,value_added_comparable,10500,万元,370211\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["progress", str(path), "--year", "2023", "--count", "green_parks=4", "--format",
                                 "json", "--year-fallback", "nearest"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    total = next(i for i in payload["indicators"] if i["target"] == "energy_intensity" and i["variant"] == "total")
    assert total["cumulative_change"] == pytest.approx(-0.1428571, abs=1e-7)
    assert next(c for c in payload["counts"] if c["target"] == "green_parks")["count"] == 4
    table = runner.invoke(app, ["progress", str(path), "--year", "2023", "--year-fallback", "nearest"])
    assert table.exit_code == 0 and "-14.29 %" in table.stdout and "not available" in table.stdout
    listed = runner.invoke(app, ["progress", "--list"])
    assert "shandong-14fyp-2021-2025" in listed.stdout and "shanghai" in listed.stdout
    refused = runner.invoke(app, ["progress", str(path), "--year", "2021", "--year-fallback", "nearest"])
    assert refused.exit_code == 2 and "no annual results for 2021" in refused.output
    bad = runner.invoke(app, ["progress", str(path), "--count", "green_parks", "--year-fallback", "nearest"])
    assert bad.exit_code == 2 and "NAME=N" in bad.output
