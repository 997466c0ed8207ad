"""The regional answers (aggregates, target progress, LMDI decomposition, the region report): what the stored
results of a region or park, read by :mod:`api.store_results`, hand to the core.

Profiles and deflator tables are chosen by shipped id, never by path. The scope rules are the key's
:class:`api.access.Scope`: the province sees every enterprise, a park key the enterprises of its own parks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from fastapi import HTTPException, status

import pandas as pd
from sqlmodel import Session

from api.access import Scope
from api.store_designations import load_designations
from api.store_results import annual_periods, load_register, load_results
from carbonkit.aggregation import aggregate
from carbonkit.budgets import budget_use
from carbonkit.decomposition import decompose
from carbonkit.deflators import shipped_deflators
from carbonkit.errors import InvalidInput, Problem
from carbonkit.messages import status_text, translate
from carbonkit.targets import progress
from carbonkit.target_profiles import TargetProfile, load_profile, main_province, profile_for
from carbonkit.vocabulary import vocabulary


@dataclass(frozen=True)
class Where:
    """The enterprises a regional read covers: ``parks`` (None: every park) and ``region`` (a code prefix)."""

    parks: list[str] | None
    region: str | None

    @classmethod
    def of(cls, scope: Scope, park: str | None, region: str | None) -> Where:
        """The parks a key may read (404 for a park it may not), with the region asked for."""
        return cls(scope.parks_for(park), region)

    def body(self, scope: Scope) -> dict[str, Any]:
        """The ``scope`` object of an answer."""
        return {"role": scope.role, "parks": self.parks, "region": self.region}

    @property
    def core_region(self) -> str | None:
        """The region the core reports on: the one asked for, or the province's when no park narrows it (None)."""
        return self.region if (self.region or not self.parks) else None


def deflator_table(table: str | None) -> str | None:
    """A shipped deflator table id (422 for another)."""
    if table is not None and table not in shipped_deflators():
        raise InvalidInput(Problem("deflators_unknown", f"no shipped deflator table '{table}'", field="deflators",
                                   expected=", ".join(shipped_deflators()) or "none"))
    return table


def parse_counts(items: list[str]) -> dict[str, int]:
    """Counts for count targets, ``indicator:N`` (or ``indicator=N``) each; every malformed one listed (422)."""
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


def check_periods(periods: list[str]) -> None:
    """Every period ``YYYY`` or ``YYYY-MM`` (422 listing the others)."""
    bad = [p for p in periods if not _period_ok(p)]
    if bad:
        raise InvalidInput([Problem("period_invalid", f"period '{p}' is not 'YYYY' or 'YYYY-MM'", field="period") for p in bad])


def _period_ok(p: str) -> bool:
    return len(p) in (4, 7) and p[:4].isdigit() and (len(p) == 4 or (p[4] == "-" and p[5:].isdigit()))


def profile_and_year(session: Session, where: Where, register: pd.DataFrame, profile: str | None,
                     year: int | None) -> tuple[TargetProfile, int]:
    """The target profile asked for (else the region's province's) and the year (else the latest annual period)."""
    chosen = load_profile(profile) if profile else None
    latest = year
    if year is None:
        years = annual_periods(session, where.parks, where.region)
        latest = int(years[-1]) if years else None
    if chosen is None:
        province = vocabulary().province_of(where.region) if where.region else main_province(register["region"])
        if province is None:
            raise InvalidInput(Problem("profile_missing", "give a profile or a region", field="profile"))
        chosen = profile_for(province, latest)  # the period the latest year falls in
    return chosen, latest if latest is not None else chosen.base_year


def with_chinese(body: dict[str, Any]) -> dict[str, Any]:
    """Each progress line's status mark and reason also in Chinese (:mod:`carbonkit.messages`), for the
    bilingual dashboard: ``status_zh`` and ``reason_zh`` beside ``status`` and ``reason``."""
    for line in body.get("indicators", []):
        line["status_zh"] = status_text(line.get("status"), "zh")
        line["reason_zh"] = translate(line.get("reason"), "zh") if line.get("reason") else ""
    return body


