"""Many enterprise reports at once: ``enterprise_reports`` and ``carbonkit report enterprise --all``.

examples/park.csv holds 10 enterprises of park P0001, period 2023. Hand-worked figures (GB/T 2589-2020 App. A,
factors/tables/gbt2589-2020-a.csv): enterprise 91370305552464479B burns 60 t diesel x 1.4571 kgce/kg =
87.426 tce. Enterprise 9137030502762805XK uses no diesel, so its report must not list the diesel factor.
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from cli.main import app
from cli import status
from carbonkit.datafiles import examples_dir
from reports import enterprise_report, enterprise_reports

PARK = examples_dir() / "park.csv"
ENTERPRISES = sorted(pd.read_csv(PARK, dtype=str)["enterprise"].unique())
runner = CliRunner()


@pytest.fixture(scope="module")
def many() -> dict[str, tuple[str, str]]:
    return {e: (p, html) for e, p, html in enterprise_reports(PARK, lang="en")}


def _carrier(html: str, item: str) -> str:
    m = re.search(rf'<tr data-item="{item}">(.*?)</tr>', html, re.S)
    assert m, item
    return re.sub(r"<[^>]+>", " ", m.group(1))


def test_one_report_per_enterprise_of_its_latest_period(many):
    assert sorted(many) == ENTERPRISES
    assert {p for p, _ in many.values()} == {"2023"}


def test_each_is_the_report_made_alone(many):
    # accounting once for all gives the same page as accounting each enterprise's report on its own
    for enterprise in (ENTERPRISES[0], "91370305552464479B", ENTERPRISES[-1]):
        assert many[enterprise][1] == enterprise_report(PARK, lang="en", enterprise=enterprise)


def test_carriers_belong_to_their_enterprise(many):
    html = many["91370305552464479B"][1]
    assert "87.426" in _carrier(html, "diesel").split()  # 60 t x 1.4571 = 87.426 tce
    other = many["9137030502762805XK"][1]
    assert 'data-item="diesel"' not in other


def test_factors_listed_are_the_enterprises_own(many):
    # the input's batch used the diesel factor (other enterprises burn diesel), this enterprise did not
    factors = re.search(r'<table id="factors">(.*?)</table>', many["9137030502762805XK"][1], re.S).group(1)
    assert "gbt2589-2020-a.diesel" not in factors
    assert "gbt2589-2020-a.natural_gas" in factors
    factors_b = re.search(r'<table id="factors">(.*?)</table>', many["91370305552464479B"][1], re.S).group(1)
    assert "gbt2589-2020-a.diesel" in factors_b and "gbt2589-2020-a.raw_coal" in factors_b


def test_cli_all_writes_every_report_and_refuses_to_overwrite(tmp_path):
    folder = tmp_path / "out"
    result = runner.invoke(app, ["report", "enterprise", str(PARK), "--all", "--output-dir", str(folder), "--lang", "en"])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(f"report-{e}-2023-en.html" for e in ENTERPRISES)
    assert "Wrote 10 enterprise reports" in result.output
    assert "━" not in result.output  # no progress bar when not on a terminal
    target = folder / f"report-{ENTERPRISES[0]}-2023-en.html"
    target.write_text("kept", encoding="utf-8")
    again = runner.invoke(app, ["report", "enterprise", str(PARK), "--all", "--output-dir", str(folder), "--lang", "en"])
    assert again.exit_code == 2
    assert "--force" in again.output
    assert target.read_text(encoding="utf-8") == "kept"
    forced = runner.invoke(app, ["report", "enterprise", str(PARK), "--all", "--output-dir", str(folder), "--lang", "en",
                                 "--force"])
    assert forced.exit_code == 0 and target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_all_conflicts_and_unknown_period(tmp_path):
    both = runner.invoke(app, ["report", "enterprise", str(PARK), "--all", "--enterprise", ENTERPRISES[0],
                               "--output-dir", str(tmp_path)])
    assert both.exit_code == 2 and "--all" in both.output
    none = runner.invoke(app, ["report", "enterprise", str(PARK), "--all", "--period", "2019", "--output-dir",
                               str(tmp_path / "x")])
    assert none.exit_code == 2 and "2019" in none.output
    assert not (tmp_path / "x").exists()


def test_cli_all_draws_a_progress_bar_on_a_terminal(tmp_path, monkeypatch):
    buffer = io.StringIO()
    # CliRunner swaps stdout for its own buffer, so the terminal test itself is what is replaced here
    monkeypatch.setattr(status, "showing", lambda quiet=False: not quiet)
    monkeypatch.setattr(status, "err", Console(file=buffer, force_terminal=True, width=100, _environ={"TERM": "xterm"}))
    result = runner.invoke(app, ["report", "enterprise", str(PARK), "--all", "--output-dir", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    drawn = buffer.getvalue()
    assert "Writing reports" in drawn and "10/10" in drawn
    buffer.truncate(0)
    quiet = runner.invoke(app, ["report", "enterprise", str(PARK), "--all", "--output-dir", str(tmp_path / "q"),
                                "--lang", "en", "--quiet"])
    assert quiet.exit_code == 0 and "Writing reports" not in buffer.getvalue()
