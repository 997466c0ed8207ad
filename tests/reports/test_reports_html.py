"""The self-contained HTML reports: hand-worked figures appear with their units and the factor release, nothing
is fetched from elsewhere, user text is escaped, both languages.

Hand-worked numbers of examples/tyre_maker.json (2023), as in tests/examples/test_examples.py (GB/T 2589-2020
Appendix A; reference sections 2, 3.2-3.4):
  raw coal 12,000 t x 0.7143 = 8,571.600 tce; electricity 64,000 MWh x 0.1229 = 7,865.600 tce;
  green power 8,000 MWh x 0.1229 = 983.200 tce; natural gas 1,500,000 m3 x 1.3300 = 1,995.000 tce;
  steam 177,000,000 MJ x 0.03412 = 6,039.240 tce; diesel 180 t x 1.4571 = 262.278 tce; total 25,716.918 tce
  scope 1 (combustion) = 22,329.995 + 3,243.283 + 557.264 = 26,130.542 tCO2
  scope 2 location = 72,000 MWh x 0.6191 + heat 18,917.316 = 44,575.200 + 18,917.316 = 63,492.516 tCO2
  scope 2 market   = 64,000 MWh x 0.6096 + 18,917.316 = 39,014.400 + 18,917.316 = 57,931.716 tCO2
  energy intensity = 25,716.918 / 44,000 = 0.5845 tce/10^4 CNY
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import carbonkit as ck
from cli.main import app
from reports import enterprise_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TYRE = EXAMPLES / "tyre_maker.json"
RELEASE = "cn-2026.11"


@pytest.fixture(scope="module")
def html_en() -> str:
    return enterprise_report(TYRE, lang="en")


@pytest.fixture(scope="module")
def html_zh() -> str:
    return enterprise_report(TYRE, lang="zh")


def row(html: str, attr: str, value: str) -> str:
    """The text of the table row with ``attr="value"`` (tags removed)."""
    m = re.search(rf'<tr {attr}="{re.escape(value)}">(.*?)</tr>', html, re.S)
    assert m, f"no row {attr}={value}"
    return re.sub(r"<[^>]+>", " ", m.group(1))


@pytest.mark.parametrize("item, tce", [("raw_coal", "8,571.600"), ("electricity", "7,865.600"),
                                       ("green_power", "983.200"), ("natural_gas", "1,995.000"),
                                       ("steam", "6,039.240"), ("diesel", "262.278")])
def test_energy_by_carrier(html_en, item, tce):
    assert tce in row(html_en, "data-item", item).split()


def test_carriers_add_up_and_key_figures(html_en):
    assert re.search(r'id="carriers-total">25,716\.918<', html_en)
    assert "25,716.918" in row(html_en, "data-key", "energy_equivalent_tce")
    assert "tce" in row(html_en, "data-key", "energy_equivalent_tce").split()
    intensity = row(html_en, "data-key", "energy_intensity_tce_per_10k_cny").split()
    assert "0.5845" in intensity and "tce/10^4" in intensity[-2]
    assert "12,000.000 t" in " ".join(row(html_en, "data-item", "raw_coal").split())  # the amount as given, with unit


@pytest.mark.parametrize("scope, value", [("scope1", "26,130.542"), ("scope2_location", "63,492.516"),
                                          ("scope2_market", "57,931.716")])
def test_co2_by_scope(html_en, scope, value):
    cells = row(html_en, "data-key", scope).split()
    assert value in cells and "tCO2" in cells


def test_release_stated_and_charts_inline(html_en):
    assert f'id="release">{RELEASE}<' in html_en
    assert html_en.count(f"Factor release: {RELEASE}") >= 3  # under key figures, carriers and scopes
    assert html_en.count("<svg ") >= 2 and "<img" not in html_en
    assert "power-coal-rate-cn.any" in html_en  # unverified factors are named


@pytest.mark.parametrize("fixture", ["html_en", "html_zh"])
def test_no_external_resources(request, fixture):
    html = request.getfixturevalue(fixture)
    assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?\s*(https?:)?//""", html, re.I)
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html and "<link" not in html


