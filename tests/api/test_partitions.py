"""``result`` partitioned by year on PostgreSQL (migration 0007_result_by_year, api/partitions.py); on SQLite the same
model gives a plain table with the same ``year`` column.

- every result carries the year of its report's period (both databases);
- a year's partition (and the next year's) is created before the ingest writes it, also when several writers start
  a new year at once; rows land in their year's partition, never in the default one;
- a query with a period reads one partition (EXPLAIN);
- when the partition cannot be attached in time the rows go to the default partition and are moved out later;
- migration 0007 converts a database with data: ids, years and the id sequence kept.
"""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import create_engine, text

from service_kit import PARK_A, simple_doc



@pytest.fixture
def settings(backend):
    from api.db import engine_for, upgrade
    from api.settings import Settings

    engine_for(backend).dispose()
    upgrade(backend)
    return Settings(database_url=backend, env="test")


@pytest.fixture
def pg(settings):
    """The settings of the PostgreSQL run (partitions exist only there)."""
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("partitions are PostgreSQL's")
    return settings


def province():
    from api.keys import Principal
    return Principal(key_id=None, role="province", name="test")


def submit(settings, docs, *, copy: bool = False):
    import api.bulkcopy as bulk
    import api.ingest as ingest

    old = bulk.BULK_MIN_REPORTS
    bulk.BULK_MIN_REPORTS = 1 if copy else 10**9
    try:
        return ingest.submit(settings, province(), [ingest.ReportIn(report=d) for d in docs])
    finally:
        bulk.BULK_MIN_REPORTS = old


def rows(settings, sql: str, **params) -> list[tuple]:
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params).all()]
    finally:
        engine.dispose()


def where_rows_are(settings) -> dict[str, int]:
    """Result rows per partition (PostgreSQL)."""
    return dict(rows(settings, "SELECT tableoid::regclass::text, count(*) FROM result GROUP BY 1"))


