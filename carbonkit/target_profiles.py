"""Target profiles: a region's targets for a period (base year, target year, each target's form, indicator,
value and status, and the exclusions a variant deducts), read from ``factors/targets/*.toml``, and the registry
of exclusion rules. :mod:`carbonkit.targets` measures progress against them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from carbonkit.designations import check_designation_link
from carbonkit.errors import FactorDataError
from carbonkit.factors.documents import Provenance, find_shipped, load_document, shipped
from carbonkit.target_forms import FORMS, INDICATOR_DEFS, period_decline
from carbonkit.vocabulary import vocabulary

Status = Literal["verified", "corroborated", "unconfirmed", "unverified"]


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")
    indicator: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")
    label: str = ""
    form: str = Field(min_length=1, max_length=64)  # a registered form (carbonkit.target_forms.FORMS) or "count"
    value: float | None = Field(default=None, gt=0, allow_inf_nan=False)  # None: not published (no verdict)
    status: Status
    note: str = ""
    year: int | None = Field(default=None, ge=1990, le=2100)  # annual_step: the year of the step (None: every year)
    designation: str | None = None  # count targets: the designation kind counted (factors/designations)
    levels: list[str] | None = Field(default=None, min_length=1)  # ... at these levels (None: any)

    @field_validator("form")
    @classmethod
    def _known_form(cls, form: str) -> str:
        if form != "count" and form not in FORMS:
            raise ValueError(f"form '{form}' is not one of count, {', '.join(FORMS)}")
        return form

    @model_validator(mode="after")
    def _check(self) -> Target:
        if self.form != "count":
            form = FORMS[self.form]
            if self.indicator not in INDICATOR_DEFS:
                raise ValueError(f"indicator '{self.indicator}' is not one of {', '.join(INDICATOR_DEFS)}")
            if form.totals != (INDICATOR_DEFS[self.indicator][1] is None):
                raise ValueError(f"form {self.form} does not apply to indicator {self.indicator}")
            problem = None if self.value is None else form.check(self.value)
            if problem:
                raise ValueError(problem)
            if self.designation is not None or self.levels is not None:
                raise ValueError("designation and levels are for count targets only")
        elif self.value is None or self.value != int(self.value):
            raise ValueError("a count target is a whole number (and needs its value)")
        if self.year is not None and self.form != "annual_step":
            raise ValueError("year is for annual_step targets only")
        if self.designation is not None or self.levels is not None:
            check_designation_link(self.designation, self.levels)
        return self


ExclusionRule = Callable[[npt.NDArray[np.float64], int], npt.NDArray[np.float64]]
EXCLUSION_RULES: dict[str, ExclusionRule] = {}


def register_exclusion_rule(name: str) -> Callable[[ExclusionRule], ExclusionRule]:
    """Decorator: register ``fn(x, base_row) -> deducted`` as the exclusion rule ``name``.

    Parameters
    ----------
    name : str
        The name an exclusion gives in ``rule``.

    Returns
    -------
    callable
        The decorator; it returns the function unchanged. The function takes the excluded quantity per
        year ``x`` (in the numerator's unit, e.g. [tce]) and the row of the base year, and gives the amount
        deducted from the numerator per year (same unit).
    """
    def wrap(fn: ExclusionRule) -> ExclusionRule:
        EXCLUSION_RULES[name] = fn
        return fn
    return wrap


@register_exclusion_rule("deduct")
def deduct(x: npt.NDArray[np.float64], base_row: int) -> npt.NDArray[np.float64]:
    """Deduct x_t in every year t (raw-material energy) [numerator's unit].

    Parameters
    ----------
    x : ndarray of float
        The excluded quantity per year in the numerator's unit ([tce], [tCO2] or [m3]).
    base_row : int
        The row of the base year (not used).

    Returns
    -------
    ndarray of float
        The amount deducted per year, in the numerator's unit ([tce], [tCO2] or [m3]).
    """
    return x


@register_exclusion_rule("deduct_increase_over_base")
def deduct_increase_over_base(x: npt.NDArray[np.float64], base_row: int) -> npt.NDArray[np.float64]:
    """Deduct max(x_t − x_B, 0): the increase over the base year (new renewables) [numerator's unit].

    Parameters
    ----------
    x : ndarray of float
        The excluded quantity per year in the numerator's unit ([tce], [tCO2] or [m3]).
    base_row : int
        The row of the base year B in ``x``.

    Returns
    -------
    ndarray of float
        max(x_t - x_B, 0) per year, in the numerator's unit ([tce], [tCO2] or [m3]).
    """
    deducted: npt.NDArray[np.float64] = np.maximum(x - x[base_row], 0.0)
    return deducted


class Exclusion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")
    label: str = ""
    column: Literal["feedstock", "renewable_electricity"]
    rule: str  # a registered rule (EXCLUSION_RULES): deduct, deduct_increase_over_base
    applies_to: list[Literal["energy_intensity"]] = Field(min_length=1)
    source: str = Field(min_length=1)
    status: Status
    note: str = ""

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, rule: str) -> str:
        if rule not in EXCLUSION_RULES:
            raise ValueError(f"rule '{rule}' is not one of {', '.join(EXCLUSION_RULES)}")
        return rule


class TargetProfile(Provenance):
    """A region's targets for one plan period, with provenance (``factors/targets/<id>.toml``)."""

    kind: Literal["targets"]
    plan: str = ""
    base_year: int = Field(ge=1990, le=2100)
    target_year: int = Field(ge=1990, le=2100)
    scope: str = ""
    targets: list[Target] = Field(alias="target", min_length=1)
    exclusions: list[Exclusion] = Field(default=[], alias="exclusion")

    @model_validator(mode="after")
    def _check(self) -> TargetProfile:
        if self.target_year <= self.base_year:
            raise ValueError(f"target_year {self.target_year} is not after base_year {self.base_year}")
        if vocabulary().province_of(self.region) != self.region:
            raise ValueError(f"region '{self.region}' is not a province code of regions.csv (or CN)")
        for name, items in (("target", self.targets), ("exclusion", self.exclusions)):
            ids = [i.id for i in items]
            if len(ids) != len(set(ids)):
                raise ValueError(f"{name} ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
        self.check_years()
        return self

    def cumulative_decline(self, target: Target) -> float | None:
        """R over the whole period [1] of a decline target (None: not a period decline, or no value).

        Parameters
        ----------
        target : Target
            One of the profile's targets.

        Returns
        -------
        float or None
            R [-] as the target's form reads its value over T - B years
            (:func:`carbonkit.target_forms.period_decline`).
        """
        return period_decline(target.form, target.value, self.target_year - self.base_year)

    def check_years(self) -> None:
        """Refuse a target year outside the plan period.

        Raises
        ------
        ValueError
            For a target whose ``year`` [a] lies outside the plan period (B, T].
        """
        for t in self.targets:
            if t.year is not None and not self.base_year < t.year <= self.target_year:
                raise ValueError(f"target {t.id}: year {t.year} is outside {self.base_year + 1}-{self.target_year}")

    def public(self) -> dict[str, Any]:
        """The profile's public fields.

        Returns
        -------
        dict
            Id, title, source, edition, issuing body, publication date, region, plan, base and target year [a], scope.
        """
        return {"id": self.id, "title": self.title, "source": self.source, "edition": self.edition,
                "issuing_body": self.issuing_body, "published": str(self.published), "region": self.region,
                "plan": self.plan, "base_year": self.base_year, "target_year": self.target_year, "scope": self.scope}


def load_profile(source: str | Path | TargetProfile) -> TargetProfile:
    """A profile: a shipped id (``shandong-14fyp-2021-2025``) or the path of a TOML with the same schema.

    Parameters
    ----------
    source : str, Path or TargetProfile
        A shipped id, the path of a TOML file, or a profile (returned as it is).

    Returns
    -------
    TargetProfile

    Raises
    ------
    FactorDataError
        A file not found or not valid, naming every problem.
    """
    if isinstance(source, TargetProfile):
        return source
    path = Path(source)
    if isinstance(source, str) and path.suffix != ".toml" and len(path.parts) == 1:  # an id, not a path
        path = find_shipped("targets", source)
    return load_document(path, TargetProfile, kind="targets")


def profiles() -> list[TargetProfile]:
    """Every shipped profile.

    Returns
    -------
    list of TargetProfile
        Every profile in ``factors/targets/``, sorted by file name.
    """
    return [load_document(p, TargetProfile, kind="targets") for p in shipped("targets")]


def profile_for(region: str, year: int | None = None) -> TargetProfile:
    """The shipped profile of ``region``'s province whose period contains ``year`` (else the latest).

    Parameters
    ----------
    region : str
        An administrative code (its province is taken) or a province code.
    year : int, optional
        The year compared [a]; None: the profile with the latest target year.

    Returns
    -------
    TargetProfile

    Raises
    ------
    FactorDataError
        When no shipped profile is of that province.
    """
    province = vocabulary().province_of(region or "") or region
    found = [p for p in profiles() if p.region == province]
    if not found:
        known = ", ".join(f"{p.id} ({p.region})" for p in profiles()) or "none"
        raise FactorDataError(f"no shipped target profile for region {region} (known: {known}); give one with --targets")
    if year is None:
        return max(found, key=lambda p: p.target_year)
    inside = [p for p in found if p.base_year < year <= p.target_year]
    later = [p for p in found if p.target_year >= year]  # a base year, or a year before any period: the next one
    return max(inside, key=lambda p: p.target_year) if inside else min(later or found, key=lambda p: p.target_year)


def main_province(regions: Iterable[object]) -> str | None:
    """The province code most enterprises' regions fall in (None if no region is known).

    Parameters
    ----------
    regions : iterable
        Administrative codes of the enterprises (None where unknown).

    Returns
    -------
    str or None
        The 2-digit province code, never CN.
    """
    vocab = vocabulary()
    counts = pd.Series(regions).dropna().map(lambda r: vocab.province_of(str(r))).value_counts()
    counts = counts[[c not in (None, "CN") for c in counts.index]]
    return None if counts.empty else str(counts.index[0])
