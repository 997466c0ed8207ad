"""Storing reports: all-or-nothing batches, revisions, and idempotent re-submission.

- A batch is validated and accounted whole by the core before anything is written; one bad report
  refuses the batch with every problem listed.
- A report whose content equals the latest revision's, or whose submission id was seen before, changes
  nothing ("unchanged"). Other content becomes a new revision; the latest revision counts.
- Concurrent submissions of the same batch cannot create duplicate revisions: (enterprise, period,
  revision) and submission ids are unique in the database, and a transaction that loses the race is
  retried against what the winner stored.
- A large batch (``carbonkit ingest FILE``) is stored in chunks inside that one transaction, with a progress
  callback after each chunk: :func:`prepare` validates and accounts, :func:`store` writes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Annotated, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

import carbonkit as ck
from api.bulkcopy import store_copy, wants_copy
from api.db import engine_for
from api.keys import Principal
from api.models import RESULT_COLUMNS, Enterprise, Park, Report, Result
from api.settings import Settings
from carbonkit.activity import EnterprisePeriod, frame_to_documents, validation_problems
from carbonkit.errors import InvalidInput, Problem
from carbonkit.vocabulary import flow_of, vocabulary

CHUNK = 500


class ReportIn(BaseModel):
    """A report as submitted: the document, and an optional client-chosen id that makes re-sending safe."""

    model_config = ConfigDict(extra="forbid")
    submission_id: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[\x20-\x7e]+$")] | None = Field(
        None, description="client id (printable ASCII); the same id is stored once")
    report: EnterprisePeriod


_file_batch = TypeAdapter(list[ReportIn])


class Forbidden(Exception):
    """The key may not submit for this enterprise."""


@dataclass
class Outcome:
    enterprise: str
    period: str
    status: str  # created | revised | unchanged
    revision: int
    report_id: int


def content_hash(document: dict) -> str:
    """SHA-256 of the document's canonical form: the same report sent as CSV or JSON, with items in any order,
    with 原煤 or raw_coal, with the default flow written out or not, hashes the same."""
    text = json.dumps(canonical(document), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(document: dict) -> dict:
    vocab = vocabulary()
    items = []
    for it in document.get("items", []):
        resolved = vocab.resolve(it["item"])
        flow = flow_of(it.get("flow"))
        entry = {"item": resolved.item if resolved else it["item"], "amount": float(it["amount"]),
                 "unit": str(it.get("unit", "")).strip()}
        if flow and flow != "consumption":
            entry["flow"] = flow
        if it.get("enthalpy") is not None:
            entry["enthalpy"] = float(it["enthalpy"])
        items.append(entry)
    head = {k: v for k, v in document.items() if k != "items" and v is not None}
    order = lambda e: (e["item"], e.get("flow", ""), e["unit"], e["amount"], e.get("enthalpy", -1.0))  # noqa: E731
    return {**head, "items": sorted(items, key=order)}


def options_for(settings: Settings, **overrides) -> ck.AccountingOptions:
    return ck.AccountingOptions(**{"year_fallback": settings.year_fallback, **overrides})


def options_hash(options: ck.AccountingOptions) -> str:
    return content_hash(options.model_dump())


def result_row(report_id: int, release: str, options: ck.AccountingOptions, record: dict) -> dict[str, Any]:
    row = {"report_id": report_id, "release": release, "options_hash": options_hash(options),
           "options": options.model_dump(), "summary": record}
    row.update({c: record.get(c) for c in RESULT_COLUMNS})
    return row


def _chunks(values: list, size: int = CHUNK):
    for i in range(0, len(values), size):
        yield values[i: i + size]


def reports_of(frame: pd.DataFrame) -> list[ReportIn]:
    """The reports of a long table read from a file (:func:`carbonkit.read_activities`): one per enterprise and
    period, in order of first appearance.

    Rows of a CSV or workbook with the same enterprise and period make one report. Two documents of a JSON file
    for the same enterprise and period are refused (``report_duplicate``, as in a submitted batch), never merged.
    A report the service's document model refuses is named by the file row where it starts.
    """
    problems = []
    if "path" in frame.columns and frame["path"].notna().all():  # rows of JSON documents: '[i].items[j]'
        docs = frame.assign(_doc=frame["path"].str.extract(r"^\[(\d+)\]", expand=False).astype(int))
        docs = docs.drop_duplicates("_doc")
        again = docs[docs.duplicated(["enterprise", "period"])]
        first = docs.drop_duplicates(["enterprise", "period"]).set_index(["enterprise", "period"])["_doc"]
        for ent, period, i in again[["enterprise", "period", "_doc"]].itertuples(index=False):
            problems.append(Problem("report_duplicate", f"enterprise {ent}, period {period} is also document "
                                    f"[{first[(ent, period)]}] of this file", path=f"[{i}]", index=int(i),
                                    enterprise=ent, period=period, expected="one document per enterprise and period"))
    if problems:
        raise InvalidInput(problems)
    documents = frame_to_documents(frame)
    try:
        return _file_batch.validate_python([{"report": d} for d in documents])
    except ValidationError as exc:
        starts = frame.drop_duplicates(["enterprise", "period"]).to_dict("records")  # where each report starts
        raise InvalidInput([_at_row(p, starts) for p in validation_problems(exc)]) from None


def _at_row(problem: Problem, starts: list[dict]) -> Problem:
    """The problem named by the file row (and sheet) where its report starts, instead of a JSON path."""
    if problem.index is None or problem.index >= len(starts) or pd.isna(starts[problem.index].get("row")):
        return problem
    start = starts[problem.index]
    sheet = start.get("sheet")
    return replace(problem, row=int(start["row"]), sheet=None if pd.isna(sheet) else sheet, path=None)


def account_documents(documents: list, settings: Settings, path_prefix: str = "") -> ck.AccountingResult:
    """Account documents with the service's options; problems name the document by its index."""
    try:
        return ck.account(documents, options=options_for(settings))
    except InvalidInput as exc:
        if path_prefix:
            for i, p in enumerate(exc.problems):
                if p.path and p.path.startswith("["):
                    index, rest = p.path[1:].split("]", 1)
                    exc.problems[i] = Problem(**{**p.to_dict(), "path": f"[{index}]{path_prefix}{rest}"})
        raise


