"""Green factory and green park assessment: from a posted document, a stored enterprise-period, or a stored
park's enterprises (their latest reports' stored results)."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import JSONResponse
from pydantic import Field

from api.access import Scope
from api.deps import PrincipalDep, SessionDep, SettingsDep
from api.ingest import options_for
from api.models import Enterprise, Park, Report
from api.queries import latest_summaries, not_found, visible_enterprise
from carbonkit.assess import (
    AssessmentInputs,
    FactoryAssessmentInput,
    Supplied,
    assess_factory,
    assess_park,
    load_criteria,
)

router = APIRouter(prefix="/v1/assess", tags=["assess"])

# Only shipped criteria sets are selectable through the API (an id, never a path).
CriteriaId = Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$",
                                         description="a shipped criteria set (GET /v1/assess/criteria); default: the current one")]
Year = Annotated[int, Query(ge=1990, le=2100, description="the assessment year (annual reports)")]


class ParkStatements(AssessmentInputs):
    """The park-level statements; the enterprises come from their stored reports."""

    land_area: Supplied | None = Field(None, description="the park's industrial land, e.g. {value: 12, unit: km2}")


def visible_park(session, principal, park_id: str) -> None:
    """404 unless the park exists and the key may see it (the province, or a park key of this park)."""
    if not Scope(principal).may_read_park(park_id) or session.get(Park, park_id) is None:
        raise not_found(f"park {park_id}")


def _answer(assessment) -> JSONResponse:
    return JSONResponse(assessment.to_dict())


@router.get("/criteria", operation_id="list_criteria")
def list_criteria(_principal: PrincipalDep) -> list[dict]:
    """The shipped criteria sets with their provenance."""
    from carbonkit.assess.criteria import FOLDER
    from carbonkit.factors.documents import shipped

    out = []
    for path in shipped(FOLDER):
        c = load_criteria(path.stem)
        out.append({**{k: v for k, v in c.provenance().items() if k != "path"}, "kind": c.kind,
                    "indicators": len(c.indicator), "gates": len(c.gate),
                    "unverified_indicators": sum(i.status == "unverified" for i in c.indicator)})
    return out


@router.post("/factory", operation_id="assess_factory")
def factory(data: FactoryAssessmentInput, principal: PrincipalDep, settings: SettingsDep,
            criteria: CriteriaId = None) -> JSONResponse:
    """Assess a factory from a posted enterprise-period document and its statements (nothing is stored)."""
    if data.document is None:
        raise HTTPException(422, "a document (the enterprise-period to account) is required")
    if not Scope(principal).may_name(data.document.enterprise):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this key may only assess its own enterprise")
    return _answer(assess_factory(data, criteria, options=options_for(settings)))


@router.post("/enterprises/{enterprise_id}/{period}", operation_id="assess_stored_factory")
def stored_factory(enterprise_id: str, period: str, statements: AssessmentInputs, session: SessionDep,
                   principal: PrincipalDep, criteria: CriteriaId = None) -> JSONResponse:
    """Assess a stored enterprise-period: the latest revision's newest stored result, plus the statements."""
    visible_enterprise(session, principal, enterprise_id)
    rows = latest_summaries(session, Report.enterprise_id == enterprise_id, Report.period == period)
    if not rows:
        raise not_found(f"report {enterprise_id} {period}")
    return _answer(assess_factory(statements, criteria, summary=rows[0][1]))


@router.post("/parks/{park_id}", operation_id="assess_park")
def park(park_id: str, year: Year, statements: ParkStatements, session: SessionDep, principal: PrincipalDep,
         criteria: CriteriaId = None) -> JSONResponse:
    """Assess a stored park for a year from its enterprises' latest annual reports (and the year before's,
    for the CO2 intensity reduction rate), plus the park's statements."""
    data, summaries = park_inputs(session, principal, park_id, year, statements)
    return _answer(assess_park(data, criteria, summaries=summaries))


def park_inputs(session, principal, park_id: str, year: int, statements: ParkStatements) -> tuple[dict, pd.DataFrame]:
    """A visible park's assessment input and its enterprises' newest stored results of ``year`` and the year
    before (404 for a park the key may not see)."""
    visible_park(session, principal, park_id)
    rows = latest_summaries(session, Enterprise.park_id == park_id, Report.period.in_([str(year), str(year - 1)]))
    data = {**statements.model_dump(exclude_none=True), "park": park_id, "year": year}
    return data, pd.DataFrame([summary for _ent, summary in rows])
