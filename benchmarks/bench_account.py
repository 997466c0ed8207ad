"""Benchmark: carbonkit.account on a synthetic province against a naive per-row pint loop.

    python benchmarks/bench_account.py [--rows N] [--sample N] [--repeat N]
    python benchmarks/bench_account.py --scale 1000000,10000000     # linearity and peak memory only
    python benchmarks/bench_account.py --small                      # one enterprise-period only

Both run in this process on the same machine, so the ratio is what matters (STYLE.md: benchmarks
print ratios against a baseline run in the same process). The vectorised engine is timed on the
whole frame (best of --repeat runs, after a warm-up on a small frame); the naive loop on --sample
rows drawn at random from the same frame (best of --repeat), extrapolated to the whole frame by its
time per row. The garbage collector runs as in real use; --gc-off switches it off while timing (as
timeit does). Then the numpy floor (benchmarks/floor.py: every sum column, factors resolved beforehand) on
the same frame, categorical and as text, with the ratios and a check that its columns equal the engine's.
"""

from __future__ import annotations

import argparse
import functools
import gc
import math
import platform
import resource
import sys
import time
import tracemalloc
from collections import defaultdict

import numpy as np
import pandas as pd

import carbonkit as ck
import floor
from carbonkit.factors import load_release
from carbonkit.synthetic import PROVINCE_ENTERPRISES, province
from carbonkit.units import Q_
from carbonkit.vocabulary import vocabulary

AIM_SECONDS_PER_MILLION = 1.0  # 1 M rows in under a second
AIM_RATIO = 50.0  # at least 50x the naive loop
AIM_LINEAR = 0.15  # ns per row at 10 M rows within 15 % of 1 M rows
AIM_BYTES_PER_ROW = 100  # peak memory above the input at 10 M rows
AIM_SMALL_MS = 1.0  # one enterprise-period in-process
AIM_FLOOR_RATIO = 2.0  # within 2x of plain numpy computing every sum column (benchmarks/floor.py)
# The synthetic province starts in 2020; grid factors are published from data year 2021 on.
OPTIONS = ck.AccountingOptions(year_fallback="nearest")


def frame_of(rows: int | None, seed: int = 0) -> pd.DataFrame:
    """The default province, or about ``rows`` rows of one (cut at an enterprise boundary, >= rows)."""
    if rows is None:
        return province(seed=seed)
    per_enterprise = len(province(500, seed=seed)) / 500
    n = math.ceil(rows / per_enterprise * 1.05) + 10
    frame = province(n, seed=seed)
    while len(frame) < rows:
        n = math.ceil(n * 1.2)
        frame = province(n, seed=seed)
    codes = frame["enterprise"].cat.codes.to_numpy()
    later = np.flatnonzero(codes[rows:] != codes[rows - 1])  # rows sorted by enterprise
    cut = rows + int(later[0]) if len(later) else len(frame)
    return frame.iloc[:cut].reset_index(drop=True)


