"""Storing a large batch on PostgreSQL with ``COPY`` and set-wise revisions.

Same guarantees as :func:`api.ingest.store` (it is its path for large batches, inside its transaction and
retry loop): all or nothing, a re-sent report or submission id is "unchanged", other content is a new
revision and the latest revision counts. Instead of one ``INSERT`` per chunk of rows through the ORM:

1. the batch's keys (order, enterprise, period, content hash, submission id) and head fields (park, name,
   region, industry) are copied into a temporary table ``ck_stage`` (``ON COMMIT DROP``: no WAL) with
   ``COPY ... FROM STDIN`` and analysed (the joins below are planned on its real size); the enterprises not yet
   registered are inserted from it in one ``INSERT ... SELECT`` (the head fields of each one's first report);
2. the prior state is joined set-wise: the report of a submission id seen before, and the latest
   revision of each (enterprise, period); the status follows (unchanged / created / revised) and the
   revision is the prior one + 1; each new revision draws its report id from the table's sequence;
3. one ``UPDATE`` supersedes the prior revisions; the new reports (documents) and their results (summaries
   and result columns) are copied straight into ``report`` and ``result`` (each row written once, not staged
   and copied again); one ``INSERT ... SELECT`` records the submission ids; the outcomes are read back in the
   batch's order.

The per-report work in Python is what remains: the content hash (:func:`content_hashes`, equal to
:func:`api.ingest.content_hash`, each distinct item spelling resolved once) and orjson's text of the document
and the summary. Measured with ``benchmarks/bench_copy_ingest.py`` (benchmarks/README.md: where the time goes,
in this process and in the server).

The tenant rules are those of :mod:`api.revisions` (issue 11): writers of the batch's enterprises are
serialised by advisory locks, the register is authorised and updated by the same functions, and submission
ids live in the ``submission`` table, scoped to their enterprise: an id seen before for the same enterprise and
period answers "unchanged", for another one it is a 409 naming the original, and an id first seen with
unchanged content is recorded too. The path is the province's (whose key reads every enterprise, so an id is
looked up among all of them); other keys' batches take the ORM path.

Unique constraints (enterprise, period, revision) and (enterprise, submission id) still stop a concurrent
duplicate: the transaction fails with an ``IntegrityError`` (also when ``COPY`` meets it) and
:func:`api.ingest.store` retries it against what the winner stored.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast

import orjson

from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api import revisions
from api.access import Scope
from api.keys import Principal
from api.models import RESULT_COLUMNS
from api.partitions import year_of

if TYPE_CHECKING:
    import psycopg
from carbonkit.vocabulary import flow_of, vocabulary

BULK_MIN_REPORTS = 1000  # a batch of at least this many reports goes by COPY on PostgreSQL (speed, not figures)

_STAGE_COLUMNS = ("ord", "enterprise_id", "period", "content_hash", "submission_id", "park", *revisions.HEAD)
_REPORT_COLUMNS = ("id", "enterprise_id", "period", "revision", "is_latest", "content_hash", "submission_id", "document",
                   "submitted_by", "submitted_at")
_RESULT_COPY_COLUMNS = ("report_id", "year", "release", "options_hash", "options", "computed_at", "summary", *RESULT_COLUMNS)
_PAGE = 2000  # reports per buffer handed to COPY (Python builds the next page while the server reads this one)


def wants_copy(engine: Engine, batch, principal: Principal) -> bool:
    """PostgreSQL, the province's key and a large batch: store it with :func:`store_copy`."""
    return engine.dialect.name == "postgresql" and principal.is_province and len(batch.reports) >= BULK_MIN_REPORTS


def store_copy(session: Session, principal: Principal, batch, progress: Callable[[int], None] | None = None) -> list:
    """Store a prepared batch (:class:`api.ingest.Batch`) in the session's transaction (module docstring)."""
    scope = Scope(principal)
    documents = batch.documents
    revisions.lock_enterprises(session, [d["enterprise"] for d in documents])
    registered = revisions.load_register(session, sorted({d["enterprise"] for d in documents}))
    revisions.authorise(scope, documents, registered)
    hashes = content_hashes(documents)
    _copy_stage(session, batch, hashes)
    _register(session, scope, documents, registered)
    _resolve(session)
    _refuse_reused_ids(session)
    fresh = _fresh(session)
    _write(session, principal, batch, fresh, hashes)
    outcomes = _outcomes(session)
    if progress is not None:
        progress(len(batch.reports))
    return outcomes


def _copy(session: Session, statement: str, pages) -> None:
    """``COPY ... FROM STDIN`` in the session's transaction (psycopg), page by page; a constraint it breaks is
    raised as SQLAlchemy's IntegrityError, as an ``INSERT`` would be, so :func:`api.ingest.store` retries."""
    import psycopg

    raw = cast("psycopg.Connection[Any]", session.connection().connection.driver_connection)
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for page in pages:
                copy.write(page)
    except psycopg.IntegrityError as exc:
        raise IntegrityError(statement, None, exc) from exc


