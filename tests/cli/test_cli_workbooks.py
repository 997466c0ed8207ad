"""The command line for workbooks: ``carbonkit template``, ``carbonkit account FILE.xlsx``, ``--output`` and the
progress indicator (shown on a terminal only)."""

from __future__ import annotations

import io
import sys
import time

import openpyxl
import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

import carbonkit as ck
from cli.main import app
from cli import status
from carbonkit.datafiles import examples_dir

runner = CliRunner()
ITEMS = pd.read_csv(ck.datafiles.data_path("items.csv"), dtype=str, keep_default_na=False)


def _filled(tmp_path):
    """The tyre maker's CSV rows written into a template made by the CLI."""
    path = tmp_path / "tyre.xlsx"
    result = runner.invoke(app, ["template", "--lang", "en", "--output", str(path)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    rows = pd.read_csv(examples_dir() / "tyre_maker.csv", dtype=str, keep_default_na=False)
    kind = dict(zip(ITEMS["item"], ITEMS["kind"]))
    for sheet, kinds in (("energy", ("fuel", "electricity", "heat", "steam")), ("water", ("water",)),
                         ("economic", ("economic",))):
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        for r, rec in enumerate(rows[rows["item"].map(kind).isin(kinds)].to_dict("records"), start=2):
            for c, col in enumerate(header, start=1):
                value = rec.get(col) or None
                ws.cell(r, c, float(value) if col in ("amount", "enthalpy") and value else value)
    book.save(path)
    return path


def test_template_command_writes_both_languages(tmp_path):
    for lang, energy in (("zh", "能源"), ("en", "energy")):
        path = tmp_path / f"t-{lang}.xlsx"
        result = runner.invoke(app, ["template", "--lang", lang, "-o", str(path)])
        assert result.exit_code == 0, result.output
        assert energy in openpyxl.load_workbook(path).sheetnames


def test_template_command_default_name_and_no_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["template"]).exit_code == 0
    assert (tmp_path / "carbonkit-template-zh.xlsx").is_file()
    again = runner.invoke(app, ["template"])
    assert again.exit_code == 2 and "exists" in again.stderr
    assert runner.invoke(app, ["template", "--force"]).exit_code == 0
    assert runner.invoke(app, ["template", "--lang", "fr"]).exit_code == 2
    bad = runner.invoke(app, ["template", "-o", "t.ods"])
    assert bad.exit_code == 2 and ".xlsx" in bad.stderr


def test_account_reads_a_filled_workbook_like_the_csv(tmp_path):
    path = _filled(tmp_path)
    from_xlsx = runner.invoke(app, ["account", str(path), "--format", "csv"])
    from_csv = runner.invoke(app, ["account", str(examples_dir() / "tyre_maker.csv"), "--format", "csv"])
    assert from_xlsx.exit_code == 0, from_xlsx.output
    assert from_xlsx.stdout == from_csv.stdout
    # withdrawal = tap 120,000 + ground 30,000 + reclaimed 50,000 = 200,000 m3
    assert pd.read_csv(io.StringIO(from_xlsx.stdout))["water_withdrawal_m3"].iloc[0] == pytest.approx(200_000)


def test_account_refuses_a_bad_workbook_with_sheet_and_row(tmp_path):
    path = _filled(tmp_path)
    book = openpyxl.load_workbook(path)
    book["energy"]["H3"] = "lots"  # amount of the second energy row
    book.save(path)
    result = runner.invoke(app, ["account", str(path)])
    assert result.exit_code == 2
    assert "sheet energy row 3" in result.stderr and "'lots' is not a number" in result.stderr


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_account_output_file(tmp_path, suffix):
    target = tmp_path / f"results{suffix}"
    result = runner.invoke(app, ["account", str(examples_dir() / "park.csv"), "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Wrote 10 result(s) to {target}" in result.stdout.replace("\n", "")
    expected = ck.account(examples_dir() / "park.csv").summary
    if suffix == ".csv":
        back = pd.read_csv(target, dtype={"enterprise": str})
        column = "co2_location_tco2"
    else:
        back = pd.read_excel(target, sheet_name="summary", dtype={"enterprise": str})
        column = "co2_location_tco2 [tCO2]"
    assert back["enterprise"].tolist() == expected["enterprise"].tolist()
    assert back[column].to_numpy() == pytest.approx(expected["co2_location_tco2"].to_numpy(), rel=1e-15)


def test_account_output_refuses_an_unknown_format_before_working(tmp_path):
    result = runner.invoke(app, ["account", str(examples_dir() / "park.csv"), "-o", str(tmp_path / "r.ods")])
    assert result.exit_code == 2 and "cannot write '.ods'" in result.stderr
    assert not (tmp_path / "r.ods").exists()


def test_no_progress_noise_when_output_is_not_a_terminal(tmp_path):
    target = tmp_path / "r.csv"
    piped = runner.invoke(app, ["account", str(examples_dir() / "park.csv"), "--format", "csv"])
    assert piped.exit_code == 0
    assert piped.stderr == ""
    assert "Accounting" not in piped.stdout and "Reading" not in piped.stdout
    assert piped.stdout.startswith("enterprise,period,")
    written = runner.invoke(app, ["account", str(examples_dir() / "park.csv"), "-o", str(target), "--quiet"])
    assert written.stderr == "" and written.stdout.startswith("Wrote ")


def _terminal(monkeypatch) -> io.StringIO:
    """stdout claims to be a terminal and the error console draws into a buffer as a terminal."""
    buffer = io.StringIO()
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(status, "err", Console(file=buffer, force_terminal=True, _environ={"TERM": "xterm"}))
    return buffer


def test_progress_is_drawn_on_a_terminal_and_not_with_quiet(monkeypatch):
    buffer = _terminal(monkeypatch)
    assert status.showing() and not status.showing(quiet=True)
    with status.working("Reading park.csv") as step:
        time.sleep(0.3)  # the spinner redraws about 12 times a second
        step("Accounting 123 rows")
        time.sleep(0.3)
    assert "Reading park.csv" in buffer.getvalue() and "Accounting 123 rows" in buffer.getvalue()
    buffer.truncate(0)
    with status.working("Reading park.csv", quiet=True) as step:
        time.sleep(0.3)
        step("Accounting 123 rows")
    assert buffer.getvalue() == ""


def test_progress_is_silent_when_stdout_is_piped(monkeypatch):
    buffer = _terminal(monkeypatch)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    with status.working("Reading park.csv") as step:
        time.sleep(0.3)
        step("Accounting")
    assert buffer.getvalue() == "" and not status.showing()
