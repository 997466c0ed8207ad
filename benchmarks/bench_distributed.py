"""Benchmark: a national-scale dataset accounted whole, partition by partition (local engine) and on Dask.

    python benchmarks/bench_distributed.py [--rows 10e6] [--buckets 8] [--engines whole,local,dask]
                                           [--workers 2] [--memory-limit 2GiB] [--dir DIR]

A synthetic monthly province (:func:`carbonkit.synthetic.province`, about 155 activity rows per
enterprise-year) of about --rows rows over 2022-2023 is written as an enterprise-hashed Parquet dataset
of --buckets files. Then, each in a fresh child process so that its peak memory is its own:

- ``whole``: the floor — the dataset read into one frame and ``carbonkit.account`` on it (today's way);
- ``local``: ``carbonkit.distributed.account_dataset(engine="local")``, one file after another;

and in this process ``dask``: ``account_dataset(engine="dask")`` on a LocalCluster of --workers processes of
one thread (127.0.0.1, no dashboard, worker profiler off). Printed per run: wall time, CPU seconds (the
child's, or the sum over the Dask tasks), peak RSS of each process that accounted, bytes of peak per
activity row, and the ratios to the whole-frame run of the same invocation. The results of every engine
are compared with the whole-frame results, row by row.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

OPTIONS = {"year_fallback": "nearest"}  # the service's default; the synthetic years are covered either way
ROWS_PER_ENTERPRISE_YEAR = 155  # monthly synthetic province, measured: 154,476 rows for 1,000 enterprises
YEARS = (2022, 2023)


def make_dataset(rows: float, buckets: int, folder: Path, chunk_rows: float = 8e6) -> int:
    """About ``rows`` rows in ``buckets`` files, generated ``chunk_rows`` at a time (the generator needs about
    1 KB per row while it works) with a seed per chunk; an enterprise id drawn twice is kept once."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from carbonkit.parquet import _arrow_column, activity_schema, bucket_of
    from carbonkit.synthetic import province

    folder.mkdir(parents=True, exist_ok=True)
    schema = activity_schema()
    writers = [pq.ParquetWriter(folder / f"part-{k:05d}.parquet", schema) for k in range(buckets)]
    per_chunk = max(1, math.ceil(chunk_rows / (ROWS_PER_ENTERPRISE_YEAR * len(YEARS))))
    left, seen, total, seed = math.ceil(rows / (ROWS_PER_ENTERPRISE_YEAR * len(YEARS))), set(), 0, 0
    try:
        while left > 0:
            frame = province(min(per_chunk, left), years=YEARS, months=True, seed=seed)
            ids = frame["enterprise"].astype(str)
            frame = frame[~ids.isin(seen)]
            seen.update(ids.unique())
            which = bucket_of(frame["enterprise"].to_numpy(dtype=object), buckets)
            for k in range(buckets):
                part = frame[which == k]
                writers[k].write_table(pa.table({f.name: _arrow_column(part, f) for f in schema}, schema=schema))
            left, total, seed = left - min(per_chunk, left), total + len(frame), seed + 1
    finally:
        for w in writers:
            w.close()
    return total


def child(mode: str, data: str, out: str) -> dict:
    """One measured run in this (child) process."""
    from carbonkit.distributed import peak_rss

    start, cpu0 = time.perf_counter(), time.process_time()
    if mode == "whole":
        import carbonkit as ck
        from carbonkit.parquet import read_parquet, write_summary

        frame = read_parquet(data)
        rss_read = peak_rss()
        summary = ck.account(frame, options=OPTIONS).summary
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
        rows, groups = len(frame), len(summary)
        del frame  # the input is not needed to write the results (it held 36 B/row beside their Arrow copy)
        Path(out).mkdir(parents=True, exist_ok=True)
        write_summary(summary, Path(out) / "whole.parquet")
    else:
        from carbonkit.distributed import account_dataset

        rss_read = 0
        run = account_dataset(data, out, engine="local", options=OPTIONS)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
        rows, groups = run.activity_rows, run.enterprise_periods
    peak = peak_rss()
    return {"engine": mode, "wall_s": wall, "cpu_s": cpu, "peak": {"child": peak}, "rss_after_read": rss_read,
            "rows": rows, "groups": groups}


