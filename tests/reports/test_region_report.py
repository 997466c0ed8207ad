"""The province / city HTML report (reports.region_report, carbonkit report region): every figure worked
out by hand for a tiny Shandong province.

Four enterprises in two cities (3701, 3702) and two divisions (C26, C30); value added at comparable prices of
2020 as reported [10^4 CNY] (current prices are 1.2 x that after 2020, so a report that used them would differ);
energy E [tce], water = 10 x E [m3], CO2 = 2 x E [tCO2], all of it combustion (no electricity):

    enterprise  region  industry   2020 E / VA   2021 E / VA   2022 E / VA   2023 E / VA
    A           370102  C2614      500 / 250     500 / 250     450 / 250     450 / 250
    B           370112  C3011      100 / 250     100 / 250     100 / 250     150 / 500
    C           370211  C2614      300 / 150     300 / 150     300 / 150     270 / 150
    D           370203  C3011      100 / 350      50 / 350      50 / 350     180 / 600
    province                      1000 / 1000    950 / 1000    900 / 1000   1050 / 1500
    intensity I [tce/10^4 CNY]     1.0000        0.9500        0.9000        0.7000

Target (factors/targets/shandong-14fyp-2021-2025.toml): energy intensity -17 % from 2020 to 2025, water -5 %.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.main import app
from carbonkit.decomposition import electricity_tce_per_kwh
from reports import region_report
from reports.region import required_path

SHANDONG = "shandong-14fyp-2021-2025"
RELEASE = "cn-2026.11"
ENTERPRISES = {"A": ("370102", "C2614"), "B": ("370112", "C3011"), "C": ("370211", "C2614"),
               "D": ("370203", "C3011")}
# year -> enterprise -> (energy [tce], comparable value added [10^4 CNY])
SERIES = {
    2020: {"A": (500, 250), "B": (100, 250), "C": (300, 150), "D": (100, 350)},
    2021: {"A": (500, 250), "B": (100, 250), "C": (300, 150), "D": (50, 350)},
    2022: {"A": (450, 250), "B": (100, 250), "C": (300, 150), "D": (50, 350)},
    2023: {"A": (450, 250), "B": (150, 500), "C": (270, 150), "D": (180, 600)},
}
EXTERNAL = ("http://", "https://", "<script src", "<link")
# codes shown with their names (GB/T 4754-2017 in factors/names/gbt4754-2017.csv, GB/T 2260 revision 201904)
C_ = "C Manufacturing"
C26 = "C26 Manufacture of raw chemical materials and chemical products"
C30 = "C30 Manufacture of non-metallic mineral products"


def results(series=SERIES, enterprises=ENTERPRISES, drop=(), names=None, release=RELEASE) -> pd.DataFrame:
    """Summary rows as carbonkit.account gives them (the columns the progress, the decomposition by CO2 split
    and the coverage read); ``drop``: (enterprise, year) rows left out."""
    rows = []
    for year, values in series.items():
        for e, (energy, va) in values.items():
            if (e, year) in drop:
                continue
            region, industry = enterprises[e]
            rows.append({"enterprise": e, "period": str(year), "region": region, "industry": industry, "park": None,
                         "name": (names or {}).get(e, f"Firm {e}"), "energy_equivalent_tce": float(energy),
                         "feedstock_equivalent_tce": 0.0, "renewable_electricity_equivalent_tce": 0.0,
                         "water_withdrawal_m3": 10.0 * energy, "electricity_kwh": 0.0,
                         "co2_combustion_tco2": 2.0 * energy, "co2_electricity_location_tco2": 0.0,
                         "co2_heat_tco2": 0.0, "co2_location_tco2": 2.0 * energy,
                         "value_added_10k_cny": va * (1.0 if year == 2020 else 1.2),
                         "value_added_comparable_10k_cny": float(va), "release": release})
    return pd.DataFrame(rows)


def row(html: str, attr: str, value: str) -> str:
    """The inner html of the table row with ``attr="value"``."""
    m = re.search(rf'<tr {attr}="{re.escape(value)}">(.*?)</tr>', html, re.DOTALL)
    assert m, f"no row {attr}={value}"
    return m.group(1)


def cells(fragment: str) -> list[str]:
    """The text of each cell of a row (tags removed, spaces collapsed)."""
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", fragment,
                                                                               re.DOTALL)]


def table(html: str, opening: str) -> str:
    """The html of the table whose opening tag contains ``opening`` (up to its </table>)."""
    start = html.index(opening)
    return html[start:html.index("</table>", start)]


def number(text: str) -> float:
    return float(text.replace(",", ""))


@pytest.fixture(scope="module")
def html_en() -> str:
    return region_report(results(), lang="en", counts={"green_factories": 120})


@pytest.fixture(scope="module")
def html_zh() -> str:
    return region_report(results(), lang="zh", counts={"green_factories": 120})


@pytest.fixture(scope="module")
def html_city() -> str:
    return region_report(results(), lang="en", region="3702")


# --------------------------------------------------------------------------- progress toward the targets

def test_energy_progress_row(html_en):
    # I_2020 = 1,000 / 1,000 = 1.0000; I_2023 = 1,050 / 1,500 = 0.7000 (comparable prices; at current prices
    # 1,050 / 1,800 = 0.5833 would be wrong). Cumulative change 0.7 / 1 - 1 = -30.00 %.
    # Required pace 1 - 0.83^(1/5): ln 0.83 = -0.1863296, / 5 = -0.0372659, exp = 0.9634199 -> 3.66 %.
    # Achieved pace 1 - 0.7^(1/3): ln 0.7 = -0.3566749, / 3 = -0.1188916, exp = 0.8879040 -> 11.21 %.
    # On track: 0.7000 <= path 0.83^(3/5) = exp(-0.1117978) = 0.8942251 -> yes.
    # Still needed a year: 1 - (0.83 / 0.7)^(1/2) = 1 - sqrt(1.1857143) = 1 - 1.0889051 = -8.89 %.
    # Projected 2025 at the achieved pace: 0.7 x 0.8879040^2 = 0.7 x 0.7883735 = 0.5518614 -> -44.81 %.
    c = cells(row(html_en, "data-target", "energy_intensity.total"))
    assert c[2] == "tce/10^4 CNY"
    assert c[3:] == ["1.0000", "0.7000", "-30.00 %", "-17.00 %", "3.66 %", "11.21 %", "yes", "-8.89 %", "-44.81 %",
                     "verified"]
    # no raw-material energy and no renewables in the data: the two exclusion variants equal the total
    for variant in ("excl_feedstock", "excl_feedstock_new_renewables"):
        assert cells(row(html_en, "data-target", f"energy_intensity.{variant}"))[3:9] == c[3:9]


def test_water_progress_row(html_en):
    # water = 10 x energy: 10,000 / 1,000 = 10.0000 -> 10,500 / 1,500 = 7.0000 m3/10^4 CNY, -30.00 % against -5 %;
    # required 1 - 0.95^(1/5): ln 0.95 = -0.0512933, / 5 = -0.0102587, exp = 0.9897938 -> 1.02 %;
    # path 2023 = 10 x 0.95^(3/5) = 10 x 0.9697 = 9.6969 >= 7: on track.
    c = cells(row(html_en, "data-target", "water_intensity.total"))
    assert c[2] == "m3/10^4 CNY"
    assert c[3:10] == ["10.0000", "7.0000", "-30.00 %", "-5.00 %", "1.02 %", "11.21 %", "yes"]


def test_required_path_function():
    # I_B x 0.83^((t - 2020) / 5): 0.83^0.2 = exp(-0.0372659) = 0.9634199; 0.83^0.4 = exp(-0.0745318) = 0.9281779;
    # 0.83^0.6 = 0.8942251; 0.83^0.8 = exp(-0.1490637) = 0.8615143; 0.83^1 = 0.83
    path = required_path(2.0, 0.17, 2020, 2025)
    assert [t for t, _ in path] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert [v for _, v in path] == pytest.approx([2.0, 1.9268398, 1.8563559, 1.7884502, 1.7230285, 1.66], abs=1e-7)


# year -> (achieved, required path I_B x 0.83^((t - 2020) / 5) with I_B = 1, vs path)
CURVE = {2020: ("1.0000", "1.0000", "0.00 %"),
         2021: ("0.9500", "0.9634", "-1.39 %"),   # 0.95 / 0.9634199 - 1 = -0.0139296
         2022: ("0.9000", "0.9282", "-3.04 %"),   # 0.90 / 0.9281779 - 1 = -0.0303386
         2023: ("0.7000", "0.8942", "-21.72 %"),  # 0.70 / 0.8942251 - 1 = -0.2171996
         2024: ("–", "0.8615", "–"),              # no report yet
         2025: ("–", "0.8300", "–")}


@pytest.mark.parametrize("year", sorted(CURVE))
def test_curve_table(html_en, year):
    curve = table(html_en, 'class="curve" data-target="energy_intensity.total"')
    assert cells(row(curve, "data-year", str(year)))[1:] == list(CURVE[year])


def test_curve_runs_from_the_base_year_to_the_target_year(html_en):
    curve = table(html_en, 'class="curve" data-target="energy_intensity.total"')
    assert re.findall(r'data-year="(\d+)"', curve) == [str(y) for y in range(2020, 2026)]
    assert "[tce/10^4 CNY]" in curve  # the unit in the column heads
    # water: 10 x 0.95^(1/5) = 10 x 0.9897938 = 9.8979; target level 10 x 0.95 = 9.5000
    water = table(html_en, 'class="curve" data-target="water_intensity.total"')
    assert cells(row(water, "data-year", "2021"))[1:3] == ["9.5000", "9.8979"]
    assert cells(row(water, "data-year", "2025"))[1:3] == ["–", "9.5000"]


# --------------------------------------------------------------------------- LMDI decomposition

def test_energy_effects_by_hand(html_en):
    """Divisions 2020 -> 2023 (A + C = C26, B + D = C30):
        C26: Y 400 -> 400, E 800 -> 720: S 0.4 -> 0.26667, I_i 2.0 -> 1.8, w = E / Y_total 0.8 -> 0.48
        C30: Y 600 -> 1,100, E 200 -> 330: S 0.6 -> 0.73333, I_i 0.33333 -> 0.3, w 0.2 -> 0.22
    Log means: L(0.48, 0.8) = -0.32 / ln 0.6 = -0.32 / -0.5108256 = 0.6264369
               L(0.22, 0.2) = 0.02 / ln 1.1 = 0.02 / 0.0953102 = 0.2098412
    Structure:  C26 0.6264369 x ln(0.26667 / 0.4) = 0.6264369 x -0.4054651 = -0.2539983
                C30 0.2098412 x ln(0.73333 / 0.6) = 0.2098412 x 0.2006707 = 0.0421090   sum -0.2118893
    Intensity:  C26 0.6264369 x ln 0.9 = 0.6264369 x -0.1053605 = -0.0660017
                C30 0.2098412 x ln 0.9 = -0.0221090                                       sum -0.0881107
    Structure + intensity = -0.3000000 = 0.7 - 1.0.
    Multiplicative: L(0.7, 1) = -0.3 / ln 0.7 = 0.8411020; D_str = exp(-0.2118893 / 0.8411020) = exp(-0.2519184)
    = 0.7773079; D_int = exp(-0.1047568) = 0.9005440; product 0.7 = 0.7 / 1.0.
    """
    effects = table(html_en, 'class="effects" data-indicator="energy"')
    assert cells(row(effects, "data-effect", "start"))[1] == "1.00000"
    assert cells(row(effects, "data-effect", "structure"))[1:] == ["-0.21189", "0.77731"]
    assert cells(row(effects, "data-effect", "intensity"))[1:] == ["-0.08811", "0.90054"]
    assert cells(row(effects, "data-effect", "total"))[1:] == ["-0.30000", "0.70000"]
    assert cells(row(effects, "data-effect", "end"))[1] == "0.70000"
    assert "结构效应" not in effects and "Structure" in effects
    assert "[tce/10^4 CNY]" in effects


def test_effects_add_up_to_the_change(html_en):
    for indicator in ("energy", "water", "co2"):
        effects = table(html_en, f'class="effects" data-indicator="{indicator}"')
        names = [n for n in re.findall(r'data-effect="([a-z_]+)"', effects) if n not in ("start", "total", "end")]
        value = {n: number(cells(row(effects, "data-effect", n))[1]) for n in (*names, "start", "total", "end")}
        assert sum(value[n] for n in names) == pytest.approx(value["total"], abs=6e-6 * len(names))
        assert value["end"] - value["start"] == pytest.approx(value["total"], abs=1.1e-5)


def test_water_and_co2_effects_scale_with_energy(html_en):
    # water = 10 x E and CO2 = 2 x E (one carrier, emission factor 2 tCO2/tce in both years): the weights w double
    # or grow tenfold, so do their log means; the ln ratios are those of energy. Water: structure 10 x -0.2118893 =
    # -2.11889, intensity -0.88111. CO2: structure -0.42378, energy intensity -0.17622, fuel mix and emission factor
    # ln(1 / 1) = ln(2 / 2) = 0; total 2 x 0.7 - 2 x 1.0 = -0.6 [tCO2/10^4 CNY].
    water = table(html_en, 'class="effects" data-indicator="water"')
    assert cells(row(water, "data-effect", "structure"))[1] == "-2.11889"
    assert cells(row(water, "data-effect", "intensity"))[1] == "-0.88111"
    assert "[m3/10^4 CNY]" in water
    co2 = table(html_en, 'class="effects" data-indicator="co2"')
    assert "[tCO2/10^4 CNY]" in co2
    assert cells(row(co2, "data-effect", "start"))[1] == "2.00000"
    assert cells(row(co2, "data-effect", "structure"))[1] == "-0.42378"
    assert cells(row(co2, "data-effect", "energy_intensity"))[1] == "-0.17622"
    assert abs(number(cells(row(co2, "data-effect", "fuel_mix"))[1])) < 1e-9
    assert abs(number(cells(row(co2, "data-effect", "emission_factor"))[1])) < 1e-9
    assert cells(row(co2, "data-effect", "total"))[1] == "-0.60000"


def test_largest_contributors(html_en):
    # a sector's total is L(wT, w0) x ln(wT / w0) = wT - w0: C26 0.48 - 0.8 = -0.32, C30 0.22 - 0.2 = +0.02;
    # shares of the change -0.3: -0.32 / -0.3 = 106.7 %, 0.02 / -0.3 = -6.7 %. Ordered by |total|: C26 first.
    contributors = table(html_en, 'class="contributors" data-indicator="energy"')
    rows = [cells(r) for r in re.findall(r"<tr>(.*?)</tr>", contributors, re.DOTALL)]
    assert rows[0][:2] == ["Section", "Division"] and rows[0][-2] == "Total [tce/10^4 CNY]"
    assert rows[1] == [C_, C26, "-0.25400", "-0.06600", "-0.32000", "106.7 %"]
    assert rows[2] == [C_, C30, "0.04211", "-0.02211", "0.02000", "-6.7 %"]
    assert len(rows) == 3
    assert "Largest contributors (2 / 2)" in html_en


# --------------------------------------------------------------------------- coverage, counts, release

def test_coverage_with_a_missing_report():
    # B (370112, city 3701) sends no 2023 report: 4 expected, 3 reporting, 1 missing; 3701 has 1 of its 2.
    # Progress then rests on the balanced panel A, C, D (the default since issue 15; B has no 2023 report):
    # 2020 E 500 + 300 + 100 = 900, VA 250 + 150 + 350 = 750 -> 1.2000; 2023 E 450 + 270 + 180 = 900,
    # VA 250 + 150 + 600 = 1,000 -> 0.9000; 0.9 / 1.2 - 1 = -25.00 %: below the 2023 path 1.2 x 0.8942 = 1.0731
    # -> on track; pace 1 - 0.75^(1/3) = 1 - exp(-0.2876821 / 3) = 1 - 0.9085603 = 9.14 %.
    html = region_report(results(drop={("B", 2023)}), lang="en")
    years = table(html, 'id="coverage-years"')
    assert cells(row(years, "data-year", "2023"))[1:] == ["4", "3", "3", "1"]
    assert cells(row(years, "data-year", "2020"))[1:] == ["4", "4", "4", "0"]
    groups = table(html, 'id="coverage-groups"')
    assert cells(row(groups, "data-group", "3701"))[1:] == ["2 / 2", "100.0 %", "1 / 2", "50.0 %"]
    assert cells(row(groups, "data-group", "3702"))[1:] == ["2 / 2", "100.0 %", "2 / 2", "100.0 %"]
    missing = table(html, 'id="missing"')
    assert [cells(r) for r in re.findall(r"<tr>(.*?)</tr>", missing, re.DOTALL)][1:] == [
        ["B", "Firm B", "370112 济南市历城区, Shandong", "C3011 Manufacture of non-metallic mineral products"]]
    assert "Enterprises without a report in 2023: 1" in html
    assert cells(row(html, "data-target", "energy_intensity.total"))[3:10] == [
        "1.2000", "0.9000", "-25.00 %", "-17.00 %", "3.66 %", "9.14 %", "yes"]


def test_full_coverage_has_no_missing_table(html_en):
    assert 'id="missing"' not in html_en
    assert cells(row(table(html_en, 'id="coverage-groups"'), "data-group", "3701"))[1:] == [
        "2 / 2", "100.0 %", "2 / 2", "100.0 %"]


def test_count_targets(html_en):
    # green factories: 120 of 500 = 24.0 %, 500 - 120 = 380 to go; green parks (20) not supplied: '–'
    assert cells(row(html_en, "data-target", "green_factories"))[1:] == ["500", "120", "24.0 %", "380"]
    assert cells(row(html_en, "data-target", "green_parks"))[1:] == ["20", "–", "–", "–"]


def test_release_and_units_are_stated(html_en):
    assert f'id="release">{RELEASE}<' in html_en
    assert f"Factor release: {RELEASE}" in html_en  # under the progress table
    assert 'id="profile">' in html_en and SHANDONG in html_en
    # every table with measured numbers states its unit
    progress = table(html_en, 'id="progress"')
    units = [cells(row(progress, "data-target", t))[2] for t in re.findall(r'data-target="([a-z_.]+)"', progress)]
    assert set(units) == {"tce/10^4 CNY", "m3/10^4 CNY"}
    for opening in re.findall(r'<table class="(?:curve|effects|contributors)"[^>]*>', html_en):
        assert re.search(r"\[(tce|m3|tCO2)/10\^4 CNY\]", table(html_en, opening)), opening
    without = region_report(results(release=None), lang="en")
    assert 'id="release">–<' in without


# --------------------------------------------------------------------------- one city

def test_one_city(html_city):
    """City 3702 = C + D only.
    2020: E 300 + 100 = 400, VA 150 + 350 = 500 -> 0.8000; 2021 and 2022: (300 + 50) / 500 = 0.7000;
    2023: E 270 + 180 = 450, VA 150 + 600 = 750 -> 0.6000; change 0.6 / 0.8 - 1 = -25.00 %;
    achieved pace 1 - 0.75^(1/3): ln 0.75 = -0.2876821, / 3 = -0.0958940, exp = 0.9085603 -> 9.14 %;
    path 2023 0.8 x 0.8942251 = 0.7153801 >= 0.6: on track. Path 2021 0.8 x 0.9634199 = 0.7707359, 2025 0.664.
    """
    assert 'id="region">3702 青岛市, Shandong<' in html_city
    assert cells(row(html_city, "data-target", "energy_intensity.total"))[3:10] == [
        "0.8000", "0.6000", "-25.00 %", "-17.00 %", "3.66 %", "9.14 %", "yes"]
    curve = table(html_city, 'class="curve" data-target="energy_intensity.total"')
    assert cells(row(curve, "data-year", "2021"))[1:3] == ["0.7000", "0.7707"]
    assert cells(row(curve, "data-year", "2025"))[1:3] == ["–", "0.6640"]


def test_one_city_decomposition(html_city):
    """C26 = C: Y 150 -> 150, E 300 -> 270; C30 = D: Y 350 -> 600, E 100 -> 180. Y 500 -> 750.
    S: C26 0.3 -> 0.2, C30 0.7 -> 0.8; I_i: C26 2.0 -> 1.8, C30 0.285714 -> 0.3; w: C26 0.6 -> 0.36, C30 0.2 -> 0.24.
    L(0.36, 0.6) = -0.24 / ln 0.6 = 0.4698276; L(0.24, 0.2) = 0.04 / ln 1.2 = 0.04 / 0.1823216 = 0.2193926.
    Structure: 0.4698276 x ln(2/3) = -0.1904987; 0.2193926 x ln(8/7) = 0.2193926 x 0.1335314 = 0.0292958;
               sum -0.1612029
    Intensity: 0.4698276 x ln 0.9 = -0.0495013; 0.2193926 x ln 1.05 = 0.2193926 x 0.0487902 = 0.0107042;
               sum -0.0387971.   Total -0.2000000 = 0.6 - 0.8.
    Contributors: C26 0.36 - 0.6 = -0.24 (-0.24 / -0.2 = 120.0 %), C30 0.24 - 0.2 = 0.04 (-20.0 %).
    """
    effects = table(html_city, 'class="effects" data-indicator="energy"')
    assert cells(row(effects, "data-effect", "structure"))[1] == "-0.16120"
    assert cells(row(effects, "data-effect", "intensity"))[1] == "-0.03880"
    assert cells(row(effects, "data-effect", "total"))[1] == "-0.20000"
    contributors = table(html_city, 'class="contributors" data-indicator="energy"')
    rows = [cells(r) for r in re.findall(r"<tr>(.*?)</tr>", contributors, re.DOTALL)][1:]
    assert rows == [[C_, C26, "-0.19050", "-0.04950", "-0.24000", "120.0 %"],
                    [C_, C30, "0.02930", "0.01070", "0.04000", "-20.0 %"]]


def test_one_city_coverage_is_by_county(html_city):
    groups = table(html_city, 'id="coverage-groups"')
    assert re.findall(r'data-group="([^"]+)"', groups) == ["370203", "370211"]
    assert "<th>County</th>" in groups
    assert cells(row(groups, "data-group", "370211"))[1:] == ["1 / 1", "100.0 %", "1 / 1", "100.0 %"]
    assert cells(row(table(html_city, 'id="coverage-years"'), "data-year", "2023"))[1:3] == ["2", "2"]  # C and D expected, both reported
    assert "370102" not in html_city and "370112" not in html_city  # nothing of city 3701


# --------------------------------------------------------------------------- languages, escaping, self-containment

def test_both_languages(html_en, html_zh):
    assert '<html lang="zh-CN">' in html_zh and '<html lang="en">' in html_en
    assert "区域目标进展报告" in html_zh and "Regional target progress report" in html_en
    assert "结构效应" in html_zh and "强度效应" in html_zh and "结构效应" not in html_en
    assert "Structure" in html_en and "<td>Structure</td>" not in html_zh
    assert "<th>市</th>" in html_zh and "<th>City</th>" in html_en
    zh = table(html_zh, 'class="effects" data-indicator="energy"')
    assert cells(row(zh, "data-effect", "structure"))[1:] == ["-0.21189", "0.77731"]  # the same figures
    assert cells(row(html_zh, "data-target", "energy_intensity.total"))[9] == "是"


def test_user_text_is_escaped():
    evil = '<script>alert("x")</script>'
    enterprises = {**ENTERPRISES, evil: ("370112", "C3011")}
    series = {y: {**v, evil: (10, 10)} for y, v in SERIES.items()}
    html = region_report(results(series, enterprises, drop={(evil, 2023)}, names={evil: "<b>Bad</b> & Co"}), lang="en")
    assert "<script" not in html and "<b>" not in html
    missing = table(html, 'id="missing"')
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in missing
    assert "&lt;b&gt;Bad&lt;/b&gt; &amp; Co" in missing


@pytest.mark.parametrize("fixture", ["html_en", "html_zh", "html_city"])
def test_no_external_resources(request, fixture):
    html = request.getfixturevalue(fixture)
    for needle in EXTERNAL:
        assert needle not in html
    assert "<img" not in html and html.count("<svg ") >= 3  # charts are inline


# --------------------------------------------------------------------------- found while writing these tests (fixed)

def test_share_of_an_unchanged_intensity_is_not_nan():
    # 2023 = 2020 in every enterprise: the change is 0, every share of it undefined
    same = {2020: SERIES[2020], 2023: dict(SERIES[2020])}
    html = region_report(results(same), lang="en")
    contributors = table(html, 'class="contributors" data-indicator="energy"')
    assert "nan" not in contributors.lower()


def test_co2_without_the_split_columns_is_not_called_unreported():
    frame = results().drop(columns=["electricity_kwh", "co2_combustion_tco2", "co2_electricity_location_tco2",
                                    "co2_heat_tco2"])
    html = region_report(frame, lang="en")
    start = html.index("<h3>CO2 per value added")
    section = html[start:html.index("<h2>", start)]
    assert "no co2 reported" not in section  # 2020 has 2 x 1,000 = 2,000 tCO2


# --------------------------------------------------------------------------- CLI

def test_cli_writes_the_city_report(tmp_path):
    source = tmp_path / "results.csv"
    results().to_csv(source, index=False)
    out = tmp_path / "qingdao.html"
    runner = CliRunner()
    done = runner.invoke(app, ["report", "region", str(source), "--region", "3702", "--lang", "en", "-o", str(out),
                               "--count", "green_factories=120", "--quiet"])
    assert done.exit_code == 0, done.output
    html = out.read_text(encoding="utf-8")
    assert cells(row(html, "data-target", "energy_intensity.total"))[3:5] == ["0.8000", "0.6000"]  # as by hand above
    assert cells(row(html, "data-target", "green_factories"))[3] == "24.0 %"
    assert f'id="release">{RELEASE}<' in html

    again = runner.invoke(app, ["report", "region", str(source), "--region", "3702", "-o", str(out), "--quiet"])
    assert again.exit_code == 2 and "--force" in again.stderr
    assert out.read_text(encoding="utf-8") == html  # kept
    forced = runner.invoke(app, ["report", "region", str(source), "--region", "3702", "--lang", "zh", "-o", str(out),
                                 "--force", "--quiet"])
    assert forced.exit_code == 0 and "区域目标进展报告" in out.read_text(encoding="utf-8")


def test_cli_refusals(tmp_path):
    source = tmp_path / "results.csv"
    results().to_csv(source, index=False)
    runner = CliRunner()
    txt = tmp_path / "report.txt"
    bad = runner.invoke(app, ["report", "region", str(source), "-o", str(txt), "--quiet"])
    assert bad.exit_code == 2 and ".html" in bad.stderr and not txt.exists()
    early = runner.invoke(app, ["report", "region", str(source), "--year", "2019", "-o", str(tmp_path / "r.html"),
                                "--quiet"])
    assert early.exit_code == 2
    assert "2019" in early.stderr and "before the base year 2020" in early.stderr
    assert not (tmp_path / "r.html").exists()


# --------------------------------------------------------------------------- property: the effects add up

@st.composite
def provinces(draw):
    """2-4 enterprises in Shandong cities and divisions, 2020 and 2023, with electricity and other energy."""
    n = draw(st.integers(2, 4))
    kwh_per_tce = 1.0 / electricity_tce_per_kwh(RELEASE)
    rows = []
    for i in range(n):
        region = draw(st.sampled_from(["370102", "370211", "370303"]))
        industry = draw(st.sampled_from(["C2614", "C3011", "C3110"]))
        for year in (2020, 2023):
            energy = draw(st.integers(1, 5000))
            va = draw(st.integers(1, 5000))
            elec_share = draw(st.sampled_from([0.0, 0.25, 0.5, 0.9]))
            ef_elec = draw(st.sampled_from([0.5, 0.6, 0.8]))  # tCO2 per MWh
            ef_other = draw(st.sampled_from([2.0, 2.6]))  # tCO2 per tce
            kwh = elec_share * energy * kwh_per_tce
            co2_elec, co2_other = kwh / 1000 * ef_elec, (1 - elec_share) * energy * ef_other
            rows.append({"enterprise": f"E{i}", "period": str(year), "region": region, "industry": industry,
                         "energy_equivalent_tce": float(energy), "feedstock_equivalent_tce": 0.0,
                         "water_withdrawal_m3": float(draw(st.integers(1, 9000))), "electricity_kwh": kwh,
                         "co2_combustion_tco2": co2_other, "co2_electricity_location_tco2": co2_elec,
                         "co2_heat_tco2": 0.0, "co2_location_tco2": co2_elec + co2_other,
                         "value_added_10k_cny": float(va), "value_added_comparable_10k_cny": float(va),
                         "release": RELEASE})
    return pd.DataFrame(rows)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(provinces())
def test_printed_effects_sum_to_the_printed_change(frame):
    html = region_report(frame, lang="en")
    found = 0
    for indicator in ("energy", "water", "co2"):
        effects = table(html, f'class="effects" data-indicator="{indicator}"')
        names = [n for n in re.findall(r'data-effect="([a-z_]+)"', effects) if n not in ("start", "total", "end")]
        value = {n: number(cells(row(effects, "data-effect", n))[1]) for n in (*names, "start", "total", "end")}
        # each printed number is rounded to 5 decimals (±5e-6)
        assert sum(value[n] for n in names) == pytest.approx(value["total"], abs=5e-6 * (len(names) + 1) + 1e-9)
        assert value["end"] - value["start"] == pytest.approx(value["total"], abs=1.5e-5 + 1e-9)
        found += 1
    assert found == 3
