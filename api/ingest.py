"""Storing reports: all-or-nothing batches, revisions, and idempotent re-submission.

- A batch is validated and accounted whole by the core before anything is written; one bad report
  refuses the batch with every problem listed.
- A report whose content equals the latest revision's, or whose submission id already answered for this
  enterprise-period (among what the key may read), changes nothing ("unchanged"); the id is recorded either way.
  The same id for another enterprise-period is a 409; twice in one batch a 422. Other content becomes a new
  revision; the latest revision counts.
- Concurrent submissions are serialised per enterprise (:mod:`api.revisions`); (enterprise, period, revision)
  and (enterprise, submission id) are unique in the database, and a transaction that still loses a race or finds
  the database busy is retried with backoff against what the winner stored.
- A large batch (``carbonkit ingest FILE``) is stored in chunks inside that one transaction, with a progress
  callback after each chunk: :func:`prepare` validates and accounts, :func:`store` writes.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Annotated, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

import carbonkit as ck
from api import revisions
from api.access import Forbidden, Scope
from api.bulkcopy import store_copy, wants_copy
from api.db import engine_for
from api.identifiers import ReportDocument
from api.keys import Principal
from api.models import RESULT_COLUMNS
from api.partitions import ensure_years, year_of
from api.revisions import Outcome, SubmissionConflict
from api.settings import Settings
from carbonkit.documents import frame_to_documents, validation_problems
from carbonkit.errors import InvalidInput, Problem
from carbonkit.vocabulary import flow_of, vocabulary

CHUNK = 500
ATTEMPTS = 8
__all__ = ["Forbidden", "Outcome", "SubmissionConflict", "ReportIn", "prepare", "store", "submit"]


class ReportIn(BaseModel):
    """A report as submitted: the document, and an optional client-chosen id that makes re-sending safe."""

    model_config = ConfigDict(extra="forbid")
    submission_id: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[\x20-\x7e]+$")] | None = Field(
        None, description="client id (printable ASCII); the same id is stored once")
    report: ReportDocument


_file_batch = TypeAdapter(list[ReportIn])




def content_hash(document: dict[str, Any]) -> str:
    """SHA-256 of the document's canonical form: the same report sent as CSV or JSON, with items in any order,
    with 原煤 or raw_coal, with the default flow written out or not, hashes the same."""
    text = json.dumps(canonical(document), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(document: dict[str, Any]) -> dict[str, Any]:
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


def options_for(settings: Settings, **overrides: Any) -> ck.AccountingOptions:
    return ck.AccountingOptions(**{"year_fallback": settings.year_fallback, **overrides})


def options_hash(options: ck.AccountingOptions) -> str:
    return content_hash(options.model_dump())


def result_row(report_id: int, release: str, options: ck.AccountingOptions, record: dict[str, Any]) -> dict[str, Any]:
    """A row of ``result``: the summary record of one report revision and its result columns; ``year`` is the year
    of the record's period (the partition key on PostgreSQL, :mod:`api.partitions`)."""
    row = {"report_id": report_id, "year": year_of(str(record["period"])), "release": release,
           "options_hash": options_hash(options), "options": options.model_dump(), "summary": record}
    row.update({c: record.get(c) for c in RESULT_COLUMNS})
    return row


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


def _at_row(problem: Problem, starts: list[dict[Any, Any]]) -> Problem:
    """The problem named by the file row (and sheet) where its report starts, instead of a JSON path."""
    if problem.index is None or problem.index >= len(starts) or pd.isna(starts[problem.index].get("row")):
        return problem
    start = starts[problem.index]
    sheet = start.get("sheet")
    return replace(problem, row=int(start["row"]), sheet=None if pd.isna(sheet) else sheet, path=None)


def account_documents(documents: list[Any], settings: Settings, path_prefix: str = "") -> ck.AccountingResult:
    """Account documents with the service's options; problems name the document by its index."""
    try:
        return ck.account(documents, options=options_for(settings))
    except InvalidInput as exc:
        if path_prefix:
            for i, p in enumerate(exc.problems):
                if p.path and p.path.startswith("["):
                    index, rest = p.path[1:].split("]", 1)
                    fields: dict[str, Any] = {**p.to_dict(), "path": f"[{index}]{path_prefix}{rest}"}
                    exc.problems[i] = Problem(**fields)
        raise


