"""carbonkit assess factory|park|criteria."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


def test_factory_json_matches_the_library():
    from carbonkit.assess import assess_factory

    done = runner.invoke(app, ["assess", "factory", str(EXAMPLES / "green_factory.json"), "--format", "json"])
    assert done.exit_code == 0, done.output
    body = json.loads(done.stdout)
    expected = assess_factory(json.loads((EXAMPLES / "green_factory.json").read_text(encoding="utf-8")))
    assert body["score"] == pytest.approx(expected.score)
    assert body["criteria"]["id"] == "miit-green-factory-2025"


def test_factory_table_shows_verdict_gaps_and_unverified_note():
    done = runner.invoke(app, ["assess", "factory", str(EXAMPLES / "green_factory.json")])
    assert done.exit_code == 0, done.output
    assert "Result:" in done.stdout and "Gap to full marks" in done.stdout
    assert "marked unverified" in done.stdout


def test_park_with_activities_file_passes():
    done = runner.invoke(app, ["assess", "park", str(EXAMPLES / "green_park.json"), "--activities",
                               str(EXAMPLES / "park.json"), "--format", "json"])
    assert done.exit_code == 0, done.output
    body = json.loads(done.stdout)
    assert body["passed"] is True and len(body["subject"]["enterprises"]) == 10


def test_variant_criteria_file_and_bad_input(tmp_path):
    from carbonkit.assess.criteria import load_criteria

    text = Path(load_criteria().path).read_text(encoding="utf-8").replace("min_total = 60.0", "min_total = 10.0")
    variant = tmp_path / "lenient.toml"
    variant.write_text(text, encoding="utf-8")
    done = runner.invoke(app, ["assess", "factory", str(EXAMPLES / "green_factory.json"), "--criteria", str(variant),
                               "--format", "json"])
    assert done.exit_code == 0 and json.loads(done.stdout)["passed"] is True
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"values": {"no_such_indicator": 1}}), encoding="utf-8")
    done = runner.invoke(app, ["assess", "factory", str(bad)])
    assert done.exit_code == 2 and "values.no_such_indicator" in done.output
    done = runner.invoke(app, ["assess", "factory", str(tmp_path / "missing.json")])
    assert done.exit_code == 2 and "no such file" in done.output


def test_criteria_list_and_show():
    done = runner.invoke(app, ["assess", "criteria"])
    assert done.exit_code == 0 and "miit-green-park-2016" in done.stdout
    done = runner.invoke(app, ["assess", "criteria", "miit-green-park-2016"])
    assert done.exit_code == 0 and "能源产出率" in done.stdout and "unverified" in done.stdout