@dataclass
class Batch:
    """A batch validated and accounted whole by the core, ready to store: nothing is written yet."""

    reports: list[ReportIn]
    documents: list[dict]
    records: dict[tuple[str, str], dict]  # (enterprise, period) -> the summary record of the accounting
    release: str
    options: ck.AccountingOptions


def prepare(settings: Settings, reports: list[ReportIn], path_prefix: str = ".report") -> Batch:
    """Validate and account a batch whole; one duplicate (enterprise, period) or bad report refuses it, with every
    problem listed."""
    documents = [r.report.model_dump(exclude_none=True) for r in reports]
    seen: dict[tuple[str, str], int] = {}
    problems = []
    for i, doc in enumerate(documents):
        key = (doc["enterprise"], doc["period"])
        if key in seen:
            problems.append(Problem("report_duplicate", f"enterprise {key[0]}, period {key[1]} is also report [{seen[key]}] "
                                    "of this batch", path=f"[{i}]{path_prefix}", index=i, enterprise=key[0], period=key[1],
                                    expected="one report per enterprise and period in a batch"))
        seen.setdefault(key, i)
    if problems:
        raise InvalidInput(problems)
    result = account_documents([r.report for r in reports], settings, path_prefix)  # validated once, by pydantic
    records = {(r["enterprise"], r["period"]): r for r in result.records()}
    return Batch(reports, documents, records, result.release, result.options)


def store(settings: Settings, principal: Principal, batch: Batch, *, chunk: int | None = None,
          progress: Callable[[int], None] | None = None) -> list[Outcome]:
    """Store a prepared batch in one transaction, all or nothing, ``chunk`` reports at a time (default: all at once).

    ``progress(n)`` is called after each chunk with the number of reports it held; the calls add up to the batch
    size when the transaction commits. A transaction that loses a race (IntegrityError) or finds the database
    busy is rolled back and retried against what the winner stored; ``progress`` is then first called with minus
    the reports counted so far, so a progress display starts again from zero.
    """
    size = chunk or max(len(batch.reports), 1)
    if size < 1:
        raise ValueError(f"chunk must be at least 1, not {chunk}")
    engine = engine_for(settings.database_url)
    for attempt in range(5):
        done = 0
        try:
            with Session(engine) as session:
                if wants_copy(engine, batch):  # PostgreSQL and a large batch: COPY and set-wise revisions
                    outcomes = store_copy(session, principal, batch, progress)
                    done = len(batch.reports) if progress is not None else 0
                    session.commit()
                    return outcomes
                outcomes: list[Outcome] = []
                for start in range(0, len(batch.reports), size):
                    part = slice(start, start + size)
                    outcomes += _store(session, principal, batch.reports[part], batch.documents[part], batch.records,
                                       batch.release, batch.options)
                    if progress is not None:
                        progress(len(batch.reports[part]))
                        done += len(batch.reports[part])
                session.commit()
                return outcomes
        except (IntegrityError, OperationalError):
            if progress is not None and done:
                progress(-done)
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def submit(settings: Settings, principal: Principal, reports: list[ReportIn], path_prefix: str = ".report", *,
           chunk: int | None = None, progress: Callable[[int], None] | None = None) -> list[Outcome]:
    """Validate, account and store a batch of reports, all or nothing (:func:`prepare`, then :func:`store`)."""
    return store(settings, principal, prepare(settings, reports, path_prefix), chunk=chunk, progress=progress)


