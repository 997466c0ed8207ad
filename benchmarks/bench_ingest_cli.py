"""Benchmark: ``carbonkit ingest FILE`` (chunked, one transaction, progress callback) against ``submit`` in one call.

    python benchmarks/bench_ingest_cli.py [--enterprises 31600] [--year 2023] [--chunk 2000] [--repeat 2]

One year of the synthetic province (31,600 enterprise-year reports by default) is written to a CSV file in a
temporary directory. Each run stores it into a fresh SQLite file (migrated before the clock starts), in this
process, three ways:

- ``submit``: ``read_activities`` + ``api.ingest.reports_of`` + ``api.ingest.submit`` in one call (one chunk,
  no progress callback): what the service does with a bulk body, without HTTP;
- ``cli``: ``cli.service.ingest_file(..., quiet=True)``, the function behind ``carbonkit ingest``: the same reading,
  then the batch stored ``--chunk`` reports at a time in one transaction with a progress callback (no bar drawn);
- ``cli+bar``: the same with the rich progress bar drawn, to a terminal console writing to /dev/null.

The runs alternate (submit, cli, cli+bar) ``--repeat`` times; the best of each is compared. Printed: the times,
the ratios cli/submit and cli+bar/submit (aim: within a few percent, i.e. the chunks and the bar cost nothing
notable), and the time of ``ingest_file`` run again on the same database (every report must come back
"unchanged"). Timings on a shared machine vary from run to run; repeat the run.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from sqlalchemy import func, select
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import carbonkit as ck  # noqa: E402
from cli import service  # noqa: E402
from api.db import engine_for, upgrade  # noqa: E402
from api.ingest import reports_of, submit  # noqa: E402
from api.keys import Principal  # noqa: E402
from api.models import Report, Result  # noqa: E402
from api.settings import Settings  # noqa: E402
from cli import status  # noqa: E402
from carbonkit.synthetic import PROVINCE_ENTERPRISES, province  # noqa: E402


def fresh(folder: Path, name: str) -> Settings:
    settings = Settings(database_url=f"sqlite:///{folder / name}.sqlite", env="test")
    upgrade(settings.database_url)
    return settings


def stored(settings: Settings) -> tuple[int, int]:
    with Session(engine_for(settings.database_url)) as session:
        reports = session.execute(select(func.count()).select_from(Report).where(Report.is_latest)).scalar_one()
        results = session.execute(select(func.count()).select_from(Result)).scalar_one()
    return reports, results


def run_submit(settings: Settings, path: Path) -> list:
    reports = reports_of(ck.read_activities(path))
    return submit(settings, Principal(key_id=None, role="province", name="bench"), reports, path_prefix="")


def run_cli(settings: Settings, path: Path, chunk: int, bar: bool) -> list:
    if not bar:
        return service.ingest_file(settings, path, chunk=chunk, quiet=True)
    shown, console = status.showing, status.err
    status.showing = lambda quiet=False: not quiet
    with open(os.devnull, "w") as sink:
        status.err = Console(file=sink, force_terminal=True, width=120)
        try:
            return service.ingest_file(settings, path, chunk=chunk, quiet=False)
        finally:
            status.showing, status.err = shown, console


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=PROVINCE_ENTERPRISES)
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    import numpy
    import pandas
    import sqlalchemy
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPU; numpy {numpy.__version__}, "
          f"pandas {pandas.__version__}, SQLAlchemy {sqlalchemy.__version__}; SQLite")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        frame = province(args.enterprises, years=[args.year])
        path = folder / "province.csv"
        frame.to_csv(path, index=False)
        expected = frame.groupby(["enterprise", "period"], observed=True).ngroups
        print(f"{len(frame):,} rows, {expected:,} reports written to CSV ({path.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - t0:.1f} s")
        ck.account(ck.read_activities(path).head(50))  # warm-up: registry, release, vocabulary

        ways = {"submit": lambda s: run_submit(s, path),
                "cli": lambda s: run_cli(s, path, args.chunk, bar=False),
                "cli+bar": lambda s: run_cli(s, path, args.chunk, bar=True)}
        times: dict[str, list[float]] = {w: [] for w in ways}
        last = None
        for r in range(args.repeat):
            for way, run in ways.items():
                settings = fresh(folder, f"{way}-{r}")
                t0 = time.perf_counter()
                outcomes = run(settings)
                times[way].append(time.perf_counter() - t0)
                created = sum(o.status == "created" for o in outcomes)
                counts = stored(settings)
                print(f"  run {r + 1} {way:8s} {times[way][-1]:6.1f} s  created {created:,}  stored {counts[0]:,} "
                      f"reports / {counts[1]:,} results")
                if created != expected or counts != (expected, expected):
                    print("FAILED: not every report was stored once")
                    return 1
                last = settings
        t0 = time.perf_counter()
        again = service.ingest_file(last, path, chunk=args.chunk, quiet=True)
        again_s = time.perf_counter() - t0
        unchanged = sum(o.status == "unchanged" for o in again)

    best = {w: min(t) for w, t in times.items()}
    print(f"\nbest of {args.repeat}: submit {best['submit']:.1f} s, cli {best['cli']:.1f} s, "
          f"cli+bar {best['cli+bar']:.1f} s  ({expected / best['cli']:,.0f} reports/s through the CLI)")
    print(f"ratio cli/submit {best['cli'] / best['submit']:.3f}, cli+bar/submit {best['cli+bar'] / best['submit']:.3f}")
    print(f"the same file again: {again_s:.1f} s, {unchanged:,} of {len(again):,} unchanged")
    return 0 if unchanged == expected else 1


if __name__ == "__main__":
    raise SystemExit(main())
