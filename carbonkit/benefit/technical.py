"""Technical standards of the low-efficiency capacity screen, judged on an enterprise's equipment units.

Rules (``factors/benefit/*technical*.toml``) are of four kinds:

- ``unit_size``: a unit fails when its size compares as ``fails_when`` with the limit (``le``: size ≤ limit
  is phased out, e.g. clinker lines ≤ 2,500 t/day; ``lt``: size < limit). The margin is size − limit
  [rule unit] of the deciding unit (the failing unit, or else the smallest one); the unit must be larger
  than the limit (le) or at least the limit (lt).
- ``total_size``: the same comparison on the enterprise's total over its units of the listed types
  (size × count), e.g. all-steel radial tyre capacity < 1.2 million tyres/yr.
- ``process``: any unit of a listed type fails (process blacklists).
- ``fact``: the enterprise's declared fact has the failing value (e.g. outside a chemical park).

A unit or enterprise with one of the rule's ``unless`` facts true is exempt. Equipment not given at all is
*missing* for every equipment rule; a fact not given is missing; never a pass.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from carbonkit.benefit.profile import BenefitProfile
from carbonkit.benefit.standards import TechnicalStandards
from carbonkit.errors import InvalidInput, Problem, UnitMismatch
from carbonkit.units import multiplier

COLUMNS = ["row", "group", "standard", "level", "indicator", "value", "limit", "unit", "comparison", "result",
           "margin", "relative_margin", "missing", "unit_id", "status", "note"]
_SIGN = {"le": "≤", "lt": "<"}


def validate_profiles(profiles: list[BenefitProfile | None], keys: list[tuple[str, str]],
                      tech: TechnicalStandards) -> None:
    """Refuse equipment types, facts and size units the technical standards do not know."""
    types = {e.id: e for e in tech.equipment}
    facts = {f.id for f in tech.fact}
    problems: list[Problem] = []

    def add(code, message, path, ent, per, expected=None):
        problems.append(Problem(code, message, path=path, enterprise=ent, period=per, expected=expected))

    for profile, (ent, per) in zip(profiles, keys):
        if profile is None:
            continue
        for name in profile.facts:
            if name not in facts:
                hint = difflib.get_close_matches(name, facts, n=2)
                add("fact_unknown", f"'{name}' is not a fact of {tech.id}" + (f"; did you mean {', '.join(hint)}?" if hint else ""),
                    f"benefit.facts.{name}", ent, per, ", ".join(sorted(facts)))
        for k, unit in enumerate(profile.equipment or []):
            where = f"benefit.equipment[{k}]"
            kind = types.get(unit.type)
            if kind is None:
                hint = difflib.get_close_matches(unit.type, types, n=3)
                add("equipment_unknown", f"'{unit.type}' is not an equipment type of {tech.id}"
                    + (f"; did you mean {', '.join(hint)}?" if hint else ""), where + ".type", ent, per,
                    "an equipment id of the technical standards")
                continue
            for name in unit.attributes:
                if name not in facts:
                    add("fact_unknown", f"'{name}' is not a fact of {tech.id}", f"{where}.attributes.{name}", ent, per)
            if unit.size is None or kind.unit is None:
                continue
            if not unit.unit:
                add("unit_missing", f"the size of a {unit.type} needs a unit", where + ".unit", ent, per,
                    f"a unit convertible to {kind.unit}")
                continue
            try:
                multiplier(unit.unit, kind.unit)
            except UnitMismatch as exc:
                add(exc.problems[0].code, exc.problems[0].message, where + ".unit", ent, per, f"a unit convertible to {kind.unit}")
    if problems:
        raise InvalidInput(problems)


def _exempt(unless: list[str], attributes: dict, facts: dict) -> bool | None:
    """True if any exempting fact is true (on the unit or the enterprise), None if one is unknown, else False."""
    if not unless:
        return False
    values = [attributes.get(u, facts.get(u)) for u in unless]
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _units(rows: np.ndarray, profiles: list[BenefitProfile | None]) -> pd.DataFrame:
    """One row per equipment unit of the given rows (size as given, in ``size_unit``)."""
    recs = []
    for row in rows:
        for k, u in enumerate(profiles[row].equipment or []):
            recs.append((row, u.type, np.nan if u.size is None else u.size, u.unit or "", u.count, u.id or f"#{k + 1}",
                         u.attributes))
    return pd.DataFrame(recs, columns=["row", "type", "size", "size_unit", "count", "unit_id", "attributes"])


def _to_rule_unit(m: pd.DataFrame, tech: TechnicalStandards) -> np.ndarray:
    """Factor from each unit's size unit to its rule's unit; each distinct pair resolved once (NaN: no size unit)."""
    factor = {}
    for size_unit, type_id, rule_unit in m[["size_unit", "type", "unit"]].drop_duplicates().itertuples(index=False):
        usable = bool(size_unit) and isinstance(rule_unit, str) and tech.equipment_of(type_id).unit is not None
        factor[(size_unit, type_id, rule_unit)] = multiplier(size_unit, rule_unit) if usable else np.nan
    return np.array([factor[key] for key in zip(m["size_unit"], m["type"], m["unit"])], dtype=np.float64)


def _unit_outcomes(m: pd.DataFrame, facts: list[dict], tech: TechnicalStandards) -> pd.DataFrame:
    """Each unit's outcome under each rule of its type: pass, fail or missing, with the reason."""
    if m.empty:
        return m.assign(size_rule=[], outcome=[], why=[])
    check = m["check"].to_numpy(object)
    size = m["size"].to_numpy(np.float64) * _to_rule_unit(m, tech)
    limit = m["limit"].to_numpy(np.float64)
    with np.errstate(invalid="ignore"):
        below = np.where(m["fails_when"].to_numpy(object) == "le", size <= limit, size < limit)
    sized = check != "process"
    unknown_size = sized & np.isnan(size)
    offends = ~sized | below
    exempt = np.array([_exempt(unless, attrs, facts[row])
                       for unless, attrs, row in zip(m["unless"], m["attributes"], m["row"])], dtype=object)
    is_true = np.array([e is True for e in exempt])
    is_unknown = np.array([e is None for e in exempt])
    outcome = np.full(len(m), "pass", dtype=object)
    why = np.full(len(m), None, dtype=object)
    outcome[offends & ~is_true & ~is_unknown] = "fail"
    undecided = offends & is_unknown
    outcome[undecided] = "missing"
    why[undecided] = ["exemption (" + ", ".join(u) + ") not declared" for u in m["unless"][undecided]]
    outcome[unknown_size] = "missing"
    why[unknown_size] = ["size of " + str(u) + " not given" for u in m["unit_id"][unknown_size]]
    return m.assign(size_rule=size, outcome=outcome, why=why)


