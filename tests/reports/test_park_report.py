"""The park HTML report (reports.park_report, carbonkit report park): the green-park assessment of
examples/green_park.json (park P0001, 2023) indicator by indicator, with and without its enterprises' activity
data (examples/park.csv).

Scoring (factors/criteria/miit-green-park-2016.toml, [scoring] method = "ratio_to_lead"): an indicator earns
points x min(value / lead, 1), lower-is-better points x min(lead / value, 1); 4 points each; choose sets count
their best n (RG 2, IG 2, HG 1); pass at 60 of 100 with every gate met.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import carbonkit as ck
from carbonkit.assess import assess_park, park_summaries
from cli.main import app
from reports import park_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STATEMENTS = EXAMPLES / "green_park.json"
ACTIVITIES = EXAMPLES / "park.csv"
RELEASE = "cn-2026.11"
EXTERNAL = ("http://", "https://", "<script src", "<link")


def statements() -> dict:
    return json.loads(STATEMENTS.read_text(encoding="utf-8"))


def row(html: str, attr: str, value: str) -> str:
    """The inner html of the table row with ``attr="value"``."""
    m = re.search(rf'<tr {attr}="{re.escape(value)}">(.*?)</tr>', html, re.DOTALL)
    assert m, f"no row {attr}={value}"
    return m.group(1)


def cells(fragment: str) -> list[str]:
    """The text of each cell of a row (tags removed, spaces collapsed)."""
    found = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", fragment, re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in found]


def verdict(html: str) -> tuple[str, str, str, str]:
    """(data-passed, the verdict word, the score, the points 'total / max')."""
    m = re.search(r'<p id="verdict" data-passed="(\w+)">\s*<strong>(.*?)</strong>.*?<span id="score">([^<]*)</span>'
                  r'.*?([\d.,–]+ / [\d,]+) \[', html, re.DOTALL)
    assert m, "no verdict paragraph"
    return m.groups()


@pytest.fixture(scope="module")
def html_en() -> str:
    return park_report(STATEMENTS, lang="en", activities=ACTIVITIES)


@pytest.fixture(scope="module")
def html_zh() -> str:
    return park_report(STATEMENTS, lang="zh", activities=ACTIVITIES)


@pytest.fixture(scope="module")
def html_alone() -> str:
    return park_report(STATEMENTS, lang="en")


# --------------------------------------------------------------------------- the same result as assess_park

def test_verdict_score_and_total_are_those_of_assess_park(html_en):
    a = assess_park(statements(), summaries=park_summaries(ACTIVITIES, "P0001"))
    assert a.passed is True
    assert verdict(html_en) == ("true", "PASS", f"{a.score:.2f}", f"{a.total:.2f} / {a.max_total:.0f}")
    assert f'id="release">{RELEASE}<' in html_en and a.release == RELEASE


def test_without_activities_the_computed_indicators_are_missing(html_alone):
    # green_park.json has no 'enterprises': nothing to compute energy output, water, land, reuse or value added
    # per employee from, so those mandatory indicators are missing and the park cannot be assessed
    a = assess_park(statements())
    assert a.passed is None
    assert verdict(html_alone) == ("none", "NOT ASSESSABLE (data missing)", f"{a.score:.2f}",
                                   f"{a.total:.2f} / {a.max_total:.0f}")
    missing = re.findall(r'data-missing="([a-z_]+)"', html_alone)
    assert set(missing) == {"energy_output_rate", "renewable_share", "water_output_rate", "land_output_rate",
                            "water_reuse_rate", "value_added_per_capita"}
    assert "a value [万元/tce]" in cells(row(html_alone, "data-missing", "energy_output_rate"))
    assert 'id="metrics"' not in html_alone and 'id="release">–<' in html_alone
    # the supplied values are scored the same with or without the activity data
    assert cells(row(html_alone, "data-indicator", "clean_energy_share"))[7] == "3.31 / 4"


# --------------------------------------------------------------------------- indicator rows by hand

# indicator -> (value, unit, source, lead, points, counted), from the criteria file and green_park.json
BY_HAND = {
    # 4 x 62 / 75 = 4 x 0.826667 = 3.306667
    "clean_energy_share": ("62.000", "%", "supplied", "75.000", "3.31 / 4", "yes"),
    # 35 / 30 = 1.1667, capped at 1: 4.00 (RG choose set: counted as one of the best two, 4.00 and 3.20)
    "reclaimed_water_reuse": ("35.000", "%", "supplied", "30.000", "4.00 / 4", "yes"),
    # 4 x 48 / 60 = 3.20 (second best of the RG choose set)
    "waste_heat_recovery": ("48.000", "%", "supplied", "60.000", "3.20 / 4", "yes"),
    # 4 x 70 / 90 = 3.111: third of the RG choose set, not counted
    "waste_gas_recovery": ("70.000", "%", "supplied", "90.000", "3.11 / 4", "no"),
    # lower is better: 4 x min(5 / 3.1, 1) = 4 x min(1.613, 1) = 4.00
    "wastewater_per_value_added": ("3.100", "t/万元", "supplied", "5.000", "4.00 / 4", "yes"),
    # 4 x 72 / 80 = 3.60
    "air_quality_good_days": ("72.000", "%", "supplied", "80.000", "3.60 / 4", "yes"),
    # 4 x 28 / 30 = 3.7333
    "high_tech_share": ("28.000", "%", "supplied", "30.000", "3.73 / 4", "yes"),
    # value added 193,000 x 10^4 CNY (the value_added rows of park.csv) / 12 km2 = 16,083.33 x 10^4 CNY/km2
    # = 1.6083 x 10^8 CNY/km2; 4 x 1.6083 / 15 = 0.4289
    "land_output_rate": ("1.608", "亿元/km2", "computed", "15.000", "0.43 / 4", "yes"),
    # 193,000 / 6,950 employees (400 + 150 + 220 + 850 + 1,100 + 700 + 650 + 480 + 900 + 1,500) = 27.770 10^4 CNY
    # per person; 27.77 / 15 > 1: 4.00
    "value_added_per_capita": ("27.770", "万元/人", "computed", "15.000", "4.00 / 4", "yes"),
}


@pytest.mark.parametrize("indicator", sorted(BY_HAND))
def test_indicator_rows_by_hand(html_en, indicator):
    c = cells(row(html_en, "data-indicator", indicator))
    value, unit, source, lead, points, counted = BY_HAND[indicator]
    assert (c[2], c[3], c[4], c[6], c[7], c[8]) == (value, unit, source, lead, points, counted)


def test_the_hand_sums_of_the_park_file():
    frame = pd.read_csv(ACTIVITIES)
    rows = frame[(frame["period"] == 2023) & (frame["park"] == "P0001")]
    assert rows.loc[rows["item"] == "value_added", "amount"].sum() == 193_000  # 万元, all 10 enterprises
    assert rows.loc[rows["item"] == "employees", "amount"].sum() == 6_950
    assert rows["enterprise"].nunique() == 10


def test_energy_output_rate_from_the_accounting(html_en):
    """Value added / comprehensive energy (equivalent value) of the park's enterprises in 2023.

    The energy is summed here from carbonkit.account on examples/park.csv (the accounting core, which has its
    own hand-worked tests: tests/carbonkit/test_energy.py); the value added is the sum of the park file's
    value_added rows, 193,000 x 10^4 CNY (current prices: the file has no price index).
    """
    summary = ck.account(ACTIVITIES).summary
    year = summary[(summary["period"] == "2023") & (summary["park"] == "P0001")]
    energy = year["energy_equivalent_tce"].sum()
    rate = 193_000 / energy
    c = cells(row(html_en, "data-metric", "energy_output_rate"))
    assert c[1] == f"{rate:.4f}" and c[2] == "万元/tce"
    assert "10 enterprises" in c[3] and "current prices" in c[3]
    # the indicator row: the same value, 4 x rate / 3 (lead 3.0 10^4 CNY/tce) points
    ind = cells(row(html_en, "data-indicator", "energy_output_rate"))
    assert ind[2] == f"{rate:.3f}" and ind[4] == "computed" and ind[7] == f"{4 * rate / 3:.2f} / 4"


def test_land_output_rate_metric(html_en):
    # 12 km2 x 1,500 mu/km2 = 18,000 mu; 193,000 / 18,000 = 10.7222 x 10^4 CNY per mu, on the park's land area
    c = cells(row(html_en, "data-metric", "land_output_rate"))
    assert c[1:3] == ["10.7222", "万元/亩"] and "the park's land area" in c[3].replace("&#39;", "'")


# --------------------------------------------------------------------------- gates, groups, verdicts

def test_gates_table(html_en, html_zh):
    gates = re.findall(r'data-gate="([a-z_0-9]+)"', html_en)
    assert gates == ["policies_implemented", "no_major_pollution_incident_3y", "environment_meets_standards",
                     "clean_production_audits", "no_phased_out_technology", "green_office_staff"]
    for g in gates:
        assert cells(row(html_en, "data-gate", g))[1:] == ["yes", "verified"]
        assert cells(row(html_zh, "data-gate", g))[1] == "是"
    assert cells(row(html_zh, "data-gate", "green_office_staff"))[0] == "设立绿色园区专门机构，专职人员不少于2人"


def test_groups_by_hand_and_they_add_up(html_en):
    # IG: sewage treatment 4 + the best two of buildings 4 x 20 / 30 = 2.67, bus stops 95 / 90 -> 4,
    #     clean buses 40 / 30 -> 4: 12.00 of 12
    # MG: three qualitative indicators met: 12.00 of 12
    # HG: solid waste disposal 100 / 100 -> 4, CO2 reduction 4.2 / 3 -> 4, wastewater 4, pollutant elasticity
    #     (lower) 0.3 / 0.25 -> 4, air 3.60, best one of green coverage 4 x 18 / 30 = 2.40 and road shade
    #     85 / 80 -> 4: 4 + 4 + 4 + 4 + 3.6 + 4 = 23.60 of 24 (98.3 %)
    # CG: 3.7333 + 31 / 30 -> 4 + value added per employee 4 + 4 x 22 / 30 = 2.9333: 14.67 of 16
    expected = {"IG": ["12.00", "12", "100.0 %", "3"], "MG": ["12.00", "12", "100.0 %", "3"],
                "HG": ["23.60", "24", "98.3 %", "6"], "CG": ["14.67", "16", "91.7 %", "4"]}
    groups = html_en[html_en.index('<table id="groups">'):]
    for g, want in expected.items():
        assert cells(row(groups, "data-group", g))[1:] == want
    points = [float(cells(row(groups, "data-group", g))[1]) for g in ("EG", "RG", "IG", "CG", "HG", "MG")]
    maxima = [float(cells(row(groups, "data-group", g))[2]) for g in ("EG", "RG", "IG", "CG", "HG", "MG")]
    _, _, _, total = verdict(html_en)
    shown_total, shown_max = (float(x.replace(",", "")) for x in total.split(" / "))
    assert sum(points) == pytest.approx(shown_total, abs=0.03)  # six values rounded to 0.005
    assert sum(maxima) == shown_max == 100


def test_a_gate_not_answered_makes_it_not_assessable():
    data = statements()
    del data["gates"]["green_office_staff"]
    html = park_report(data, lang="en", activities=ACTIVITIES)
    assert verdict(html)[:2] == ("none", "NOT ASSESSABLE (data missing)")
    assert cells(row(html, "data-missing", "green_office_staff"))[0] == "gate"
    assert "state whether it is met" in cells(row(html, "data-missing", "green_office_staff"))[3]
    assert cells(row(html, "data-gate", "green_office_staff"))[1] == "not stated"


def test_a_failing_gate_is_a_veto():
    data = statements()
    data["gates"]["green_office_staff"] = False
    html = park_report(data, lang="en", activities=ACTIVITIES)
    a = assess_park(data, summaries=park_summaries(ACTIVITIES, "P0001"))
    assert verdict(html)[:3] == ("false", "FAIL", f"{a.score:.2f}")
    assert cells(row(html, "data-gate", "green_office_staff"))[1] == "no"
    assert ('<p class="warn">veto: A dedicated green-development office with at least 2 full-time staff '
            "(设立绿色园区专门机构，专职人员不少于2人) is not met</p>") in html
    assert 'id="missing"' not in html


# --------------------------------------------------------------------------- languages, escaping, self-containment

def test_both_languages(html_en, html_zh):
    assert '<html lang="zh-CN">' in html_zh and '<html lang="en">' in html_en
    assert "园区绿色评价报告" in html_zh and "Park green assessment report" in html_en
    assert "园区绿色评价报告" not in html_en and "Park green assessment report" not in html_zh
    assert verdict(html_zh)[:2] == ("true", "达标")
    assert verdict(html_zh)[2:] == verdict(html_en)[2:]  # the same figures
    assert cells(row(html_zh, "data-indicator", "clean_energy_share"))[1].startswith("清洁能源使用率")
    assert cells(row(html_en, "data-indicator", "clean_energy_share"))[1].startswith("Clean energy share")
    assert cells(row(html_zh, "data-metric", "energy_output_rate"))[0] == "能源产出率"


def test_park_id_is_escaped():
    data = copy.deepcopy(statements())
    data["park"] = "<b>P1</b> & co"
    html = park_report(data, lang="en")
    assert "<b>" not in html
    assert 'id="park">&lt;b&gt;P1&lt;/b&gt; &amp; co<' in html
    assert "<title>Park green assessment report · &lt;b&gt;P1&lt;/b&gt; &amp; co · 2023</title>" in html


@pytest.mark.parametrize("fixture", ["html_en", "html_zh", "html_alone"])
def test_no_external_resources(request, fixture):
    html = request.getfixturevalue(fixture)
    for needle in EXTERNAL:
        assert needle not in html
    assert "<script" not in html and "<img" not in html and "<svg " in html  # the group chart inline


# --------------------------------------------------------------------------- found while writing these tests (fixed)

def test_the_chinese_report_names_missing_items_in_chinese():
    data = statements()
    del data["gates"]["green_office_staff"]
    html = park_report(data, lang="zh", activities=ACTIVITIES)
    assert "设立绿色园区专门机构" in row(html, "data-missing", "green_office_staff")


# --------------------------------------------------------------------------- CLI

def test_cli_writes_the_park_report(tmp_path):
    out = tmp_path / "park.html"
    done = CliRunner().invoke(app, ["report", "park", str(STATEMENTS), "--activities", str(ACTIVITIES), "--lang", "en",
                                    "-o", str(out), "--quiet"])
    assert done.exit_code == 0, done.output
    html = out.read_text(encoding="utf-8")
    a = assess_park(statements(), summaries=park_summaries(ACTIVITIES, "P0001"))
    assert verdict(html) == ("true", "PASS", f"{a.score:.2f}", f"{a.total:.2f} / {a.max_total:.0f}")
    assert cells(row(html, "data-indicator", "clean_energy_share"))[7] == "3.31 / 4"
    again = CliRunner().invoke(app, ["report", "park", str(STATEMENTS), "-o", str(out), "--quiet"])
    assert again.exit_code == 2 and out.read_text(encoding="utf-8") == html


def test_cli_bad_json_names_the_file(tmp_path):
    bad = tmp_path / "broken-park.json"
    bad.write_text('{"park": "P0001", "year": 2023,', encoding="utf-8")
    out = tmp_path / "park.html"
    result = CliRunner().invoke(app, ["report", "park", str(bad), "-o", str(out), "--quiet"])
    assert result.exit_code == 2
    assert "broken-park.json" in result.stderr and "not valid JSON" in result.stderr
    assert not out.exists()
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    result = CliRunner().invoke(app, ["report", "park", str(listed), "-o", str(out), "--quiet"])
    assert result.exit_code == 2 and "list.json" in result.stderr and not out.exists()


def test_the_zero_carbon_section(html_en):
    """CO2 per tce of the park's 2023 enterprises = Σ market-based CO2 / Σ energy (equivalent value), from
    carbonkit.account on examples/park.csv as above. The park uses 226,937 tce a year: the 200,000-1,000,000 tce
    tier, threshold 0.20 tCO2/tce; gap = value - 0.20, missed."""
    summary = ck.account(ACTIVITIES).summary
    year = summary[(summary["period"] == "2023") & (summary["park"] == "P0001")]
    energy = year["energy_equivalent_tce"].sum()
    ratio = year["co2_market_tco2"].sum() / energy
    assert 200_000 <= energy < 1_000_000
    section = html_en.split('id="zero-carbon"')[1].split("</table>")[0]
    row = section.split('data-zero-carbon="co2_per_energy"')[1].split("</tr>")[0]
    assert f"{ratio:,.4f}" in row and "0.2000" in row and f"{ratio - 0.2:,.4f}" in row and "<td>no</td>" in row
