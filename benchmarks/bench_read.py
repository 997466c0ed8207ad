"""Benchmark: ``carbonkit account FILE.csv`` (read + account + table) against ``pandas.read_csv`` alone.

    python benchmarks/bench_read.py [--rows 1000000] [--repeat 3]

About --rows rows of the synthetic province are written to a CSV file in a temporary directory (the long
format, text as a user's file would have it). In this process, best of --repeat each, the two run in turn (so
that a load coming and going on a shared machine weighs on both alike):

- the floor: ``pandas.read_csv(FILE)`` with its defaults;
- ``carbonkit account FILE``: the CLI command run in-process through the test runner on the command typer builds
  from the app once, as one ``carbonkit`` process does (reading, accounting, the table printed to a captured
  console); the same with the command built again at each call (what ``CliRunner().invoke(app)`` does) is
  printed too, with typer's time to build it;
- the stages in this process: reading, ``account()``, the table, and the numpy floor of ``account()``'s sums
  (benchmarks/floor.py) on the typed frame; read_csv plus that floor is printed as the lower bound of the ratio;
- the same command on the file read the old way, all columns as text (``TYPED_CSV_BYTES`` raised above the
  file's size), one run.

Checks (the run exits 1 unless all hold): the summary of the typed reading (pyarrow's reader) and of pandas'
typed reading (pyarrow made unimportable to the reader) each equal the text reading's, column for column, bit
for bit; pyarrow's frame equals pandas' typed frame (values, dtypes, categories).

With --csv, also ``-o FILE.csv``'s formatting of the summary: ``reports.excel.pandas_csv_text`` (pandas'
``to_csv``) against ``reports.excel.csv_text`` (a column at a time), and whether their texts are equal (a check).

Printed: the times, the ratio account/read_csv (aim: within 2x), the stages and the checks.
"""

from __future__ import annotations

import argparse
import gc
import io
import math
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import typer
import typer.testing
from rich.console import Console
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
import floor  # noqa: E402
from bench_account import frame_of  # noqa: E402

import carbonkit as ck  # noqa: E402
from carbonkit import readers  # noqa: E402
from cli.main import app  # noqa: E402

AIM_RATIO = 2.0


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = math.inf, None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def interleaved(fns: dict, repeat: int) -> dict[str, float]:
    """The best time [s] of each function, the functions run in turn ``repeat`` times (a load that comes and goes
    on a shared machine then weighs on each alike)."""
    best = dict.fromkeys(fns, math.inf)
    for _ in range(repeat):
        for name, fn in fns.items():
            best[name] = min(best[name], best_of(fn, 1)[0])
    return best


def cli_account(path: Path, command=None):
    """``carbonkit account PATH`` through typer's test runner; on ``command`` (typer's build of the app) when given,
    else on the app, which the runner builds again."""
    build = typer.testing._get_command
    if command is not None:
        typer.testing._get_command = lambda typer_app: command if typer_app is app else build(typer_app)
    try:
        result = CliRunner().invoke(app, ["account", str(path), "--year-fallback", "nearest", "--quiet"])
    finally:
        typer.testing._get_command = build
    if result.exit_code != 0:
        raise SystemExit(f"carbonkit account failed: {result.output[-2000:]}")
    return result


def stages(path: Path, repeat: int) -> dict[str, float]:
    """The best time [s] of each stage of the command, in this process: reading, ``account()``, the table; and the
    numpy floor of the sums (benchmarks/floor.py) on the same typed frame."""
    from carbonkit.accounting import AccountingOptions
    from carbonkit.factors import load_release

    from cli import account as cli_module

    release, options = load_release(None), AccountingOptions(year_fallback="nearest")
    frame = readers.read_activities(path)
    result = ck.account(frame, release=release, options=options)
    c = floor.codes_of(frame)  # the typed frame's categoricals
    resolved = floor.resolve(c["item"][1], c["unit"][1], c["flow"][1], c["region"][1], c["period"][1], release, options)
    console, cli_module.out = cli_module.out, Console(file=io.StringIO(), width=120)
    try:
        return interleaved({"read": lambda: readers.read_activities(path),
                            "account": lambda: ck.account(frame, release=release, options=options),
                            "table": lambda: cli_module._print_result(result, cli_module.Format.table),
                            "numpy floor": lambda: floor.floor_categorical(frame, resolved)}, repeat)
    finally:
        cli_module.out = console


def summary_of(path: Path):
    return ck.account(readers.read_activities(path), options={"year_fallback": "nearest"}).summary


def without_pyarrow(*args, **kwargs):
    raise ImportError("pyarrow made unimportable by the benchmark")


