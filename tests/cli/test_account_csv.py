"""``reports.excel.csv_text`` formats a column at a time and writes exactly the bytes of pandas' ``to_csv``
(``reports.excel.pandas_csv_text``); ``carbonkit account -o FILE.csv`` and ``--format csv`` write through it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import carbonkit as ck
from carbonkit.readers import read_activities
from cli.main import app
from cli.output import out
from cli.workbooks import write_results
from reports.excel import csv_text, export_results, pandas_csv_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()

TEXTS = ["E1", "", "a,b", 'say "hi"', "two\nlines", "=SUM(A1)", "+86", "-3", "@x", "\tlead", "青岛示例有限公司", " pad ",
         "x;y;z", '"', ","]
FLOATS = [0.0, -0.0, 1.0, 0.1, 1 / 3, 2 / 3 * 1e-5, 1e16, 9999999999999998.0, 1e15 + 0.5, 1e-4, 1e-5, 5e-324,
          1.7976931348623157e308, np.inf, -np.inf, np.nan, 123456.789, -42.0, 2.5e-7, 7e22]


def random_frame(seed: int, rows: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    floats = rng.choice(np.array(FLOATS), rows)
    mixed = rng.standard_normal(rows) * 10.0 ** rng.integers(-12, 20, rows)
    mixed[rng.random(rows) < 0.2] = np.nan
    texts = rng.choice(np.array(TEXTS, dtype=object), rows)
    texts[rng.random(rows) < 0.1] = None
    return pd.DataFrame({
        "enterprise": pd.Series(texts, dtype="str"),
        "name": pd.Series(rng.choice(np.array(TEXTS, dtype=object), rows), dtype=object),
        "factor_ids": pd.Categorical(rng.choice(["a.b;c.d", "e,f", "=g"], rows)),
        "year": rng.integers(1990, 2030, rows),
        "grid_year_location": pd.array([None if v < 0.3 else int(v * 3000) for v in rng.random(rows)], dtype="Int64"),
        "energy_tce": floats, "co2_tco2": mixed, "=formula head": rng.random(rows), "a,b": rng.random(rows),
    })


@pytest.mark.parametrize("seed", range(8))
def test_fast_csv_is_csv_text_byte_for_byte(seed):
    frame = random_frame(seed)
    assert csv_text(frame) == pandas_csv_text(frame)


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"a": ["x\ry", "z"], "b": [1.5, 2.0]}),  # a carriage return: every text quoted
    pd.DataFrame({"a": ["", "x"]}),  # one column: csv quotes an empty cell
    pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=str)}),  # no rows
    pd.DataFrame({"a": [True, False], "b": [1.0, 2.0]}),  # another dtype
    pd.DataFrame({"a": [1, "x"], "b": [1.0, 2.0]}),  # a number among texts
], ids=["cr", "one_column", "no_rows", "bool", "mixed_object"])
def test_frames_it_does_not_cover_go_to_pandas(frame):
    assert csv_text(frame) == pandas_csv_text(frame)


def test_floats_are_written_as_pandas_writes_them():
    """Hand-checked cells: repr's shortest round-trip form, scientific from 1e16 and below 1e-4, NaN empty."""
    frame = pd.DataFrame({"x": [0.1, 1e16, 1e-5, 0.0001, np.nan, -0.0, 1.0], "t": ["a"] * 7})
    assert csv_text(frame).splitlines() == ["x,t", "0.1,a", "1e+16,a", "1e-05,a", "0.0001,a", ",a", "-0.0,a", "1.0,a"]


def test_output_csv_is_what_write_results_writes(tmp_path):
    """The file (bytes, BOM included) and the line said: those of cli.workbooks.write_results (export_results)."""
    path = EXAMPLES / "park.csv"
    fast = tmp_path / "fast.csv"
    result = runner.invoke(app, ["account", str(path), "-o", str(fast)])
    assert result.exit_code == 0, result.output
    expected = tmp_path / "expected.csv"
    accounted = ck.account(read_activities(path))
    export_results(accounted, expected)
    assert fast.read_bytes() == expected.read_bytes()
    with out.capture() as said:
        write_results(accounted, fast)
    assert result.output == said.get()  # "Wrote 10 result(s) to ... (factor release ...)."


def test_format_csv_is_csv_text():
    path = EXAMPLES / "park.csv"
    result = runner.invoke(app, ["account", str(path), "--format", "csv"])
    assert result.exit_code == 0
    assert result.output == csv_text(ck.account(read_activities(path)).summary)
