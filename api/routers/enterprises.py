from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import select

import carbonkit as ck
from api.deps import PrincipalDep, SessionDep, SettingsDep
from api.ingest import options_for, options_hash, result_row
from api.models import Enterprise, EnterprisePublic, Report, Result
from api.paging import count_of, page_headers
from api.queries import not_found, report_public, result_public, scope_filter, stored_result, visible_enterprise

router = APIRouter(prefix="/v1/enterprises", tags=["enterprises"])


@router.get("", operation_id="list_enterprises", response_model=list[EnterprisePublic])
def list_enterprises(session: SessionDep, principal: PrincipalDep, request: Request, response: Response,
                     park: str | None = None,
                     region: str | None = Query(None, description="administrative code prefix, e.g. 37 or 3702"),
                     limit: int = Query(1000, ge=1, le=10000), offset: int = Query(0, ge=0, le=10**9)) -> list[EnterprisePublic]:
    """Enterprises the key may see, optionally of one park or region: a page of ``limit`` from ``offset``, the
    whole list's length in ``X-Total-Count`` and the next page in ``Link: <...>; rel="next"``."""
    query = select(Enterprise)
    scope = scope_filter(principal)
    if scope is not None:
        query = query.where(scope)
    if park:
        query = query.where(Enterprise.park_id == park)
    if region:
        query = query.where(Enterprise.region.startswith(region, autoescape=True))
    page_headers(response, request, count_of(session, query), offset, limit)
    return [EnterprisePublic.of(e) for e in session.exec(query.order_by(Enterprise.id).offset(offset).limit(limit)).all()]


@router.get("/{enterprise_id}", operation_id="get_enterprise", response_model=EnterprisePublic)
def get_enterprise(enterprise_id: str, session: SessionDep, principal: PrincipalDep) -> EnterprisePublic:
    return EnterprisePublic.of(visible_enterprise(session, principal, enterprise_id))


@router.get("/{enterprise_id}/reports", operation_id="list_reports")
def list_reports(enterprise_id: str, session: SessionDep, principal: PrincipalDep) -> list[dict]:
    """The latest revision of each period."""
    visible_enterprise(session, principal, enterprise_id)
    reports = session.exec(select(Report).where(Report.enterprise_id == enterprise_id, Report.is_latest)
                           .order_by(Report.period)).all()
    return [report_public(session, r, with_document=False) for r in reports]


def _report(session, enterprise_id: str, period: str, revision: int | None) -> Report:
    query = select(Report).where(Report.enterprise_id == enterprise_id, Report.period == period)
    query = query.where(Report.revision == revision) if revision is not None else query.where(Report.is_latest)
    report = session.exec(query).first()
    if report is None:
        raise not_found(f"report {enterprise_id} {period}" + (f" revision {revision}" if revision else ""))
    return report


@router.get("/{enterprise_id}/reports/{period}", operation_id="get_report")
def get_report(enterprise_id: str, period: str, session: SessionDep, principal: PrincipalDep,
               revision: int | None = Query(None, ge=1, le=10**6)) -> dict:
    """A report (the latest revision unless one is asked for) with its newest result."""
    visible_enterprise(session, principal, enterprise_id)
    report = _report(session, enterprise_id, period, revision)
    return {**report_public(session, report), "result": stored_result(session, report.id)}


@router.get("/{enterprise_id}/reports/{period}/revisions", operation_id="list_revisions")
def list_revisions(enterprise_id: str, period: str, session: SessionDep, principal: PrincipalDep) -> list[dict]:
    """Every revision of a report, oldest first, with who submitted it and when."""
    visible_enterprise(session, principal, enterprise_id)
    reports = session.exec(select(Report).where(Report.enterprise_id == enterprise_id, Report.period == period)
                           .order_by(Report.revision)).all()
    if not reports:
        raise not_found(f"report {enterprise_id} {period}")
    return [report_public(session, r, with_document=False) for r in reports]


@router.get("/{enterprise_id}/results", operation_id="list_results")
def list_results(enterprise_id: str, session: SessionDep, principal: PrincipalDep, period: str | None = None,
                 all_revisions: bool = False) -> list[dict]:
    """Stored results of the latest revisions (or of every revision), each with the release it used."""
    visible_enterprise(session, principal, enterprise_id)
    query = select(Report, Result).join(Result, Result.report_id == Report.id).where(Report.enterprise_id == enterprise_id)
    if period:
        query = query.where(Report.period == period)
    if not all_revisions:
        query = query.where(Report.is_latest)
    rows = session.exec(query.order_by(Report.period, Report.revision, Result.id)).all()
    return [{"period": rep.period, "revision": rep.revision, **result_public(res)} for rep, res in rows]


@router.post("/{enterprise_id}/reports/{period}/recompute", operation_id="recompute_report")
def recompute(enterprise_id: str, period: str, session: SessionDep, principal: PrincipalDep, settings: SettingsDep,
              release: str | None = Query(None, description="factor release to compute with (default: current)")) -> dict:
    """Account the latest revision again with a release; the earlier results are kept beside it."""
    visible_enterprise(session, principal, enterprise_id)
    report = _report(session, enterprise_id, period, None)
    options = options_for(settings)
    result = ck.account(report.document, release=release, options=options)
    existing = session.exec(select(Result).where(Result.report_id == report.id, Result.release == result.release,
                                                 Result.options_hash == options_hash(options))).first()
    if existing is None:
        existing = Result(**result_row(report.id, result.release, options, result.records()[0]))
        session.add(existing)
        session.commit()
        session.refresh(existing)
        created = True
    else:
        created = False
    return {"created": created, "period": period, "revision": report.revision, **result_public(existing)}
