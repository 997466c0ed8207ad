"""Green factory and green industrial park assessment against criteria sets kept as data.

>>> from carbonkit.assess import assess_factory
>>> result = assess_factory({"document": {...}, "gates": {...}, "values": {...}})   # doctest: +SKIP

Values carbonkit can compute come from the accounting core (``metrics.py``); the rest are supplied, in
the indicator's unit or as ``{"value": v, "unit": "..."}``. A required value or benchmark that is
missing makes the result not assessable, with the list of what is missing, never a silent zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from carbonkit.accounting import AccountingOptions, account
from carbonkit.documents import EnterprisePeriod, validation_problems
from carbonkit.assess.criteria import Criteria, load_criteria
from carbonkit.assess.metrics import UNITS, factory_metrics, park_metrics
from carbonkit.assess.scoring import Assessment, Gap, IndicatorResult, Value, assess
from carbonkit.errors import InvalidInput, Problem, UnitMismatch
from carbonkit.factors import Release
from carbonkit.units import multiplier

__all__ = ["Assessment", "AssessmentInputs", "Criteria", "FactoryAssessmentInput", "Gap", "IndicatorResult",
           "ParkAssessmentInput", "Supplied", "assess_factory", "assess_park", "load_criteria", "park_summaries"]


class Benchmark(BaseModel):
    """Lead (引领值) and base (基准值) values supplied for an indicator, in the indicator's unit."""

    model_config = ConfigDict(extra="forbid")
    lead: float | None = Field(None, allow_inf_nan=False)
    base: float | None = Field(None, allow_inf_nan=False)


class Supplied(BaseModel):
    """A supplied value with its unit (converted to the indicator's unit)."""

    model_config = ConfigDict(extra="forbid")
    value: float = Field(allow_inf_nan=False)
    unit: str = Field(max_length=64)


class AssessmentInputs(BaseModel):
    """What the assessed party states: gate answers, indicator values, benchmarks, indicators not applicable."""

    model_config = ConfigDict(extra="forbid")
    gates: dict[str, bool] = Field(default_factory=dict, max_length=200)
    values: dict[str, bool | float | Supplied] = Field(default_factory=dict, max_length=200)
    benchmarks: dict[str, Benchmark] = Field(default_factory=dict, max_length=200)
    not_applicable: list[str] = Field(default_factory=list, max_length=200)

    @field_validator("values")
    @classmethod
    def _finite(cls, v: dict[str, Any]) -> dict[str, Any]:
        for key, val in v.items():
            if isinstance(val, float) and not math.isfinite(val):
                raise ValueError(f"values.{key}: {val} is not a finite number")
        return v


class FactoryAssessmentInput(AssessmentInputs):
    """A factory to assess: its enterprise-period activity document (accounted by carbonkit) and statements."""

    document: EnterprisePeriod | None = None


class ParkAssessmentInput(AssessmentInputs):
    """A park to assess for a year: its enterprises' annual documents (that year, and the year before for
    the CO2 intensity reduction rate) and the park-level statements."""

    park: str = Field(min_length=1, max_length=64)
    year: int = Field(ge=1990, le=2100)
    land_area: Supplied | None = None
    enterprises: list[EnterprisePeriod] = Field(default_factory=list, max_length=20000)


_Model = TypeVar("_Model", bound=BaseModel)


def _parse(model: type[_Model], data: object) -> _Model:
    if isinstance(data, model):
        return data
    if isinstance(data, BaseModel):  # e.g. the statements alone, for a stored enterprise-period
        data = data.model_dump(exclude_none=True)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(validation_problems(exc)) from None


def _check_ids(criteria: Criteria, inputs: AssessmentInputs) -> list[Problem]:
    problems = []
    gates = {g.id for g in criteria.gate}
    inds = criteria.indicators
    known_i = ", ".join(sorted(inds))
    for g in inputs.gates:
        if g not in gates:
            problems.append(Problem("unknown_gate", f"'{g}' is not a gate of {criteria.id}", field=f"gates.{g}",
                                    expected=f"one of {', '.join(sorted(gates))}"))
    for section in ("values", "benchmarks"):
        for key in getattr(inputs, section):
            if key not in inds:
                problems.append(Problem("unknown_indicator", f"'{key}' is not an indicator of {criteria.id}",
                                        field=f"{section}.{key}", expected=f"one of {known_i}"))
    for key in inputs.not_applicable:
        if key not in inds:
            problems.append(Problem("unknown_indicator", f"'{key}' is not an indicator of {criteria.id}",
                                    field="not_applicable", expected=f"one of {known_i}"))
    for key, val in inputs.values.items():
        ind = inds.get(key)
        if ind is None:
            continue
        if ind.type == "qualitative" and not isinstance(val, bool):
            problems.append(Problem("wrong_type", f"{key} is qualitative", field=f"values.{key}", expected="true or false"))
        elif ind.type != "qualitative" and isinstance(val, bool):
            problems.append(Problem("wrong_type", f"{key} is a number", field=f"values.{key}",
                                    expected=f"a number in {ind.unit}"))
    return problems


