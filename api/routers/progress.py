"""Aggregates, target progress and LMDI decomposition over the stored results.

The province key sees every enterprise; a park key the enterprises of its own parks (asking for another
park answers 404, as ``/v1/parks`` does); an enterprise key is refused (403). The latest revision of each
report counts, with its newest stored result; the numeric result columns of those rows are loaded in one
query, given region, industry, park and name from the enterprise register (loaded once, also the list of
enterprises expected to report) and handed to the core (``carbonkit.aggregation``, ``carbonkit.targets``,
``carbonkit.decomposition``) as a frame. Profiles and deflator tables are chosen by shipped id, never by path.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import distinct, func, select
from sqlmodel import Session

from api.access import Scope
from api.deps import PrincipalDep, SessionDep
from api.keys import Principal
from api.models import RESULT_COLUMNS, Enterprise, Report, Result
from api.routers.designations import load_designations
from carbonkit.aggregation import LEVELS, aggregate
from carbonkit.decomposition import NUMERATORS, decompose
from carbonkit.deflators import shipped_deflators
from carbonkit.errors import InvalidInput, Problem
from carbonkit.factors.documents import shipped
from carbonkit.messages import status_text, translate
from carbonkit.targets import load_profile, main_province, profile_for, progress
from carbonkit.vocabulary import vocabulary

router = APIRouter(prefix="/v1", tags=["progress"])

Level = Literal[tuple(LEVELS)]
Period = Annotated[str, Query(pattern=r"^\d{4}(-\d{2})?$", description="'YYYY' or 'YYYY-MM'")]
Region = Annotated[str | None, Query(pattern=r"^\d{2}(\d{2}){0,2}$", description="administrative code prefix: 37, 3702 "
                                     "or 370211")]
ParkId = Annotated[str | None, Query(min_length=1, max_length=64, description="one park (a park key: one of its own)")]
Industry = Annotated[str | None, Query(pattern=r"^[A-Za-z]?\d{0,4}$", description="GB/T 4754 prefix: C, C26, C2611")]
ProfileId = Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$", description="a shipped target profile "
                                        "(GET /v1/targets); default: the profile of the region's province")]
TableId = Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$",
                                      description="a shipped deflator table (factors/deflators), e.g. nbs-ppi-cn")]


def regional(principal: PrincipalDep) -> Principal:
    """Province and park keys; an enterprise key is refused."""
    if principal.role not in ("province", "park"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "aggregates, progress and decomposition need a province or a park key")
    return principal


RegionalDep = Annotated[Principal, Depends(regional)]


def _parks(principal: Principal, park: str | None) -> list[str] | None:
    """The parks the answer covers: None for the whole province (province key without ``park``)."""
    return Scope(principal).parks_for(park)


def _deflators(table: str | None) -> str | None:
    if table is not None and table not in shipped_deflators():
        raise InvalidInput(Problem("deflators_unknown", f"no shipped deflator table '{table}'", field="deflators",
                                   expected=", ".join(shipped_deflators()) or "none"))
    return table


def _scoped(query, parks: list[str] | None, region: str | None):
    if parks is not None:
        query = query.where(Enterprise.park_id.in_(parks))
    if region:
        query = query.where(Enterprise.region.startswith(region, autoescape=True))
    return query


def load_register(session: Session, parks: list[str] | None, region: str | None) -> pd.DataFrame:
    """The enterprises expected to report: every registered enterprise in scope."""
    query = _scoped(select(Enterprise.id, Enterprise.region, Enterprise.industry, Enterprise.park_id, Enterprise.name),
                    parks, region)
    rows = session.connection().execute(query).all()
    names = ["enterprise", "region", "industry", "park", "name"]
    columns = list(zip(*rows)) if rows else [()] * len(names)
    return pd.DataFrame({name: np.array(values, dtype=object) for name, values in zip(names, columns)})


def load_results(session: Session, parks: list[str] | None, region: str | None, periods: list[str],
                 register: pd.DataFrame) -> pd.DataFrame:
    """The newest result of the latest revision of each report of ``periods`` in scope, numeric columns only,
    with the enterprise's region, industry, park and name taken from ``register`` (see :func:`load_register`)."""
    query = (select(Report.id, Result.id, Report.enterprise_id, Report.period, Result.release,
                    *(getattr(Result, c) for c in RESULT_COLUMNS))
             .join(Result, Result.report_id == Report.id)
             .where(Report.is_latest, Report.period.in_(sorted(set(periods)))))
    if parks is not None or region:
        query = query.where(Report.enterprise_id.in_(_scoped(select(Enterprise.id), parks, region)))
    rows = session.connection().execute(query).all()
    names = ["report_id", "result_id", "enterprise", "period", "release", *RESULT_COLUMNS]
    columns = list(zip(*rows)) if rows else [()] * len(names)
    frame = pd.DataFrame({name: np.array(values, dtype=float if name in RESULT_COLUMNS else object)
                          for name, values in zip(names, columns)})
    # a report recomputed with another release has several results: the newest counts (as GET .../reports shows)
    frame = frame.sort_values("result_id", kind="stable").drop_duplicates("report_id", keep="last")
    attrs = register.set_index("enterprise")
    for col in ("region", "industry", "park", "name"):
        frame[col] = frame["enterprise"].map(attrs[col]).to_numpy(dtype=object)
    return frame.drop(columns=["report_id", "result_id"]).reset_index(drop=True)


