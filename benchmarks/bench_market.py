"""Benchmark: the carbon-market sector account on every covered Shandong-scale entity for a year.

    python benchmarks/bench_market.py [--entities 1500] [--repeat 3] [--sample 30]

A seeded synthetic set of cement (1-2 clinker lines), steel (BF-BOF or EAF) and aluminium (1-2 potlines)
entities, twelve months of key parameters each (fuels with measured NCV in some months, clinker, fluxes,
electrodes, crude steel, aluminium, anode-effect minutes, electricity), is accounted by
``carbonkit.market.account_market`` (best of --repeat after a warm-up). The floor, run in this process, is the
same engine called once per facility-year on --sample facility-years (what a per-plant loop would cost),
extrapolated per facility-year. Aim: the whole set under 1 s (issue 16), and a large ratio to the floor. The CPU
time of this process is printed beside the wall-clock time: on a machine shared with other work it is the
better guide.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import pandas as pd

from carbonkit.factors import load_release
from carbonkit.market import account_market

AIM_SECONDS = 1.0
COLS = ["enterprise", "facility", "sector", "route", "year", "month", "parameter", "item", "value", "unit", "tier",
        "standard"]


def _rows(rng, ent: str, fac: str, sector: str, route: str) -> list[tuple]:
    out = []
    for m in range(1, 13):
        def add(param, item, value, unit, tier=""):
            out.append((ent, fac, sector, route, 2025, m, param, item, value, unit, tier,
                        "GB/T 213" if tier else ""))
        add("fuel_consumption", "bituminous_coal", rng.uniform(1e3, 2e4), "t")
        if m % 3:
            add("ncv", "bituminous_coal", rng.uniform(19, 24), "GJ/t", "measured")
        add("fuel_consumption", "natural_gas", rng.uniform(1, 50), "万Nm3")
        add("electricity_purchased", "", rng.uniform(1e3, 5e4), "MWh")
        if sector == "cement":
            add("clinker_output", "portland", rng.uniform(3e4, 1.5e5), "t")
            add("alt_material", "carbide_slag", rng.uniform(0, 3e3), "t")
        elif sector == "steel":
            add("crude_steel_output", "", rng.uniform(5e4, 4e5), "t")
            add("material_out", "crude_steel", rng.uniform(5e4, 4e5), "t")
            add("material_in", "electrode" if route == "eaf" else "limestone", rng.uniform(50, 2e4), "t")
        else:
            add("aluminium_output", "", rng.uniform(1e4, 4e4), "t")
            add("aem", "", rng.uniform(0.01, 0.05), "min/d", "measured")
    return out


def synthetic(entities: int, seed: int = 0) -> pd.DataFrame:
    """Entities: 55 % cement, 30 % steel, 15 % aluminium; 1-2 facilities each; 12 months."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(entities):
        u = rng.random()
        sector, routes = (("cement", ["clinker_line"]) if u < 0.55 else ("steel", ["bf_bof", "eaf"]) if u < 0.85
                          else ("aluminium", ["electrolysis"]))
        for f in range(1 + int(rng.random() < 0.3)):
            rows += _rows(rng, f"E{i:05d}", f"F{f}", sector, routes[int(rng.integers(len(routes)))])
    return pd.DataFrame(rows, columns=COLS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entities", type=int, default=1500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sample", type=int, default=30)
    args = ap.parse_args()
    release = load_release()
    frame = synthetic(args.entities)
    account_market(synthetic(5, seed=1), release=release)  # warm-up: catalogs, registry, release
    best, best_cpu = float("inf"), float("inf")
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = account_market(frame, release=release)
        best, best_cpu = min(best, time.perf_counter() - t0), min(best_cpu, time.process_time() - c0)
    keys = frame[["enterprise", "facility"]].drop_duplicates().sample(min(args.sample, len(result.facilities)),
                                                                      random_state=0)
    t0 = time.perf_counter()
    for ent, fac in keys.itertuples(index=False):
        account_market(frame[(frame["enterprise"] == ent) & (frame["facility"] == fac)], release=release)
    per_facility = (time.perf_counter() - t0) / len(keys)
    floor = per_facility * len(result.facilities)
    print(f"python {platform.python_version()}, {platform.machine()}")
    print(f"{args.entities:,} entities, {len(result.facilities):,} facility-years, {len(frame):,} monthly rows")
    print(f"vectorised: {best:.3f} s wall, {best_cpu:.3f} s CPU of this process "
          f"(aim < {AIM_SECONDS:.1f} s: {'met' if best < AIM_SECONDS else 'NOT met'}; on a shared machine the CPU time "
          "is the better guide)")
    print(f"floor, one call per facility-year: {per_facility * 1000:.1f} ms each, {floor:.1f} s for all "
          f"(extrapolated from {len(keys)}); ratio {floor / best:.1f}x")


if __name__ == "__main__":
    main()
