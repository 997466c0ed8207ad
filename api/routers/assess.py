"""Green factory and green park assessment: from a posted document, a stored enterprise-period, or a stored
park's enterprises (their latest reports' stored results)."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlmodel import Session

from api.access import Scope
from api.deps import ScopeDep, SessionDep, SettingsDep
from api.ingest import options_for
from api.params import Year
from api.public import AssessmentPublic, CriteriaPublic
from api.queries import enterprise_summaries, not_found, park_summaries, visible_enterprise
from api.store_register import visible_park
from carbonkit.assess import (
    AssessmentInputs,
    FactoryAssessmentInput,
    Supplied,
    assess_factory,
    assess_park,
    load_criteria,
)
from carbonkit.assess.criteria import Criteria
from carbonkit.errors import InvalidInput, Problem

router = APIRouter(prefix="/v1/assess", tags=["assess"])
FACTORY, PARK = "green_factory_criteria", "green_park_criteria"  # the criteria kinds of the two assessments

# Only shipped criteria sets are selectable through the API (an id, never a path).
CriteriaId = Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$",
                                         description="a shipped criteria set (GET /v1/assess/criteria); default: the current one")]


class ParkStatements(AssessmentInputs):
    """The park-level statements; the enterprises come from their stored reports."""

    land_area: Supplied | None = Field(None, description="the park's industrial land, e.g. {value: 12, unit: km2}")


def _answer(assessment: Any) -> JSONResponse:
    return JSONResponse(assessment.to_dict())


def criteria_of(criteria: str | None, kind: str) -> Criteria | None:
    """The shipped criteria set ``criteria`` (None: the core's default) if it is a ``kind`` set; another kind is
    the caller's choice, not our data: 422. An unknown id answers the core's 422 naming the shipped ones."""
    if criteria is None:
        return None
    chosen = load_criteria(criteria)
    if chosen.kind != kind:
        raise InvalidInput(Problem("criteria_kind", f"'{criteria}' is a {chosen.kind.replace('_', ' ')} set, where a "
                                   f"{kind.replace('_', ' ')} set was expected", field="criteria",
                                   expected=f"a {kind.replace('_', ' ')} set (GET /v1/assess/criteria)"))
    return chosen


@router.get("/criteria", operation_id="list_criteria", response_model=list[CriteriaPublic])
def list_criteria(_scope: ScopeDep) -> list[dict[str, Any]]:
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


@router.post("/factory", operation_id="assess_factory", response_model=AssessmentPublic)
def factory(data: FactoryAssessmentInput, scope: ScopeDep, settings: SettingsDep,
            criteria: CriteriaId = None) -> JSONResponse:
    """Assess a factory from a posted enterprise-period document and its statements (nothing is stored)."""
    if data.document is None:
        raise HTTPException(422, "a document (the enterprise-period to account) is required")
    scope.require_named(data.document.enterprise, "assess")
    chosen = criteria_of(criteria, FACTORY)
    return _answer(assess_factory(data, chosen, options=options_for(settings)))


@router.post("/enterprises/{enterprise_id}/{period}", operation_id="assess_stored_factory",
             response_model=AssessmentPublic)
def stored_factory(enterprise_id: str, period: str, statements: AssessmentInputs, session: SessionDep,
                   scope: ScopeDep, criteria: CriteriaId = None) -> JSONResponse:
    """Assess a stored enterprise-period: the latest revision's newest stored result, plus the statements."""
    summary = stored_summary(session, scope, enterprise_id, period)
    # the statements alone (FactoryAssessmentInput's base): the core reads them so; its annotation is narrower
    return _answer(assess_factory(statements, criteria_of(criteria, FACTORY), summary=summary))  # type: ignore[arg-type]


@router.post("/parks/{park_id}", operation_id="assess_park", response_model=AssessmentPublic)
def park(park_id: str, year: Year, statements: ParkStatements, session: SessionDep, scope: ScopeDep,
         criteria: CriteriaId = None) -> JSONResponse:
    """Assess a stored park for a year from its enterprises' latest annual reports (and the year before's,
    for the CO2 intensity reduction rate), plus the park's statements."""
    data, summaries = park_inputs(session, scope, park_id, year, statements)
    return _answer(assess_park(data, criteria_of(criteria, PARK), summaries=summaries))


def stored_summary(session: Session, scope: Scope, enterprise_id: str, period: str) -> dict[str, Any]:
    """The newest stored result summary of a visible enterprise's latest report of ``period`` (404 otherwise)."""
    visible_enterprise(session, scope, enterprise_id)
    rows = enterprise_summaries(session, enterprise_id, period)
    if not rows:
        raise not_found(f"report {enterprise_id} {period}")
    return rows[0][1]


def park_inputs(session: Session, scope: Scope, park_id: str, year: int,
                statements: ParkStatements) -> tuple[dict[str, Any], pd.DataFrame]:
    """A visible park's assessment input and its enterprises' newest stored results of ``year`` and the year
    before (404 for a park the key may not see)."""
    visible_park(session, scope, park_id)
    rows = park_summaries(session, park_id, [str(year), str(year - 1)])
    data = {**statements.model_dump(exclude_none=True), "park": park_id, "year": year}
    return data, pd.DataFrame([summary for _ent, summary in rows])