def annual_periods(session: Session, parks: list[str] | None, region: str | None) -> list[str]:
    query = (select(distinct(Report.period)).join(Enterprise, Enterprise.id == Report.enterprise_id)
             .where(Report.is_latest, func.length(Report.period) == 4))
    return sorted(p for (p,) in session.connection().execute(_scoped(query, parks, region)).all())


@router.get("/aggregates", operation_id="get_aggregates")
def get_aggregates(session: SessionDep, principal: RegionalDep, period: Annotated[list[str], Query(
                       description="one or more periods, e.g. period=2020&period=2023")],
                   level: Level = "province", region: Region = None, park: ParkId = None, industry: Industry = None,
                   by_industry: Literal["section", "division"] | None = Query(None, description="also cut by industry"),
                   deflators: TableId = None, override_deflators: bool = False,
                   base_year: int | None = Query(None, ge=1990, le=2100, description="price base (default: the default target profile's)"),
                   missing_limit: int = Query(100, ge=0, le=100_000)) -> dict:
    """Sums, total-over-total intensities and coverage (expected, reporting, missing) per group and period."""
    bad = [p for p in period if not _period_ok(p)]
    if bad:
        raise InvalidInput([Problem("period_invalid", f"period '{p}' is not 'YYYY' or 'YYYY-MM'", field="period") for p in bad])
    parks = _parks(principal, park)
    register = load_register(session, parks, region)
    frame = load_results(session, parks, region, period, register)
    by = (level, by_industry) if by_industry else level
    answer = aggregate(frame, by, periods=period, register=register, deflators=_deflators(deflators),
                       base_year=base_year, override=override_deflators, industry=industry)
    return {"scope": _scope_of(principal, parks, region), **answer.to_dict(missing_limit)}


def _period_ok(p: str) -> bool:
    return len(p) in (4, 7) and p[:4].isdigit() and (len(p) == 4 or (p[4] == "-" and p[5:].isdigit()))


def _scope_of(principal: Principal, parks: list[str] | None, region: str | None) -> dict:
    return {"role": principal.role, "parks": parks, "region": region}


