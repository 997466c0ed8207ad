from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response

import carbonkit as ck
from api.deps import ScopeDep, SessionDep, SettingsDep
from api.ingest import options_for
from api.models import EnterprisePublic
from api.paging import page_headers
from api.params import RegionPrefix
from api.public import RecomputePublic, ReportPublic, ResultListed, RevisionPublic
from api.queries import report_public, result_public, stored_result, visible_enterprise
from api.store_register import (enterprise_results, enterprises_page, find_report, latest_reports, report_revisions,
                                store_result)

router = APIRouter(prefix="/v1/enterprises", tags=["enterprises"])


@router.get("", operation_id="list_enterprises", response_model=list[EnterprisePublic])
def list_enterprises(session: SessionDep, scope: ScopeDep, request: Request, response: Response,
                     park: str | None = None, region: RegionPrefix = None,
                     limit: int = Query(1000, ge=1, le=10000), offset: int = Query(0, ge=0, le=10**9)) -> list[EnterprisePublic]:
    """Enterprises the key may see, optionally of one park or region: a page of ``limit`` from ``offset``, the
    whole list's length in ``X-Total-Count`` and the next page in ``Link: <...>; rel="next"``."""
    total, page = enterprises_page(session, scope, park, region, offset, limit)
    page_headers(response, request, total, offset, limit)
    return [EnterprisePublic.of(e) for e in page]


@router.get("/{enterprise_id}", operation_id="get_enterprise", response_model=EnterprisePublic)
def get_enterprise(enterprise_id: str, session: SessionDep, scope: ScopeDep) -> EnterprisePublic:
    return EnterprisePublic.of(visible_enterprise(session, scope, enterprise_id))


@router.get("/{enterprise_id}/reports", operation_id="list_reports", response_model=list[RevisionPublic])
def list_reports(enterprise_id: str, session: SessionDep, scope: ScopeDep) -> list[dict[str, Any]]:
    """The latest revision of each period."""
    return [report_public(session, r, with_document=False) for r in latest_reports(session, scope, enterprise_id)]


@router.get("/{enterprise_id}/reports/{period}", operation_id="get_report", response_model=ReportPublic)
def get_report(enterprise_id: str, period: str, session: SessionDep, scope: ScopeDep,
               revision: int | None = Query(None, ge=1, le=10**6)) -> dict[str, Any]:
    """A report (the latest revision unless one is asked for) with its newest result."""
    report = find_report(session, scope, enterprise_id, period, revision)
    return {**report_public(session, report), "result": stored_result(session, report.id, report.period)}


@router.get("/{enterprise_id}/reports/{period}/revisions", operation_id="list_revisions",
            response_model=list[RevisionPublic])
def list_revisions(enterprise_id: str, period: str, session: SessionDep, scope: ScopeDep) -> list[dict[str, Any]]:
    """Every revision of a report, oldest first, with who submitted it and when."""
    return [report_public(session, r, with_document=False) for r in report_revisions(session, scope, enterprise_id, period)]


@router.get("/{enterprise_id}/results", operation_id="list_results", response_model=list[ResultListed])
def list_results(enterprise_id: str, session: SessionDep, scope: ScopeDep, period: str | None = None,
                 all_revisions: bool = False) -> list[dict[str, Any]]:
    """Stored results of the latest revisions (or of every revision), each with the release it used."""
    rows = enterprise_results(session, scope, enterprise_id, period, all_revisions)
    return [{"period": rep.period, "revision": rep.revision, **result_public(res)} for rep, res in rows]


@router.post("/{enterprise_id}/reports/{period}/recompute", operation_id="recompute_report",
             response_model=RecomputePublic)
def recompute(enterprise_id: str, period: str, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
              release: str | None = Query(None, description="factor release to compute with (default: current)")) -> dict[str, Any]:
    """Account the latest revision again with a release; the earlier results are kept beside it."""
    report = find_report(session, scope, enterprise_id, period, None)
    options = options_for(settings)
    stored, created = store_result(session, report, ck.account(report.document, release=release, options=options), options)
    return {"created": created, "period": period, "revision": report.revision, **result_public(stored)}