def checks(path: Path) -> dict[str, bool]:
    """The typed readings (pyarrow's, and pandas' without pyarrow) against the text reading, bit for bit."""
    typed_frame, typed = readers.read_activities(path), summary_of(path)
    reader = getattr(readers, "read_arrow_typed", None)  # None: a carbonkit before the pyarrow reading
    readers.read_arrow_typed = without_pyarrow
    try:
        pandas_frame, pandas_typed = readers.read_activities(path), summary_of(path)
    finally:
        readers.read_arrow_typed = reader
    limit = readers.TYPED_CSV_BYTES
    readers.TYPED_CSV_BYTES = path.stat().st_size + 1
    try:
        text = summary_of(path)
    finally:
        readers.TYPED_CSV_BYTES = limit
    same = {"pyarrow's reading": typed, "pandas' typed reading": pandas_typed}
    out = {f"summary of {name} equals the text reading's": got.shape == text.shape and list(got.columns) == list(text.columns)
           and all(got[c].equals(text[c]) for c in text.columns) for name, got in same.items()}
    out["pyarrow's frame equals pandas' typed frame"] = typed_frame.equals(pandas_frame) and bool(
        (typed_frame.dtypes == pandas_frame.dtypes).all())
    return out


def csv_writing(path: Path, repeat: int) -> tuple[float, float, bool]:
    """``-o FILE.csv``'s formatting of the summary: ``reports.excel.pandas_csv_text`` (pandas' ``to_csv``) against
    ``reports.excel.csv_text`` (a column at a time), best of ``repeat`` each, in turn; and whether their texts are
    equal."""
    from reports.excel import csv_text, pandas_csv_text

    summary = summary_of(path)
    best = interleaved({"pandas": lambda: pandas_csv_text(summary), "columns": lambda: csv_text(summary)}, repeat)
    return best["pandas"], best["columns"], pandas_csv_text(summary) == csv_text(summary)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--csv", action="store_true", help="also time -o FILE.csv's formatting of the summary")
    args = parser.parse_args(argv)
    print(f"carbonkit {ck.__version__}, Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "province.csv"
        frame_of(args.rows).to_csv(path, index=False)
        print(f"{path.stat().st_size / 1e6:.1f} MB, {args.rows:,}+ rows; load average {open('/proc/loadavg').read().split()[0]}")
        command = typer.main.get_command(app)  # built once, as one process does
        cli_account(path, command)  # warm-up: registry, factors, vocabulary, pyarrow
        build_s, _ = best_of(lambda: typer.main.get_command(app), args.repeat)
        best = interleaved({"read_csv": lambda: pd.read_csv(path), "account": lambda: cli_account(path, command),
                            "account, typer's command built again": lambda: cli_account(path)}, args.repeat)
        parts = stages(path, args.repeat)
        limit = readers.TYPED_CSV_BYTES
        readers.TYPED_CSV_BYTES = path.stat().st_size + 1
        try:
            text_s, _ = best_of(lambda: cli_account(path, command), 1)
        finally:
            readers.TYPED_CSV_BYTES = limit
        checked = checks(path)
        if args.csv:
            pandas_s, fast_s, checked["-o FILE.csv: csv_text equals pandas_csv_text"] = csv_writing(path, args.repeat)
            print(f"-o FILE.csv, the summary formatted: pandas_csv_text (pandas' to_csv) {pandas_s:.3f} s, "
                  f"csv_text (a column at a time) {fast_s:.3f} s ({pandas_s / fast_s:.1f}x faster)")
    floor_s, account_s, rebuilt_s = best["read_csv"], best["account"], best["account, typer's command built again"]
    ratio = account_s / floor_s
    print(f"pandas.read_csv alone: {floor_s:.3f} s; carbonkit account (read + account + table): {account_s:.3f} s "
          f"(best of {args.repeat}, run in turn); the same reading all text: {text_s:.3f} s (one run)")
    print("stages in this process: " + ", ".join(f"{k} {v:.3f} s ({v / floor_s:.2f}x)" for k, v in parts.items())
          + f"; typer building the command: {build_s:.3f} s")
    print(f"ratio account/read_csv {ratio:.2f}x (aim <= {AIM_RATIO:.0f}x: {'met' if ratio <= AIM_RATIO else 'NOT met'}); "
          f"with typer's command built at each call (as CliRunner on the app does): "
          f"{rebuilt_s / floor_s:.2f}x")
    bound = (floor_s + parts["numpy floor"]) / floor_s
    print(f"lower bound: read_csv + the numpy floor of the sums on the typed frame (benchmarks/floor.py, every sum column, "
          f"factors resolved beforehand) {floor_s + parts['numpy floor']:.3f} s = {bound:.2f}x read_csv: an engine at its "
          f"floor, reading as fast as read_csv and no table {'would meet' if bound <= AIM_RATIO else 'could not meet'} "
          f"the aim on this machine")
    for name, ok in checked.items():
        print(f"{name}: {ok}")
    return 0 if all(checked.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
