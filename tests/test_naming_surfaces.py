"""Every surface names and units a figure as the indicator catalog does.

One enterprise (examples/tyre_maker.json) goes through the CLI table and JSON, the Excel export, the HTML
report in Chinese and English and ``POST /v1/calculate``; each key figure must carry the same name and unit.

The figures are checked by hand too: electricity at 0.1229 kgce/kWh is the equivalent value (当量值,
GB/T 2589-2020 Appendix A) and gives 25,716.918 tce for the tyre maker; at the coal rate of power supply
(0.31 kgce/kWh, the release's placeholder) it is the equal value (等价值), 39,188.118 tce:
72,000,000 kWh × (0.31 − 0.1229) kgce/kWh = 13,471.2 tce more, and 25,716.918 + 13,471.2 = 39,188.118.
"""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from typer.testing import CliRunner

import carbonkit as ck
from carbonkit.catalog import catalog, indicator
from cli.main import app
from carbonkit.datafiles import examples_dir
from carbonkit.messages import unit_text
from reports.excel import export_results
from reports import enterprise_report
from reports.enterprise import KEY_FIGURES

TYRE = examples_dir() / "tyre_maker.json"
runner = CliRunner()


def _html_figures(html: str) -> dict[str, tuple[str, str, str]]:
    """data-key -> (name, value, unit) of the key-figure rows of an enterprise report."""
    rows = re.findall(r'<tr data-key="([^"]+)"><td>([^<]*)</td><td class="num">([^<]*)</td><td>([^<]*)</td>', html)
    return {key: (name, value, unit) for key, name, value, unit in rows}


def test_equivalent_and_equal_value_are_named_as_gbt2589():
    """当量值 is the 0.1229 kgce/kWh figure, 等价值 the coal-rate figure, in both languages."""
    rec = ck.account(TYRE).records()[0]
    assert rec["energy_equivalent_tce"] == pytest.approx(25_716.918)
    assert rec["energy_equal_tce"] == pytest.approx(25_716.918 + 72_000_000 * (0.31 - 0.1229) / 1000)
    assert "当量值" in indicator("energy_equivalent_tce").name_zh
    assert "等价值" in indicator("energy_equal_tce").name_zh
    assert "equivalent value" in indicator("energy_equivalent_tce").name_en
    assert "equal value" in indicator("energy_equal_tce").name_en
    assert not any("calorific" in e.name_en for e in catalog().values())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_report_names_and_units_from_the_catalog(lang):
    html = enterprise_report(TYRE, lang=lang)
    figures = _html_figures(html)
    assert set(figures) >= set(KEY_FIGURES)
    for column in KEY_FIGURES:
        name, _, unit = figures[column]
        assert name == indicator(column).name(lang), column
        assert unit == unit_text(indicator(column).unit, lang), column  # the catalog's unit, in Chinese words in zh
    name, value, _ = figures["energy_equivalent_tce"]
    assert value.replace(",", "").startswith("25716.918")
    assert ("当量值" if lang == "zh" else "equivalent value") in name
    carrier_head = "折标准煤（当量值）" if lang == "zh" else "equivalent value"
    assert carrier_head in html
    assert "calorific" not in html


def test_cli_table_and_json_name_each_figure_as_the_catalog():
    table = runner.invoke(app, ["account", str(TYRE)], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    for column in ("energy_equivalent_tce", "energy_equal_tce", "co2_location_tco2", "water_withdrawal_m3"):
        entry = indicator(column)
        line = next(row for row in table.stdout.splitlines() if entry.name_en in row)
        assert entry.unit in line, line
    assert "25,716.92" in next(row for row in table.stdout.splitlines() if indicator("energy_equivalent_tce").name_en in row)
    payload = json.loads(runner.invoke(app, ["account", str(TYRE), "--format", "json"]).stdout)
    for column in KEY_FIGURES:
        got = payload["indicators"][column]
        assert (got["name_zh"], got["name_en"], got["unit"]) == (
            indicator(column).name_zh, indicator(column).name_en, indicator(column).unit)


def test_excel_export_headers_and_indicator_sheet(tmp_path):
    path = export_results(ck.account(TYRE), tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(path)
    headers = [c.value for c in book["summary"][1]]
    names = {row[0]: row[1:4] for row in book["indicators"].iter_rows(min_row=2, values_only=True)}
    for column in KEY_FIGURES:
        entry = indicator(column)
        assert f"{column} [{entry.unit}]" in headers
        assert names[column] == (entry.name_zh, entry.name_en, entry.unit)


def test_every_result_column_is_catalogued_or_an_identity_column():
    identity = {"enterprise", "period", "year", "region", "industry", "park", "name", "release", "price_basis",
                "product_unit", "grid_factor_location", "grid_factor_market", "factor_ids", "grid_level_location",
                "grid_year_location", "grid_level_market", "grid_year_market", "credit_code_check"}
    columns = set(ck.account(TYRE).summary.columns)
    assert columns - identity - set(catalog()) == set()


@pytest.mark.parametrize(("lang", "level", "year"), [("zh", "省级", "数据年份 2023"), ("en", "province level", "data year 2023")])
def test_html_report_states_the_grid_level_and_year(lang, level, year):
    """The tyre maker is in Qingdao (370211): Shandong's 2023 factor, mee-nbs-grid-2023.37.average."""
    note = re.search(r'<p class="note" id="grid-factor">(.*?)</p>', enterprise_report(TYRE, lang=lang), re.S).group(1)
    text = " ".join(note.split())
    assert level in text and year in text and "mee-nbs-grid-2023.37.average" in text


def test_html_report_says_when_the_factor_year_differs(tmp_path):
    """A 2020 report takes the nearest year's factor (Shandong 2021) and says the report is for 2020."""
    doc = json.loads(TYRE.read_text(encoding="utf-8"))
    doc["period"] = "2020"
    path = tmp_path / "t2020.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    note = re.search(r'<p class="note" id="grid-factor">(.*?)</p>', enterprise_report(path, lang="en"), re.S).group(1)
    text = " ".join(note.split())
    assert "data year 2021" in text and "the report is for 2020" in text
