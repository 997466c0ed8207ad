"""Benchmark: storing a province's reports in PostgreSQL by COPY (api/bulkcopy.py) against the ORM path.

    python benchmarks/bench_copy_ingest.py [--enterprises 31600] [--year 2023] [--url URL] [--chunk 2000] [--runs 3]

One year of the synthetic province is turned into reports and prepared (validated and accounted) once;
then, each on an empty schema of the database at --url (default: the bench database), the same batch is
stored by :func:`api.ingest.store` through the ORM path (chunks of --chunk reports in one transaction, as
``carbonkit ingest``) and through the COPY path, --runs times each, alternating. Printed per path: the best
wall time, reports/s and activity rows/s at that time, and the CPU seconds of this process and of the
database server's backends of --url's database (read from /proc when the server runs on this machine, as
root or its user; else n/a) of the median run: on a shared machine CPU seconds are steadier than wall time.
Then the ratio COPY/ORM (best wall time, and CPU), a check that both stored the same reports, revisions and
results, and finally the batch stored again by COPY: every report must be "unchanged".
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from service import POSTGRES_URL, load_average, postgres_ready, reset_postgres  # noqa: E402


def batch_of(enterprises: int, year: int, settings):
    from api.ingest import ReportIn, prepare
    from carbonkit.documents import frame_to_documents
    from carbonkit.synthetic import province

    frame = province(enterprises, years=[year])
    reports = [ReportIn(report=d) for d in frame_to_documents(frame)]
    return prepare(settings, reports), len(frame)


def server_cpu(database: str) -> float | None:
    """user + system CPU [s] of the PostgreSQL backends connected to ``database`` (their process titles name it);
    None when no backend can be read (a remote server, or /proc not readable)."""
    total, seen = 0.0, False
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            if not title.startswith("postgres: ") or f" {database} " not in title:
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        seen = True
    return total if seen else None


def store_timed(settings, batch, *, copy: bool, chunk: int) -> tuple[float, float, float | None]:
    """(wall [s], this process's CPU [s], the server backends' CPU [s] or None) of one store on an empty schema."""
    import api.bulkcopy as bulk
    from api.db import engine_for, upgrade
    from api.ingest import store
    from api.keys import Principal

    reset_postgres(settings.database_url)
    engine_for(settings.database_url).dispose()
    upgrade(settings.database_url)
    bulk.BULK_MIN_REPORTS = 1 if copy else 10**12
    database = make_url(settings.database_url).database or ""
    with engine_for(settings.database_url).connect() as conn:  # the pool's backend exists before the clock starts
        conn.execute(text("SELECT 1"))
    server_before = server_cpu(database)
    start, cpu = time.perf_counter(), time.process_time()
    outcomes = store(settings, Principal(key_id=None, role="province", name="bench"), batch, chunk=chunk)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    server_after = server_cpu(database)
    server = None if server_before is None or server_after is None else server_after - server_before
    assert all(o.status == "created" for o in outcomes) and len(outcomes) == len(batch.reports)
    return took, cpu, server


def fingerprint(url: str) -> list[tuple]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT count(*), sum(r.revision), count(DISTINCT r.content_hash), sum(s.energy_equivalent_tce), "
            "sum(s.co2_location_tco2), count(DISTINCT s.summary::text) FROM report r JOIN result s "
            "ON s.report_id = r.id")).all()
    engine.dispose()
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in r) for r in rows]


def _summary(name: str, runs: list[tuple[float, float, float | None]], n: int, rows: int) -> tuple[float, float]:
    """Print one path's line; return (best wall [s], median client + server CPU [s])."""
    best = min(r[0] for r in runs)
    client = statistics.median(r[1] for r in runs)
    servers = [r[2] for r in runs if r[2] is not None]
    server = statistics.median(servers) if servers else None
    shown = "n/a" if server is None else f"{server:.2f}"
    print(f"{name:5} {best:>7.2f} {n / best:>10,.0f} {rows / best:>10,.0f} {client:>9.2f} {shown:>9}")
    return best, client + (server or 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--enterprises", type=int, default=31_600)
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--url", default=POSTGRES_URL)
    ap.add_argument("--chunk", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3, help="stores per path, alternating (best wall time is shown)")
    ap.add_argument("--years", type=int, default=0,
                    help="then store this many consecutive years by COPY into one database and time each year's COPY and "
                         "the regional read of the first year as the years pile up (0: skip)")
    args = ap.parse_args()
    if (problem := postgres_ready(args.url)) is not None:
        sys.exit(f"PostgreSQL at {args.url} does not answer: {problem}")
    from api.settings import Settings

    settings = Settings(database_url=args.url, env="test")
    start = time.perf_counter()
    batch, rows = batch_of(args.enterprises, args.year, settings)
    n = len(batch.reports)
    print(f"{n:,} reports ({rows:,} activity rows) prepared in {time.perf_counter() - start:.1f} s; "
          f"load average {load_average()}")
    timed: dict[str, list] = {"ORM": [], "COPY": []}
    for _ in range(args.runs):
        timed["ORM"].append(store_timed(settings, batch, copy=False, chunk=args.chunk))
        by_orm = fingerprint(args.url)
        timed["COPY"].append(store_timed(settings, batch, copy=True, chunk=args.chunk))
        by_copy = fingerprint(args.url)
    import api.bulkcopy as bulk
    from api.ingest import store
    from api.keys import Principal

    bulk.BULK_MIN_REPORTS = 1
    again = store(settings, Principal(key_id=None, role="province", name="bench"), batch)
    print(f"{'path':5} {'best s':>7} {'reports/s':>10} {'rows/s':>10} {'CPU proc':>9} {'CPU srv':>9}")
    orm, orm_cpu = _summary("ORM", timed["ORM"], n, rows)
    copy, copy_cpu = _summary("COPY", timed["COPY"], n, rows)
    print(f"COPY / ORM speed: {orm / copy:.1f}x (best of {args.runs}), CPU {orm_cpu / copy_cpu:.1f}x; "
          f"same stored rows: {by_orm == by_copy}; re-sent batch unchanged: {all(o.status == 'unchanged' for o in again)}; "
          f"load average {load_average()}")
    if args.years:
        years_pile_up(settings, args.enterprises, args.year, args.years)


def _read_first_year(settings, year: int) -> tuple[float, float, int, str]:
    """(best of 3 [s] of the regional read of ``year`` (:func:`api.store_results.load_results`, every enterprise), its
    query's execution time in the server (EXPLAIN ANALYZE, best of 3) [s], rows, partitions of result it reads)."""
    from sqlmodel import Session

    from api.db import engine_for
    from api.store_results import load_register, load_results

    best, server, n, scanned = float("inf"), float("inf"), 0, set()
    with Session(engine_for(settings.database_url)) as session:
        register = load_register(session, None, None)
        year_filter = f" AND s.year = {year}" if _has_year(session) else ""
        for _ in range(3):
            start = time.perf_counter()
            n = len(load_results(session, None, None, [str(year)], register))
            best = min(best, time.perf_counter() - start)
            plan = session.connection().execute(text(
                "EXPLAIN (ANALYZE, FORMAT JSON) SELECT r.id, s.id, r.enterprise_id, r.period, s.release, "
                "s.energy_equivalent_tce, s.co2_location_tco2 FROM report r JOIN result s ON s.report_id = r.id "
                f"WHERE r.is_latest AND r.period = '{year}'" + year_filter)).scalar_one()
            server = min(server, plan[0]["Execution Time"] / 1000)
            scanned = set(re.findall(r'"Relation Name": "(result(?:_y\d{4}|_default)?)"', json.dumps(plan)))
    return best, server, n, " ".join(sorted(scanned))


def _has_year(session) -> bool:
    return session.connection().execute(text(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'result' AND column_name = 'year'")).scalar() == 1


def years_pile_up(settings, enterprises: int, first: int, years: int) -> None:
    """Consecutive years stored by COPY into one database: each year's COPY rate, and the regional read of the first
    year (does it slow down as other years are stored beside it, and which partitions does it read?)."""
    import api.bulkcopy as bulk
    from api.db import engine_for, upgrade
    from api.ingest import store
    from api.keys import Principal

    reset_postgres(settings.database_url)
    engine_for(settings.database_url).dispose()
    upgrade(settings.database_url)
    bulk.BULK_MIN_REPORTS = 1
    print(f"\n{'years':>5} {'COPY s':>7} {'rows/s':>9} {'read ' + str(first) + ' s':>11} {'server ms':>9} {'rows':>7}  "
          "result partitions read")
    for k in range(years):
        batch, rows = batch_of(enterprises, first + k, settings)
        start = time.perf_counter()
        store(settings, Principal(key_id=None, role="province", name="bench"), batch)
        took = time.perf_counter() - start
        with engine_for(settings.database_url).begin() as conn:
            conn.execute(text("ANALYZE"))
        read, server, n, scanned = _read_first_year(settings, first)
        print(f"{k + 1:>5} {took:>7.2f} {rows / took:>9,.0f} {read:>11.3f} {server * 1000:>9.1f} {n:>7,}  {scanned}")
    print(f"load average {load_average()}")


if __name__ == "__main__":
    main()