def technical_checks(industry: np.ndarray, profiles: list[BenefitProfile | None],
                     tech: TechnicalStandards) -> pd.DataFrame:
    """Check rows of the screen: one per applicable enterprise-period (``industry`` not None) and rule."""
    rules = pd.DataFrame([r.model_dump() for r in tech.rule])
    applicable = np.flatnonzero(pd.notna(industry))
    pairs = pd.DataFrame({"row": applicable, "industry": industry[applicable]}).merge(rules, on="industry")
    if pairs.empty:
        return pd.DataFrame(columns=COLUMNS)
    given = np.array([p is not None and p.equipment is not None for p in profiles], dtype=bool)
    facts = [{} if p is None else p.facts for p in profiles]
    units = _units(np.unique(pairs["row"].to_numpy()[given[pairs["row"].to_numpy()]]), profiles)
    by_type = rules[rules["check"] != "fact"].explode("equipment").rename(columns={"equipment": "type"})
    m = units.merge(by_type.drop(columns="industry"), on="type").merge(pairs[["row", "id"]], on=["row", "id"])
    m = _unit_outcomes(m, facts, tech)
    groups = {key: sub for key, sub in m.groupby(["row", "id"], sort=False)}
    empty = m.iloc[0:0]
    out = [_decide(rec, given[rec["row"]], facts[rec["row"]], groups.get((rec["row"], rec["id"]), empty))
           for rec in pairs.to_dict("records")]
    return pd.DataFrame(out, columns=COLUMNS)


