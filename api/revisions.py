"""Writing a prepared batch: revisions, submission ids and the register, serialised per enterprise.

- Writers of the same enterprise are serialised: on PostgreSQL by transaction-scoped advisory locks taken in
  sorted order before anything is read (no deadlock: every writer takes its locks in the same order); on
  SQLite by taking the database's write lock first (``BEGIN`` then a write), so a reader never has to upgrade.
- New parks and enterprises are inserted with ``ON CONFLICT DO NOTHING``; a lost race is not an error.
- A submission id is scoped to the enterprise it was sent for and looked up only among the reports the key
  may read: a clash with another tenant's id answers as if the id were new. The same id for another
  enterprise-period the key may read is a 409 conflict naming the original.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from sqlalchemy import insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

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


def lock_enterprises(session: Session, ids: list[str]) -> None:
    """Serialise writers of these enterprises until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        keys = sorted({zlib.crc32(i.encode("utf-8")) - 2**31 for i in ids})
        for chunk in _chunks(keys):
            session.execute(text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k ORDER BY k"),
                            {"keys": chunk})
    elif session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE park SET id = id WHERE 0"))  # takes the write lock (waits busy_timeout)


def _insert_ignore(session: Session, table, rows: list[dict], key: list[str]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    module = {"postgresql": postgresql, "sqlite": sqlite}.get(dialect)
    if module is None:
        session.execute(insert(table), rows)
        return
    for chunk in _chunks(rows):
        session.execute(module.insert(table).values(chunk).on_conflict_do_nothing(index_elements=key))


def load_state(session: Session, documents: list[dict]) -> tuple[dict, dict]:
    """(registered enterprises {id: (park, name, region, industry)}, latest revisions {(enterprise, period): (id, revision, hash)})."""
    ids = sorted({d["enterprise"] for d in documents})
    registered: dict[str, tuple] = {}
    latest: dict[tuple[str, str], tuple[int, int, str]] = {}
    for chunk in _chunks(ids):
        for ent_id, *head in session.execute(select(Enterprise.id, Enterprise.park_id, Enterprise.name, Enterprise.region,
                                                    Enterprise.industry).where(Enterprise.id.in_(chunk))):
            registered[ent_id] = tuple(head)
        rows = session.execute(select(Report.enterprise_id, Report.period, Report.id, Report.revision, Report.content_hash)
                               .where(Report.enterprise_id.in_(chunk), Report.is_latest)).all()
        for ent_id, period, rid, rev, digest in rows:
            latest[(ent_id, period)] = (rid, rev, digest)
    return registered, latest


def known_submissions(session: Session, scope: Scope, sub_ids: list[str]) -> dict[str, list[tuple]]:
    """submission id -> [(report id, enterprise, period, revision, created)] among the reports the key may read."""
    found: dict[str, list[tuple]] = {}
    for chunk in _chunks(sorted(set(sub_ids))):
        rows = session.execute(
            select(Submission.submission_id, Report.id, Report.enterprise_id, Report.period, Report.revision,
                   Enterprise.park_id)
            .join(Report, Report.id == Submission.report_id).join(Enterprise, Enterprise.id == Report.enterprise_id)
            .where(Submission.submission_id.in_(chunk)).order_by(Submission.id)).all()
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
    parks = sorted({d["park"] for d in documents if d.get("park")})
    _insert_ignore(session, Park, [{"id": p} for p in parks], ["id"])
    new: dict[str, dict] = {}
    for doc in documents:
        if doc["enterprise"] not in registered:
            new.setdefault(doc["enterprise"], {"id": doc["enterprise"], "park_id": doc.get("park"),
                                               **{k: doc.get(k) for k in HEAD}})
    _insert_ignore(session, Enterprise, list(new.values()), ["id"])
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
        session.execute(update(Report).where(Report.id.in_(chunk)).values(is_latest=False))
    fresh = [p for p in plan if p[1] is not None]
    if fresh:
        rows = [{"enterprise_id": o.enterprise, "period": o.period, "revision": o.revision, "is_latest": True,
                 "content_hash": digest, "submission_id": None, "document": doc, "submitted_by": key_id}
                for o, doc, digest, _sid, _prior in fresh]
        inserted = session.execute(insert(Report).returning(Report.id, sort_by_parameter_order=True), rows).all()
        for (o, *_), (rid,) in zip(fresh, inserted):
            o.report_id = rid
        session.execute(insert(Result), [results_of(o) for o, *_ in fresh])
    subs = [{"enterprise_id": o.enterprise, "submission_id": sid, "report_id": o.report_id,
             "created": doc is not None, "key_id": key_id} for o, doc, _d, sid, _p in plan if sid]
    if subs:
        session.execute(insert(Submission), subs)