def _values(criteria: Criteria, inputs: AssessmentInputs, metrics: dict[str, tuple[float, str]]) -> dict[str, Value]:
    """Computed values converted to each indicator's unit, then the supplied ones (which take precedence)."""
    out: dict[str, Value] = {}
    problems = []
    for ind in criteria.indicator:
        if ind.metric and ind.metric in metrics and ind.unit:
            value, note = metrics[ind.metric]
            out[ind.id] = Value(value * multiplier(UNITS[ind.metric], ind.unit), "computed", note)
    for key, val in inputs.values.items():
        ind = criteria.indicators[key]
        if isinstance(val, Supplied):
            try:
                val = val.value * multiplier(val.unit, ind.unit)
            except UnitMismatch as exc:
                problems.append(Problem("unit_mismatch", exc.problems[0].message, field=f"values.{key}.unit",
                                        expected=f"a unit convertible to {ind.unit}"))
                continue
        out[key] = Value(val, "supplied")
    if problems:
        raise InvalidInput(problems)
    return out


def _criteria(criteria: Criteria | str | Path | None, kind: str) -> Criteria:
    return criteria if isinstance(criteria, Criteria) else load_criteria(criteria, kind)


def _score(crit: Criteria, inputs: AssessmentInputs, metrics: dict[str, tuple[float, str]], subject: dict[str, Any],
           release: str | None) -> Assessment:
    return assess(crit, subject=subject, values=_values(crit, inputs, metrics), gates=inputs.gates,
                  benchmarks={k: v.model_dump() for k, v in inputs.benchmarks.items()},
                  not_applicable=set(inputs.not_applicable), tier_values={k: v for k, (v, _) in metrics.items()},
                  metrics={k: {"value": v, "unit": UNITS[k], "note": n} for k, (v, n) in metrics.items()},
                  release=release)


def assess_factory(data: FactoryAssessmentInput | Mapping[str, Any], criteria: Criteria | str | Path | None = None, *,
                   summary: Mapping[str, Any] | None = None, release: Release | str | None = None,
                   options: AccountingOptions | dict[str, Any] | None = None) -> Assessment:
    """Assess a factory (one enterprise-period). ``summary`` is an accounting summary row already computed
    (e.g. stored by the service); otherwise ``data.document`` is accounted here.

    Parameters
    ----------
    data : FactoryAssessmentInput or mapping
        The enterprise-period's activity document and its statements (gates, values, benchmarks).
    criteria : Criteria, str or Path, optional
        The criteria set (a shipped id or a TOML path; the default green-factory set).
    summary : mapping, optional
        An accounting summary row (energy [tce], CO2 [tCO2], water [m3], output [10^4 CNY] ...).
    release, options
        The factor release and accounting options when the document is accounted here.

    Returns
    -------
    Assessment
        Points [points], total, score on a 100 scale [-], pass or not and why, gaps.
    """
    inputs = _parse(FactoryAssessmentInput, data)
    crit = _criteria(criteria, "green_factory_criteria")
    problems = _check_ids(crit, inputs)
    if problems:
        raise InvalidInput(problems)
    release_name = None
    if summary is None and inputs.document is not None:
        result = account(inputs.document, release=release, options=options)
        summary, release_name = result.records()[0], result.release
    elif summary is not None:
        release_name = summary.get("release")
    metrics = factory_metrics(summary or {})
    subject = {k: (summary or {}).get(k) for k in ("enterprise", "period", "name", "region", "industry", "park")}
    return _score(crit, inputs, metrics, subject, release_name)


