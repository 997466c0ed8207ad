"""Year partitions of ``result`` on PostgreSQL (migration 0007_result_by_year): created before a year is written.

``result`` is partitioned by the year of the report's period, one partition per year (``result_y2024``) and a
default partition. Before the service writes results of a year it has not seen, :func:`ensure_years` creates that
year's partition in a short transaction of its own (never inside the ingest's, which would keep the locks the DDL
takes until the whole batch commits):

- writers serialise on one advisory lock, then look the partition up: of several writers of a new year, one
  creates it and the others find it (race-safe without ``IF NOT EXISTS``, which is not);
- the partition is made as a table like ``result`` (its indexes and compression), rows of that year that reached
  the default partition meanwhile are moved into it, and it is attached: ``ATTACH PARTITION`` takes a SHARE UPDATE
  EXCLUSIVE lock on ``result``, which readers and writers of the other years do not wait for;
- the years known to exist are remembered per database, so a batch of a known year costs no query.

Attaching clones the foreign key to ``report`` (it waits for writers of ``report`` in flight) and scans the default
partition (it waits for readers in flight that did not prune it). The wait is bounded by :data:`LOCK_TIMEOUT`: on
timeout the batch is stored anyway and its rows go to the default partition (correct, only not pruned), moved out
by a writer of that year after :data:`RETRY_AFTER`. So that the wait seldom falls on a year's first batch, the next
year's partition is made ahead, when it costs no one a wait (:data:`AHEAD_LOCK_TIMEOUT`). SQLite has no partitions:
nothing to do.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from sqlalchemy import URL, Connection, Engine, make_url, text
from sqlalchemy.exc import IntegrityError, OperationalError

PARTITION_LOCK = 0x636B_7061_7274  # "ckpart": one creator of result partitions at a time
LOCK_TIMEOUT = "2s"  # the longest a writer waits to attach the partition of a year it writes (then: default)
AHEAD_LOCK_TIMEOUT = "100ms"  # the same for the next year's partition, made ahead of need
RETRY_AFTER = 60.0  # [s] after a lock timeout, a year is not tried again for this long

_known: dict[str, set[int]] = {}  # database URL -> years whose partition exists
_retry_at: dict[tuple[str, int], float] = {}  # (database URL, year) -> monotonic time of the next attempt
_guard = threading.Lock()


def year_of(period: str) -> int:
    """The year of a period (``2024`` or ``2024-03``) [-]: the partition key of ``result``."""
    return int(period[:4])


def partition_name(year: int) -> str:
    return f"result_y{int(year):04d}"


def ensure_years(engine: Engine, years: Iterable[int]) -> None:
    """Create the partitions of ``result`` for ``years``, and for the year after the last, that do not exist yet
    (PostgreSQL; module docstring)."""
    wanted = set(years)
    if engine.dialect.name != "postgresql" or not wanted:
        return
    key, now = _key(engine.url), time.monotonic()
    with _guard:
        known = _known.get(key, set())
        missing = sorted(y for y in wanted | {max(wanted) + 1} if y not in known and _retry_at.get((key, y), 0.0) <= now)
    if not missing:
        return
    timeout = LOCK_TIMEOUT if wanted & set(missing) else AHEAD_LOCK_TIMEOUT
    try:
        with engine.begin() as conn:
            created = _create(conn, missing, timeout)
    except (OperationalError, IntegrityError):  # lock_timeout, or a writer that timed out put rows of the year in the
        # default partition meanwhile (ATTACH finds them): this batch's rows go to the default partition too
        with _guard:
            _retry_at.update({(key, y): now + RETRY_AFTER for y in missing})
        return
    with _guard:
        _known.setdefault(key, set()).update(created)


def forget(url: str | URL) -> None:
    """Forget the partitions known for the database at ``url`` (migrated again: it may be a new database)."""
    with _guard:
        key = _key(url)
        _known.pop(key, None)
        for stale in [k for k in _retry_at if k[0] == key]:
            del _retry_at[stale]


def _key(url: str | URL) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _create(conn: Connection, years: list[int], timeout: str = LOCK_TIMEOUT) -> list[int]:
    """Under the creators' lock: the years that have (or now have) a partition; none when ``result`` is not
    partitioned (a database before migration 0007)."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PARTITION_LOCK})
    if conn.execute(text("SELECT relkind FROM pg_class WHERE oid = to_regclass('result')")).scalar() != "p":
        return []
    conn.execute(text(f"SET LOCAL lock_timeout = '{timeout}'"))
    existing = set(conn.execute(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = to_regclass('result')")).scalars())
    for year in years:
        name = partition_name(year)
        if name in existing:
            continue
        conn.execute(text(f"CREATE TABLE {name} (LIKE result INCLUDING ALL)"))
        conn.execute(text(f"WITH moved AS (DELETE FROM result_default WHERE year = :y RETURNING *) "
                          f"INSERT INTO {name} SELECT * FROM moved"), {"y": year})
        conn.execute(text(f"ALTER TABLE result ATTACH PARTITION {name} FOR VALUES FROM ({int(year)}) TO ({int(year) + 1})"))
    return years
