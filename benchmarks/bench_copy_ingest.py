"""Benchmark: storing a province's reports in PostgreSQL by COPY (api/bulkcopy.py) against the ORM path.

    python benchmarks/bench_copy_ingest.py [--enterprises 31600] [--year 2023] [--url URL] [--chunk 2000]

One year of the synthetic province is turned into reports and prepared (validated and accounted) once;
then, each on an empty schema of the database at --url (default: the bench database), the same batch is
stored by :func:`api.ingest.store` through the ORM path (chunks of --chunk reports in one transaction, as
``carbonkit ingest``) and through the COPY path. Printed: seconds, reports/s and activity rows/s of each,
the ratio COPY/ORM, and a check that both stored the same reports, revisions and results. Finally the
batch is stored again by COPY: every report must be "unchanged".
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from service import POSTGRES_URL, postgres_ready, reset_postgres  # noqa: E402


def batch_of(enterprises: int, year: int, settings):
    from api.ingest import ReportIn, prepare
    from carbonkit.documents import frame_to_documents
    from carbonkit.synthetic import province

    frame = province(enterprises, years=[year])
    reports = [ReportIn(report=d) for d in frame_to_documents(frame)]
    return prepare(settings, reports), len(frame)


def store_timed(settings, batch, *, copy: bool, chunk: int) -> float:
    import api.bulkcopy as bulk
    from api.db import engine_for, upgrade
    from api.ingest import store
    from api.keys import Principal

    reset_postgres(settings.database_url)
    engine_for(settings.database_url).dispose()
    upgrade(settings.database_url)
    bulk.BULK_MIN_REPORTS = 1 if copy else 10**12
    start = time.perf_counter()
    outcomes = store(settings, Principal(key_id=None, role="province", name="bench"), batch, chunk=chunk)
    took = time.perf_counter() - start
    assert all(o.status == "created" for o in outcomes) and len(outcomes) == len(batch.reports)
    return took


def fingerprint(url: str) -> list[tuple]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT count(*), sum(r.revision), count(DISTINCT r.content_hash), sum(s.energy_equivalent_tce), "
            "sum(s.co2_location_tco2), count(DISTINCT s.summary::text) FROM report r JOIN result s "
            "ON s.report_id = r.id")).all()
    engine.dispose()
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in r) for r in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--enterprises", type=int, default=31_600)
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--url", default=POSTGRES_URL)
    ap.add_argument("--chunk", type=int, default=2000)
    args = ap.parse_args()
    if (problem := postgres_ready(args.url)) is not None:
        sys.exit(f"PostgreSQL at {args.url} does not answer: {problem}")
    from api.settings import Settings

    settings = Settings(database_url=args.url, env="test")
    start = time.perf_counter()
    batch, rows = batch_of(args.enterprises, args.year, settings)
    n = len(batch.reports)
    print(f"{n:,} reports ({rows:,} activity rows) prepared in {time.perf_counter() - start:.1f} s")
    orm = store_timed(settings, batch, copy=False, chunk=args.chunk)
    by_orm = fingerprint(args.url)
    copy = store_timed(settings, batch, copy=True, chunk=args.chunk)
    by_copy = fingerprint(args.url)
    import api.bulkcopy as bulk
    from api.ingest import store
    from api.keys import Principal

    bulk.BULK_MIN_REPORTS = 1
    again = store(settings, Principal(key_id=None, role="province", name="bench"), batch)
    print(f"{'path':5} {'s':>7} {'reports/s':>10} {'rows/s':>10}")
    for name, took in (("ORM", orm), ("COPY", copy)):
        print(f"{name:5} {took:>7.1f} {n / took:>10,.0f} {rows / took:>10,.0f}")
    print(f"COPY / ORM speed: {orm / copy:.1f}x; same stored rows: {by_orm == by_copy}; "
          f"re-sent batch unchanged: {all(o.status == 'unchanged' for o in again)}")


if __name__ == "__main__":
    main()
