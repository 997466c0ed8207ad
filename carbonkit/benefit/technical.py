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
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonkit.benefit.profile import BenefitProfile, EquipmentUnit
from carbonkit.benefit.standards import Equipment, TechnicalStandards
from carbonkit.errors import InvalidInput, Problem, UnitMismatch
from carbonkit.units import multiplier

COLUMNS = ["row", "group", "standard", "level", "indicator", "value", "limit", "unit", "comparison", "result",
           "margin", "relative_margin", "missing", "unit_id", "status", "note"]
_SIGN = {"le": "≤", "lt": "<"}


def validate_profiles(profiles: list[BenefitProfile | None], keys: list[tuple[str, str]],
                      tech: TechnicalStandards) -> None:
    """Refuse equipment types, facts and size units the technical standards do not know.

    Parameters
    ----------
    profiles : list of BenefitProfile or None
        Each enterprise-period's benefit profile (None: none given).
    keys : list of (str, str)
        The (enterprise, period) of each profile, for the messages.
    tech : TechnicalStandards
        The equipment types (each with the unit of its size), and the facts that may be declared.

    Raises
    ------
    InvalidInput
        Every unknown fact or equipment type, and every size without a unit or in a unit of another dimension.
    """
    problems: list[Problem] = []
    for profile, (ent, per) in zip(profiles, keys):
        if profile is None:
            continue
        found = _fact_problems(profile.facts, tech)
        for k, unit in enumerate(profile.equipment or []):
            found += _equipment_problems(f"benefit.equipment[{k}]", unit, tech)
        problems += [Problem(code, message, path=path, enterprise=ent, period=per, expected=expected)
                     for code, message, path, expected in found]
    if problems:
        raise InvalidInput(problems)


_Found = list[tuple[str, str, str, str | None]]  # (code, message, path, expected) of one profile


def _fact_problems(declared: dict[str, Any], tech: TechnicalStandards) -> _Found:
    """Declared facts the standards do not know, with the closest known names."""
    facts = {f.id for f in tech.fact}
    found: _Found = []
    for name in declared:
        if name not in facts:
            hint = difflib.get_close_matches(name, facts, n=2)
            found.append(("fact_unknown", f"'{name}' is not a fact of {tech.id}"
                          + (f"; did you mean {', '.join(hint)}?" if hint else ""),
                          f"benefit.facts.{name}", ", ".join(sorted(facts))))
    return found


def _equipment_problems(where: str, unit: EquipmentUnit, tech: TechnicalStandards) -> _Found:
    """One unit of equipment: its type known, its attributes known facts, its size in a unit of the type's."""
    types = {e.id: e for e in tech.equipment}
    kind = types.get(unit.type)
    if kind is None:
        hint = difflib.get_close_matches(unit.type, types, n=3)
        return [("equipment_unknown", f"'{unit.type}' is not an equipment type of {tech.id}"
                 + (f"; did you mean {', '.join(hint)}?" if hint else ""), where + ".type",
                 "an equipment id of the technical standards")]
    facts = {f.id for f in tech.fact}
    found: _Found = [("fact_unknown", f"'{name}' is not a fact of {tech.id}", f"{where}.attributes.{name}", None)
                     for name in unit.attributes if name not in facts]
    if unit.size is None or kind.unit is None:
        return found
    if not unit.unit:
        return found + [("unit_missing", f"the size of a {unit.type} needs a unit", where + ".unit",
                         f"a unit convertible to {kind.unit}")]
    try:
        multiplier(unit.unit, kind.unit)
    except UnitMismatch as exc:
        found.append((exc.problems[0].code, exc.problems[0].message, where + ".unit", f"a unit convertible to {kind.unit}"))
    return found


def _exempt(unless: list[str], attributes: dict[str, Any], facts: dict[str, Any]) -> bool | None:
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
        usable = (bool(size_unit) and isinstance(rule_unit, str)
                  and cast(Equipment, tech.equipment_of(type_id)).unit is not None)  # rules name known types
        factor[(size_unit, type_id, rule_unit)] = multiplier(size_unit, rule_unit) if usable else np.nan
    return np.array([factor[key] for key in zip(m["size_unit"], m["type"], m["unit"])], dtype=np.float64)


def _unit_outcomes(m: pd.DataFrame, facts: list[dict[str, Any]], tech: TechnicalStandards) -> pd.DataFrame:
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


