"""Low-efficiency capacity screen and output-per-mu (亩产效益) grading: of a posted enterprise-period, of a stored
one, and of every stored enterprise of a region or park.

Roles: the province sees every enterprise; a park key its parks' enterprises; an enterprise key only itself.
A grade is a rank among all the enterprises of the region or park asked for, so a park or enterprise key
gets its own enterprises' rows with their rank in that population (and the population's size), never the
others' rows. Only shipped standards and schemes are chosen by id (never a path); a scheme of your own is
posted as a JSON object with the same schema as the TOML file.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from api.access import Scope
from api.deps import ScopeDep, SessionDep, SettingsDep
from api.ingest import options_for
from api.models import Enterprise
from api.params import PERIOD_PATTERN, REGION_PATTERN, ParkId, Period, Region
from api.public import GradesPublic, SchemePublic, ScreenPublic, StandardsPublic
from api.queries import enterprise_summaries, not_found, population_summaries, visible_enterprise
from api.store_register import parks_of
from carbonkit.benefit import (BenefitDocument, BenefitProfile, ProfileFor, grade_summary, load_scheme,
                               load_screen_data, profiles_from_list, scheme_from_dict, screen, screen_summary,
                               shipped_schemes)

router = APIRouter(prefix="/v1/benefit", tags=["benefit"])

_ID = r"^[a-z0-9][a-z0-9-]{0,79}$"
SchemeId = Annotated[str | None, Query(pattern=_ID, description="a shipped grading scheme (GET /v1/benefit/schemes); "
                                                                "default: the example county scheme")]
GroupBy = Annotated[Literal["park", "region", "industry"] | None, Query(description="rank within park, region or industry")]


class GradeRequest(BaseModel):
    """Grade the stored enterprises of a region or park, with profiles (pollutants ...) and an optional scheme."""

    model_config = ConfigDict(extra="forbid")
    period: str = Field(pattern=PERIOD_PATTERN)
    region: str | None = Field(None, pattern=REGION_PATTERN)
    park: str | None = Field(None, min_length=1, max_length=64)
    by: Literal["park", "region", "industry"] | None = None
    scheme: str | None = Field(None, pattern=_ID, description="a shipped scheme id")
    scheme_document: dict[str, Any] | None = Field(None, description="your own scheme: the TOML file's schema as JSON")
    profiles: list[ProfileFor] = Field(default_factory=list, max_length=100_000)


@router.get("/schemes", operation_id="list_grading_schemes", response_model=list[SchemePublic])
def list_schemes(_scope: ScopeDep) -> list[dict[str, Any]]:
    """The shipped grading schemes with their provenance; ``example`` marks a scheme shipped as an example."""
    return [{"id": s.id, "title": s.title, "example": s.example, "region": s.region, "source": s.source,
             "published": s.published, "indicators": [i.model_dump() for i in s.indicator],
             "grades": [g.model_dump() for g in s.grade], "unverified": s.unverified} for s in shipped_schemes()]


@router.get("/standards", operation_id="list_screen_standards", response_model=StandardsPublic)
def list_standards(_scope: ScopeDep) -> dict[str, Any]:
    """The documents the screen uses (benefit and technical standards, industry map) with their provenance."""
    data = load_screen_data()
    return {role: {"id": doc.id, "title": doc.title, "source": doc.source, "edition": doc.edition,
                   "issuing_body": doc.issuing_body, "region": doc.region}
            for role, doc in (("benefit", data.benefit), ("technical", data.technical), ("industries", data.industries))}


@router.post("/screen", operation_id="screen_document", response_model=ScreenPublic)
def screen_document(document: BenefitDocument, scope: ScopeDep, settings: SettingsDep) -> JSONResponse:
    """Screen a posted enterprise-period (its activity items and its ``benefit`` profile); nothing is stored."""
    scope.require_named(document.enterprise, "screen")
    profiles: dict[tuple[str, str | None], BenefitProfile] | None = \
        {(document.enterprise, document.period): document.benefit} if document.benefit else None
    plain = document.model_dump(exclude={"benefit"}, exclude_none=True)
    result = screen([plain], profiles, options=options_for(settings))
    return JSONResponse(result.to_dict())


def _frame(rows: list[tuple[Enterprise, dict[str, Any]]]) -> pd.DataFrame:
    """Stored summaries with the enterprise register's region, park, industry and name."""
    records = [{**summary, "enterprise": ent.id, "region": ent.region, "park": ent.park_id,
                "industry": ent.industry, "name": ent.name or summary.get("name")} for ent, summary in rows]
    return pd.DataFrame(records)


