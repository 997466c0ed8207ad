"""Aggregates, target progress and LMDI decomposition over the stored results.

The province key sees every enterprise; a park key the enterprises of its own parks (asking for another
park answers 404, as ``/v1/parks`` does); an enterprise key is refused (403). The latest revision of each
report counts, with its newest stored result; the numeric result columns of those rows are loaded in one
query, given region, industry, park and name from the enterprise register (loaded once, also the list of
enterprises expected to report) and handed to the core (``carbonkit.aggregation``, ``carbonkit.targets``,
``carbonkit.decomposition``) as a frame (:mod:`api.store_results`, :mod:`api.regional`). Profiles and deflator
tables are chosen by shipped id, never by path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.deps import RegionalDep, ScopeDep, SessionDep
from api.params import LatestYear, ParkId, Period, Region
from api.public import Public, ScopedAnswer
from api.regional import aggregates_answer, decomposition_answer, progress_answer
from api.store_results import load_register, load_results
from carbonkit.aggregation import LEVELS
from carbonkit.decomposition import NUMERATORS
from carbonkit.factors.documents import shipped
from carbonkit.target_profiles import load_profile

__all__ = ["router", "load_register", "load_results"]  # the loaders: kept importable from here (benchmarks)

router = APIRouter(prefix="/v1", tags=["progress"])

if TYPE_CHECKING:  # the choices are the core's tables, known when the module runs
    Level = str
    Numerator = str
else:
    Level = Literal[tuple(LEVELS)]
    Numerator = Literal[tuple(NUMERATORS)]
Industry = Annotated[str | None, Query(pattern=r"^[A-Za-z]?\d{0,4}$", description="GB/T 4754 prefix: C, C26, C2611")]
ProfileId = Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$", description="a shipped target profile "
                                        "(GET /v1/targets); default: the profile of the region's province")]
TableId = Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$",
                                      description="a shipped deflator table (factors/deflators), e.g. nbs-ppi-cn")]
Indicator = Annotated[Numerator, Query(description=", ".join(NUMERATORS))]
Counts = Annotated[list[str], Query(description="counts for count targets, indicator:N, e.g. green_factories:120")]


@router.get("/aggregates", operation_id="get_aggregates", response_model=ScopedAnswer)
def get_aggregates(session: SessionDep, scope: RegionalDep, period: Annotated[list[str], Query(
                       description="one or more periods, e.g. period=2020&period=2023")],
                   level: Level = "province", region: Region = None, park: ParkId = None, industry: Industry = None,
                   by_industry: Literal["section", "division"] | None = Query(None, description="also cut by industry"),
                   deflators: TableId = None, override_deflators: bool = False,
                   base_year: int | None = Query(None, ge=1990, le=2100,
                                                 description="price base (default: the default target profile's)"),
                   missing_limit: int = Query(100, ge=0, le=100_000)) -> dict[str, Any]:
    """Sums, total-over-total intensities and coverage (expected, reporting, missing) per group and period."""
    return aggregates_answer(session, scope, park, region, period, (level, by_industry) if by_industry else level,
                             industry=industry, deflators=deflators, override=override_deflators, base_year=base_year,
                             missing_limit=missing_limit)


@router.get("/progress", operation_id="get_progress", response_model=ScopedAnswer)
def get_progress(session: SessionDep, scope: RegionalDep, region: Region = None, park: ParkId = None,
                 year: LatestYear = None, profile: ProfileId = None, count: Counts = [],  # noqa: B006
                 deflators: TableId = None, override_deflators: bool = False,
                 panel: Literal["balanced", "all"] = "balanced",
                 series: bool = Query(False, description="every year from the base year, not only the two compared"),
                 ) -> dict[str, Any]:
    """Cumulative change since the base year, required and achieved pace, on track or not, the decline still
    needed per remaining year and the projected final-year value, with and without the profile's exclusions."""
    return progress_answer(session, scope, park, region, profile=profile, year=year, counts=count,
                           deflators=deflators, override=override_deflators, panel=panel, series=series)


@router.get("/decomposition", operation_id="get_decomposition", response_model=ScopedAnswer)
def get_decomposition(session: SessionDep, scope: RegionalDep, start: Period, end: Period,
                      by: Level = "division",
                      indicator: Indicator = "energy",
                      region: Region = None, park: ParkId = None, industry: Industry = None, deflators: TableId = None,
                      override_deflators: bool = False, zero: Literal["limit", "delta"] = "limit",
                      top: int = Query(50, ge=1, le=100_000, description="contributions listed, largest first"),
                      total: bool = Query(False, description="decompose the total (activity, structure, intensity"
                                          "[, fuel mix, emission factor]) instead of the intensity")) -> dict[str, Any]:
    """Additive and multiplicative LMDI-I of the change of an intensity (or a total), with each group's contribution."""
    return decomposition_answer(session, scope, park, region, start, end, by, top=top, indicator=indicator,
                                industry=industry, deflators=deflators, override=override_deflators, zero=zero,
                                total=total)


@router.get("/targets", operation_id="list_target_profiles", response_model=list[Public])
def list_profiles(_scope: ScopeDep) -> list[dict[str, Any]]:
    """The shipped target profiles, with their targets, exclusions and status marks."""
    return [load_profile(p.stem).model_dump(mode="json", by_alias=True) for p in shipped("targets")]