@dataclass
class Batch:
    """A batch validated and accounted whole by the core, ready to store: nothing is written yet."""

    reports: list[ReportIn]
    documents: list[dict[str, Any]]
    records: dict[tuple[str, str], dict[str, Any]]  # (enterprise, period) -> the summary record of the accounting
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
    problems += _repeated_submission_ids(reports, path_prefix)
    if problems:
        raise InvalidInput(problems)
    result = account_documents([r.report for r in reports], settings, path_prefix)  # validated once, by pydantic
    records = {(r["enterprise"], r["period"]): r for r in result.records()}
    return Batch(reports, documents, records, result.release, result.options)


def _repeated_submission_ids(reports: list[ReportIn], path_prefix: str) -> list[Problem]:
    """A submission id used twice in one batch, naming both positions."""
    first: dict[str, int] = {}
    problems = []
    for i, rep in enumerate(reports):
        sid = rep.submission_id
        if sid and sid in first:
            problems.append(Problem("submission_id_duplicate", f"submission_id {sid} of report [{i}] is also the id of "
                                    f"report [{first[sid]}] of this batch", path=f"[{i}].submission_id", index=i,
                                    field="submission_id", expected="one submission id per report"))
        elif sid:
            first[sid] = i
    return problems


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
    years = {year_of(d["period"]) for d in batch.documents}
    for attempt in range(ATTEMPTS):
        done = 0
        ensure_years(engine, years)  # in a transaction of its own, before this one (api.partitions)
        try:
            with Session(engine) as session:
                if wants_copy(engine, batch, principal):  # PostgreSQL and a large batch: COPY and set-wise revisions
                    copied = store_copy(session, principal, batch, progress)
                    done = len(batch.reports) if progress is not None else 0
                    session.commit()
                    return copied
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
            if attempt == ATTEMPTS - 1:
                raise
            time.sleep(min(0.02 * 2 ** attempt, 1.0) * (0.5 + random.random()))  # backoff with jitter
    raise AssertionError("unreachable")


def submit(settings: Settings, principal: Principal, reports: list[ReportIn], path_prefix: str = ".report", *,
           chunk: int | None = None, progress: Callable[[int], None] | None = None) -> list[Outcome]:
    """Validate, account and store a batch of reports, all or nothing (:func:`prepare`, then :func:`store`)."""
    return store(settings, principal, prepare(settings, reports, path_prefix), chunk=chunk, progress=progress)


def _resent(i: int, sid: str | None, key: tuple[str, str], by_submission: dict[str, Any]) -> Outcome | None:
    """The outcome a known submission id already answered for report [i] (409 when it names another
    enterprise-period); None for a new or no id."""
    if not sid or sid not in by_submission:
        return None
    same = [m for m in by_submission[sid] if (m[1], m[2]) == key]
    if not same:
        raise revisions.SubmissionConflict(i, sid, *by_submission[sid][0][1:3])
    rid, ent_id, period, rev = same[0]
    return Outcome(ent_id, period, "unchanged", rev, rid)


def _store(session: Session, principal: Principal, reports: list[ReportIn], documents: list[dict[str, Any]],
           records: dict[tuple[str, str], dict[str, Any]], release: str, options: ck.AccountingOptions) -> list[Outcome]:
    scope = Scope(principal)
    revisions.lock_enterprises(session, [d["enterprise"] for d in documents])
    registered, latest = revisions.load_state(session, documents)
    revisions.authorise(scope, documents, registered)
    by_submission = revisions.known_submissions(session, scope, [r.submission_id for r in reports if r.submission_id])
    revisions.upsert_register(session, scope, documents, registered)
    outcomes: list[Outcome] = []
    plan: list[tuple[Any, ...]] = []
    for i, (rep, doc) in enumerate(zip(reports, documents)):
        key = (doc["enterprise"], doc["period"])
        sid = rep.submission_id
        resent = _resent(i, sid, key, by_submission)
        if resent is not None:
            outcomes.append(resent)
            continue
        digest = content_hash(doc)
        prior = latest.get(key)
        if prior is not None and prior[2] == digest:
            outcomes.append(Outcome(key[0], key[1], "unchanged", prior[1], prior[0]))
            if sid:
                plan.append((outcomes[-1], None, None, sid, None))
            continue
        outcome = Outcome(key[0], key[1], "created" if prior is None else "revised", 1 if prior is None else prior[1] + 1, 0)
        outcomes.append(outcome)
        plan.append((outcome, doc, digest, sid, None if prior is None else prior[0]))
    revisions.write_revisions(session, principal.key_id, plan,  # type: ignore[arg-type]  # None: the demo's writer
                              lambda o: result_row(o.report_id, release, options, records[(o.enterprise, o.period)]))
    return outcomes
