"""Score a criteria set: veto gates, then every indicator, choose-n-of-m sets, groups, total, pass, gaps.

Scoring methods (named by the criteria set, never chosen here):

- ``linear`` (GB/T 36132-2025 §5.2 as cited): points = P x (v - base) / (lead - base) clipped to [0, P];
  for a lower-is-better indicator the same with the signs reversed, i.e. P x (base - v) / (base - lead).
- ``ratio_to_lead`` (green-park index shape): points = P x min(v / lead, 1); lower-is-better:
  P x min(lead / v, 1) (P when v = 0).

Qualitative indicators earn P when met, 0 when not. The total is also given on a 100 scale over the
indicators that apply (``score``); the pass rule compares that with ``min_total``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from carbonkit.assess.criteria import Criteria, Indicator


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

    subject: dict
    criteria: dict
    gates: list[dict]
    indicators: list[IndicatorResult]
    groups: list[dict]
    total: float
    max_total: float
    score: float | None
    pass_score: float | None
    assessable: bool
    passed: bool | None
    reasons: list[str]
    missing: list[dict]
    gaps: list[Gap]
    unverified: list[str]
    release: str | None = None
    metrics: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = asdict(self)
        return _finite(out)

    def indicator(self, indicator_id: str) -> IndicatorResult:
        return next(i for i in self.indicators if i.id == indicator_id)


def _finite(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    return obj


def points_for(ind: Indicator, method: str, value: float | bool, lead: float | None, base: float | None) -> float:
    """Points of one indicator value (see the module docstring for the formulas)."""
    if ind.type == "qualitative":
        return ind.points if value else 0.0
    v = float(value)
    if method == "linear":
        span = (v - base) / (lead - base)  # same sign convention for both directions: lead-base carries it
        return ind.points * min(max(span, 0.0), 1.0)
    if ind.direction == "higher":
        ratio = v / lead if lead > 0 else 1.0
    else:
        ratio = 1.0 if v <= 0 else lead / v
    return ind.points * min(max(ratio, 0.0), 1.0)


def _benchmarks(ind: Indicator, tier_values: dict, supplied: dict) -> tuple[float | None, float | None, str | None]:
    lead, base, source = ind.lead, ind.base, "criteria"
    if ind.tiers:
        tv = tier_values.get(ind.tier_metric)
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


def assess(criteria: Criteria, *, subject: dict, values: dict[str, Value], gates: dict[str, bool],
           benchmarks: dict[str, dict], not_applicable: set[str], tier_values: dict[str, float],
           metrics: dict | None = None, release: str | None = None) -> Assessment:
    """Score ``criteria`` with the given values (in each indicator's unit), gate answers and benchmarks."""
    method = criteria.scoring.method
    missing: list[dict] = []
    reasons: list[str] = []
    unverified = [f"scoring: {criteria.scoring.note or criteria.scoring.method}"] if criteria.scoring.status == "unverified" else []
    if criteria.pass_rule.status == "unverified":
        unverified.append(f"pass rule: {criteria.pass_rule.note}")

    gate_rows = []
    for g in criteria.gate:
        answer = gates.get(g.id)
        if answer is None:
            missing.append({"kind": "gate", "id": g.id, "name_en": g.name_en, "what": "state whether it is met (true/false)"})
        elif not answer:
            reasons.append(f"veto: {g.name_en} ({g.name_zh}) is not met")
        gate_rows.append({"id": g.id, "name_zh": g.name_zh, "name_en": g.name_en, "passed": answer,
                          "reason": None if answer else ("not stated" if answer is None else "declared not met"),
                          "status": g.status})
        if g.status == "unverified":
            unverified.append(f"gate {g.id}")

    by_id = criteria.indicators
    alternatives = {i.alternative_of: i for i in criteria.indicator if i.alternative_of}
    dropped: set[str] = set(not_applicable)
    # an indicator with an alternative counts when its benchmarks are known; else the alternative counts
    for primary_id, alt in alternatives.items():
        if primary_id in not_applicable:
            continue
        lead, base, _ = _benchmarks(by_id[primary_id], tier_values, benchmarks)
        needs_base = method == "linear"
        if lead is not None and (base is not None or not needs_base) and primary_id in values:
            dropped.add(alt.id)
        else:
            dropped.add(primary_id)

    results: list[IndicatorResult] = []
    for ind in criteria.indicator:
        if ind.id in dropped:
            continue
        lead, base, bsource = _benchmarks(ind, tier_values, benchmarks)
        val = values.get(ind.id)
        pts = None
        need = []
        if val is None:
            need.append("a value" + (f" [{ind.unit}{' per unit of product' if ind.per_product else ''}]" if ind.unit else " (true/false)"))
        if ind.type != "qualitative" and (lead is None or (method == "linear" and base is None)):
            need.append("lead and base values (benchmarks)" if method == "linear" else "a lead value (benchmark)")
        if need and ind.required and ind.choose is None:  # choose-set members are checked as a set below
            alt_of = ind.alternative_of
            missing.append({"kind": "indicator", "id": ind.id, "name_en": ind.name_en, "what": " and ".join(need),
                            **({"or_instead": alt_of} if alt_of else {}),
                            **({"alternative": alternatives[ind.id].id} if ind.id in alternatives else {})})
        if not need:
            pts = points_for(ind, method, val.value, lead, base)
        if ind.status == "unverified":
            unverified.append(f"indicator {ind.id}")
        results.append(IndicatorResult(
            id=ind.id, group=ind.group, name_zh=ind.name_zh, name_en=ind.name_en, type=ind.type, unit=ind.unit,
            direction=ind.direction, value=None if val is None else val.value, source=None if val is None else val.source,
            lead=lead, base=base, benchmark_source=None if ind.type == "qualitative" else bsource, points=pts,
            max_points=ind.points, counted=ind.choose is None and (pts is not None or ind.required), mandatory=ind.mandatory,
            reaches_lead=None if pts is None else math.isclose(pts, ind.points) or pts >= ind.points,
            status=ind.status, note=(val.note if val is not None and val.note else ind.note)))

    # choose n of m: the best n given count
    for ch in criteria.choose:
        members = [r for r in results if by_id[r.id].choose == ch.id]
        scored = sorted((r for r in members if r.points is not None), key=lambda r: -r.points)
        for r in scored[:ch.n]:
            r.counted = True
        if len(scored) < ch.n:
            missing.append({"kind": "choose", "id": ch.id, "name_en": f"{ch.n} of {', '.join(r.id for r in members)}",
                            "what": f"{ch.n - len(scored)} more of these ({len(scored)} given)"})
            for r in sorted((r for r in members if r.points is None), key=lambda r: -r.max_points)[:ch.n - len(scored)]:
                r.counted = True  # their maximum counts toward the total they could reach
        if ch.status == "unverified":
            unverified.append(f"choose set {ch.id}")

    counted = [r for r in results if r.counted]
    total = sum(r.points or 0.0 for r in counted)
    max_total = sum(r.max_points for r in counted)
    groups = []
    for g in criteria.group:
        rows = [r for r in counted if r.group == g.id]
        groups.append({"id": g.id, "name_zh": g.name_zh, "name_en": g.name_en,
                       "points": sum(r.points or 0.0 for r in rows), "max_points": sum(r.max_points for r in rows),
                       "indicators": len(rows)})
    score = 100.0 * total / max_total if max_total > 0 else None
    rule = criteria.pass_rule
    if rule.min_total is not None and score is not None and score < rule.min_total:
        reasons.append(f"score {score:.2f} is below the pass score {rule.min_total:g} (of 100)")
    if rule.mandatory != "assessed":
        for r in counted:
            if not r.mandatory or r.points is None or r.reaches_lead:
                continue
            if r.type == "qualitative":
                reasons.append(f"mandatory indicator {r.id} ({r.name_en}) is not met")
            elif rule.mandatory == "reach_lead":
                reasons.append(f"mandatory indicator {r.id} ({r.name_en}) = {_show(r.value)} does not reach its lead value {r.lead:g}")
    assessable = not missing
    passed = (not reasons) if assessable else (False if any(x.startswith("veto") for x in reasons) else None)
    return Assessment(subject=subject, criteria=criteria.provenance(), gates=gate_rows, indicators=results, groups=groups,
                      total=total, max_total=max_total, score=score, pass_score=rule.min_total, assessable=assessable,
                      passed=passed, reasons=reasons, missing=missing, gaps=gaps_of(criteria, results),
                      unverified=unverified, release=release, metrics=metrics or {})


def _show(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def gaps_of(criteria: Criteria, results: list[IndicatorResult]) -> list[Gap]:
    """For each scored indicator short of full marks: the value that reaches the base and the lead value,
    and the points each would gain (for a choose-n set: the gain of the set's best n). Largest gain first."""
    method = criteria.scoring.method
    by_id = criteria.indicators
    chooses = {ch.id: ch.n for ch in criteria.choose}
    out = []
    for r in results:
        if r.points is None or r.points >= r.max_points - 1e-12:
            continue
        ind = by_id[r.id]
        if ind.type == "qualitative":
            at_base, at_lead, v_base, v_lead = r.points, r.max_points, None, True
        else:
            v_lead = r.lead
            v_base = r.base if method == "linear" else None
            at_lead = r.max_points
            if v_base is not None and _beyond(ind.direction, r.value, r.base):
                v_base = None  # the base value is already reached: only the lead value is a target
            at_base = points_for(ind, method, r.base, r.lead, r.base) if v_base is not None else r.points
        gain_lead = _set_gain(r, at_lead, results, by_id, chooses)
        gain_base = max(_set_gain(r, at_base, results, by_id, chooses), 0.0)
        if gain_lead <= 1e-12:
            continue
        out.append(Gap(indicator=r.id, name_en=r.name_en, unit=r.unit, value=r.value, points=r.points,
                       value_for_base=v_base, gain_at_base=gain_base, value_for_lead=v_lead, gain_at_lead=gain_lead))
    return sorted(out, key=lambda g: (-g.gain_at_lead, g.indicator))


def _beyond(direction: str | None, value, base) -> bool:
    return value >= base if direction == "higher" else value <= base


def _set_gain(r: IndicatorResult, new_points: float, results, by_id, chooses) -> float:
    ch = by_id[r.id].choose
    if ch is None:
        return new_points - r.points if r.counted else 0.0
    members = [x for x in results if by_id[x.id].choose == ch and x.points is not None]
    n = chooses[ch]
    before = sum(sorted((x.points for x in members), reverse=True)[:n])
    after = sum(sorted((new_points if x.id == r.id else x.points for x in members), reverse=True)[:n])
    return after - before
