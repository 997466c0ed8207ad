"""Carbon-market sectors: monthly key parameters submitted, the sector report read (JSON, HTML, .xlsx).

Same keys and roles as reports: an enterprise submits and reads its own, a park reads its enterprises, the
province reads all; an enterprise or year the key may not see answers exactly like one that does not exist.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, Response, status
from fastapi.responses import HTMLResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.access import Scope
from api.deps import ScopeDep, SessionDep, SettingsDep
from api.market_store import (MarketSubmission, MarketSubmissionIn, latest_rows, latest_submission, revisions_of,
                              rows_frame, submit_market)
from api.public import MarketFacilityListed, MarketOutcomePublic, MarketReportPublic, MarketRevisionPublic
from api.queries import not_found, visible_enterprise
from reports.excel import XLSX_MEDIA_TYPE
from carbonkit.market import account_market
from reports.market_workbook import write_report

router = APIRouter(prefix="/v1/market", tags=["market"])


@router.post("/submissions", operation_id="submit_market_parameters", status_code=status.HTTP_201_CREATED,
             response_model=MarketOutcomePublic)
async def submit(body: MarketSubmissionIn, scope: ScopeDep, settings: SettingsDep, response: Response) -> dict[str, Any]:
    """Store an enterprise-year of monthly key parameters; identical content or a known id: 200, "unchanged"."""
    outcome = await run_in_threadpool(submit_market, settings, scope.principal, body)
    if outcome.status == "unchanged":
        response.status_code = status.HTTP_200_OK
    return outcome.__dict__


def _latest(session: Session, scope: Scope, enterprise: str, year: int) -> MarketSubmission:
    visible_enterprise(session, scope, enterprise)
    found = latest_submission(session, enterprise, year)
    if found is None:
        raise not_found(f"market report {enterprise} {year}")
    return found


@router.get("/reports/{enterprise_id}/{year}", operation_id="get_market_report", response_model=MarketReportPublic)
def get_report(enterprise_id: str, year: int, scope: ScopeDep, session: SessionDep) -> dict[str, Any]:
    """The sector report of the latest revision: facility-years, parameters, data quality, factors."""
    found = _latest(session, scope, enterprise_id, year)
    return {"enterprise": enterprise_id, "year": year, "revision": found.revision, "submitted_at": found.submitted_at,
            **found.result}


@router.get("/reports/{enterprise_id}/{year}/revisions", operation_id="list_market_revisions",
            response_model=list[MarketRevisionPublic])
def revisions(enterprise_id: str, year: int, scope: ScopeDep, session: SessionDep) -> list[dict[str, Any]]:
    _latest(session, scope, enterprise_id, year)
    rows = revisions_of(session, enterprise_id, year)
    return [{"revision": r.revision, "is_latest": r.is_latest, "submitted_at": r.submitted_at,
             "submission_id": r.submission_id, "content_hash": r.content_hash} for r in rows]


@router.get("/reports/{enterprise_id}/{year}/html", operation_id="get_market_report_html", response_class=HTMLResponse,
            responses={200: {"content": {"text/html": {}}, "description": "the bilingual HTML sector report"}})
def report_html(enterprise_id: str, year: int, scope: ScopeDep, session: SessionDep) -> HTMLResponse:
    """The bilingual HTML report of the latest revision."""
    from reports.market import market_report

    found = _latest(session, scope, enterprise_id, year)
    result = account_market(_frame(found))
    return HTMLResponse(market_report(result, title=f"{enterprise_id} {year}"))


@router.get("/reports/{enterprise_id}/{year}/xlsx", operation_id="get_market_report_xlsx", response_class=Response,
            responses={200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "the sector report as an .xlsx workbook"}})
def report_xlsx(enterprise_id: str, year: int, scope: ScopeDep, session: SessionDep) -> Response:
    found = _latest(session, scope, enterprise_id, year)
    result = account_market(_frame(found))
    with tempfile.TemporaryDirectory() as tmp:
        path = write_report(result, Path(tmp) / "market.xlsx")
        data = path.read_bytes()
    return Response(data, media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="market-{enterprise_id}-{year}.xlsx"'})


@router.get("/reports", operation_id="list_market_reports", response_model=list[MarketFacilityListed])
def list_reports(year: int, scope: ScopeDep, session: SessionDep) -> list[dict[str, Any]]:
    """Facility-years of the latest revisions of ``year`` the key may see (the province: all)."""
    out = []
    for sub in latest_rows(session, scope, year):
        for fac in sub.result.get("facilities", []):
            out.append({"revision": sub.revision, **{k: v for k, v in fac.items() if k not in ("sources", "flags")},
                        "n_flags": len(fac.get("flags", []))})
    return out


def _frame(found: MarketSubmission) -> pd.DataFrame:
    return rows_frame(MarketSubmissionIn(enterprise=found.enterprise_id, year=found.year, rows=found.rows))
