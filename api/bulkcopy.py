"""Storing a large batch on PostgreSQL with ``COPY`` into a staging table and set-wise revisions.

Same guarantees as :func:`api.ingest.store` (it is its path for large batches, inside its transaction and
retry loop): all or nothing, a re-sent report or submission id is "unchanged", other content is a new
revision and the latest revision counts. Instead of one ``INSERT`` per chunk of rows through the ORM:

1. the batch's reports (document, content hash, submission id, summary and the result columns) are
   copied into a temporary table ``ck_stage`` (``ON COMMIT DROP``) with ``COPY ... FROM STDIN``;
2. the prior state is joined set-wise: the report of a submission id seen before, and the latest
   revision of each (enterprise, period); the status follows (unchanged / created / revised) and the
   revision is the prior one + 1;
3. one ``UPDATE`` supersedes the prior revisions, one ``INSERT ... SELECT`` adds the reports, one more
   their results; the outcomes are read back in the batch's order.

The tenant rules are those of :mod:`api.revisions` (issue 11): writers of the batch's enterprises are
serialised by advisory locks, the register is authorised and written by the same functions, and submission
ids live in the ``submission`` table, scoped to their enterprise: an id seen before for the same enterprise and
period answers "unchanged", for another one it is a 409 naming the original, and an id first seen with
unchanged content is recorded too. The path is the province's (whose key reads every enterprise, so an id is
looked up among all of them); other keys' batches take the ORM path.

Unique constraints (enterprise, period, revision) and (enterprise, submission id) still stop a concurrent
duplicate: the transaction fails and :func:`api.ingest.store` retries it against what the winner stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import orjson

from sqlalchemy import Engine, text
from sqlmodel import Session

from api import revisions
from api.access import Scope
from api.keys import Principal
from api.models import RESULT_COLUMNS

BULK_MIN_REPORTS = 1000  # a batch of at least this many reports goes by COPY on PostgreSQL (speed, not figures)

_STAGE_COLUMNS = ("ord", "enterprise_id", "period", "content_hash", "submission_id", "document", "summary",
                  *RESULT_COLUMNS)


def wants_copy(engine: Engine, batch, principal: Principal) -> bool:
    """PostgreSQL, the province's key and a large batch: store it with :func:`store_copy`."""
    return engine.dialect.name == "postgresql" and principal.is_province and len(batch.reports) >= BULK_MIN_REPORTS


def store_copy(session: Session, principal: Principal, batch, progress: Callable[[int], None] | None = None) -> list:
    """Store a prepared batch (:class:`api.ingest.Batch`) in the session's transaction (module docstring)."""
    scope = Scope(principal)
    revisions.lock_enterprises(session, [d["enterprise"] for d in batch.documents])
    registered, _latest = revisions.load_state(session, batch.documents)
    revisions.authorise(scope, batch.documents, registered)
    revisions.upsert_register(session, scope, batch.documents, registered)
    _copy_stage(session, batch)
    _resolve(session)
    _refuse_reused_ids(session)
    _write(session, principal, batch)
    outcomes = _outcomes(session)
    if progress is not None:
        progress(len(batch.reports))
    return outcomes


def _copy_stage(session: Session, batch) -> None:
    columns = ", ".join(f"{c} double precision" for c in RESULT_COLUMNS)
    session.execute(text(
        "CREATE TEMP TABLE ck_stage (ord integer, enterprise_id text, period text, content_hash text, "
        f"submission_id text, document text, summary text, {columns}, status text, revision integer, "
        "prior_id integer, report_id integer, id_known boolean NOT NULL DEFAULT false) ON COMMIT DROP"))
    raw = session.connection().connection.driver_connection  # psycopg, in the session's transaction
    with raw.cursor() as cursor, cursor.copy(f"COPY ck_stage ({', '.join(_STAGE_COLUMNS)}) FROM STDIN") as copy:
        for start in range(0, len(batch.reports), 2000):
            copy.write(_tsv(batch, start, start + 2000))
    session.execute(text("ANALYZE ck_stage"))


def _escape(value: str | None) -> str:
    """A field of COPY's text format: backslash, tab, newline and carriage return escaped; None as \\N."""
    if value is None:
        return "\\N"
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _tsv(batch, start: int, stop: int) -> str:
    """Rows ``start:stop`` of the batch in COPY's text format (tab-separated, backslash escapes, \\N for null).
    JSON by orjson: the same values as json.dumps (floats as the shortest text that reads back the same)."""
    from api.ingest import content_hash

    lines = []
    for i in range(start, min(stop, len(batch.reports))):
        doc = batch.documents[i]
        record = batch.records[(doc["enterprise"], doc["period"])]
        values = (str(i), doc["enterprise"], doc["period"], content_hash(doc), batch.reports[i].submission_id,
                  orjson.dumps(doc).decode(), orjson.dumps(record).decode(),
                  *(None if (v := record.get(c)) is None else repr(float(v)) for c in RESULT_COLUMNS))
        lines.append("\t".join(map(_escape, values)))
    return "\n".join(lines) + "\n" if lines else ""