def _store(session: Session, principal: Principal, reports: list[ReportIn], documents: list[dict],
           records: dict, release: str, options: ck.AccountingOptions) -> list[Outcome]:
    ids = sorted({d["enterprise"] for d in documents})
    existing: dict[str, Enterprise] = {}
    latest: dict[tuple[str, str], tuple[int, int, str]] = {}
    for chunk in _chunks(ids):
        for ent in session.execute(select(Enterprise).where(Enterprise.id.in_(chunk))).scalars():
            existing[ent.id] = ent
        rows = session.execute(select(Report.enterprise_id, Report.period, Report.id, Report.revision, Report.content_hash)
                            .where(Report.enterprise_id.in_(chunk), Report.is_latest)).all()
        for ent_id, period, rid, rev, digest in rows:
            latest[(ent_id, period)] = (rid, rev, digest)
    sub_ids = [r.submission_id for r in reports if r.submission_id]
    by_submission: dict[str, tuple[int, str, str, int]] = {}
    for chunk in _chunks(sub_ids):
        for sid, rid, ent_id, period, rev in session.execute(
                select(Report.submission_id, Report.id, Report.enterprise_id, Report.period, Report.revision)
                .where(Report.submission_id.in_(chunk))).all():
            by_submission[sid] = (rid, ent_id, period, rev)

    _authorise(principal, documents, existing)
    _upsert_enterprises(session, principal, documents, existing)

    outcomes: list[Outcome | None] = [None] * len(documents)
    new_rows, new_index, superseded = [], [], []
    for i, (rep, doc) in enumerate(zip(reports, documents)):
        key = (doc["enterprise"], doc["period"])
        digest = content_hash(doc)
        if rep.submission_id and rep.submission_id in by_submission:
            rid, ent_id, period, rev = by_submission[rep.submission_id]
            outcomes[i] = Outcome(ent_id, period, "unchanged", rev, rid)
            continue
        prior = latest.get(key)
        if prior is not None and prior[2] == digest:
            outcomes[i] = Outcome(key[0], key[1], "unchanged", prior[1], prior[0])
            continue
        revision = 1 if prior is None else prior[1] + 1
        if prior is not None:
            superseded.append(prior[0])
        new_rows.append({"enterprise_id": key[0], "period": key[1], "revision": revision, "is_latest": True,
                         "content_hash": digest, "submission_id": rep.submission_id, "document": doc,
                         "submitted_by": principal.key_id})
        new_index.append((i, "created" if prior is None else "revised"))
    for chunk in _chunks(superseded):
        session.execute(update(Report).where(Report.id.in_(chunk)).values(is_latest=False))
    if new_rows:
        inserted = session.execute(insert(Report).returning(Report.id, sort_by_parameter_order=True), new_rows).all()
        results = []
        for (i, status), row, (rid,) in zip(new_index, new_rows, inserted):
            outcomes[i] = Outcome(row["enterprise_id"], row["period"], status, row["revision"], rid)
            results.append(result_row(rid, release, options, records[(row["enterprise_id"], row["period"])]))
        session.execute(insert(Result), results)
    return [o for o in outcomes if o is not None]


def _authorise(principal: Principal, documents: list[dict], existing: dict[str, Enterprise]) -> None:
    for i, doc in enumerate(documents):
        ent = existing.get(doc["enterprise"])
        park = ent.park_id if ent is not None else doc.get("park")
        if not principal.may_see(doc["enterprise"], park):
            raise Forbidden(f"report [{i}]: this key may not submit for enterprise {doc['enterprise']}")


def _upsert_enterprises(session: Session, principal: Principal, documents: list[dict], existing: dict[str, Enterprise]) -> None:
    parks = {d["park"] for d in documents if d.get("park")}
    known_parks = set()
    for chunk in _chunks(sorted(parks)):
        known_parks.update(session.execute(select(Park.id).where(Park.id.in_(chunk))).scalars())
    missing_parks = [{"id": p} for p in sorted(parks - known_parks)]
    if missing_parks:
        session.execute(insert(Park), missing_parks)
    new: dict[str, dict] = {}
    for doc in documents:
        ent = existing.get(doc["enterprise"])
        fields = {k: doc.get(k) for k in ("name", "region", "industry")}
        if ent is None:
            new.setdefault(doc["enterprise"], {"id": doc["enterprise"], "park_id": doc.get("park"), **fields})
            continue
        changed = False
        for k, v in fields.items():
            if v is not None and getattr(ent, k) != v:
                setattr(ent, k, v)
                changed = True
        if principal.is_province and doc.get("park") and ent.park_id != doc["park"]:
            ent.park_id = doc["park"]  # only the province moves an enterprise between parks
            changed = True
        if changed:
            session.add(ent)
    if new:
        session.execute(insert(Enterprise), list(new.values()))
    session.flush()