def naive_account(frame: pd.DataFrame, release, location_purpose: str = "average") -> dict:
    """The obvious pint implementation: one Quantity per row, converted and multiplied row by row.

    Accumulates, per (enterprise, period): energy by the equivalent value [tce], CO2 location-based
    [tCO2] (fuel combustion + grid electricity + heat), water withdrawal [m3] and value added
    [10^4 CNY]. Factors are looked up in the release for every row, as a loop would.
    """
    vocab = vocabulary()
    feedwater = release.constant("steam_feedwater_enthalpy")
    heat_ef = release.lookup("heat_emission", "heat")
    totals: dict = defaultdict(lambda: defaultdict(float))
    for row in frame.itertuples(index=False):
        item = vocab.resolve(row.item)
        acc = totals[(row.enterprise, row.period)]
        flow = getattr(row, "flow", "consumption")
        sign = -1.0 if flow == "export" else 1.0
        unit = row.unit if isinstance(row.unit, str) and row.unit else "dimensionless"
        q = Q_(row.amount, unit)
        if item.unit not in ("any", "dimensionless"):
            q = q.to(item.unit)  # the item's canonical unit
        if item.kind in ("fuel", "electricity", "heat", "steam"):
            coef = release.lookup("standard_coal", item.factor_key)
            acc["energy_equivalent_tce"] += sign * (q * Q_(coef.value, coef.unit)).to("tce").magnitude
            if item.kind == "fuel" and flow != "feedstock":
                p = dict(release.lookup("fuel_parameters", item.item).extra)
                ef = Q_(p["ncv"], p["ncv_unit"]) * Q_(p["carbon_content"], p["carbon_content_unit"]) * p["oxidation"]
                acc["co2_location_tco2"] += sign * (q * ef).to("tCO2").magnitude
            elif item.kind == "electricity" and item.delivery == "grid":
                year = int(str(row.period)[:4])
                province_code = vocab.province_of(str(row.region))
                grid = release.dated("grid_emission", province_code, year, location_purpose, year_fallback="nearest")
                acc["co2_location_tco2"] += sign * (q * Q_(grid.value, grid.unit)).to("tCO2").magnitude
            elif item.kind == "heat":
                acc["co2_location_tco2"] += sign * (q * Q_(heat_ef.value, heat_ef.unit)).to("tCO2").magnitude
            elif item.kind == "steam":
                lhv = dict(coef.extra)
                enthalpy = Q_(lhv["lhv"], lhv["lhv_unit"]) - Q_(feedwater.value, feedwater.unit)
                acc["co2_location_tco2"] += sign * (q * enthalpy * Q_(heat_ef.value, heat_ef.unit)).to("tCO2").magnitude
        elif item.kind == "water" and item.water_class in ("fresh", "nonconventional"):
            acc["water_withdrawal_m3"] += q.magnitude
        elif item.item == "value_added":
            acc["value_added_10k_cny"] += q.magnitude
    return totals