def technical_checks(industry: npt.NDArray[np.object_], profiles: list[BenefitProfile | None],
                     tech: TechnicalStandards) -> pd.DataFrame:
    """Check rows of the screen: one per applicable enterprise-period (``industry`` not None) and rule.

    Parameters
    ----------
    industry : ndarray of object
        The GB/T 4754 industry of each enterprise-period whose technical standards apply (None: none apply).
    profiles : list of BenefitProfile or None
        Each enterprise-period's equipment (unit sizes in their units) and declared facts, aligned with
        ``industry``.
    tech : TechnicalStandards
        The rules: size limits in each rule's unit, banned processes, declarations.

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`: per row and rule the value and limit [rule's unit], result, margin [rule's unit],
        relative margin [-], what is missing and the deciding unit.
    """
    rules = pd.DataFrame([r.model_dump() for r in tech.rule])
    applicable = np.flatnonzero(pd.notna(industry))
    pairs = pd.DataFrame({"row": applicable, "industry": industry[applicable]}).merge(rules, on="industry")
    if pairs.empty:
        return pd.DataFrame(columns=COLUMNS)
    given = np.array([p is not None and p.equipment is not None for p in profiles], dtype=bool)
    facts = [{} if p is None else p.facts for p in profiles]
    rows = pairs["row"].to_numpy()
    units = _units(np.unique(rows[given[rows]]), profiles)
    by_type = rules[rules["check"] != "fact"].explode("equipment").rename(columns={"equipment": "type"})
    m = units.merge(by_type.drop(columns="industry"), on="type").merge(pairs[["row", "id"]], on=["row", "id"])
    m = _unit_outcomes(m, facts, tech)
    check = pairs["check"].to_numpy(object)
    out = _check_arrays(pairs)
    position = pd.MultiIndex.from_arrays([rows, pairs["id"].to_numpy(object)])
    _no_units(out, check, given[rows], position.isin(pd.MultiIndex.from_arrays([m["row"].to_numpy(),
                                                                               m["id"].to_numpy(object)])))
    _unit_size(out, position, m[m["check"] == "unit_size"])
    _process(out, position, m[m["check"] == "process"])
    _totals(out, position, m[m["check"] == "total_size"], pairs, facts)
    for i in np.flatnonzero(check == "fact"):  # declarations: a few per enterprise of the industries that have them
        out["result"][i], out["missing"][i] = _fact(pairs["fact"].iat[i], pairs["fact_fails_when"].iat[i],  # type: ignore[index]
                                                    pairs["unless"].iat[i], facts[rows[i]])  # type: ignore[index]
    return pd.DataFrame({"row": rows, "group": "technical", "standard": pairs["id"].to_numpy(object),
                         "level": pairs["level"].to_numpy(object), "indicator": pairs["text"].to_numpy(object),
                         "comparison": _comparison(pairs, check), "status": pairs["status"].to_numpy(object), **out},
                        columns=COLUMNS)


def _check_arrays(pairs: pd.DataFrame) -> dict[str, npt.NDArray[Any]]:
    """The check rows as arrays (every rule passes until a kind of rule says otherwise), framed once at the end."""
    n = len(pairs)
    return {
        "value": np.full(n, np.nan), "limit": pd.to_numeric(pairs["limit"]).to_numpy(np.float64),
        "unit": np.array([u if isinstance(u, str) else None for u in pairs["unit"]], dtype=object),
        "result": np.full(n, "pass", dtype=object), "margin": np.full(n, np.nan), "relative_margin": np.full(n, np.nan),
        "missing": np.full(n, None, dtype=object), "unit_id": np.full(n, None, dtype=object),
        "note": np.array([x or None for x in pairs["note"]], dtype=object),
    }


def _no_units(out: dict[str, npt.NDArray[Any]], check: npt.NDArray[np.object_], given: npt.NDArray[np.bool_],
              with_units: npt.NDArray[np.bool_]) -> None:
    """Equipment rules where the equipment is not given (missing), or given without units of the rule's type."""
    equipment_rule = check != "fact"
    absent = equipment_rule & ~given
    out["result"][absent], out["missing"][absent] = "missing", "equipment not given"
    none = equipment_rule & given & ~with_units
    out["value"][none & (check != "unit_size")] = 0.0
    out["note"][none] = [_join(x, "no units of this type") for x in out["note"][none]]
    out["unit"][(check == "process") & ~absent] = "units"