@router.get("/progress", operation_id="get_progress")
def get_progress(session: SessionDep, principal: RegionalDep, region: Region = None, park: ParkId = None,
                 year: int | None = Query(None, ge=1990, le=2100, description="default: the latest annual period"),
                 profile: ProfileId = None,
                 count: Annotated[list[str], Query(description="counts for count targets, indicator:N, e.g. "
                                                   "green_factories:120")] = [],
                 deflators: TableId = None, override_deflators: bool = False,
                 panel: Literal["balanced", "all"] = "balanced", series: bool = Query(False, description="every year from "
                                                                                 "the base year, not only the two compared")) -> dict:
    """Cumulative change since the base year, required and achieved pace, on track or not, the decline still
    needed per remaining year and the projected final-year value, with and without the profile's exclusions."""
    parks = _parks(principal, park)
    counts = _counts(count)
    register = load_register(session, parks, region)
    chosen, year = profile_and_year(session, parks, region, register, profile, year)
    wanted = range(chosen.base_year, year + 1) if series else (chosen.base_year, year)
    frame = load_results(session, parks, region, [str(y) for y in wanted], register)
    answer = progress(frame, chosen, year, region=region if (region or not parks) else None, park=parks,
                      register=register, counts=counts, deflators=_deflators(deflators), override=override_deflators,
                      panel=panel, designations=load_designations(session, parks, region))
    return _with_chinese({"scope": _scope_of(principal, parks, region), **answer.to_dict()})


def _with_chinese(body: dict) -> dict:
    """Each progress line's status mark and reason also in Chinese (:mod:`carbonkit.messages`), for the
    bilingual dashboard: ``status_zh`` and ``reason_zh`` beside ``status`` and ``reason``."""
    for line in body.get("indicators", []):
        line["status_zh"] = status_text(line.get("status"), "zh")
        line["reason_zh"] = translate(line.get("reason"), "zh") if line.get("reason") else ""
    return body


def profile_and_year(session: Session, parks: list[str] | None, region: str | None, register: pd.DataFrame,
                     profile: str | None, year: int | None) -> tuple:
    """The target profile asked for (else the region's province's) and the year (else the latest annual period)."""
    chosen = load_profile(profile) if profile else None
    latest = year
    if year is None:
        years = annual_periods(session, parks, region)
        latest = int(years[-1]) if years else None
    if chosen is None:
        province = vocabulary().province_of(region) if region else main_province(register["region"])
        if province is None:
            raise InvalidInput(Problem("profile_missing", "give a profile or a region", field="profile"))
        chosen = profile_for(province, latest)  # the period the latest year falls in
    return chosen, latest if latest is not None else chosen.base_year


def _counts(items: list[str]) -> dict[str, int]:
    out, problems = {}, []
    for item in items:
        name, _, number = item.replace("=", ":").partition(":")
        if not name or not number.isdigit() or len(number) > 9:
            problems.append(Problem("count_invalid", f"'{item}' is not indicator:N (a whole number)", field="count"))
            continue
        out[name] = int(number)
    if problems:
        raise InvalidInput(problems)
    return out


@router.get("/decomposition", operation_id="get_decomposition")
def get_decomposition(session: SessionDep, principal: RegionalDep, start: Period, end: Period,
                      by: Level = "division",
                      indicator: Literal[tuple(NUMERATORS)] = Query("energy", description=", ".join(NUMERATORS)),
                      region: Region = None, park: ParkId = None, industry: Industry = None, deflators: TableId = None,
                      override_deflators: bool = False, zero: Literal["limit", "delta"] = "limit",
                      top: int = Query(50, ge=1, le=100_000, description="contributions listed, largest first"),
                      total: bool = Query(False, description="decompose the total (activity, structure, intensity"
                                          "[, fuel mix, emission factor]) instead of the intensity")) -> dict:
    """Additive and multiplicative LMDI-I of the change of an intensity (or a total), with each group's contribution."""
    parks = _parks(principal, park)
    frame = load_results(session, parks, region, [start, end], load_register(session, parks, region))
    answer = decompose(frame, start, end, by, indicator=indicator, industry=industry,
                       deflators=_deflators(deflators), base_year=int(start[:4]), override=override_deflators, zero=zero,
                       total=total)
    return {"scope": _scope_of(principal, parks, region), **answer.to_dict(top)}


@router.get("/targets", operation_id="list_target_profiles")
def list_profiles(_principal: PrincipalDep) -> list[dict]:
    """The shipped target profiles, with their targets, exclusions and status marks."""
    return [load_profile(p.stem).model_dump(mode="json", by_alias=True) for p in shipped("targets")]
