"""Workers that start together each migrate in their lifespan; on PostgreSQL that raced (one worker failed
with UniqueViolation on a table created twice) until the migration took an advisory lock."""

from __future__ import annotations

import multiprocessing
import re

from sqlalchemy import create_engine, inspect


def _upgrade(url: str, errors) -> None:
    from api.db import upgrade

    try:
        upgrade(url)
    except Exception as exc:  # reported to the parent, which asserts there were none
        errors.put(repr(exc)[:300])


def test_concurrent_migrations_all_succeed(backend):
    ctx = multiprocessing.get_context("spawn")
    errors = ctx.Queue()
    workers = [ctx.Process(target=_upgrade, args=(backend, errors)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    assert all(w.exitcode == 0 for w in workers)
    engine = create_engine(backend)
    try:
        assert {"report", "result", "enterprise", "api_key"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _partition(name: str) -> bool:
    """A partition of ``result`` (PostgreSQL, migration 0007): a table of the database that no model declares."""
    return re.fullmatch(r"result_(default|y\d{4})", name) is not None


def test_the_migrations_build_the_models_schema(backend):
    """Alembic finds nothing to change between the migrated database and the models (SQLite and PostgreSQL);
    the partitions of ``result`` on PostgreSQL are the only tables no model declares."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import api.market_store  # noqa: F401 - registers market_submission
    import api.models  # noqa: F401
    from api.db import upgrade

    upgrade(backend)
    engine = create_engine(backend)

    def include(obj, name, kind, _reflected, _compare_to) -> bool:
        table = obj.table.name if kind in ("index", "column", "unique_constraint", "foreign_key_constraint") else name
        return not _partition(table)

    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn, opts={"include_object": include}), SQLModel.metadata)
    finally:
        engine.dispose()
    assert diffs == []
