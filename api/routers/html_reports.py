"""The HTML reports of ``carbonkit report`` served from the stored data, for reading in a browser or saving.

- ``GET /v1/enterprises/{id}/reports/{period}/html``: the enterprise report, from the latest revision of each
  of the enterprise's stored reports (the period asked and the years around it for the trends), accounted
  with the service's options and the current factor release (named on the page);
- ``GET /v1/progress/report``: the province, city or park report (target progress against the required pace,
  LMDI waterfalls, largest contributors, coverage) from the stored results, with the scope rules of
  ``/v1/progress``;
- ``POST /v1/assess/parks/{id}/html``: the park report, with the statements of ``POST /v1/assess/parks/{id}``.

Keys as for the JSON routes. The pages are self-contained (inline style, inline SVG, no script), served with a
Content-Security-Policy that allows no script and no connection at all. ``?format=pdf`` answers the same page
as an A4 PDF printed by headless Chromium (:mod:`reports.pdf`; 503 with a problem body without it).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from api.deps import RegionalDep, ScopeDep, SessionDep, SettingsDep
from api.ingest import options_for
from api.params import LatestYear, ParkId, Region, Year
from api.queries import not_found
from api.regional import Where, parse_counts, progress_inputs
from api.routers.assess import CriteriaId, ParkStatements, park_inputs
from api.routers.progress import Level, ProfileId
from api.store_register import latest_documents
from carbonkit.documents import documents_to_frame
from reports import enterprise_report, park_report, region_report
from reports.pdf import html_to_pdf

router = APIRouter(tags=["html reports"])

Lang = Annotated[Literal["zh", "en"], Query(description="zh or en")]
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
Format = Annotated[Literal["html", "pdf"], Query(description="html, or pdf (A4, printed by headless Chromium)")]
HTML = {"description": "a self-contained HTML page, or its PDF with format=pdf",
        "content": {"text/html": {}, "application/pdf": {}}}


def _page(html: str, name: str, form: str = "html") -> Response:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:120]
    if form == "pdf":
        pdf = html_to_pdf(html)  # PdfUnavailable: 503 (api.errors)
        return Response(pdf, media_type="application/pdf",
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
                                 "Content-Disposition": f'inline; filename="{safe}.pdf"'})
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                                       "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
                                       "Content-Disposition": f'inline; filename="{safe}.html"'})


@router.get("/v1/enterprises/{enterprise_id}/reports/{period}/html", operation_id="get_enterprise_report_html",
            response_class=HTMLResponse, responses={200: HTML})
def enterprise_html(enterprise_id: str, period: str, session: SessionDep, scope: ScopeDep,
                    settings: SettingsDep, lang: Lang = "zh", format: Format = "html",  # noqa: A002
                    base_year: int | None = Query(None, ge=1990, le=2100, description="default: the first year stored")) -> Response:
    """The enterprise report of a stored enterprise-period: energy by carrier, CO2 by scope, intensities against
    earlier years and the base year."""
    documents = latest_documents(session, scope, enterprise_id)
    if not any(d.get("period") == period for d in documents):
        raise not_found(f"report {enterprise_id} {period}")
    if len(period) == 7:  # a month is reported on its own
        documents = [d for d in documents if d.get("period") == period]
    else:
        documents = [d for d in documents if len(str(d.get("period"))) == 4]
    html = enterprise_report(documents_to_frame(documents), lang=lang, enterprise=enterprise_id, period=period,
                             base_year=base_year, options=options_for(settings))
    return _page(html, f"report-{enterprise_id}-{period}-{lang}", format)


@router.get("/v1/progress/report", operation_id="get_progress_report_html", response_class=HTMLResponse,
            responses={200: HTML})
def progress_html(session: SessionDep, scope: RegionalDep, region: Region = None, park: ParkId = None,
                  year: LatestYear = None, profile: ProfileId = None, lang: Lang = "zh", format: Format = "html",  # noqa: A002
                  count: Annotated[list[str], Query(description="counts for count targets, indicator:N")] = [],  # noqa: B006
                  by: Level = "division", top: int = Query(10, ge=1, le=200)) -> Response:
    """The province, city or park report: progress toward the targets against the required pace, the LMDI
    waterfall of each intensity change, the largest contributors and the coverage of reports."""
    where = Where.of(scope, park, region)
    counts = parse_counts(count)
    data = progress_inputs(session, where, profile, year)
    html = region_report(data.frame, lang=lang, region=where.core_region, park=where.parks,  # type: ignore[arg-type]
                         year=data.year,  # park: the report takes the list of parks (its annotation is narrower)
                         profile=data.profile, by=by, top=top, register=data.register, counts=counts,
                         designations=data.designations)
    name = "-".join(where.parks) if where.parks else region or data.profile.region
    return _page(html, f"report-{name}-{data.year}-{lang}", format)


@router.post("/v1/assess/parks/{park_id}/html", operation_id="assess_park_html", response_class=HTMLResponse,
             responses={200: HTML})
def park_html(park_id: str, year: Year, statements: ParkStatements, session: SessionDep, scope: ScopeDep,
              criteria: CriteriaId = None, lang: Lang = "zh", format: Format = "html") -> Response:  # noqa: A002
    """The park report: the green-park assessment of ``POST /v1/assess/parks/{id}`` indicator by indicator."""
    data, summaries = park_inputs(session, scope, park_id, year, statements)
    html = park_report(data, lang=lang, criteria=criteria, summaries=summaries)
    return _page(html, f"report-park-{park_id}-{year}-{lang}", format)