def _copy_stage(session: Session, batch, hashes: list[str]) -> None:
    session.execute(text(
        "CREATE TEMP TABLE ck_stage (ord integer, enterprise_id text, period text, content_hash text, "
        "submission_id text, park text, name text, region text, industry text, status text, revision integer, "
        "prior_id integer, report_id integer, id_known boolean NOT NULL DEFAULT false) ON COMMIT DROP"))
    rows = ("\t".join((str(i), *map(_escape, (d["enterprise"], d["period"], hashes[i], r.submission_id, d.get("park"),
                                                d.get("name"), d.get("region"), d.get("industry"))))) + "\n"
            for i, (d, r) in enumerate(zip(batch.documents, batch.reports)))
    _copy(session, f"COPY ck_stage ({', '.join(_STAGE_COLUMNS)}) FROM STDIN", ["".join(rows)])
    session.execute(text("ANALYZE ck_stage"))


def _register(session: Session, scope: Scope, documents: list[dict], registered: dict) -> None:
    """:func:`api.revisions.upsert_register`, with the new enterprises inserted set-wise from the stage (the head
    fields of each one's first report in the batch, as :func:`api.revisions.new_enterprises` takes them)."""
    from api.models import utcnow

    revisions.insert_parks(session, documents)
    if any(d["enterprise"] not in registered for d in documents):
        session.execute(text(
            "INSERT INTO enterprise (id, name, region, industry, park_id, created_at) "
            "SELECT DISTINCT ON (enterprise_id) enterprise_id, name, region, industry, park, :now FROM ck_stage "
            "ORDER BY enterprise_id, ord ON CONFLICT (id) DO NOTHING"), {"now": utcnow()})
    revisions.update_register(session, scope, documents, registered)


_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # json.dumps as content_hash calls it


def content_hashes(documents: list[dict]) -> list[str]:
    """:func:`api.ingest.content_hash` of every document, equal to it digit for digit, written without building the
    canonical dicts: each distinct (item, flow, unit) spelling is resolved once and its JSON text reused; the keys
    are written in sorted order (amount, enthalpy, flow, item, unit in an item; the head's keys with ``items``)."""
    from api.ingest import content_hash

    parts: dict[tuple, tuple[str, str, str, str]] = {}
    out = []
    for doc in documents:
        try:
            out.append(hashlib.sha256(_canonical_text(doc, parts).encode("utf-8")).hexdigest())
        except (TypeError, ValueError, KeyError, AttributeError):  # an odd value: the reference function decides
            out.append(content_hash(doc))
    return out


def _item_part(it: dict, parts: dict) -> tuple[str, str, str, str]:
    """(item, flow sort key, unit, JSON text after amount and enthalpy) of an item, resolved once per spelling."""
    key = (it["item"], it.get("flow"), it.get("unit", ""))
    part = parts.get(key)
    if part is None:
        resolved = vocabulary().resolve(it["item"])
        item = resolved.item if resolved else it["item"]
        flow = flow_of(it.get("flow"))
        flow = flow if flow and flow != "consumption" else ""
        unit = str(it.get("unit", "")).strip()
        tail = (f',"flow":{_JSON.encode(flow)}' if flow else "") + f',"item":{_JSON.encode(item)},"unit":{_JSON.encode(unit)}}}'
        part = parts[key] = (item, flow, unit, tail)
    return part


def _number(value: float) -> str:
    return repr(value) if math.isfinite(value) else _JSON.encode(value)


def _canonical_text(doc: dict, parts: dict) -> str:
    """The text json.dumps writes for :func:`api.ingest.canonical` of ``doc`` (sorted keys, no spaces)."""
    entries = []
    for it in doc.get("items", []):
        item, flow, unit, tail = _item_part(it, parts)
        amount = float(it["amount"])
        enthalpy = None if it.get("enthalpy") is None else float(it["enthalpy"])
        text_ = '{"amount":' + _number(amount) + ("" if enthalpy is None else ',"enthalpy":' + _number(enthalpy)) + tail
        entries.append(((item, flow, unit, amount, -1.0 if enthalpy is None else enthalpy), text_))
    entries.sort(key=itemgetter(0))
    items = "[" + ",".join(e[1] for e in entries) + "]"
    head = {k: v for k, v in doc.items() if k != "items" and v is not None}
    return "{" + ",".join(f"{_JSON.encode(k)}:{items if k == 'items' else _JSON.encode(head[k])}"
                          for k in sorted([*head, "items"])) + "}"


