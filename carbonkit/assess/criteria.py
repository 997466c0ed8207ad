"""Criteria sets for green factories and green industrial parks, as data (``factors/criteria/*.toml``).

A criteria set has veto gates, groups, indicators (quantitative, count or qualitative; direction; unit;
points; lead value 引领值 and base value 基准值; a status mark each), "choose n of m" sets, a scoring
method and a pass rule. Nothing of it is in Python: a provincial or industry variant is a file with the
same schema. ``extends`` names a shipped set whose gates, groups and indicators come first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from carbonkit.assess.methods import scoring_method
from carbonkit.errors import FactorDataError
from carbonkit.factors.documents import Provenance, find_shipped, load_document
from carbonkit.units import parse_unit

Status = Literal["verified", "corroborated", "unconfirmed", "unverified"]
FOLDER = "criteria"
DEFAULT = {"green_factory_criteria": "miit-green-factory-2025", "green_park_criteria": "miit-green-park-2016"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Gate(_Strict):
    id: str
    name_zh: str
    name_en: str
    status: Status
    note: str = ""


class Group(_Strict):
    id: str
    name_zh: str
    name_en: str


class Tier(_Strict):
    from_: float = Field(alias="from", ge=0)
    lead: float | None = None
    base: float | None = None


class Choose(_Strict):
    id: str
    n: int = Field(ge=1)
    status: Status
    note: str = ""


class Indicator(_Strict):
    id: str
    group: str
    name_zh: str
    name_en: str
    type: Literal["quantitative", "count", "qualitative"]
    direction: Literal["higher", "lower"] | None = None
    unit: str | None = None
    per_product: bool = False
    points: float = Field(gt=0)
    lead: float | None = None
    base: float | None = None
    tiers: list[Tier] = []
    tier_metric: str | None = None
    metric: str | None = None
    alternative_of: str | None = None
    mandatory: bool = False
    choose: str | None = None
    required: bool = True
    number: int | None = None
    status: Status
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if self.type == "qualitative":
            if self.direction or self.lead is not None or self.base is not None or self.tiers:
                raise ValueError("a qualitative indicator has no direction, lead, base or tiers")
            return self
        if self.direction is None or self.unit is None:
            raise ValueError("a quantitative or count indicator needs a direction and a unit")
        parse_unit(self.unit)
        if self.tiers and self.tier_metric is None:
            raise ValueError("tiers need a tier_metric")
        for lead, base in self._lead_base_pairs():
            self._check_direction(lead, base)
        return self

    def _lead_base_pairs(self) -> list[tuple[float | None, float | None]]:
        """(lead, base) of the indicator and of each tier (a tier's missing value is the indicator's)."""
        return [(self.lead, self.base)] + [(t.lead if t.lead is not None else self.lead,
                                            t.base if t.base is not None else self.base) for t in self.tiers]

    def _check_direction(self, lead: float | None, base: float | None) -> None:
        """A lead level on the wrong side of the base for the direction ("higher": lead > base) is refused."""
        if lead is None or base is None:
            return
        if (self.direction == "higher" and lead <= base) or (self.direction == "lower" and lead >= base):
            raise ValueError(f"lead {lead} and base {base} contradict direction '{self.direction}' "
                             f"({'lead must exceed base' if self.direction == 'higher' else 'lead must be below base'})")


class Scoring(_Strict):
    method: str  # a scoring method registered in carbonkit.assess.methods (linear, ratio_to_lead)
    status: Status
    note: str = ""

    @field_validator("method")
    @classmethod
    def _registered(cls, value: str) -> str:
        scoring_method(value)  # refuses a name that is not registered, naming those that are
        return value


class PassRule(_Strict):
    min_total: float | None = Field(None, ge=0)
    # what a mandatory indicator must do besides being given: nothing more ("assessed"), be met if it is
    # qualitative ("qualitative_met"), or reach its lead value ("reach_lead")
    mandatory: Literal["assessed", "qualitative_met", "reach_lead"] = "assessed"
    status: Status
    note: str = ""


class Criteria(Provenance):
    """One criteria set, validated: ids unique, groups and choose sets known, alternatives resolvable."""

    model_config = _Strict.model_config
    kind: Literal["green_factory_criteria", "green_park_criteria"]
    extends: str | None = None
    scoring: Scoring | None = None
    pass_rule: PassRule | None = None
    gate: list[Gate] = []
    group: list[Group] = []
    choose: list[Choose] = []
    indicator: list[Indicator] = []
    path: str | None = None

    @model_validator(mode="after")
    def _references(self) -> Criteria:
        if self.extends is None:
            _check_references(self)
        return self

    @property
    def indicators(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.indicator}

    def provenance(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "source": self.source, "edition": self.edition,
                "issuing_body": self.issuing_body, "published": self.published, "path": self.path}


def _repeated_ids(c: Criteria) -> list[str]:
    """A problem per kind of entry (gate, group, choose, indicator) whose ids repeat."""
    problems = []
    for name, items in (("gate", c.gate), ("group", c.group), ("choose", c.choose), ("indicator", c.indicator)):
        ids = [x.id for x in items]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            problems.append(f"{name} ids repeat: {', '.join(dup)}")
    return problems


def _dangling_references(c: Criteria) -> list[str]:
    """A problem per indicator naming a group, a choose set or an alternative that is not defined."""
    problems = []
    groups = {g.id for g in c.group}
    chooses = {ch.id for ch in c.choose}
    inds = c.indicators
    for ind in c.indicator:
        if ind.group not in groups:
            problems.append(f"indicator {ind.id}: group '{ind.group}' is not defined")
        if ind.choose is not None and ind.choose not in chooses:
            problems.append(f"indicator {ind.id}: choose set '{ind.choose}' is not defined")
        if ind.alternative_of is not None and ind.alternative_of not in inds:
            problems.append(f"indicator {ind.id}: alternative_of '{ind.alternative_of}' is not an indicator")
    return problems


def _short_choose_sets(c: Criteria) -> list[str]:
    """A problem per choose set with fewer member indicators than the n it asks for."""
    problems = []
    for ch in c.choose:
        members = [i for i in c.indicator if i.choose == ch.id]
        if len(members) < ch.n:
            problems.append(f"choose set {ch.id}: n = {ch.n} but only {len(members)} indicators belong to it")
    return problems


def _check_references(c: Criteria) -> None:
    problems = []
    if c.scoring is None or c.pass_rule is None:
        problems.append("scoring and pass_rule are required (or extend a set that has them)")
    problems += _repeated_ids(c) + _dangling_references(c) + _short_choose_sets(c)
    if problems:
        raise ValueError("; ".join(problems))


def load_criteria(source: str | Path | None = None, kind: str | None = None) -> Criteria:
    """A criteria set: a shipped id (``miit-green-park-2016``), a path to a TOML file, or the default of ``kind``
    (the factory set if neither is given). With ``kind``, a set of another kind is refused; without it, the
    file's own ``kind`` stands.

    Raises :class:`FactorDataError` naming the file and every problem in it.

    Parameters
    ----------
    source : str or Path, optional
        A shipped id or a TOML path.
    kind : str, optional
        ``green_factory_criteria`` or ``green_park_criteria``.

    Returns
    -------
    Criteria
    """
    if source is None:
        source = DEFAULT[kind or "green_factory_criteria"]
    path = Path(source)
    if not (path.suffix == ".toml" and path.is_file()):
        if path.suffix == ".toml" or len(path.parts) > 1:
            raise FactorDataError(f"{path}: criteria file not found")
        path = find_shipped(FOLDER, str(source))
    crit = load_document(path, Criteria)
    if kind is not None and crit.kind != kind:
        raise FactorDataError(f"{path}: a {crit.kind.replace('_', ' ')} set, where a {kind.replace('_', ' ')} set was expected")
    if crit.extends:
        base = load_criteria(crit.extends, crit.kind)
        merged = base.model_dump(by_alias=True, exclude={"path"})
        merged.update({k: v for k, v in crit.model_dump(by_alias=True, exclude={"path"}).items()
                       if k not in ("gate", "group", "choose", "indicator") and v not in (None, [], "")})
        for key in ("gate", "group", "choose", "indicator"):
            merged[key] = merged[key] + crit.model_dump(by_alias=True)[key]
        merged["extends"] = None
        try:
            crit = Criteria.model_validate(merged)
        except ValueError as exc:
            raise FactorDataError(f"{path} (extending {base.id}): {exc}") from None
    return crit.model_copy(update={"path": str(path)})
