"""Reads shared by the routers: tenant-scoped enterprise lookups and stored results."""

from __future__ import annotations

from sqlmodel import Session, select

from api.access import Scope, not_found
from api.keys import Principal
from api.models import ApiKey, Enterprise, Report, Result, Submission

__all__ = ["not_found", "visible_enterprise", "scope_filter"]


def visible_enterprise(session: Session, principal: Principal, enterprise_id: str) -> Enterprise:
    """The enterprise if the key may see it; 404 otherwise, so that existence does not leak."""
    ent = session.get(Enterprise, enterprise_id)
    if ent is None or not Scope(principal).may_read(ent.id, ent.park_id):
        raise not_found(f"enterprise {enterprise_id}")
    return ent


def scope_filter(principal: Principal):
    """A WHERE clause on Enterprise limiting rows to the key's tenants (None for the province)."""
    return Scope(principal).enterprise_filter(Enterprise.id, Enterprise.park_id)


def result_public(result: Result) -> dict:
    return {"release": result.release, "options": result.options, "computed_at": result.computed_at,
            "summary": result.summary}


def stored_result(session: Session, report_id: int) -> dict | None:
    """The newest result stored for a report revision."""
    result = session.exec(select(Result).where(Result.report_id == report_id).order_by(Result.id.desc())).first()
    return None if result is None else result_public(result)


def latest_summaries(session: Session, *where) -> list[tuple[Enterprise, dict]]:
    """(enterprise, newest stored result summary) of each latest report revision matching ``where``
    (conditions on Report, Result or Enterprise)."""
    query = (select(Report.id, Result.summary, Enterprise).join(Result, Result.report_id == Report.id)
             .join(Enterprise, Enterprise.id == Report.enterprise_id).where(Report.is_latest, *where)
             .order_by(Report.id, Result.id))
    newest: dict[int, tuple[Enterprise, dict]] = {}
    for report_id, summary, ent in session.exec(query).all():
        newest[report_id] = (ent, summary)  # ordered: the last result of each report wins
    return list(newest.values())


def report_public(session: Session, report: Report, with_document: bool = True) -> dict:
    key = session.get(ApiKey, report.submitted_by) if report.submitted_by is not None else None
    out = {"enterprise": report.enterprise_id, "period": report.period, "revision": report.revision,
           "is_latest": report.is_latest, "submitted_at": report.submitted_at, "content_hash": report.content_hash,
           "submission_id": session.exec(select(Submission.submission_id).where(
               Submission.report_id == report.id, Submission.created).order_by(Submission.id)).first(),
           "submitted_by": None if key is None else {"key_id": key.id, "name": key.name, "role": key.role}}
    if with_document:
        out["document"] = report.document
    return out
