"""Writers' locks on PostgreSQL (api.revisions.lock_enterprises): bounded in number, whatever the batch.

A province's batch used to take one advisory lock per enterprise in one transaction; 31,600 of them overflow
the server's lock table ("out of shared memory"). A batch of more than LOCK_EACH_UP_TO enterprises now takes
the writers' lock exclusively instead, which every other writer takes shared first.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

from service_kit import POSTGRES_ENV, POSTGRES_SKIP

pytestmark = pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason=POSTGRES_SKIP)


@pytest.fixture
def engine():
    engine = create_engine(os.environ[POSTGRES_ENV])
    yield engine
    engine.dispose()


def advisory_locks(session: Session) -> int:
    return session.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                "AND pid = pg_backend_pid()")).scalar_one()


def others_may_write(engine) -> bool:
    """Whether another connection gets the writers' lock shared (as a small batch does) right now."""
    from api.revisions import WRITERS_KEY

    with engine.connect() as conn:
        got = conn.execute(text("SELECT pg_try_advisory_xact_lock_shared(CAST(:k AS bigint))"), {"k": WRITERS_KEY})
        return bool(got.scalar_one())


def test_a_small_batch_locks_each_enterprise_and_shares_the_writers_lock(engine):
    from api.revisions import lock_enterprises

    with Session(engine) as session:
        lock_enterprises(session, [f"E{i}" for i in range(10)] + ["E0"])
        assert advisory_locks(session) == 10 + 1  # ten enterprises (E0 twice is one) and the writers' lock, shared
        assert others_may_write(engine)
        session.rollback()


def test_a_province_batch_takes_one_exclusive_lock(engine):
    from api.revisions import LOCK_EACH_UP_TO, lock_enterprises

    with Session(engine) as session:
        lock_enterprises(session, [f"E{i}" for i in range(31_600)])
        assert advisory_locks(session) == 1
        assert not others_may_write(engine)
        lock_enterprises(session, ["E1", "F1"])  # later chunks of the same transaction need nothing more
        assert advisory_locks(session) == 1
        session.rollback()
    assert LOCK_EACH_UP_TO < 31_600
    assert others_may_write(engine)  # released with the transaction


def test_chunks_of_one_transaction_are_counted_together(engine):
    from api.revisions import LOCK_EACH_UP_TO, lock_enterprises

    half = LOCK_EACH_UP_TO // 2 + 1
    with Session(engine) as session:
        lock_enterprises(session, [f"A{i}" for i in range(half)])
        assert advisory_locks(session) == half + 1
        lock_enterprises(session, [f"B{i}" for i in range(half)])  # together over the bound: exclusive now
        assert advisory_locks(session) == half + 2  # the writers' lock is held shared and exclusive
        assert not others_may_write(engine)
        session.commit()
    with Session(engine) as session:  # a new transaction starts from nothing
        lock_enterprises(session, ["A0"])
        assert advisory_locks(session) == 2
        session.rollback()
