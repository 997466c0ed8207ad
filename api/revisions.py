"""Writing a prepared batch: revisions, submission ids and the register, serialised per enterprise.

- Writers of the same enterprise are serialised: on PostgreSQL by transaction-scoped advisory locks taken in
  sorted order before anything is read (no deadlock: every writer takes its locks in the same order); on
  SQLite by taking the database's write lock first (``BEGIN`` then a write), so a reader never has to upgrade.
  On PostgreSQL every writer first takes one writers' lock: shared by a batch of at most
  :data:`LOCK_EACH_UP_TO` enterprises, which then locks each of them; exclusive by a larger batch (a province
  at once), which then needs no other lock. A province's 31,600 enterprise locks in one transaction overflowed
  the server's lock table ("out of shared memory", ``max_locks_per_transaction`` 64 x 100 connections).
- New parks and enterprises are inserted with ``ON CONFLICT DO NOTHING``; a lost race is not an error.
- A submission id is scoped to the enterprise it was sent for and looked up only among the reports the key
  may read: a clash with another tenant's id answers as if the id were new. The same id for another
  enterprise-period the key may read is a 409 conflict naming the original.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from sqlalchemy import String, any_, bindparam, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from api.access import Forbidden, Scope
from api.models import Enterprise, Park, Report, Result, Submission

CHUNK = 500


class SubmissionConflict(Exception):
    """A submission id already answered for another enterprise-period (409)."""

    def __init__(self, index: int, submission_id: str, enterprise: str, period: str) -> None:
        super().__init__(f"report [{index}]: submission_id {submission_id} was already used for enterprise "
                         f"{enterprise}, period {period}; a submission id names one report")
        self.original = {"submission_id": submission_id, "enterprise": enterprise, "period": period}


@dataclass
class Outcome:
    enterprise: str
    period: str
    status: str  # created | revised | unchanged
    revision: int
    report_id: int


def _chunks(values: list, size: int = CHUNK):
    for i in range(0, len(values), size):
        yield values[i: i + size]


LOCK_EACH_UP_TO = 256  # a batch of more enterprises locks all writers out instead (bounded lock table use)
WRITERS_KEY = 2**40  # the writers' lock; enterprise keys are crc32 - 2^31, in [-2^31, 2^31)


def lock_enterprises(session: Session, ids: list[str]) -> None:
    """Serialise writers of these enterprises until the transaction ends (module docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        _lock_postgresql(session, {zlib.crc32(i.encode("utf-8")) - 2**31 for i in ids})
    elif session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE park SET id = id WHERE 0"))  # takes the write lock (waits busy_timeout)


def _lock_postgresql(session: Session, wanted: set[int]) -> None:
    """The writers' lock, then each enterprise's; or the writers' lock alone, exclusive, once the transaction
    would hold more than LOCK_EACH_UP_TO enterprise locks (also over several chunks of one transaction)."""
    session.connection()  # begins the transaction if it has not begun
    transaction = session.get_transaction()
    state = session.info.get("ck_locks")
    if state is None or state[0] is not transaction:  # the first lock of this transaction
        state = session.info["ck_locks"] = (transaction, set[int](), [False])
    _txn, held, exclusive = state
    keys = sorted(wanted - held)
    if exclusive[0] or not keys:
        return
    if len(held) + len(keys) > LOCK_EACH_UP_TO:
        session.execute(text("SELECT pg_advisory_xact_lock(CAST(:k AS bigint))"), {"k": WRITERS_KEY})
        exclusive[0] = True
        return
    if not held:
        session.execute(text("SELECT pg_advisory_xact_lock_shared(CAST(:k AS bigint))"), {"k": WRITERS_KEY})
    held.update(keys)
    for chunk in _chunks(keys):
        session.execute(text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k ORDER BY k"),
                        {"keys": chunk})


def _insert_ignore(session: Session, table, rows: list[dict], key: list[str]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    module = {"postgresql": postgresql, "sqlite": sqlite}.get(dialect)
    if module is None:
        session.execute(insert(table), rows)
        return
    # one statement executed for many parameter sets: compiled once (a VALUES list per chunk was compiled per chunk,
    # about 0.2 s per 500 rows), sent by the driver in pages
    session.execute(module.insert(table.__table__).on_conflict_do_nothing(index_elements=key), rows)


def load_state(session: Session, documents: list[dict]) -> tuple[dict, dict]:
    """(registered enterprises {id: (park, name, region, industry)}, latest revisions {(enterprise, period): (id, revision, hash)})."""
    ids = sorted({d["enterprise"] for d in documents})
    registered = load_register(session, ids)
    latest: dict[tuple[str, str], tuple[int, int, str]] = {}
    for chunk in _chunks(ids):
        rows = session.execute(select(col(Report.enterprise_id), col(Report.period), col(Report.id), col(Report.revision),
                                      col(Report.content_hash))
                               .where(col(Report.enterprise_id).in_(chunk), col(Report.is_latest))).all()
        for ent_id, period, rid, rev, digest in rows:
            latest[(ent_id, period)] = (rid, rev, digest)
    return registered, latest


def load_register(session: Session, ids: list[str]) -> dict[str, tuple]:
    """The registered enterprises among ``ids``: {id: (park, name, region, industry)}."""
    registered: dict[str, tuple] = {}
    columns = (col(Enterprise.id), col(Enterprise.park_id), col(Enterprise.name), col(Enterprise.region),
               col(Enterprise.industry))
    if session.get_bind().dialect.name == "postgresql":  # one query with the ids as an array parameter
        query = select(*columns).where(col(Enterprise.id) == any_(bindparam("ids", type_=postgresql.ARRAY(String))))
        batches = [session.execute(query, {"ids": ids})]
    else:
        batches = [session.execute(select(*columns).where(col(Enterprise.id).in_(chunk))) for chunk in _chunks(ids)]
    for rows in batches:
        for ent_id, *head in rows:
            registered[ent_id] = tuple(head)
    return registered


def known_submissions(session: Session, scope: Scope, sub_ids: list[str]) -> dict[str, list[tuple]]:
    """submission id -> [(report id, enterprise, period, revision, created)] among the reports the key may read."""
    found: dict[str, list[tuple]] = {}
    for chunk in _chunks(sorted(set(sub_ids))):
        rows = session.execute(
            select(col(Submission.submission_id), col(Report.id), col(Report.enterprise_id), col(Report.period),
                   col(Report.revision), col(Enterprise.park_id))
            .join(Report, col(Report.id) == col(Submission.report_id))
            .join(Enterprise, col(Enterprise.id) == col(Report.enterprise_id))
            .where(col(Submission.submission_id).in_(chunk)).order_by(col(Submission.id))).all()
        for sid, rid, ent, period, rev, park in rows:
            if scope.may_read(ent, park):
                found.setdefault(sid, []).append((rid, ent, period, rev))
    return found


def authorise(scope: Scope, documents: list[dict], registered: dict) -> None:
    for i, doc in enumerate(documents):
        why = scope.write_refusal(i, doc["enterprise"], registered.get(doc["enterprise"]), doc.get("park"))
        if why is not None:
            raise Forbidden(why)


HEAD = ("name", "region", "industry")


def upsert_register(session: Session, scope: Scope, documents: list[dict], registered: dict) -> None:
    """New parks and enterprises, and the changed head fields of registered ones; only the province moves an
    enterprise to another park. Inserts ignore a row a concurrent writer stored first."""
    insert_parks(session, documents)
    _insert_ignore(session, Enterprise, new_enterprises(documents, registered), ["id"])
    update_register(session, scope, documents, registered)


def insert_parks(session: Session, documents: list[dict]) -> None:
    """The batch's parks not yet registered (a park a concurrent writer stored first is ignored)."""
    parks = sorted({d["park"] for d in documents if d.get("park")})
    _insert_ignore(session, Park, [{"id": p} for p in parks], ["id"])


def new_enterprises(documents: list[dict], registered: dict) -> list[dict]:
    """The enterprises of the batch not in ``registered``, as rows of ``enterprise``: the head fields of the first
    document of each, in order of first appearance."""
    new: dict[str, dict] = {}
    for doc in documents:
        if doc["enterprise"] not in registered:
            new.setdefault(doc["enterprise"], {"id": doc["enterprise"], "park_id": doc.get("park"),
                                               **{k: doc.get(k) for k in HEAD}})
    return list(new.values())


def update_register(session: Session, scope: Scope, documents: list[dict], registered: dict) -> None:
    """The changed head fields of the registered enterprises of the batch; only the province moves an enterprise
    to another park (its park must be registered first: :func:`insert_parks`)."""
    for doc in documents:
        stored = registered.get(doc["enterprise"])
        if stored is None:
            continue
        values = {k: doc[k] for k, old in zip(HEAD, stored[1:]) if doc.get(k) is not None and doc[k] != old}
        if scope.is_province and doc.get("park") and doc["park"] != stored[0]:
            values["park_id"] = doc["park"]
        if values:
            session.execute(update(Enterprise).where(Enterprise.id == doc["enterprise"]).values(**values))
            registered[doc["enterprise"]] = (values.get("park_id", stored[0]),
                                             *(values.get(k, old) for k, old in zip(HEAD, stored[1:])))


def write_revisions(session: Session, key_id: int, plan: list[tuple], results_of) -> None:
    """Insert the planned revisions (superseding the previous latest), their results and submission rows.

    ``plan`` holds (outcome, document, digest, submission id, prior report id or None) for new revisions and
    (outcome, None, None, submission id, None) for unchanged answers that record a new submission id.
    """
    superseded = [p[4] for p in plan if p[1] is not None and p[4] is not None]
    for chunk in _chunks(superseded):
        session.execute(update(Report).where(col(Report.id).in_(chunk)).values(is_latest=False))
    fresh = [p for p in plan if p[1] is not None]
    if fresh:
        rows = [{"enterprise_id": o.enterprise, "period": o.period, "revision": o.revision, "is_latest": True,
                 "content_hash": digest, "submission_id": None, "document": doc, "submitted_by": key_id}
                for o, doc, digest, _sid, _prior in fresh]
        inserted = session.execute(insert(Report).returning(col(Report.id), sort_by_parameter_order=True), rows).all()
        for (o, *_), (rid,) in zip(fresh, inserted):
            o.report_id = rid
        session.execute(insert(Result), [results_of(o) for o, *_ in fresh])
    subs = [{"enterprise_id": o.enterprise, "submission_id": sid, "report_id": o.report_id,
             "created": doc is not None, "key_id": key_id} for o, doc, _d, sid, _p in plan if sid]
    if subs:
        session.execute(insert(Submission), subs)