def partitions(settings) -> set[str]:
    return {r[0] for r in rows(settings, "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                                         "WHERE i.inhparent = 'result'::regclass")}


@pytest.mark.parametrize("copy", [False, True])
def test_every_result_carries_its_reports_year(settings, copy):
    if copy and not settings.database_url.startswith("postgresql"):
        pytest.skip("COPY is PostgreSQL's path")
    submit(settings, [simple_doc("E1", "2023"), simple_doc("E2", "2024-03"), simple_doc("E3", "2024-12")], copy=copy)
    assert rows(settings, "SELECT r.period, s.year FROM report r JOIN result s ON s.report_id = r.id "
                          "ORDER BY r.period") == [("2023", 2023), ("2024-03", 2024), ("2024-12", 2024)]


@pytest.mark.parametrize("copy", [False, True])
def test_a_new_year_gets_its_partition_before_its_rows(pg, copy):
    assert partitions(pg) == {"result_default"}
    submit(pg, [simple_doc("E1", "2023"), simple_doc("E2", "2023")], copy=copy)
    assert partitions(pg) == {"result_default", "result_y2023", "result_y2024"}  # 2024 made ahead
    submit(pg, [simple_doc("E1", "2024-01"), simple_doc("E1", "2026-02")], copy=copy)
    assert partitions(pg) == {"result_default", "result_y2023", "result_y2024", "result_y2026", "result_y2027"}
    assert where_rows_are(pg) == {"result_y2023": 2, "result_y2024": 1, "result_y2026": 1}


def test_concurrent_writers_of_a_new_year_all_succeed_and_share_one_partition(pg):
    """Four writers start year 2021 at the same moment, each with its own enterprise; each one looks the partition up
    (nothing remembered in the process), one creates it, the others find it."""
    import api.partitions as parts

    writers, barrier, errors = 4, threading.Barrier(4), []

    def write(i: int) -> None:
        try:
            barrier.wait(10)
            submit(pg, [simple_doc(f"E{i}", "2021")])
        except Exception as exc:  # reported below
            errors.append(repr(exc))

    parts.forget(pg.database_url)
    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert partitions(pg) == {"result_default", "result_y2021", "result_y2022"}
    assert where_rows_are(pg) == {"result_y2021": writers}


def test_a_period_query_reads_one_partition(pg):
    """EXPLAIN of the regional reads' query (api.store_results.results_query) for 2023 names one partition of result,
    with three years stored."""
    from sqlalchemy.dialects import postgresql

    from api.store_results import results_query

    submit(pg, [simple_doc("E1", p) for p in ("2022", "2023", "2024")])
    sql = str(results_query([PARK_A], None, ["2023"]).compile(dialect=postgresql.dialect(),
                                                               compile_kwargs={"literal_binds": True}))
    plan = json.dumps(rows(pg, "EXPLAIN (FORMAT JSON) " + sql)[0][0])
    scanned = {name for name in ("result_default", "result_y2022", "result_y2023", "result_y2024", "result_y2025")
               if f'"Relation Name": "{name}"' in plan}
    assert scanned == {"result_y2023"}


def test_rows_go_to_the_default_partition_when_it_cannot_be_attached_and_move_out_later(pg, monkeypatch):
    """A reader in flight that scanned the default partition holds off ATTACH (it scans the default partition); the
    writer waits LOCK_TIMEOUT, stores its rows in the default partition, and a later writer of that year moves them."""
    import api.partitions as parts

    monkeypatch.setattr(parts, "LOCK_TIMEOUT", "200ms")
    monkeypatch.setattr(parts, "RETRY_AFTER", 0.0)
    engine = create_engine(pg.database_url)
    try:
        with engine.connect() as reader:
            reader.execute(text("SELECT count(*) FROM result"))  # the transaction stays open: AccessShare held
            submit(pg, [simple_doc("E1", "2028")])
            assert where_rows_are(pg) == {"result_default": 1}
            reader.rollback()
    finally:
        engine.dispose()
    submit(pg, [simple_doc("E2", "2028")])
    assert where_rows_are(pg) == {"result_y2028": 2}


def _seed_before_0007(url: str) -> None:
    """Two reports (2022 and 2023-05) and three results at migration 0006 (one report recomputed)."""
    engine = create_engine(url)
    summary = json.dumps({"energy_equivalent_tce": 1.5})
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO enterprise (id, created_at) VALUES ('E1', CURRENT_TIMESTAMP)"))
        for rid, period in ((1, "2022"), (2, "2023-05")):
            conn.execute(text("INSERT INTO report (id, enterprise_id, period, revision, is_latest, content_hash, "
                              "document, submitted_at) VALUES (:id, 'E1', :p, 1, true, 'h', '{}', CURRENT_TIMESTAMP)"),
                         {"id": rid, "p": period})
        for res_id, rid, release in ((10, 1, "a"), (11, 2, "a"), (12, 2, "b")):
            conn.execute(text("INSERT INTO result (id, report_id, release, options_hash, options, computed_at, summary, "
                              "energy_equivalent_tce) VALUES (:id, :r, :rel, 'o', '{}', CURRENT_TIMESTAMP, :s, 1.5)"),
                         {"id": res_id, "r": rid, "rel": release, "s": summary})
        if url.startswith("postgresql"):
            conn.execute(text("SELECT setval('result_id_seq', 12)"))
    engine.dispose()


def test_migration_0007_keeps_the_results_of_an_existing_database(backend):
    from sqlmodel import Session

    from api.db import engine_for, upgrade
    from api.models import Result

    upgrade(backend, "0006_toast_lz4")
    _seed_before_0007(backend)
    upgrade(backend)
    settings = type("S", (), {"database_url": backend})
    assert rows(settings, "SELECT id, report_id, year, release, energy_equivalent_tce FROM result ORDER BY id") == [
        (10, 1, 2022, "a", 1.5), (11, 2, 2023, "a", 1.5), (12, 2, 2023, "b", 1.5)]
    if backend.startswith("postgresql"):
        assert partitions(settings) == {"result_default", "result_y2022", "result_y2023"}
        assert where_rows_are(settings) == {"result_y2022": 1, "result_y2023": 2}
    engine_for(backend).dispose()
    with Session(engine_for(backend)) as session:  # the next id follows the kept ones; the year comes from the report
        row = Result(report_id=1, release="c", options_hash="o", options={}, summary={})
        session.add(row)
        session.commit()
        assert (row.id, row.year) == (13, 2022)
    engine_for(backend).dispose()


@pytest.mark.parametrize("copy", [False, True])
def test_a_revision_and_a_resend_stay_in_their_years_partition(pg, copy):
    """A revised 2023 report adds its result beside the first one in result_y2023; sending it again adds nothing;
    the regional read of 2023 sees the revision: 2,000 MWh of grid electricity (simple_doc's one item)."""
    from sqlmodel import Session

    from api.db import engine_for
    from api.store_results import load_register, load_results

    first = submit(pg, [simple_doc("E1", "2023"), simple_doc("E2", "2023")], copy=copy)
    revised = submit(pg, [simple_doc("E1", "2023", electricity_mwh=2000), simple_doc("E2", "2023")], copy=copy)
    again = submit(pg, [simple_doc("E1", "2023", electricity_mwh=2000), simple_doc("E2", "2023")], copy=copy)
    assert [(o.status, o.revision) for o in first] == [("created", 1), ("created", 1)]
    assert [(o.status, o.revision) for o in revised] == [("revised", 2), ("unchanged", 1)]
    assert [o.status for o in again] == ["unchanged", "unchanged"]
    assert where_rows_are(pg) == {"result_y2023": 3}
    with Session(engine_for(pg.database_url)) as session:
        frame = load_results(session, None, None, ["2023"], load_register(session, None, None))
    assert sorted(frame["electricity_kwh"]) == [1_000_000.0, 2_000_000.0]  # 1,000 and 2,000 MWh x 1,000 kWh/MWh