def _decide(rule: dict, given: bool, facts: dict, mine: pd.DataFrame) -> dict:
    """The outcome of one rule for one enterprise-period."""
    base = {"row": rule["row"], "group": "technical", "standard": rule["id"], "level": rule["level"],
            "indicator": rule["text"], "value": np.nan, "limit": rule["limit"] if rule["limit"] is not None else np.nan,
            "unit": rule["unit"], "comparison": None, "result": "pass", "margin": np.nan, "relative_margin": np.nan,
            "missing": None, "unit_id": None, "status": rule["status"], "note": rule["note"] or None}
    check = rule["check"]
    if check == "fact":
        value = facts.get(rule["fact"])
        base["comparison"] = f"fails when {rule['fact']} is {str(rule['fact_fails_when']).lower()}"
        exempt = _exempt(rule["unless"], {}, facts)
        if value is None:
            return {**base, "result": "missing", "missing": f"fact {rule['fact']} not declared"}
        if value != rule["fact_fails_when"] or exempt is True:
            return base
        if exempt is None:
            return {**base, "result": "missing", "missing": f"exemption ({', '.join(rule['unless'])}) not declared"}
        return {**base, "result": "fail"}
    base["comparison"] = (f"fails when size {_SIGN[rule['fails_when']]} limit" if check == "unit_size" else
                          f"fails when total {_SIGN[rule['fails_when']]} limit" if check == "total_size" else
                          "fails for any unit")
    if not given:
        return {**base, "result": "missing", "missing": "equipment not given"}
    if check == "total_size":
        return _total(base, rule, mine, facts)
    if mine.empty:
        return {**base, "value": 0.0 if check == "process" else np.nan, "note": _join(base["note"], "no units of this type")}
    if check == "process":
        failing = mine[mine["outcome"] == "fail"]
        base["value"] = float(failing["count"].sum())
        base["unit"] = "units"
        if len(failing):
            return {**base, "result": "fail", "unit_id": ", ".join(failing["unit_id"])}
        missing = mine[mine["outcome"] == "missing"]
        if len(missing):
            return {**base, "result": "missing", "missing": "; ".join(dict.fromkeys(missing["why"])),
                    "unit_id": ", ".join(missing["unit_id"])}
        return base
    order = {"fail": 0, "missing": 1, "pass": 2}
    ranked = mine.assign(o=mine["outcome"].map(order)).sort_values(["o", "size_rule"], na_position="first")
    worst = ranked.iloc[0]
    size = float(worst["size_rule"])
    out = {**base, "value": size, "unit_id": worst["unit_id"], "result": worst["outcome"]}
    if worst["outcome"] == "missing":
        out["missing"] = worst["why"]
    if not np.isnan(size):
        out["margin"] = size - rule["limit"]
        out["relative_margin"] = size / rule["limit"] - 1 if rule["limit"] else np.nan
    return out


def _total(base: dict, rule: dict, mine: pd.DataFrame, facts: dict) -> dict:
    """A total_size rule: the enterprise's total over its units of the listed types."""
    if mine.empty:
        return {**base, "value": 0.0, "note": _join(base["note"], "no units of this type")}
    sizes = mine["size_rule"].to_numpy(np.float64)
    if np.isnan(sizes).any():
        return {**base, "result": "missing", "missing": "; ".join(dict.fromkeys(mine.loc[np.isnan(sizes), "why"]))}
    total = float((sizes * mine["count"].to_numpy(np.float64)).sum())
    limit = rule["limit"]
    offends = total <= limit if rule["fails_when"] == "le" else total < limit
    out = {**base, "value": total, "margin": total - limit, "relative_margin": total / limit - 1 if limit else np.nan,
           "unit_id": ", ".join(mine["unit_id"])}
    if not offends:
        return out
    exempt = _exempt(rule["unless"], {}, facts)
    if exempt is True:
        return {**out, "note": _join(out["note"], "exempt: " + ", ".join(rule["unless"]))}
    if exempt is None:
        return {**out, "result": "missing", "missing": f"exemption ({', '.join(rule['unless'])}) not declared"}
    return {**out, "result": "fail"}


def _join(a: str | None, b: str) -> str:
    return f"{a}; {b}" if a else b
