# mypy: disable-error-code="arg-type, attr-defined, call-overload, union-attr"
# (SQLModel declares columns as their Python values, so SQL expressions on them do not type-check; see SQLModel #149)
"""Reads shared by the routers: tenant-scoped enterprise lookups and stored results."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from api.access import Scope, not_found
from api.models import ApiKey, Enterprise, Report, Result, Submission

__all__ = ["not_found", "visible_enterprise", "scope_filter"]


def visible_enterprise(session: Session, scope: Scope, enterprise_id: str) -> Enterprise:
    """The enterprise if the key may see it; 404 otherwise, so that existence does not leak."""
    ent = session.get(Enterprise, enterprise_id)
    if ent is None or not scope.may_read(ent.id, ent.park_id):
        raise not_found(f"enterprise {enterprise_id}")
    return ent


def scope_filter(scope: Scope) -> Any:
    """A WHERE clause on Enterprise limiting rows to the key's tenants (None for the province)."""
    return scope.enterprise_filter(Enterprise.id, Enterprise.park_id)


def result_public(result: Result) -> dict[str, Any]:
    return {"release": result.release, "options": result.options, "computed_at": result.computed_at,
            "summary": result.summary}


def stored_result(session: Session, report_id: int | None) -> dict[str, Any] | None:
    """The newest result stored for a report revision."""
    result = session.exec(select(Result).where(Result.report_id == report_id).order_by(Result.id.desc())).first()
    return None if result is None else result_public(result)


def latest_summaries(session: Session, *where: Any) -> list[tuple[Enterprise, dict[str, Any]]]:
    """(enterprise, newest stored result summary) of each latest report revision matching ``where``
    (conditions on Report, Result or Enterprise)."""
    query = (select(Report.id, Result.summary, Enterprise).join(Result, Result.report_id == Report.id)
             .join(Enterprise, Enterprise.id == Report.enterprise_id).where(Report.is_latest, *where)
             .order_by(Report.id, Result.id))
    newest: dict[int | None, tuple[Enterprise, Any]] = {}
    for report_id, summary, ent in session.exec(query).all():
        newest[report_id] = (ent, summary)  # ordered: the last result of each report wins
    return list(newest.values())


def report_public(session: Session, report: Report, with_document: bool = True) -> dict[str, Any]:
    key = session.get(ApiKey, report.submitted_by) if report.submitted_by is not None else None
    out = {"enterprise": report.enterprise_id, "period": report.period, "revision": report.revision,
           "is_latest": report.is_latest, "submitted_at": report.submitted_at, "content_hash": report.content_hash,
           "submission_id": session.exec(select(Submission.submission_id).where(
               Submission.report_id == report.id, Submission.created).order_by(Submission.id)).first(),
           "submitted_by": None if key is None else {"key_id": key.id, "name": key.name, "role": key.role}}
    if with_document:
        out["document"] = report.document
    return out
