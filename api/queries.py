"""Reads shared by the routers: tenant-scoped enterprise lookups and stored results."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from api.access import Scope, not_found
from api.models import ApiKey, Enterprise, Report, Result, Submission
from api.partitions import year_of

__all__ = ["not_found", "visible_enterprise", "scope_filter"]


def visible_enterprise(session: Session, scope: Scope, enterprise_id: str) -> Enterprise:
    """The enterprise if the key may see it; 404 otherwise, so that existence does not leak."""
    ent = session.get(Enterprise, enterprise_id)
    if ent is None or not scope.may_read(ent.id, ent.park_id):
        raise not_found(f"enterprise {enterprise_id}")
    return ent


def scope_filter(scope: Scope) -> Any:
    """A WHERE clause on Enterprise limiting rows to the key's tenants (None for the province)."""
    return scope.enterprise_filter(col(Enterprise.id), col(Enterprise.park_id))


def result_public(result: Result) -> dict[str, Any]:
    return {"release": result.release, "options": result.options, "computed_at": result.computed_at,
            "summary": result.summary}


def stored_result(session: Session, report_id: int | None, period: str | None = None) -> dict[str, Any] | None:
    """The newest result stored for a report revision; with the report's ``period``, read from its year's partition
    alone on PostgreSQL (:mod:`api.partitions`)."""
    query = select(Result).where(col(Result.report_id) == report_id)
    if period is not None:
        query = query.where(col(Result.year) == year_of(period))
    result = session.exec(query.order_by(col(Result.id).desc())).first()
    return None if result is None else result_public(result)


def latest_summaries(session: Session, *where: Any) -> list[tuple[Enterprise, dict[str, Any]]]:
    """(enterprise, newest stored result summary) of each latest report revision matching ``where``
    (conditions on Report, Result or Enterprise; with a condition on ``Result.year``, PostgreSQL reads only the
    partitions of those years)."""
    query = (select(col(Report.id), col(Result.summary), Enterprise).join(Result, col(Result.report_id) == col(Report.id))
             .join(Enterprise, col(Enterprise.id) == col(Report.enterprise_id)).where(col(Report.is_latest), *where)
             .order_by(col(Report.id), col(Result.id)))
    newest: dict[int | None, tuple[Enterprise, Any]] = {}
    for report_id, summary, ent in session.exec(query).all():
        newest[report_id] = (ent, summary)  # ordered: the last result of each report wins
    return list(newest.values())


def report_public(session: Session, report: Report, with_document: bool = True) -> dict[str, Any]:
    key = session.get(ApiKey, report.submitted_by) if report.submitted_by is not None else None
    out = {"enterprise": report.enterprise_id, "period": report.period, "revision": report.revision,
           "is_latest": report.is_latest, "submitted_at": report.submitted_at, "content_hash": report.content_hash,
           "submission_id": session.exec(select(col(Submission.submission_id)).where(
               col(Submission.report_id) == report.id, col(Submission.created)).order_by(col(Submission.id))).first(),
           "submitted_by": None if key is None else {"key_id": key.id, "name": key.name, "role": key.role}}
    if with_document:
        out["document"] = report.document
    return out


def enterprise_summaries(session: Session, enterprise_id: str, period: str) -> list[tuple[Enterprise, dict[str, Any]]]:
    """The newest stored result summary of an enterprise's latest report of ``period`` (none: an empty list)."""
    return latest_summaries(session, col(Report.enterprise_id) == enterprise_id, col(Report.period) == period,
                            col(Result.year) == year_of(period))


def park_summaries(session: Session, park_id: str, periods: list[str]) -> list[tuple[Enterprise, dict[str, Any]]]:
    """The newest stored result summaries of the latest reports of ``periods`` of a park's enterprises."""
    return latest_summaries(session, col(Enterprise.park_id) == park_id, col(Report.period).in_(periods),
                            col(Result.year).in_(sorted({year_of(p) for p in periods})))


def population_summaries(session: Session, period: str, region: str | None,
                         park: str | None) -> list[tuple[Enterprise, dict[str, Any]]]:
    """The newest stored result summaries of the latest reports of ``period`` of every enterprise of ``region``
    (a code prefix) and ``park``, whoever may see them (a grade ranks the whole population)."""
    where = [col(Report.period) == period, col(Result.year) == year_of(period)]
    if region:
        where.append(col(Enterprise.region).startswith(region, autoescape=True))
    if park:
        where.append(col(Enterprise.park_id) == park)
    return latest_summaries(session, *where)
