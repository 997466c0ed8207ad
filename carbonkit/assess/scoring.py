"""Score a criteria set: veto gates, then every indicator, choose-n-of-m sets, groups, total, pass, gaps.

Scoring methods are named by the criteria set, never chosen here: each is a function registered by
name in :mod:`carbonkit.assess.methods` (``linear``, GB/T 36132-2025 §5.2 as cited; ``ratio_to_lead``).

Qualitative indicators earn P when met, 0 when not. The total is also given on a 100 scale over the
indicators that apply (``score``); the pass rule compares that with ``min_total``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from carbonkit.assess.criteria import Criteria, Indicator, PassRule
from carbonkit.assess.methods import ScoringMethod, scoring_method


@dataclass
class Value:
    """An indicator value in the indicator's unit, and where it came from (computed or supplied)."""

    value: float | bool
    source: str  # "computed" | "supplied"
    note: str = ""


@dataclass
class IndicatorResult:
    id: str
    group: str
    name_zh: str
    name_en: str
    type: str
    unit: str | None
    direction: str | None
    value: float | bool | None
    source: str | None
    lead: float | None
    base: float | None
    benchmark_source: str | None
    points: float | None
    max_points: float
    counted: bool
    mandatory: bool
    reaches_lead: bool | None
    status: str
    note: str = ""


@dataclass
class Gap:
    indicator: str
    name_en: str
    unit: str | None
    value: float | bool | None
    points: float
    value_for_base: float | bool | None
    gain_at_base: float
    value_for_lead: float | bool | None
    gain_at_lead: float


