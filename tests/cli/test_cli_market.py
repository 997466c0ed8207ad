"""``carbonkit market account`` and ``carbonkit market report`` on the example plants."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


def test_market_account_json_carries_the_facility_structure():
    done = runner.invoke(app, ["market", "account", str(EXAMPLES / "market_aluminium.csv"), "-f", "json"])
    assert done.exit_code == 0, done.output
    payload = json.loads(done.stdout)
    fac = payload["facilities"][0]
    assert fac["product"] == "primary_aluminium" and fac["production_t"] == {"primary_aluminium": 360000.0}
    assert set(fac["process_by_source"]) == {"anode"}
    assert {s["gas"] for s in fac["sources"] if s["kind"] == "pfc"} == {"CF4", "C2F6"}
    assert payload["factors"]["cets-ag-04.01-v01-2024.gwp.cf4"]["status"] == "unverified"


def test_market_account_table_lists_the_missing_month():
    done = runner.invoke(app, ["market", "account", str(EXAMPLES / "market_cement_missing_month.csv")])
    assert done.exit_code == 0, done.output
    assert "Data quality" in done.stdout and "missing" in done.stdout


def test_market_report_html_xlsx_json(tmp_path: Path):
    src = str(EXAMPLES / "market_steel_bof.csv")
    for name in ("r.html", "r.xlsx", "r.json"):
        done = runner.invoke(app, ["market", "report", src, "-o", str(tmp_path / name)])
        assert done.exit_code == 0, done.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "排放汇总 / Emissions by facility" in html and "flux.limestone" in html
    book = load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["summary", "sources", "parameters", "quality", "factors"]
    assert book["summary"]["F1"].value == "化石燃料燃烧排放 / fuel combustion [tCO2]"
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["facilities"][0]["route"] == "bf_bof"


def test_market_bad_input_exits_2_naming_the_row(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("enterprise,facility,sector,route,year,month,parameter,item,value,unit\n"
                   "E,F,cement,clinker_line,2025,0,clinker_output,portland,abc,t\n", encoding="utf-8")
    done = runner.invoke(app, ["market", "account", str(bad)])
    assert done.exit_code == 2
    assert "row 1" in done.output and "value" in done.output