def _comparison(pairs: pd.DataFrame, check: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """How each rule fails, in words: 'fails when size > limit', 'fails for any unit', 'fails when <fact> is true'."""
    sign = np.array([_SIGN.get(op, "") if isinstance(op, str) else "" for op in pairs["fails_when"]], dtype=object)
    return np.select(
        [check == "unit_size", check == "total_size", check == "process"],
        ["fails when size " + sign + " limit", "fails when total " + sign + " limit", "fails for any unit"],
        default=np.array([f"fails when {f} is {str(v).lower()}" for f, v in zip(pairs["fact"], pairs["fact_fails_when"])],
                         dtype=object))


def _at(position: pd.MultiIndex, frame: pd.DataFrame) -> np.ndarray:
    """Positions in the check rows of the (row, id) keys of ``frame``."""
    return position.get_indexer(pd.MultiIndex.from_arrays([frame["row"].to_numpy(), frame["id"].to_numpy(object)]))


def _unit_size(out: dict[str, np.ndarray], position: pd.MultiIndex, m: pd.DataFrame) -> None:
    """unit_size rules: the deciding unit is the first failing, else missing, else the smallest one."""
    if m.empty:
        return
    order = m["outcome"].map({"fail": 0, "missing": 1, "pass": 2})
    worst = m.assign(o=order).sort_values(["row", "id", "o", "size_rule"], na_position="first").drop_duplicates(["row", "id"])
    at = _at(position, worst)
    size = worst["size_rule"].to_numpy(np.float64)
    limit = out["limit"][at]
    out["value"][at] = size
    out["result"][at] = worst["outcome"].to_numpy(object)
    out["missing"][at] = worst["why"].to_numpy(object)
    out["unit_id"][at] = worst["unit_id"].to_numpy(object)
    out["margin"][at] = size - limit
    with np.errstate(divide="ignore", invalid="ignore"):
        out["relative_margin"][at] = np.where(limit > 0, size / limit - 1, np.nan)


def _process(out: dict[str, np.ndarray], position: pd.MultiIndex, m: pd.DataFrame) -> None:
    """process rules: fail for any unit not exempt; the value is the number of failing units."""
    if m.empty:
        return
    keys = ["row", "id"]
    out["value"][_at(position, m.drop_duplicates(keys))] = 0.0
    undecided = m[m["outcome"] == "missing"].groupby(keys, sort=False).agg(
        why=("why", _reasons), ids=("unit_id", ", ".join)).reset_index()
    at = _at(position, undecided)
    out["result"][at], out["missing"][at], out["unit_id"][at] = "missing", undecided["why"], undecided["ids"]
    failing = m[m["outcome"] == "fail"].groupby(keys, sort=False).agg(
        n=("count", "sum"), ids=("unit_id", ", ".join)).reset_index()
    at = _at(position, failing)
    out["value"][at] = failing["n"].to_numpy(np.float64)
    out["result"][at], out["missing"][at], out["unit_id"][at] = "fail", None, failing["ids"]


def _totals(out: dict[str, np.ndarray], position: pd.MultiIndex, m: pd.DataFrame, pairs: pd.DataFrame,
            facts: list[dict[str, Any]]) -> None:
    """total_size rules: the enterprise's total (size × count) over its units of the listed types."""
    if m.empty:
        return
    grouped = m.assign(part=m["size_rule"] * m["count"], unknown=m["size_rule"].isna()).groupby(["row", "id"], sort=False)
    totals = grouped.agg(total=("part", "sum"), unknown=("unknown", "any"), ids=("unit_id", ", ".join),
                         why=("why", _reasons)).reset_index()
    at = _at(position, totals)
    total = totals["total"].to_numpy(np.float64)
    limit = out["limit"][at]
    le = pairs["fails_when"].to_numpy(object)[at] == "le"
    unknown = totals["unknown"].to_numpy(bool)
    offends = ~unknown & np.where(le, total <= limit, total < limit)
    known = at[~unknown]
    out["value"][known] = total[~unknown]
    out["margin"][known] = total[~unknown] - limit[~unknown]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["relative_margin"][known] = np.where(limit[~unknown] > 0, total[~unknown] / limit[~unknown] - 1, np.nan)
    out["unit_id"][at] = totals["ids"].to_numpy(object)
    out["result"][at[unknown]], out["missing"][at[unknown]] = "missing", totals["why"].to_numpy(object)[unknown]
    for i in at[offends]:  # the exemptions of the enterprises below the limit
        unless: list[str] = pairs["unless"].iat[i]  # type: ignore[assignment]  # a list of fact ids
        exempt = _exempt(unless, {}, facts[pairs["row"].iat[i]])  # type: ignore[index]
        if exempt is True:
            out["note"][i] = _join(out["note"][i], "exempt: " + ", ".join(unless))
        elif exempt is None:
            out["result"][i], out["missing"][i] = "missing", f"exemption ({', '.join(unless)}) not declared"
        else:
            out["result"][i] = "fail"


def _fact(fact: Any, fails_when: Any, unless: Any, facts: dict[str, Any]) -> tuple[str, str | None]:
    """(result, missing reason) of a fact rule."""
    value = facts.get(fact)
    if value is None:
        return "missing", f"fact {fact} not declared"
    if value != fails_when:
        return "pass", None
    exempt = _exempt(unless, {}, facts)
    if exempt is True:
        return "pass", None
    if exempt is None:
        return "missing", f"exemption ({', '.join(unless)}) not declared"
    return "fail", None


def _reasons(values: pd.Series) -> str:
    """Distinct reasons of a group, '; '-joined (missing ones skipped)."""
    return "; ".join(dict.fromkeys(v for v in values if isinstance(v, str) and v))


def _join(a: str | None, b: str) -> str:
    return f"{a}; {b}" if isinstance(a, str) and a else b