def assess_park(data: ParkAssessmentInput | Mapping[str, Any], criteria: Criteria | str | Path | None = None, *,
                summaries: pd.DataFrame | None = None, release: Release | str | None = None,
                options: AccountingOptions | dict[str, Any] | None = None) -> Assessment:
    """Assess a green industrial park for ``data.year`` from its enterprises' annual results.

    ``summaries`` are accounting summary rows already computed (the service passes its stored results);
    otherwise ``data.enterprises`` are accounted here. Rows of the year before feed the CO2 intensity
    reduction rate; other years are ignored.

    Parameters
    ----------
    data : ParkAssessmentInput or mapping
        The park, the year, its land area (an area unit, as 亩 [mu]), its enterprises' documents and statements.
    criteria : Criteria, str or Path, optional
        The criteria set (a shipped id or a TOML path; the default green-park set).
    summaries : DataFrame, optional
        Accounting summary rows of the park's enterprises (energy [tce], CO2 [tCO2], value added [10^4 CNY] ...).
    release, options
        The factor release and accounting options when the documents are accounted here.

    Returns
    -------
    Assessment
        Points [points], total, score on a 100 scale [-], pass or not and why, gaps.
    """
    inputs = _parse(ParkAssessmentInput, data)
    crit = _criteria(criteria, "green_park_criteria")
    problems, land_mu = _park_problems(crit, inputs)
    if problems:
        raise InvalidInput(problems)
    summaries, release_name = _park_results(inputs, summaries, release, options)
    annual = summaries[summaries["period"].astype(str).str.fullmatch(r"\d{4}")] if len(summaries) else summaries
    this_year = annual[annual["year"] == inputs.year] if len(annual) else annual
    before = annual[annual["year"] == inputs.year - 1] if len(annual) else annual
    metrics = park_metrics(this_year, before, land_mu) if len(this_year) else {}
    subject = {"park": inputs.park, "year": inputs.year, "enterprises": sorted(map(str, this_year.get("enterprise", []))),
               "enterprises_year_before": sorted(map(str, before.get("enterprise", [])))}
    return _score(crit, inputs, metrics, subject, release_name)


def _park_problems(crit: Criteria, inputs: ParkAssessmentInput) -> tuple[list[Problem], float | None]:
    """Unknown ids, enterprises of another park, a land area not in an area unit; the land area [mu]."""
    problems = _check_ids(crit, inputs)
    other = [(i, d) for i, d in enumerate(inputs.enterprises) if d.park not in (None, inputs.park)]
    problems += [Problem("wrong_park", f"enterprise {d.enterprise} belongs to park {d.park}, not {inputs.park}",
                         field="park", path=f"enterprises[{i}].park", index=i, enterprise=d.enterprise,
                         expected=inputs.park) for i, d in other]
    land_mu = None
    if inputs.land_area is not None:
        try:
            land_mu = inputs.land_area.value * multiplier(inputs.land_area.unit, "亩")
        except UnitMismatch as exc:
            problems.append(Problem("unit_mismatch", exc.problems[0].message, field="land_area.unit",
                                    expected="an area unit: 亩, m2, km2, hectare"))
    return problems, land_mu


def _park_results(inputs: ParkAssessmentInput, summaries: pd.DataFrame | None, release: Release | str | None,
                  options: AccountingOptions | dict[str, Any] | None) -> tuple[pd.DataFrame, str | None]:
    """The summaries given (their releases joined), else the park's enterprises accounted here."""
    if summaries is None:
        if not inputs.enterprises:
            return pd.DataFrame(), None
        result = account(inputs.enterprises, release=release, options=options)
        return result.summary, result.release
    if "release" in summaries.columns and len(summaries):
        return summaries, ";".join(sorted(set(summaries["release"].dropna().astype(str))))
    return summaries, None


def park_summaries(activities: str | Path | pd.DataFrame, park: str | None, release: Release | str | None = None,
                   options: AccountingOptions | dict[str, Any] | None = None) -> pd.DataFrame:
    """Accounting summary rows of a park's enterprises from activity data (a path or a frame): rows of
    another park are left out; rows without a park are kept (the file is taken to be the park's).

    Parameters
    ----------
    activities : str, Path or DataFrame
        The activity data.
    park : str, optional
        The park's id.
    release : Release or str, optional
        The factor release.
    options : AccountingOptions or dict, optional
        The accounting options.

    Returns
    -------
    DataFrame
        Summary rows (energy [tce], CO2 [tCO2], value added [10^4 CNY] ...).
    """
    from carbonkit.readers import read_activities

    frame = read_activities(activities) if isinstance(activities, (str, Path)) else activities
    summaries = account(frame, release=release, options=options).summary
    if "park" in summaries.columns and park is not None:
        summaries = summaries[summaries["park"].isna() | (summaries["park"] == park)]
    return summaries