@dataclass(frozen=True)
class ProgressInputs:
    """What progress and the region report read: the profile, the year, the register, the results and the
    designations in scope."""

    profile: TargetProfile
    year: int
    register: pd.DataFrame
    frame: pd.DataFrame
    designations: pd.DataFrame | None


def progress_inputs(session: Session, where: Where, profile: str | None, year: int | None,
                    series: bool = True) -> ProgressInputs:
    """The stored results from the profile's base year to ``year`` (``series``; else the two years compared)."""
    register = load_register(session, where.parks, where.region)
    chosen, year = profile_and_year(session, where, register, profile, year)
    wanted = range(chosen.base_year, year + 1) if series else (chosen.base_year, year)
    frame = load_results(session, where.parks, where.region, [str(y) for y in wanted], register)
    return ProgressInputs(chosen, year, register, frame, load_designations(session, where.parks, where.region))


def progress_answer(session: Session, scope: Scope, park: str | None, region: str | None, *, profile: str | None, year: int | None,
                    counts: list[str], deflators: str | None, override: bool, panel: Literal["balanced", "all"],
                    series: bool) -> dict[str, Any]:
    """Target progress of the scope (:func:`carbonkit.targets.progress`), with Chinese status marks."""
    where = Where.of(scope, park, region)
    parsed = parse_counts(counts)
    data = progress_inputs(session, where, profile, year, series)
    answer = progress(data.frame, data.profile, data.year, region=where.core_region, park=where.parks,
                      register=data.register, counts=parsed, deflators=deflator_table(deflators), override=override,
                      panel=panel, designations=data.designations)
    return with_chinese({"scope": where.body(scope), **answer.to_dict()})


def aggregates_answer(session: Session, scope: Scope, park: str | None, region: str | None, periods: list[str],
                      by: Any, *, industry: str | None, deflators: str | None, override: bool, base_year: int | None,
                      missing_limit: int) -> dict[str, Any]:
    """Sums, intensities and coverage per group and period (:func:`carbonkit.aggregation.aggregate`)."""
    check_periods(periods)
    where = Where.of(scope, park, region)
    register = load_register(session, where.parks, where.region)
    frame = load_results(session, where.parks, where.region, periods, register)
    answer = aggregate(frame, by, periods=periods, register=register, deflators=deflator_table(deflators),
                       base_year=base_year, override=override, industry=industry)
    return {"scope": where.body(scope), **answer.to_dict(missing_limit)}


def decomposition_answer(session: Session, scope: Scope, park: str | None, region: str | None, start: str, end: str, by: str, *,
                         top: int, **options: Any) -> dict[str, Any]:
    """LMDI-I of the change from ``start`` to ``end`` (:func:`carbonkit.decomposition.decompose`); ``options``:
    indicator, industry, deflators, override, zero, total."""
    where = Where.of(scope, park, region)
    register = load_register(session, where.parks, where.region)
    frame = load_results(session, where.parks, where.region, [start, end], register)
    options["deflators"] = deflator_table(options.get("deflators"))
    answer = decompose(frame, start, end, by, base_year=int(start[:4]), **options)
    return {"scope": where.body(scope), **answer.to_dict(top)}


def budgets_answer(session: Session, scope: Scope, year: int | None, budgets: list[dict[str, Any]]) -> dict[str, Any]:
    """Carbon budget use (:func:`carbonkit.budgets.budget_use`) of region and park ``budgets`` (rows of scope, kind,
    start_year, end_year, budget_tco2, source) up to ``year`` (default: the latest annual period). A park key gives
    budgets of its own parks only (404 for another, 403 for a region budget)."""
    if not scope.is_province:
        if any(b["kind"] == "region" for b in budgets):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "region budgets need a province key")
        for b in budgets:
            scope.parks_for(b["scope"])  # 404 for a park that is not the key's
    where = Where.of(scope, None, None)
    register = load_register(session, where.parks, None)
    last = year or max([int(p) for p in annual_periods(session, where.parks, None)] or [max(b["end_year"] for b in budgets)])
    first = min(b["start_year"] for b in budgets)
    frame = load_results(session, where.parks, None, [str(y) for y in range(first, last + 1)], register)
    answer = budget_use(frame, pd.DataFrame(budgets), last)
    return {"scope": {"role": scope.role, "parks": where.parks}, **answer.to_dict()}
