"""Workers that start together each migrate in their lifespan; on PostgreSQL that raced (one worker failed
with UniqueViolation on a table created twice) until the migration took an advisory lock."""

from __future__ import annotations

import multiprocessing

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