def _escape(value: str | None) -> str:
    """A field of COPY's text format: backslash, tab, newline and carriage return escaped; None as \\N."""
    if value is None:
        return "\\N"
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _json_field(value) -> bytes:
    """orjson's text of a value as a COPY field: orjson escapes every control character inside strings, so its
    text holds no tab or newline, and only its backslashes are doubled. The same values as json.dumps."""
    return orjson.dumps(value).replace(b"\\", b"\\\\")


def _numbers(record: dict) -> bytes:
    """The result columns of a summary record as COPY fields: one orjson call for all of them (floats as the
    shortest text that reads back the same), ``null`` as \\N. A value orjson does not take goes through float."""
    values = [record.get(c) for c in RESULT_COLUMNS]
    try:
        text_ = orjson.dumps(values)
    except TypeError:
        text_ = orjson.dumps([None if v is None else float(v) for v in values])
    return text_[1:-1].replace(b",", b"\t").replace(b"null", b"\\N")


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
    # new revisions draw their report ids from the table's sequence, ascending in the batch's order
    """UPDATE ck_stage s SET report_id = n.id
         FROM (SELECT ord, nextval(pg_get_serial_sequence('report', 'id')) AS id
                 FROM (SELECT ord FROM ck_stage WHERE status IN ('created', 'revised') ORDER BY ord) o) n
        WHERE s.ord = n.ord""",
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


def _fresh(session: Session) -> list[tuple[int, int, int]]:
    """(position in the batch, revision, report id) of each new revision, in the batch's order."""
    return [(int(o), int(rev), int(rid)) for o, rev, rid in session.execute(text(
        "SELECT ord, revision, report_id FROM ck_stage WHERE status IN ('created', 'revised') ORDER BY ord"))]


def _write(session: Session, principal: Principal, batch, fresh: list[tuple[int, int, int]], hashes: list[str]) -> None:
    from api.ingest import options_hash
    from api.models import utcnow

    now = utcnow()
    session.execute(text("UPDATE report r SET is_latest = false FROM ck_stage s "
                         "WHERE s.status = 'revised' AND r.id = s.prior_id"))
    by = b"\\N" if principal.key_id is None else b"%d" % principal.key_id
    common = {"by": by, "at": now.isoformat().encode(), "release": _escape(batch.release).encode("utf-8"),
              "ohash": options_hash(batch.options).encode(), "options": _json_field(batch.options.model_dump())}
    pages = [fresh[i: i + _PAGE] for i in range(0, len(fresh), _PAGE)]
    _copy(session, f"COPY report ({', '.join(_REPORT_COLUMNS)}) FROM STDIN",
          (_report_page(batch, page, hashes, common) for page in pages))
    _copy(session, f"COPY result ({', '.join(_RESULT_COPY_COLUMNS)}) FROM STDIN",
          (_result_page(batch, page, common) for page in pages))
    session.execute(text(  # every id not seen before, also one that found its content unchanged
        "INSERT INTO submission (enterprise_id, submission_id, report_id, created, key_id, submitted_at) "
        "SELECT enterprise_id, submission_id, report_id, status <> 'unchanged', :by, :now FROM ck_stage "
        "WHERE submission_id IS NOT NULL AND NOT id_known ORDER BY ord"), {"by": principal.key_id, "now": now})


def _report_page(batch, page: list[tuple[int, int, int]], hashes: list[str], common: dict) -> bytes:
    """New reports in COPY's text format: the document as stored by the ORM path (submission_id NULL: ids live
    in ``submission``)."""
    lines = []
    for i, revision, report_id in page:
        doc = batch.documents[i]
        head = "\t".join(map(_escape, (doc["enterprise"], doc["period"]))).encode("utf-8")
        lines.append(b"%d\t%s\t%d\tt\t%s\t\\N\t%s\t%s\t%s\n" % (report_id, head, revision, hashes[i].encode(),
                                                           _json_field(doc), common["by"], common["at"]))
    return b"".join(lines)


def _result_page(batch, page: list[tuple[int, int, int]], common: dict) -> bytes:
    """The results of the new reports in COPY's text format: summary record and result columns."""
    lines = []
    prefix = b"\t".join((common["release"], common["ohash"], common["options"], common["at"]))
    for i, _revision, report_id in page:
        doc = batch.documents[i]
        record = batch.records[(doc["enterprise"], doc["period"])]
        lines.append(b"%d\t%d\t%s\t%s\t%s\n" % (report_id, year_of(doc["period"]), prefix, _json_field(record),
                                                  _numbers(record)))
    return b"".join(lines)


def _outcomes(session: Session) -> list:
    from api.ingest import Outcome

    rows = session.execute(text("SELECT enterprise_id, period, status, revision, report_id FROM ck_stage "
                                "ORDER BY ord")).all()
    return [Outcome(e, p, s, int(rev), int(rid)) for e, p, s, rev, rid in rows]