def cpu_seconds() -> float:
    """User + system CPU time of this process [s]: unlike wall time, not stretched by other processes' load
    (the kernel's page zeroing counts as system time, so the cost of fresh memory stays in). Threads add up:
    at 10 M rows it can exceed the wall time (Arrow's string conversions), so the aims stay on wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def best_cpu_of(fn, repeat: int, gc_off: bool = False) -> float:
    """Least CPU time (user + system) of ``repeat`` calls [s]."""
    best = math.inf
    for _ in range(repeat):
        gc.collect()
        if gc_off:
            gc.disable()
        try:
            t0 = cpu_seconds()
            fn()
            best = min(best, cpu_seconds() - t0)
        finally:
            gc.enable()
    return best


def best_of(fn, repeat: int, gc_off: bool = False) -> tuple[float, object]:
    """Best wall-clock time of ``repeat`` calls; with ``gc_off`` the garbage collector is off while timing."""
    best, out = math.inf, None
    for _ in range(repeat):
        out = None
        gc.collect()
        if gc_off:
            gc.disable()
        try:
            t0 = time.perf_counter()
            out = fn()
            best = min(best, time.perf_counter() - t0)
        finally:
            gc.enable()
    return best, out


def check_agreement(sample: pd.DataFrame, naive: dict, release) -> float:
    """Largest relative difference between the naive totals and carbonkit on the same sample rows."""
    summary = ck.account(sample, release=release, options=OPTIONS).summary.set_index(["enterprise", "period"])
    worst = 0.0
    for key, acc in naive.items():
        row = summary.loc[(str(key[0]), str(key[1]))]
        for col, value in acc.items():
            ref = row[col]
            ref = 0.0 if pd.isna(ref) else ref
            worst = max(worst, abs(value - ref) / max(abs(ref), 1e-9) if ref or value else 0.0)
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None,
                        help=f"activity rows (default: the whole province, {PROVINCE_ENTERPRISES:,} enterprises x 6 years)")
    parser.add_argument("--sample", type=int, default=2_000, help="rows for the naive loop (default 2,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the vectorised engine; the best counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gc-off", action="store_true", help="switch the garbage collector off while timing")
    parser.add_argument("--scale", default=None, metavar="N1,N2",
                        help="only the linearity and memory run: ns per row and peak memory above the input at "
                             "these row counts (e.g. 1000000,10000000)")
    parser.add_argument("--small", action="store_true",
                        help="only the small-report run: one enterprise-period (~13 rows) accounted in-process")
    args = parser.parse_args(argv)
    if args.scale:
        return report_scale([int(n) for n in args.scale.split(",")], args)
    if args.small:
        return report_small(args)

    print(f"carbonkit {ck.__version__}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"pandas {pd.__version__}, {platform.machine()}; garbage collector {'off' if args.gc_off else 'on'} while timing")
    t0 = time.perf_counter()
    frame = frame_of(args.rows, args.seed)
    generated = time.perf_counter() - t0
    rows = len(frame)
    print(f"generated {rows:,} rows ({frame['enterprise'].nunique():,} enterprises, "
          f"{frame['period'].nunique()} periods) in {generated:.2f} s")

    release = load_release()
    ck.account(province(50, seed=args.seed + 1), release=release, options=OPTIONS)  # warm-up: registry, factors
    vec, result = best_of(lambda: ck.account(frame, release=release, options=OPTIONS), args.repeat, args.gc_off)
    print(f"vectorised  carbonkit.account: {vec:.3f} s (best of {args.repeat}), {rows / vec:,.0f} rows/s, "
          f"{len(result.summary):,} enterprise-periods")

    sample = frame.sample(n=min(args.sample, rows), random_state=args.seed).reset_index(drop=True)
    naive_s, naive = best_of(lambda: naive_account(sample, release), args.repeat, args.gc_off)
    per_row = naive_s / len(sample)
    naive_total = per_row * rows
    print(f"naive       per-row pint loop: {naive_s:.3f} s (best of {args.repeat}) for {len(sample):,} rows = {per_row * 1e6:.1f} us/row; "
          f"x {rows:,} rows = {naive_total:,.1f} s (extrapolated)")
    worst = check_agreement(sample, naive, release)
    print(f"agreement on the sample (energy, CO2 location, water, VA): max relative difference {worst:.1e}")

    floor_ok = report_floor(frame, result, release, args)

    ratio = naive_total / vec
    per_million = vec / rows * 1e6
    print(f"ratio naive/vectorised: {ratio:,.0f}x   (aim >= {AIM_RATIO:.0f}x: {'met' if ratio >= AIM_RATIO else 'NOT met'})")
    print(f"vectorised per 1 M rows: {per_million:.3f} s   (aim < {AIM_SECONDS_PER_MILLION:.0f} s: "
          f"{'met' if per_million < AIM_SECONDS_PER_MILLION else 'NOT met'})")
    return 0 if worst < 1e-6 and floor_ok else 1


def peak_bytes(fn) -> int:
    """Peak memory [B] allocated while ``fn`` runs, above what was allocated before (tracemalloc sees numpy's
    and pandas' arrays)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def report_scale(sizes: list[int], args) -> int:
    """ns per row at each size (best of --repeat) and its change from the first size; peak memory above the
    input per row (one more run under tracemalloc, not timed)."""
    release = load_release()
    ck.account(province(50, seed=args.seed + 1), release=release, options=OPTIONS)
    first = first_cpu = None
    for rows in sizes:
        frame = frame_of(rows, args.seed)
        n = len(frame)
        input_b = frame.memory_usage(deep=True).sum() / n
        run = functools.partial(ck.account, frame, release=release, options=OPTIONS)
        seconds, _ = best_of(run, args.repeat, args.gc_off)
        cpu = best_cpu_of(run, args.repeat, args.gc_off)
        ns, cpu_ns = seconds / n * 1e9, cpu / n * 1e9
        first, first_cpu = first or ns, first_cpu or cpu_ns
        peak = peak_bytes(run) / n
        print(f"{n:>12,} rows: {seconds:.3f} s (best of {args.repeat}), {ns:.0f} ns/row ({ns / first - 1:+.1%} against "
              f"{sizes[0]:,} rows; aim within {AIM_LINEAR:.0%}); CPU (user + system) {cpu_ns:.0f} ns/row "
              f"({cpu_ns / first_cpu - 1:+.1%}); peak memory above the input {peak:.0f} B/row "
              f"(aim <= {AIM_BYTES_PER_ROW} B/row; input {input_b:.0f} B/row)")
    return 0


def report_small(args, calls: int = 500) -> int:
    """Median and best time of ``account()`` on one enterprise-period of the province (about 13 rows), as a
    frame of text columns and as a JSON document (the service's form); aim: <= 1 ms."""
    from carbonkit.documents import frame_to_documents

    release = load_release()
    frame = province(1, years=[2023], seed=args.seed)
    frame = frame.astype({c: str for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})
    document = frame_to_documents(frame)[0]
    for label, data in (("frame", frame), ("document", document)):
        ck.account(data, release=release, options=OPTIONS)
        times = []
        for _ in range(calls):
            t0 = time.perf_counter()
            ck.account(data, release=release, options=OPTIONS)
            times.append(time.perf_counter() - t0)
        med, best = np.median(times) * 1e3, min(times) * 1e3
        print(f"one enterprise-period, {len(frame)} rows, as a {label}: median {med:.2f} ms, best {best:.2f} ms "
              f"over {calls} calls (aim <= {AIM_SMALL_MS:.0f} ms: {'met' if med <= AIM_SMALL_MS else 'NOT met'})")
    return 0


def report_floor(frame: pd.DataFrame, result, release, args) -> bool:
    """Time the numpy floor (benchmarks/floor.py) on the same frame, check its columns, print the ratios.

    Categorical columns first (the engine's time from above), then the same frame as plain text (engine
    and floor both timed again; the floor adds its ``pd.factorize``).
    """
    c = floor.codes_of(frame)
    regions, periods = c["region"][1], c["period"][1]
    resolved = floor.resolve(c["item"][1], c["unit"][1], c["flow"][1], regions, periods, release, OPTIONS)
    ok = True
    text = frame.astype({col: str for col in frame.columns if isinstance(frame[col].dtype, pd.CategoricalDtype)})
    for label, data, run in (
            ("categorical", frame, functools.partial(floor.floor_categorical, frame, resolved)),
            ("text", text, functools.partial(floor.floor_strings, text, resolved, regions, periods))):
        engine_s, res = best_of(functools.partial(ck.account, data, release=release, options=OPTIONS), args.repeat, args.gc_off)
        floor_s, out = best_of(run, args.repeat, args.gc_off)
        ents = out["_enterprise"] if label == "text" else np.asarray(c["enterprise"][1], dtype=object)[out["_enterprise"]]
        exact, n_cols, worst = floor.compare(res.summary, out, ents, np.asarray(periods, dtype=object)[out["_period"]])
        ratio = engine_s / floor_s
        print(f"floor ({label} columns): numpy {floor_s:.3f} s, engine {engine_s:.3f} s (best of {args.repeat}); "
              f"ratio {ratio:.2f}x (aim <= {AIM_FLOOR_RATIO:.0f}x: {'met' if ratio <= AIM_FLOOR_RATIO else 'NOT met'}); "
              f"{exact}/{n_cols} sum columns equal bit for bit, max relative difference {worst:.1e}")
        ok = ok and worst < 1e-12
    return ok


if __name__ == "__main__":
    sys.exit(main())
