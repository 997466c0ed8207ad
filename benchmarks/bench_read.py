"""Benchmark: ``carbonkit account FILE.csv`` (read + account + table) against ``pandas.read_csv`` alone.

    python benchmarks/bench_read.py [--rows 1000000] [--repeat 3]

About --rows rows of the synthetic province are written to a CSV file in a temporary directory (the long
format, text as a user's file would have it). In this process, best of --repeat each:

- the floor: ``pandas.read_csv(FILE)`` with its defaults;
- ``carbonkit account FILE``: the CLI command run in-process through typer's test runner (reading,
  accounting, the table printed to a captured console);
- the same command on the file read the old way, all columns as text (``TYPED_CSV_BYTES`` raised above the
  file's size), as the reference: its summary must equal the typed reading's, column for column.

Printed: the times, the ratio account/read_csv (aim: within 2x) and the check.
"""

from __future__ import annotations

import argparse
import gc
import math
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
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


def cli_account(path: Path):
    result = CliRunner().invoke(app, ["account", str(path), "--year-fallback", "nearest", "--quiet"])
    if result.exit_code != 0:
        raise SystemExit(f"carbonkit account failed: {result.output[-2000:]}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"carbonkit {ck.__version__}, Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "province.csv"
        frame_of(args.rows).to_csv(path, index=False)
        print(f"{path.stat().st_size / 1e6:.1f} MB, {args.rows:,}+ rows")
        cli_account(path)  # warm-up: registry, factors, vocabulary
        floor_s, _ = best_of(lambda: pd.read_csv(path), args.repeat)
        account_s, _ = best_of(lambda: cli_account(path), args.repeat)
        typed = ck.account(readers.read_activities(path), options={"year_fallback": "nearest"}).summary
        limit = getattr(readers, "TYPED_CSV_BYTES", None)  # None: a carbonkit without the typed reading
        readers.TYPED_CSV_BYTES = path.stat().st_size + 1
        try:
            text_s, _ = best_of(lambda: cli_account(path), 1)
            text = ck.account(readers.read_activities(path), options={"year_fallback": "nearest"}).summary
        finally:
            if limit is not None:
                readers.TYPED_CSV_BYTES = limit
    same = typed.shape == text.shape and all(typed[c].equals(text[c]) for c in text.columns)
    ratio = account_s / floor_s
    print(f"pandas.read_csv alone: {floor_s:.3f} s; carbonkit account (read + account + table): {account_s:.3f} s "
          f"(best of {args.repeat}); the same reading all text: {text_s:.3f} s (one run)")
    print(f"ratio account/read_csv {ratio:.2f}x (aim <= {AIM_RATIO:.0f}x: {'met' if ratio <= AIM_RATIO else 'NOT met'}); "
          f"summary of the typed reading equals the text reading's: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
