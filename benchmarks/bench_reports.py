"""Benchmark: HTML reports for many enterprises, and the province report, against the one-at-a-time baseline run
in the same process.

    python benchmarks/bench_reports.py [--enterprises 2000] [--sample 25] [--province 31600]

Data: ``carbonkit.synthetic.province()`` (N enterprises x 2022-2023; grid factors with year_fallback=nearest).

- many: ``enterprise_reports(frame)`` renders every enterprise's report (the input accounted once, the per-carrier
  figures of all enterprises in one more call); baseline: ``enterprise_report(frame, enterprise=e)`` for a sample
  of enterprises, each call accounting the input again (what a loop over the single-report function costs),
  extrapolated to N. The ratio is baseline / many.
- province: ``region_report(results)`` for the whole synthetic province x 2020-2025 (progress, three LMDI
  decompositions by division, coverage by city), from results already accounted, against
  ``progress(results)`` alone, the biggest single step it makes.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import carbonkit as ck  # noqa: E402
from reports import enterprise_report, enterprise_reports, region_report  # noqa: E402
from carbonkit.synthetic import province  # noqa: E402
from carbonkit.targets import progress  # noqa: E402

OPTIONS = {"year_fallback": "nearest"}


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=2000)
    ap.add_argument("--sample", type=int, default=25)
    ap.add_argument("--province", type=int, default=31600, help="enterprises of the province report (0: skip)")
    args = ap.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, carbonkit {ck.__version__}")

    frame = province(args.enterprises, years=range(2022, 2024), seed=3)
    enterprise_report(frame.head(200), lang="en", enterprise=str(frame["enterprise"].iat[0]), options=OPTIONS)  # warm-up
    many_s, n = timed(lambda: sum(1 for _ in enterprise_reports(frame, lang="en", options=OPTIONS)))
    sample = list(dict.fromkeys(frame["enterprise"].astype(str)))[: args.sample]
    one_s, _ = timed(lambda: [enterprise_report(frame, lang="en", enterprise=e, options=OPTIONS) for e in sample])
    per_one = one_s / len(sample)
    print(f"many: {n:,} enterprise reports ({len(frame):,} activity rows) in {many_s:.2f} s = "
          f"{many_s / n * 1000:.1f} ms per report")
    print(f"baseline: enterprise_report one at a time {per_one * 1000:.0f} ms per report (sample {len(sample)}), "
          f"{per_one * n:.1f} s extrapolated; ratio {per_one * n / many_s:.1f}x")

    if args.province:
        results = ck.account(province(args.province, seed=0), options=OPTIONS)
        progress(results)  # warm-up
        base_s, _ = timed(lambda: progress(results))
        report_s, html = timed(lambda: region_report(results, lang="zh"))
        print(f"province: region_report for {args.province:,} enterprises x 6 years in {report_s:.2f} s "
              f"({len(html):,} bytes); progress() alone {base_s:.2f} s; ratio {report_s / base_s:.1f}x")


if __name__ == "__main__":
    main()