def test_both_languages(html_en, html_zh):
    assert "Energy by carrier" in html_en and "分品种能源消费" not in html_en
    assert "分品种能源消费" in html_zh and "范围一：化石燃料燃烧" in html_zh and "Energy by carrier" not in html_zh
    assert '<html lang="zh-CN">' in html_zh and '<html lang="en">' in html_en
    assert "原煤" in row(html_zh, "data-item", "raw_coal") and "raw coal" in row(html_en, "data-item", "raw_coal")
    assert "25,716.918" in html_zh  # the same figures in both


def test_enterprise_name_is_escaped():
    frame = ck.read_activities(TYRE)
    frame["name"] = '<script>alert("x")</script> & Co'
    html = enterprise_report(frame, lang="en")
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in html


def test_intensities_against_previous_years_and_the_base_year():
    """tyre_maker_series.csv, comparable prices (VA / price index):
    2020: coal 12,555 t x 0.7143 = 8,968.0365; electricity 63,054 MWh x 0.1229 = 7,749.3366;
          gas 1,051,000 m3 x 1.33 kgce = 1,397.830; steam 52,500 t x 2,950 kJ/kg = 154,875,000 MJ x 0.03412
          = 5,284.335; diesel 140 t x 1.4571 = 203.994; total 23,603.5321 tce / 31,000 = 0.76140 tce/10^4 CNY
    2023: 25,716.918 / (44,000 / 1.052) = 0.61487;  vs 2020: 0.61487 / 0.76140 - 1 = -19.25 %
    """
    html = enterprise_report(EXAMPLES / "tyre_maker_series.csv", lang="en", options={"year_fallback": "nearest"})
    table = re.search(r'data-column="energy_intensity_comparable_tce_per_10k_cny">(.*?)</table>', html, re.S).group(1)
    base = (12_555 * 0.7143 + 63_054 * 0.1229 + 1_051_000 * 1.33 / 1000 + 52_500 * 2_950 * 0.03412 / 1000
            + 140 * 1.4571) / 31_000
    last = 25_716.918 * 1.052 / 44_000
    assert f"{base:.4f}" == "0.7614" and f"{last:.4f}" == "0.6149"
    assert "0.7614" in row(table, "data-year", "2020").split()
    cells = row(table, "data-year", "2023").split()
    assert "0.6149" in cells and f"{(last / base - 1) * 100:.2f}" == "-19.25" and "-19.25" in cells
    assert "Base year: 2020" in html
    single = enterprise_report(TYRE, lang="en")
    assert "one period only" in single


def test_gap_list_from_assessment_statements():
    """CO2 per output value = 89,623.058 tCO2 / 205,000 x 10^4 CNY = 0.437186 t = 437.1856 kgCO2 per 10^4 CNY."""
    statements = json.loads((EXAMPLES / "green_factory.json").read_text(encoding="utf-8"))
    html = enterprise_report(TYRE, lang="en", assessment=statements)
    assert "Green-factory gap list" in html
    assert "437.1856" in row(html, "data-indicator", "co2_per_output_value").split()
    assert "miit-green-factory-2025" in html


def test_several_enterprises_need_one_named():
    with pytest.raises(ck.InvalidInput) as exc:
        enterprise_report(EXAMPLES / "park.json")
    assert exc.value.problems[0].code == "enterprise_ambiguous"


def test_cli_writes_the_report(tmp_path):
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", "enterprise", str(TYRE), "--lang", "zh", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "25,716.918" in out.read_text(encoding="utf-8")
    again = CliRunner().invoke(app, ["report", "enterprise", str(TYRE), "-o", str(out)])
    assert again.exit_code != 0  # exists, no --force
    bad = CliRunner().invoke(app, ["report", "enterprise", str(TYRE), "-o", str(tmp_path / "r.pdf")])
    assert bad.exit_code == 2
