"""The data of the low-efficiency capacity screen: benefit standards, technical standards and the map from
GB/T 4754 industry codes to the screened industries, each a TOML document under ``factors/benefit/``.

Shipped documents are chosen by id; a user's document with the same schema is passed by path. Every
document carries its provenance and a status per value; the models below check the content (known
quantities and equipment, units that convert, no duplicates) and :func:`load_screen_data` checks that the
three documents agree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from carbonkit.benefit.quantities import Quantity, ratio_factor
from carbonkit.errors import FactorDataError, UnitMismatch
from carbonkit.factors.documents import Provenance, find_shipped, load_document
from carbonkit.units import multiplier

FOLDER = "benefit"
DEFAULT_BENEFIT = "sd-14fyp-benefit-standards"
DEFAULT_TECHNICAL = "sd-14fyp-technical-standards"
DEFAULT_INDUSTRIES = "sd-14fyp-industries"
Status = Literal["verified", "corroborated", "unconfirmed", "unverified"]
Level = Literal["national", "provincial"]
_ID = r"^[a-z][a-z0-9_.]*$"


def _unique(values: list[str], what: str) -> None:
    seen = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what} '{v}' appears twice")
        seen.add(v)


def _unit(value: str | None) -> str | None:
    if value is not None:
        try:
            multiplier(value, value)
        except UnitMismatch as exc:
            raise ValueError(exc.problems[0].message) from None
    return value


# --------------------------------------------------------------------------- benefit standards

class BenefitIndicator(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    name_zh: str
    name_en: str
    numerator: Quantity
    denominator: Quantity
    unit: str
    pass_when: Literal["ge", "gt"] = Field(description="ge: value ≥ standard meets it; gt: value > standard")
    status: Status = "verified"
    note: str = ""
    factor: float = Field(1.0, exclude=True)  # numerator/denominator -> unit; set on validation

    @model_validator(mode="after")
    def _factor(self) -> BenefitIndicator:
        try:
            self.factor = ratio_factor(self.numerator, self.denominator, self.unit)
        except UnitMismatch as exc:
            raise ValueError(f"unit '{self.unit}': {exc.problems[0].message}") from None
        return self


class BenefitStandard(BaseModel):
    model_config = ConfigDict(extra="forbid")
    industry: str
    indicator: str
    value: float = Field(gt=0, allow_inf_nan=False)
    printed: str = Field(min_length=1, description="the value as printed in the source")
    status: Status
    as_printed: bool = Field(False, description="kept exactly as printed although it looks wrong")
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.industry}.{self.indicator}"


class EnergyLimit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    industry: str
    standards: list[str]


class BenefitStandards(Provenance):
    """Minimum benefit per industry: tax per mu, tax per tce, revenue per employee ..."""

    kind: Literal["benefit_standards"]
    level: Level
    indicator: list[BenefitIndicator] = Field(min_length=1)
    standard: list[BenefitStandard] = Field(min_length=1)
    energy_limit: list[EnergyLimit] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> BenefitStandards:
        _unique([i.id for i in self.indicator], "indicator")
        _unique([s.id for s in self.standard], "standard")
        known = {i.id for i in self.indicator}
        for s in self.standard:
            if s.indicator not in known:
                raise ValueError(f"standard {s.id}: indicator '{s.indicator}' is not defined")
        return self

    @property
    def industries(self) -> set[str]:
        return {s.industry for s in self.standard}


# --------------------------------------------------------------------------- technical standards

class Equipment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    name_zh: str
    size: str | None = None
    unit: str | None = None

    @field_validator("unit")
    @classmethod
    def _check_unit(cls, value: str | None) -> str | None:
        return _unit(value)


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    name_zh: str


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    industry: str
    level: Level
    check: Literal["unit_size", "total_size", "process", "fact"]
    equipment: list[str] = Field(default_factory=list)
    fails_when: Literal["le", "lt"] | None = None
    limit: float | None = Field(None, ge=0, allow_inf_nan=False)
    unit: str | None = None
    fact: str | None = None
    fact_fails_when: bool | None = None
    unless: list[str] = Field(default_factory=list)
    text: str = Field(min_length=1)
    status: Status
    note: str = ""

    @field_validator("unit")
    @classmethod
    def _check_unit(cls, value: str | None) -> str | None:
        return _unit(value)

    @model_validator(mode="after")
    def _shape(self) -> Rule:
        sized = self.check in ("unit_size", "total_size")
        if sized and (self.fails_when is None or self.limit is None or self.unit is None or not self.equipment):
            raise ValueError(f"rule {self.id}: a {self.check} rule needs equipment, fails_when, limit and unit")
        if self.check == "process" and not self.equipment:
            raise ValueError(f"rule {self.id}: a process rule needs equipment")
        if self.check == "fact" and (self.fact is None or self.fact_fails_when is None):
            raise ValueError(f"rule {self.id}: a fact rule needs fact and fact_fails_when")
        return self


class TechnicalStandards(Provenance):
    """Capacity to be phased out: unit sizes, enterprise totals, process blacklists and declared facts."""

    kind: Literal["technical_standards"]
    equipment: list[Equipment]
    fact: list[Fact] = Field(default_factory=list)
    rule: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> TechnicalStandards:
        _unique([e.id for e in self.equipment], "equipment")
        _unique([f.id for f in self.fact], "fact")
        _unique([r.id for r in self.rule], "rule")
        equipment = {e.id: e for e in self.equipment}
        facts = {f.id for f in self.fact}
        for r in self.rule:
            for t in r.equipment:
                if t not in equipment:
                    raise ValueError(f"rule {r.id}: equipment '{t}' is not defined")
                if r.unit is not None:
                    if equipment[t].unit is None:
                        raise ValueError(f"rule {r.id}: equipment '{t}' has no size unit")
                    try:
                        multiplier(r.unit, equipment[t].unit)
                    except UnitMismatch as exc:
                        raise ValueError(f"rule {r.id}: {exc.problems[0].message}") from None
            for f in [*r.unless, *([r.fact] if r.fact else [])]:
                if f not in facts:
                    raise ValueError(f"rule {r.id}: fact '{f}' is not defined")
        return self

    def equipment_of(self, type_id: str) -> Equipment | None:
        return next((e for e in self.equipment if e.id == type_id), None)


# --------------------------------------------------------------------------- industries

class Industry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    name_zh: str
    name_en: str
    codes: list[str] = Field(min_length=1)
    status: Status
    note: str = ""

    @field_validator("codes")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not code[:1].isalpha() or not code[1:].isdigit() or not 2 <= len(code[1:]) <= 4:
                raise ValueError(f"'{code}' is not a GB/T 4754 code like C3011")
        return codes


class IndustryMap(Provenance):
    """The screened industries and the GB/T 4754 codes that belong to each."""

    kind: Literal["industry_map"]
    industry: list[Industry] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> IndustryMap:
        _unique([i.id for i in self.industry], "industry")
        _unique([c[1:] for i in self.industry for c in i.codes], "industry code")
        return self

    def by_id(self, industry_id: str) -> Industry | None:
        return next((i for i in self.industry if i.id == industry_id), None)

    def match(self, code: str | None) -> tuple[str | None, str]:
        """The screened industry of a GB/T 4754 code (``C3011``, ``3011``, ``C30111``) and a reason."""
        if code is None or not str(code).strip():
            return None, "no industry code given"
        digits = "".join(ch for ch in str(code) if ch.isdigit())
        for ind in self.industry:
            if any(digits.startswith(c[1:]) for c in ind.codes):
                return ind.id, f"industry code {code} is in {ind.name_zh} ({', '.join(ind.codes)})"
        coarse = [ind.id for ind in self.industry if any(c[1:].startswith(digits) for c in ind.codes)] if digits else []
        if coarse:
            return None, (f"industry code {code} is coarser than the classes of {', '.join(coarse)}; give the "
                          "4-digit class or benefit.screen_industry")
        return None, f"industry code {code} is not one of the screened industries"


# --------------------------------------------------------------------------- loading

def document_path(ref: str | Path | None, default: str) -> Path:
    """A shipped document's path by id, or the path of a user's file.

    Parameters
    ----------
    ref : str or Path, optional
        A shipped id or a TOML path.
    default : str
        The shipped id taken for None.

    Returns
    -------
    Path
    """
    ref = default if ref is None else ref
    if isinstance(ref, Path) or str(ref).endswith(".toml") or "/" in str(ref) or "\\" in str(ref):
        return Path(ref)
    return find_shipped(FOLDER, str(ref))


@dataclass(frozen=True)
class ScreenData:
    """The three documents one screen uses."""

    benefit: BenefitStandards
    technical: TechnicalStandards
    industries: IndustryMap

    @property
    def ids(self) -> dict[str, str]:
        return {"benefit": self.benefit.id, "technical": self.technical.id, "industries": self.industries.id}


def load_screen_data(benefit: str | Path | None = None, technical: str | Path | None = None,
                     industries: str | Path | None = None) -> ScreenData:
    """Load (shipped ids or paths) and cross-check the screen's documents. Raises :class:`FactorDataError`.

    Parameters
    ----------
    benefit, technical, industries : str or Path, optional
        The benefit standards, the technical standards and the industry map (shipped ids or TOML paths).

    Returns
    -------
    ScreenData
    """
    data = ScreenData(
        benefit=load_document(document_path(benefit, DEFAULT_BENEFIT), BenefitStandards, kind="benefit_standards"),
        technical=load_document(document_path(technical, DEFAULT_TECHNICAL), TechnicalStandards,
                                kind="technical_standards"),
        industries=load_document(document_path(industries, DEFAULT_INDUSTRIES), IndustryMap, kind="industry_map"),
    )
    known = {i.id for i in data.industries.industry}
    used = data.benefit.industries | {r.industry for r in data.technical.rule} | \
        {e.industry for e in data.benefit.energy_limit}
    unknown = sorted(used - known)
    if unknown:
        raise FactorDataError(f"industries {', '.join(unknown)} of {data.benefit.id} / {data.technical.id} are not in "
                              f"the industry map {data.industries.id}")
    return data