@router.post("/enterprises/{enterprise_id}/{period}/screen", operation_id="screen_stored", response_model=ScreenPublic)
def screen_stored(enterprise_id: str, period: str, session: SessionDep, scope: ScopeDep,
                  profile: BenefitProfile | None = None) -> JSONResponse:
    """Screen a stored enterprise-period (its latest report's newest result) with the profile posted."""
    visible_enterprise(session, scope, enterprise_id)
    rows = enterprise_summaries(session, enterprise_id, period)
    if not rows:
        raise not_found(f"report {enterprise_id} {period}")
    profiles: dict[tuple[str, str | None], BenefitProfile] | None = (
        {(enterprise_id, period): profile} if profile is not None else None)
    frame = _frame(rows)
    result = screen_summary(frame, profiles)
    result.release = str(frame["release"].iat[0]) if "release" in frame.columns else None
    return JSONResponse(result.to_dict())


def _check_profiles(scope: Scope, session: Session, profiles: list[ProfileFor]) -> None:
    """Profiles may name only enterprises the key may see (403 otherwise)."""
    if scope.is_province or not profiles:
        return
    parks = parks_of(session, [p.enterprise for p in profiles])
    for i, p in enumerate(profiles):
        if p.enterprise not in parks or not scope.may_read(p.enterprise, parks[p.enterprise]):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"profiles[{i}]: this key may not supply data for "
                                                           f"enterprise {p.enterprise}")


def _scheme(request: GradeRequest) -> Any:
    if not request.region and not request.park:
        raise HTTPException(422, "name the region or the park whose enterprises are graded")
    if request.scheme and request.scheme_document:
        raise HTTPException(422, "give a shipped scheme id or a scheme document, not both")
    return (scheme_from_dict(request.scheme_document, "scheme_document") if request.scheme_document
            else load_scheme(request.scheme))


def _population(session: Session, scope: Scope, request: GradeRequest) -> tuple[list[tuple[Enterprise, dict[str, Any]]], set[str]]:
    """The latest summaries of the region or park (the whole population ranked) and the enterprises of it the key
    may see (404 when a park or enterprise key sees none)."""
    rows = population_summaries(session, request.period, request.region, request.park)
    visible = {ent.id for ent, _ in rows if scope.may_read(ent.id, ent.park_id)}
    if not scope.is_province and not visible:
        named = " and ".join(f"{k} {v}" for k, v in (("region", request.region), ("park", request.park)) if v)
        raise not_found(f"enterprises of {named} in {request.period} that this key may see")
    return rows, visible


def _grades(session: Session, scope: Scope, request: GradeRequest) -> dict[str, Any]:
    scheme = _scheme(request)
    _check_profiles(scope, session, request.profiles)
    rows, visible = _population(session, scope, request)
    profiles = profiles_from_list(cast(list[Any], request.profiles), "profiles") if request.profiles else None
    result = grade_summary(_frame(rows), scheme, profiles, group_by=request.by) if rows else None
    body = {"period": request.period, "region": request.region, "park": request.park, "population": len(rows)}
    if result is None:
        return {**body, "scheme": {"id": scheme.id, "title": scheme.title, "example": scheme.example}, "results": []}
    answer = result.to_dict()
    answer["results"] = [r for r in answer["results"] if r["enterprise"] in visible]
    return {**body, **answer}


@router.get("/grades", operation_id="grade_stored", response_model=GradesPublic)
def grades(period: Period, session: SessionDep, scope: ScopeDep, region: Region = None, park: ParkId = None,
           scheme: SchemeId = None, by: GroupBy = None) -> JSONResponse:
    """Grade every stored enterprise of a region or park for a period (their latest reports)."""
    request = GradeRequest(period=period, region=region, park=park, scheme=scheme, by=by)
    return JSONResponse(_grades(session, scope, request))


@router.post("/grades", operation_id="grade_stored_with_profiles", response_model=GradesPublic)
def grades_with_profiles(request: GradeRequest, session: SessionDep, scope: ScopeDep) -> JSONResponse:
    """Grade every stored enterprise of a region or park, with posted profiles (pollutant emissions ...) and,
    optionally, your own scheme."""
    return JSONResponse(_grades(session, scope, request))
