"""Zero-carbon park (零碳园区) assessment against an indicator set kept as data
(``factors/criteria/zero-carbon/*.toml``, kind ``zero_carbon_park_criteria``).

The core indicator, CO2 per unit of energy consumption, is computed from the park's enterprises' accounting
results for the year (totals, then the ratio):

    co2_per_energy      = Σ CO2_market / Σ E_equivalent          [tCO2/tce]   (location-based shown beside)
    energy_tce          = Σ E_equivalent                          [tce]        (selects the threshold tier)
    clean_energy_share  = Σ renewable electricity (equivalent) / Σ E_equivalent   [1]
    water_reuse_rate    = Σ recycled / (Σ recycled + Σ withdrawal)               [1]

and compared with the threshold of the tier the park's energy falls in; the gap is value − threshold for
a "lower" indicator (positive: above the threshold by that much) and threshold − value for a "higher" one.
A value the park states (``values``) wins over a computed one. A tier or threshold not published leaves
the indicator without a verdict, never with an invented one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from carbonkit.assess import Supplied
from carbonkit.errors import InvalidInput, Problem, UnitMismatch
from carbonkit.factors.documents import Provenance, find_shipped, load_document, shipped
from carbonkit.intensity import finite
from carbonkit.units import multiplier, parse_unit

FOLDER = "criteria/zero-carbon"
DEFAULT = "ndrc-zero-carbon-park-2025"
Status = Literal["verified", "corroborated", "unconfirmed", "unverified"]
# metric -> canonical unit
UNITS = {"co2_per_energy": "tCO2/tce", "co2_location_per_energy": "tCO2/tce", "energy_tce": "tce",
         "clean_energy_share": "dimensionless", "water_reuse_rate": "dimensionless"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Tier(_Strict):
    from_: float = Field(alias="from", ge=0)
    to: float | None = Field(default=None, gt=0)
    threshold: float | None = None
    status: Status
    note: str = ""


class ZeroCarbonIndicator(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    role: Literal["core", "guiding"]
    name_zh: str
    name_en: str
    type: Literal["quantitative", "qualitative"]
    direction: Literal["higher", "lower"] | None = None
    unit: str | None = None
    metric: str | None = None
    threshold: float | None = None
    tier_metric: str | None = None
    tiers: list[Tier] = Field(default=[], alias="tier")
    status: Status
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> ZeroCarbonIndicator:
        if self.type == "qualitative":
            if self.direction or self.unit or self.threshold is not None or self.tiers:
                raise ValueError(f"{self.id}: a qualitative indicator has no direction, unit, threshold or tiers")
            return self
        if self.direction is None or self.unit is None:
            raise ValueError(f"{self.id}: a quantitative indicator needs a direction and a unit")
        parse_unit(self.unit)
        if self.tiers and self.tier_metric not in UNITS:
            raise ValueError(f"{self.id}: tiers need a tier_metric of {', '.join(UNITS)}")
        if self.metric is not None and self.metric not in UNITS:
            raise ValueError(f"{self.id}: metric '{self.metric}' is not one of {', '.join(UNITS)}")
        return self


class ZeroCarbonCriteria(Provenance):
    """One zero-carbon park indicator set, with provenance."""

    kind: Literal["zero_carbon_park_criteria"]
    indicators: list[ZeroCarbonIndicator] = Field(alias="indicator", min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ZeroCarbonCriteria:
        ids = [i.id for i in self.indicators]
        if len(ids) != len(set(ids)):
            raise ValueError(f"indicator ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
        return self


def load_zero_carbon_criteria(source: str | Path | ZeroCarbonCriteria | None = None) -> ZeroCarbonCriteria:
    """A shipped set by id (default ``ndrc-zero-carbon-park-2025``) or the path of a TOML with the same schema.

    Parameters
    ----------
    source : str, Path or ZeroCarbonCriteria, optional
        A shipped id or a TOML path.

    Returns
    -------
    ZeroCarbonCriteria
    """
    if isinstance(source, ZeroCarbonCriteria):
        return source
    path = Path(source or DEFAULT)
    if path.suffix != ".toml" and len(path.parts) == 1:
        path = find_shipped(FOLDER, str(source or DEFAULT))
    return load_document(path, ZeroCarbonCriteria, kind="zero_carbon_park_criteria")


def shipped_zero_carbon() -> list[str]:
    """The ids of the shipped zero-carbon park sets.

    Returns
    -------
    list of str
    """
    return [p.stem for p in shipped(FOLDER)]


class ZeroCarbonStatements(BaseModel):
    """What the park states: indicator values (a number in the indicator's unit, ``{value, unit}``, or true/false)."""

    model_config = ConfigDict(extra="forbid")
    values: dict[str, bool | float | Supplied] = Field(default_factory=dict, max_length=50)


def _total(frame: pd.DataFrame, col: str) -> float | None:
    if col not in frame.columns or frame[col].isna().all():
        return None
    return float(pd.to_numeric(frame[col], errors="coerce").fillna(0.0).sum())


def _ratio(a: object, b: object) -> float | None:
    x, y = finite(a), finite(b)
    return None if x is None or y is None or y <= 0 else x / y


def zero_carbon_metrics(year_frame: pd.DataFrame) -> dict[str, float]:
    """The module docstring's metrics from the park's enterprises' summaries of one year [canonical units].

    Parameters
    ----------
    year_frame : DataFrame
        The park's enterprises' summary rows of one year.

    Returns
    -------
    dict of str to float
        energy_tce [tce], co2_per_energy [tCO2/tce] (market-based), co2_location_per_energy [tCO2/tce],
        clean_energy_share [-], water_reuse_rate [-]: those that can be formed.
    """
    energy = _total(year_frame, "energy_equivalent_tce")
    recycled, withdrawal = _total(year_frame, "recycled_water_m3"), _total(year_frame, "water_withdrawal_m3")
    out: dict[str, float | None] = {
           "energy_tce": energy,
           "co2_per_energy": _ratio(_total(year_frame, "co2_market_tco2"), energy),
           "co2_location_per_energy": _ratio(_total(year_frame, "co2_location_tco2"), energy),
           "clean_energy_share": _ratio(_total(year_frame, "renewable_electricity_equivalent_tce"), energy),
           "water_reuse_rate": _ratio(recycled, (recycled or 0) + (withdrawal or 0)) if recycled else None}
    return {k: v for k, v in out.items() if v is not None}


@dataclass
class ZeroCarbonAssessment:
    """Each indicator's value, threshold, gap and verdict; the core verdict; what the numbers rest on."""

    criteria: ZeroCarbonCriteria
    park: str | None
    year: int | None
    indicators: list[dict[str, Any]]
    metrics: dict[str, float]
    n_enterprises: int
    notes: list[str] = field(default_factory=list)

    @property
    def core_met(self) -> bool | None:
        core = [i["met"] for i in self.indicators if i["role"] == "core"]
        return None if not core or any(m is None for m in core) else all(core)

    @property
    def unverified(self) -> list[str]:
        return [i["id"] for i in self.indicators if i["status"] == "unverified"]

    def to_dict(self) -> dict[str, Any]:
        """The assessment as plain data."""
        c = self.criteria
        return {"criteria": {"id": c.id, "title": c.title, "source": c.source, "edition": c.edition,
                             "issuing_body": c.issuing_body, "published": str(c.published)},
                "park": self.park, "year": self.year, "n_enterprises": self.n_enterprises,
                "core_met": self.core_met, "indicators": self.indicators, "metrics": self.metrics,
                "unverified": self.unverified, "notes": self.notes}


def _tier(ind: ZeroCarbonIndicator, metrics: Mapping[str, float]) -> tuple[Tier | None, str | None]:
    if not ind.tiers:
        return None, None
    assert ind.tier_metric is not None  # the indicator checks that tiers have a tier_metric
    x = metrics.get(ind.tier_metric)
    if x is None:
        return None, f"{ind.tier_metric} not known: no tier"
    for t in ind.tiers:
        if x >= t.from_ and (t.to is None or x < t.to):
            return t, None
    return None, f"no published threshold for {ind.tier_metric} = {x:,.0f} {UNITS[ind.tier_metric]}"


def _stated(ind: ZeroCarbonIndicator, given: bool | float | Supplied) -> float | bool:
    if isinstance(given, bool) != (ind.type == "qualitative"):
        raise InvalidInput(Problem("value_invalid", f"{ind.id}: expected {'true or false' if ind.type == 'qualitative' else 'a number'}",
                                   field=f"values.{ind.id}"))
    if isinstance(given, Supplied):
        try:
            value: float = given.value * multiplier(given.unit, cast(str, ind.unit))
        except UnitMismatch as exc:
            raise InvalidInput(Problem("unit_mismatch", f"{ind.id}: {exc}", field=f"values.{ind.id}",
                                       expected=ind.unit)) from None
        return value
    return given


def indicator_result(ind: ZeroCarbonIndicator, metrics: Mapping[str, float],
                     values: Mapping[str, bool | float | Supplied]) -> dict[str, Any]:
    """One indicator: value (stated, else computed), threshold (of its tier), gap and verdict.

    Parameters
    ----------
    ind : ZeroCarbonIndicator
        The indicator: unit, direction, threshold or tiers.
    metrics : mapping of str to float
        The park's metrics in their canonical units (:data:`UNITS`): [tCO2/tce], [tce], shares [-].
    values : mapping
        The park's stated values by indicator id (in the indicator's unit, ``{value, unit}``, or true/false).

    Returns
    -------
    dict
        Value and threshold [indicator's unit], gap [indicator's unit; <= 0 met], met, status and reason.
    """
    out: dict[str, Any] = {"id": ind.id, "role": ind.role, "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
           "direction": ind.direction, "value": None, "source": None, "threshold": ind.threshold, "tier": None,
           "gap": None, "met": None, "status": ind.status, "note": ind.note, "reason": None}
    if ind.id in values:
        out["value"], out["source"] = _stated(ind, values[ind.id]), "stated"
    elif ind.metric is not None and ind.metric in metrics:
        out["value"], out["source"] = metrics[ind.metric] * multiplier(UNITS[ind.metric], cast(str, ind.unit)), "computed"
    tier, why = _tier(ind, metrics)
    if tier is not None:
        out.update(threshold=tier.threshold, tier={"from": tier.from_, "to": tier.to, "note": tier.note})
        out["status"] = min((ind.status, tier.status), key=("unverified", "unconfirmed", "corroborated",
                                                            "verified").index)
    elif ind.tiers:
        out["threshold"], out["reason"] = None, why
    v, th = out["value"], out["threshold"]
    if v is None:
        out["reason"] = out["reason"] or "no value: state it (values) or report the accounting it rests on"
    elif ind.type == "qualitative":
        out["met"] = bool(v)
    elif th is not None:
        out["gap"] = v - th if ind.direction == "lower" else th - v
        out["met"] = bool(out["gap"] <= 1e-12 * max(abs(th), 1.0))
    return out


def assess_zero_carbon_park(summaries: pd.DataFrame, statements: ZeroCarbonStatements | dict[str, Any] | None = None,
                            criteria: str | Path | ZeroCarbonCriteria | None = None, *, park: str | None = None,
                            year: int | None = None) -> ZeroCarbonAssessment:
    """Assess a park from its enterprises' summaries of one year (one row each) and its statements.

    Parameters
    ----------
    summaries : DataFrame
        The park's enterprises' summary rows of one year.
    statements : ZeroCarbonStatements or dict, optional
        Stated values (in each indicator's unit, ``{value, unit}``, or true/false).
    criteria : str, Path or ZeroCarbonCriteria, optional
        The indicator set (the shipped default if None).
    park : str, optional
        The park's id.
    year : int, optional
        The year [a].

    Returns
    -------
    ZeroCarbonAssessment
    """
    crit = load_zero_carbon_criteria(criteria)
    stated = statements if isinstance(statements, ZeroCarbonStatements) else ZeroCarbonStatements.model_validate(
        statements or {})
    unknown = sorted(set(stated.values) - {i.id for i in crit.indicators})
    if unknown:
        raise InvalidInput([Problem("indicator_unknown", f"'{u}' is not an indicator of {crit.id}",
                                    field=f"values.{u}") for u in unknown])
    metrics = zero_carbon_metrics(summaries)
    rows = [indicator_result(i, metrics, stated.values) for i in crit.indicators]
    notes = [f"{len(summaries)} enterprises' results; CO2 per tce market-based (location-based "
             f"{metrics.get('co2_location_per_energy', float('nan')):.4f} tCO2/tce), energy at the equivalent value"]
    return ZeroCarbonAssessment(crit, park, year, rows, metrics, len(summaries), notes)
