"""``carbonkit cbam report`` and ``carbonkit cbam defaults``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_report_json_xlsx_html(tmp_path):
    xlsx, html = tmp_path / "c.xlsx", tmp_path / "c.html"
    r = runner.invoke(app, ["cbam", "report", str(EXAMPLES / "cbam_aluminium.json"), "-f", "json",
                            "--xlsx", str(xlsx), "--html", str(html)])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout[r.stdout.index("{"):])
    wire = {g["cn_code"]: g for g in body["goods"]}["76051100"]
    # 564 200 tCO2e / 300 000 t (tests/carbonkit/test_cbam.py); default 4.8808 x 1.2 (2027)
    assert wire["see_charged_tco2e_per_t"] == pytest.approx(564_200 / 300_000)
    assert wire["default_marked_up_tco2e_per_t"] == pytest.approx(5.85696)
    sheets = load_workbook(xlsx).sheetnames
    assert sheets[:4] == ["A_Installation", "D_Processes", "E_PurchPrec", "Summary_Products"]
    assert "电解" in html.read_text(encoding="utf-8")


def test_report_table_and_refusal(tmp_path):
    r = runner.invoke(app, ["cbam", "report", str(EXAMPLES / "cbam_steel_bfbof.json")])
    assert r.exit_code == 0 and "72083900" in r.stdout
    bad = json.loads((EXAMPLES / "cbam_steel_bfbof.json").read_text(encoding="utf-8"))
    bad["processes"][0]["category"] = "not_a_category"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    r = runner.invoke(app, ["cbam", "report", str(path)])
    assert r.exit_code == 2 and "not_a_category" in r.output


def test_defaults_lookup():
    r = runner.invoke(app, ["cbam", "defaults", "72083900", "--year", "2027"])
    assert r.exit_code == 0 and "3.1900" in r.stdout and "20 %" in r.stdout
    r = runner.invoke(app, ["cbam", "defaults", "72011011"])
    assert r.exit_code == 1 and "No default value shipped" in r.stdout