@dataclass
class Assessment:
    """The assessment of one factory or park against one criteria set."""

    subject: dict[str, Any]
    criteria: dict[str, Any]
    gates: list[dict[str, Any]]
    indicators: list[IndicatorResult]
    groups: list[dict[str, Any]]
    total: float
    max_total: float
    score: float | None
    pass_score: float | None
    assessable: bool
    passed: bool | None
    reasons: list[str]
    missing: list[dict[str, Any]]
    gaps: list[Gap]
    unverified: list[str]
    release: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The assessment as plain data (JSON-ready: a non-finite number is None)."""
        out: dict[str, Any] = _finite(asdict(self))
        return out

    def indicator(self, indicator_id: str) -> IndicatorResult:
        return next(i for i in self.indicators if i.id == indicator_id)


def _finite(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    return obj


def points_for(ind: Indicator, method: str, value: float | bool, lead: float | None, base: float | None) -> float:
    """Points of one indicator value [points], by the scoring method registered as ``method``.

    Parameters
    ----------
    ind : Indicator
        The indicator: type, direction and maximum points [points].
    method : str
        A scoring method registered in :mod:`carbonkit.assess.methods` (``linear``, ``ratio_to_lead``).
    value : float or bool
        The value in the indicator's unit; met or not for a qualitative indicator.
    lead, base : float, optional
        The lead value (引领值) and base value (基准值) in the indicator's unit, as the method needs them.

    Returns
    -------
    float
        The points [points]: all or none for a qualitative indicator, else the method's.
    """
    if ind.type == "qualitative":
        return ind.points if value else 0.0
    assert lead is not None  # the scorer scores only indicators whose benchmarks the method has
    return scoring_method(method).points(ind, float(value), lead, base)


def _benchmarks(ind: Indicator, tier_values: Mapping[str, float],
                supplied: Mapping[str, Mapping[str, float | None]]) -> tuple[float | None, float | None, str]:
    """The indicator's lead and base values (its tier's, then any supplied) and where they came from."""
    lead, base, source = ind.lead, ind.base, "criteria"
    if ind.tiers:
        tv = tier_values.get(ind.tier_metric) if ind.tier_metric is not None else None
        if tv is None:
            lead = None
        else:
            tier = max((t for t in ind.tiers if tv >= t.from_), key=lambda t: t.from_, default=None)
            if tier is not None:
                lead = tier.lead if tier.lead is not None else lead
                base = tier.base if tier.base is not None else base
    given = supplied.get(ind.id)
    if given is not None:
        lead = given.get("lead", lead) if given.get("lead") is not None else lead
        base = given.get("base", base) if given.get("base") is not None else base
        source = "supplied"
    return lead, base, source


@dataclass(frozen=True)
class _Inputs:
    """What the scoring stages read: the criteria, its method, the values and the benchmarks."""

    criteria: Criteria
    method: ScoringMethod
    values: Mapping[str, Value]
    benchmarks: Mapping[str, Mapping[str, float | None]]
    tier_values: Mapping[str, float]


def assess(criteria: Criteria, *, subject: dict[str, Any], values: dict[str, Value], gates: dict[str, bool],
           benchmarks: dict[str, dict[str, Any]], not_applicable: set[str], tier_values: dict[str, float],
           metrics: dict[str, Any] | None = None, release: str | None = None) -> Assessment:
    """Score ``criteria`` with the given values (in each indicator's unit), gate answers and benchmarks.

    Stages: veto gates, alternatives, per-indicator points (by the criteria's scoring method, see
    :mod:`carbonkit.assess.methods`), choose-n-of-m sets, groups, the pass rule, gaps.

    Parameters
    ----------
    criteria : Criteria
        The criteria set (its ``scoring`` and ``pass_rule`` given).
    subject : dict
        Who is assessed (id, name ...), carried into the result.
    values : dict of str to Value
        Indicator values by indicator id, each in its indicator's unit (qualitative: met or not).
    gates : dict of str to bool
        The answer to each veto gate by gate id (absent: not stated).
    benchmarks : dict of str to dict
        Supplied ``lead`` and ``base`` values by indicator id, in the indicator's unit; they replace the set's.
    not_applicable : set of str
        Indicator ids that do not apply.
    tier_values : dict of str to float
        The metric values that choose an indicator's tier, in each metric's unit.
    metrics : dict, optional
        Metrics carried into the result.
    release : str, optional
        The factor release used for computed values.

    Returns
    -------
    Assessment
        Points [points], total and maximum [points], ``score`` on a 100 scale [-], pass or not and why.
    """
    assert criteria.scoring is not None and criteria.pass_rule is not None  # Criteria checks them on load
    inputs = _Inputs(criteria, scoring_method(criteria.scoring.method), values, benchmarks, tier_values)
    gate_rows, gate_missing, vetoes, gate_unverified = _gates(criteria, gates)
    dropped = _dropped(inputs, not_applicable)
    alternatives = {i.alternative_of: i for i in criteria.indicator if i.alternative_of}
    kept = [ind for ind in criteria.indicator if ind.id not in dropped]
    scored = [_score_indicator(ind, inputs, alternatives) for ind in kept]
    results = [result for result, _ in scored]
    choose_missing, choose_unverified = _choose_sets(criteria, results)
    counted = [r for r in results if r.counted]
    total, max_total, score = _totals(counted)
    reasons = vetoes + _pass_reasons(criteria.pass_rule, score, counted)
    missing = gate_missing + [m for _, m in scored if m is not None] + choose_missing
    unverified = (_rules_unverified(criteria) + gate_unverified + _indicators_unverified(kept) + choose_unverified)
    return Assessment(subject=subject, criteria=criteria.provenance(), gates=gate_rows, indicators=results,
                      groups=_groups(criteria, counted), total=total, max_total=max_total, score=score,
                      pass_score=criteria.pass_rule.min_total, assessable=not missing,
                      passed=_passed(missing, reasons), reasons=reasons, missing=missing,
                      gaps=gaps_of(criteria, results), unverified=unverified, release=release, metrics=metrics or {})


def _totals(counted: list[IndicatorResult]) -> tuple[float, float, float | None]:
    """The total and the maximum of the counted indicators [points], and the total on a 100 scale [-]
    (None when nothing can be earned): score = 100 * total / max_total."""
    total, max_total = sum(r.points or 0.0 for r in counted), sum(r.max_points for r in counted)
    return total, max_total, (100.0 * total / max_total if max_total > 0 else None)


def _indicators_unverified(kept: list[Indicator]) -> list[str]:
    return [f"indicator {ind.id}" for ind in kept if ind.status == "unverified"]


def _passed(missing: list[dict[str, Any]], reasons: list[str]) -> bool | None:
    """Passed when assessable without reasons; not passed on a veto even if not assessable; else not known."""
    if not missing:
        return not reasons
    return False if any(x.startswith("veto") for x in reasons) else None


def _rules_unverified(criteria: Criteria) -> list[str]:
    """The scoring method and pass rule, where they are marked unverified."""
    assert criteria.scoring is not None and criteria.pass_rule is not None
    out = [f"scoring: {criteria.scoring.note or criteria.scoring.method}"] if criteria.scoring.status == "unverified" else []
    if criteria.pass_rule.status == "unverified":
        out.append(f"pass rule: {criteria.pass_rule.note}")
    return out


def _gates(criteria: Criteria,
           gates: Mapping[str, bool]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str], list[str]]:
    """Each veto gate's row; the gates not answered (missing), the vetoes (reasons), the gates unverified."""
    rows, missing, vetoes, unverified = [], [], [], []
    for g in criteria.gate:
        answer = gates.get(g.id)
        if answer is None:
            missing.append({"kind": "gate", "id": g.id, "name_en": g.name_en, "what": "state whether it is met (true/false)"})
        elif not answer:
            vetoes.append(f"veto: {g.name_en} ({g.name_zh}) is not met")
        rows.append({"id": g.id, "name_zh": g.name_zh, "name_en": g.name_en, "passed": answer,
                     "reason": None if answer else ("not stated" if answer is None else "declared not met"),
                     "status": g.status})
        if g.status == "unverified":
            unverified.append(f"gate {g.id}")
    return rows, missing, vetoes, unverified


def _dropped(inputs: _Inputs, not_applicable: set[str]) -> set[str]:
    """The indicators not scored: those not applicable, and one of each primary-alternative pair.

    A primary indicator counts when its value and the benchmarks the method needs are known; else its
    alternative counts.
    """
    by_id = inputs.criteria.indicators
    dropped = set(not_applicable)
    for alt in inputs.criteria.indicator:
        primary_id = alt.alternative_of
        if primary_id is None or primary_id in not_applicable:
            continue
        lead, base, _ = _benchmarks(by_id[primary_id], inputs.tier_values, inputs.benchmarks)
        if inputs.method.has_benchmarks(lead, base) and primary_id in inputs.values:
            dropped.add(alt.id)
        else:
            dropped.add(primary_id)
    return dropped


def _needs(ind: Indicator, val: Value | None, method: ScoringMethod, lead: float | None, base: float | None) -> list[str]:
    """What the indicator lacks to be scored: its value, the benchmarks the method needs."""
    need = []
    if val is None:
        need.append("a value" + (f" [{ind.unit}{' per unit of product' if ind.per_product else ''}]" if ind.unit else " (true/false)"))
    if ind.type != "qualitative" and not method.has_benchmarks(lead, base):
        need.append(method.needs)
    return need


def _score_indicator(ind: Indicator, inputs: _Inputs,
                     alternatives: Mapping[str, Indicator]) -> tuple[IndicatorResult, dict[str, Any] | None]:
    """One indicator's result, and what it is missing when it must be given (None when nothing is)."""
    lead, base, bsource = _benchmarks(ind, inputs.tier_values, inputs.benchmarks)
    val = inputs.values.get(ind.id)
    need = _needs(ind, val, inputs.method, lead, base)
    missing = _missing_entry(ind, need, alternatives)
    pts = points_for(ind, inputs.method.name, val.value, lead, base) if not need and val is not None else None
    result = IndicatorResult(
        id=ind.id, group=ind.group, name_zh=ind.name_zh, name_en=ind.name_en, type=ind.type, unit=ind.unit,
        direction=ind.direction, value=None if val is None else val.value, source=None if val is None else val.source,
        lead=lead, base=base, benchmark_source=None if ind.type == "qualitative" else bsource, points=pts,
        max_points=ind.points, counted=ind.choose is None and (pts is not None or ind.required), mandatory=ind.mandatory,
        reaches_lead=_reaches_lead(pts, ind.points), status=ind.status, note=_note(ind, val))
    return result, missing


def _missing_entry(ind: Indicator, need: list[str], alternatives: Mapping[str, Indicator]) -> dict[str, Any] | None:
    """What a required indicator outside a choose set still needs (with the indicator it may stand in for, or
    the one that may stand in for it); None when nothing is needed (choose-set members are checked as a set)."""
    if not (need and ind.required and ind.choose is None):
        return None
    alt_of = ind.alternative_of
    return {"kind": "indicator", "id": ind.id, "name_en": ind.name_en, "what": " and ".join(need),
            **({"or_instead": alt_of} if alt_of else {}),
            **({"alternative": alternatives[ind.id].id} if ind.id in alternatives else {})}


def _reaches_lead(pts: float | None, max_points: float) -> bool | None:
    """Whether the points [points] reach the indicator's maximum (the lead value); None when not scored."""
    return None if pts is None else math.isclose(pts, max_points) or pts >= max_points


def _note(ind: Indicator, val: Value | None) -> str:
    """The value's note when it has one, else the indicator's."""
    return val.note if val is not None and val.note else ind.note


def _choose_sets(criteria: Criteria, results: list[IndicatorResult]) -> tuple[list[dict[str, Any]], list[str]]:
    """Count the best n given of each choose-n-of-m set (``counted`` set on those results).

    A set short of n given also counts the largest maxima of its members not given (toward the total they
    could reach). Returns the sets short of n (missing) and the sets unverified.
    """
    by_id = criteria.indicators
    missing, unverified = [], []
    for ch in criteria.choose:
        members = [r for r in results if by_id[r.id].choose == ch.id]
        scored = sorted((r for r in members if r.points is not None), key=lambda r: -(r.points or 0.0))
        for r in scored[:ch.n]:
            r.counted = True
        if len(scored) < ch.n:
            missing.append({"kind": "choose", "id": ch.id, "name_en": f"{ch.n} of {', '.join(r.id for r in members)}",
                            "what": f"{ch.n - len(scored)} more of these ({len(scored)} given)"})
            for r in sorted((r for r in members if r.points is None), key=lambda r: -r.max_points)[:ch.n - len(scored)]:
                r.counted = True  # their maximum counts toward the total they could reach
        if ch.status == "unverified":
            unverified.append(f"choose set {ch.id}")
    return missing, unverified


def _groups(criteria: Criteria, counted: list[IndicatorResult]) -> list[dict[str, Any]]:
    """Points and maximum [points] and the number of indicators counted, per group."""
    groups = []
    for g in criteria.group:
        rows = [r for r in counted if r.group == g.id]
        groups.append({"id": g.id, "name_zh": g.name_zh, "name_en": g.name_en,
                       "points": sum(r.points or 0.0 for r in rows), "max_points": sum(r.max_points for r in rows),
                       "indicators": len(rows)})
    return groups


def _pass_reasons(rule: PassRule, score: float | None, counted: list[IndicatorResult]) -> list[str]:
    """Why the pass rule is not met: the score below the pass score, mandatory indicators short of it."""
    reasons = []
    if rule.min_total is not None and score is not None and score < rule.min_total:
        reasons.append(f"score {score:.2f} is below the pass score {rule.min_total:g} (of 100)")
    if rule.mandatory == "assessed":
        return reasons
    for r in counted:
        if not r.mandatory or r.points is None or r.reaches_lead:
            continue
        if r.type == "qualitative":
            reasons.append(f"mandatory indicator {r.id} ({r.name_en}) is not met")
        elif rule.mandatory == "reach_lead":
            reasons.append(f"mandatory indicator {r.id} ({r.name_en}) = {_show(r.value)} does not reach its lead value {r.lead:g}")
    return reasons


def _show(v: object) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def gaps_of(criteria: Criteria, results: list[IndicatorResult]) -> list[Gap]:
    """For each scored indicator short of full marks: the value that reaches the base and the lead value,
    and the points each would gain (for a choose-n set: the gain of the set's best n). Largest gain first.

    Parameters
    ----------
    criteria : Criteria
        The criteria set scored (its scoring method says whether a base value is a target).
    results : list of IndicatorResult
        The indicators as scored by :func:`assess` (values and benchmarks in each indicator's unit).

    Returns
    -------
    list of Gap
        The values to reach [indicator's unit] and the points each would gain [points], largest gain first.
    """
    assert criteria.scoring is not None  # Criteria checks it on load
    method = scoring_method(criteria.scoring.method)
    by_id = criteria.indicators
    chooses = {ch.id: ch.n for ch in criteria.choose}
    gaps = (_gap(r, by_id[r.id], method, results, by_id, chooses) for r in results)
    return sorted((g for g in gaps if g is not None), key=lambda g: (-g.gain_at_lead, g.indicator))


def _gap(r: IndicatorResult, ind: Indicator, method: ScoringMethod, results: list[IndicatorResult],
         by_id: Mapping[str, Indicator], chooses: Mapping[str, int]) -> Gap | None:
    """The gap of one indicator (None: not scored, at full marks, or nothing to gain)."""
    points = r.points
    if points is None or points >= r.max_points - 1e-12:
        return None
    v_base: float | bool | None = None
    v_lead: float | bool | None = True
    at_base, at_lead = points, r.max_points
    if ind.type != "qualitative":
        v_lead = r.lead
        v_base = r.base if method.needs_base else None
        if v_base is not None and _beyond(ind.direction, r.value, v_base):
            v_base = None  # the base value is already reached: only the lead value is a target
        if v_base is not None:
            at_base = points_for(ind, method.name, v_base, r.lead, r.base)
    gain_lead = _set_gain(r, at_lead, results, by_id, chooses)
    gain_base = max(_set_gain(r, at_base, results, by_id, chooses), 0.0)
    if gain_lead <= 1e-12:
        return None
    return Gap(indicator=r.id, name_en=r.name_en, unit=r.unit, value=r.value, points=points,
               value_for_base=v_base, gain_at_base=gain_base, value_for_lead=v_lead, gain_at_lead=gain_lead)


def _beyond(direction: str | None, value: float | bool | None, base: float | bool) -> bool:
    if value is None:  # a scored indicator has a value
        return False
    return value >= base if direction == "higher" else value <= base


def _set_gain(r: IndicatorResult, new_points: float, results: list[IndicatorResult], by_id: Mapping[str, Indicator],
              chooses: Mapping[str, int]) -> float:
    """The points the total gains when ``r`` scores ``new_points`` [points]: in a choose-n set, the change of the
    set's best n; else the change of ``r`` if it counts."""
    ch = by_id[r.id].choose
    if ch is None:
        return new_points - (r.points or 0.0) if r.counted else 0.0
    members = [(x.id, x.points) for x in results if by_id[x.id].choose == ch and x.points is not None]
    n = chooses[ch]
    before = sum(sorted((p for _, p in members), reverse=True)[:n])
    after = sum(sorted((new_points if i == r.id else p for i, p in members), reverse=True)[:n])
    return after - before