_RESOLVE = (
    # a submission id seen before for this enterprise and period: unchanged, answered with the report it names
    """UPDATE ck_stage s SET status = 'unchanged', report_id = r.id, revision = r.revision, id_known = true
         FROM submission sub JOIN report r ON r.id = sub.report_id
        WHERE s.submission_id IS NOT NULL AND sub.submission_id = s.submission_id
          AND sub.enterprise_id = s.enterprise_id AND r.period = s.period""",
    # the latest revision of the same enterprise and period: unchanged when the content is the same
    """UPDATE ck_stage s SET prior_id = r.id,
              status = CASE WHEN r.content_hash = s.content_hash THEN 'unchanged' ELSE 'revised' END,
              revision = CASE WHEN r.content_hash = s.content_hash THEN r.revision ELSE r.revision + 1 END,
              report_id = CASE WHEN r.content_hash = s.content_hash THEN r.id END
         FROM report r WHERE s.status IS NULL AND r.enterprise_id = s.enterprise_id AND r.period = s.period
          AND r.is_latest""",
    "UPDATE ck_stage SET status = 'created', revision = 1 WHERE status IS NULL",
)


def _resolve(session: Session) -> None:
    for statement in _RESOLVE:
        session.execute(text(statement))


def _refuse_reused_ids(session: Session) -> None:
    """A submission id already used for another enterprise-period is a 409 naming the original."""
    row = session.execute(text(
        "SELECT s.ord, s.submission_id, r.enterprise_id, r.period FROM ck_stage s "
        "JOIN submission sub ON sub.submission_id = s.submission_id JOIN report r ON r.id = sub.report_id "
        "WHERE s.submission_id IS NOT NULL AND NOT s.id_known ORDER BY s.ord, sub.id LIMIT 1")).first()
    if row is not None:
        raise revisions.SubmissionConflict(int(row[0]), row[1], row[2], row[3])


def _write(session: Session, principal: Principal, batch) -> None:
    from api.ingest import options_hash
    from api.models import utcnow

    now = utcnow()
    session.execute(text("UPDATE report r SET is_latest = false FROM ck_stage s "
                         "WHERE s.status = 'revised' AND r.id = s.prior_id"))
    session.execute(text(
        "INSERT INTO report (enterprise_id, period, revision, is_latest, content_hash, submission_id, document, "
        "submitted_by, submitted_at) SELECT enterprise_id, period, revision, true, content_hash, NULL, "
        "document::json, :by, :now FROM ck_stage WHERE status IN ('created', 'revised') ORDER BY ord"),
        {"by": principal.key_id, "now": now})
    session.execute(text(
        "UPDATE ck_stage s SET report_id = r.id FROM report r WHERE s.status IN ('created', 'revised') "
        "AND r.enterprise_id = s.enterprise_id AND r.period = s.period AND r.revision = s.revision"))
    cols = ", ".join(RESULT_COLUMNS)
    session.execute(text(
        f"INSERT INTO result (report_id, release, options_hash, options, computed_at, summary, {cols}) "
        f"SELECT report_id, :release, :ohash, CAST(:options AS json), :now, summary::json, {cols} FROM ck_stage "
        "WHERE status IN ('created', 'revised') ORDER BY ord"),
        {"release": batch.release, "ohash": options_hash(batch.options),
         "options": json.dumps(batch.options.model_dump()), "now": now})
    session.execute(text(  # every id not seen before, also one that found its content unchanged
        "INSERT INTO submission (enterprise_id, submission_id, report_id, created, key_id, submitted_at) "
        "SELECT enterprise_id, submission_id, report_id, status <> 'unchanged', :by, :now FROM ck_stage "
        "WHERE submission_id IS NOT NULL AND NOT id_known ORDER BY ord"), {"by": principal.key_id, "now": now})


def _outcomes(session: Session) -> list:
    from api.ingest import Outcome

    rows = session.execute(text("SELECT enterprise_id, period, status, revision, report_id FROM ck_stage "
                                "ORDER BY ord")).all()
    return [Outcome(e, p, s, int(rev), int(rid)) for e, p, s, rev, rid in rows]