def run_child(mode: str, data: Path, out: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", mode, str(data), str(out)], capture_output=True,
                          text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_dask(data: Path, out: Path, workers: int, memory_limit: str) -> dict:
    from carbonkit.distributed import account_dataset

    run = account_dataset(data, out, engine="dask", workers=workers, memory_limit=memory_limit, options=OPTIONS)
    return {"engine": "dask", "wall_s": run.wall_s, "cpu_s": run.cpu_s, "peak": run.peak_rss_bytes,
            "rows": run.activity_rows, "groups": run.enterprise_periods}


def same_results(folder: Path, whole: Path) -> bool:
    from carbonkit.distributed import read_results

    key = ["enterprise", "period"]
    a = read_results(folder).sort_values(key).reset_index(drop=True).astype({"factor_ids": "str"})
    b = pd.read_parquet(whole).sort_values(key).reset_index(drop=True).astype({"factor_ids": "str"})
    try:
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    except AssertionError:
        return False
    return True


def report(runs: list[dict]) -> None:
    floor = next((r for r in runs if r["engine"] == "whole"), None)
    print(f"{'engine':8} {'rows':>12} {'wall s':>8} {'CPU s':>8} {'CPU µs/row':>10} {'peak MiB/process':>24} "
          f"{'B/row':>6} {'wall/whole':>10} {'CPU/whole':>9}")
    for r in runs:
        peaks = sorted(r["peak"].values())
        shown = "/".join(f"{p / 2**20:,.0f}" for p in peaks)
        ratio = f"{r['wall_s'] / floor['wall_s']:.2f}" if floor else "—"
        cpu_ratio = f"{r['cpu_s'] / floor['cpu_s']:.2f}" if floor else "—"
        print(f"{r['engine']:8} {r['rows']:>12,} {r['wall_s']:>8.1f} {r['cpu_s']:>8.1f} "
              f"{r['cpu_s'] / r['rows'] * 1e6:>10.2f} {shown:>24} {max(peaks) / r['rows']:>6.0f} {ratio:>10} "
              f"{cpu_ratio:>9}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=float, default=10e6)
    ap.add_argument("--buckets", type=int, default=8)
    ap.add_argument("--engines", default="whole,local,dask")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-limit", default="2GiB")
    ap.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one, removed)")
    ap.add_argument("--reuse", action="store_true", help="use the dataset already in --dir/data")
    ap.add_argument("--child", nargs=3, metavar=("MODE", "DATA", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    work = args.dir or Path(tempfile.mkdtemp(prefix="ck-bench-dist-"))
    print(f"python {platform.python_version()} on {platform.machine()}; work folder {work}")
    start = time.perf_counter()
    if args.reuse and (work / "data").is_dir():
        print(f"dataset: {work / 'data'} as it is")
    else:
        n = make_dataset(args.rows, args.buckets, work / "data")
        print(f"dataset: {n:,} activity rows in {args.buckets} files, written in {time.perf_counter() - start:.1f} s")
    runs = []
    for engine in args.engines.split(","):
        out = work / f"out-{engine}"
        r = run_dask(work / "data", out, args.workers, args.memory_limit) if engine == "dask" else \
            run_child(engine, work / "data", out)
        runs.append(r)
        print(f"  {engine}: {r['wall_s']:.1f} s", flush=True)
    whole = work / "out-whole" / "whole.parquet"
    for r in runs:
        if r["engine"] != "whole" and whole.exists():
            r["equal"] = same_results(work / f"out-{r['engine']}", whole)
    report(runs)
    for r in runs:
        if r.get("rss_after_read"):
            print(f"{r['engine']}: peak while reading the dataset {r['rss_after_read'] / 2**20:,.0f} MiB "
                  f"({r['rss_after_read'] / r['rows']:.0f} B/row), before account()")
    print("equal to the whole-frame results row by row: "
          + ", ".join(f"{r['engine']} {r['equal']}" for r in runs if "equal" in r))
    if args.dir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
