"""The province or city report: target progress against the required pace, the LMDI decomposition of the
intensity changes, the largest contributors and the coverage of reports.

Every number comes from the library's own functions, so the report and ``carbonkit progress | decompose |
aggregate`` agree: :func:`carbonkit.targets.progress` (cumulative change, paces, the series per year),
:func:`carbonkit.decomposition.decompose` (effects; a contribution's total is its share of the change) and
:func:`carbonkit.aggregation.aggregate` (who reported, per city or county). The required-pace path of a
target with cumulative decline R over n years is I_B × (1 − R)^((t − B) / n) [the intensity's unit].
"""

from __future__ import annotations

import math

import pandas as pd

from carbonkit.accounting import AccountingResult
from carbonkit.aggregation import aggregate, results_frame
from carbonkit.decomposition import decompose
from carbonkit.errors import InvalidInput
from carbonkit.evaluation import margin_row
from carbonkit.targets import path_value, progress
from carbonkit.target_profiles import load_profile
from carbonkit.vocabulary import vocabulary

DECOMPOSED = ("energy", "water", "co2")
# the coverage table one level below the region asked: province -> city, city -> county
BELOW = {2: "city", 4: "county", 6: "county"}


def releases_of(data) -> list[str]:
    """The factor release(s) the results were accounted with."""
    if isinstance(data, AccountingResult):
        return [data.release]
    if isinstance(data, pd.DataFrame) and "release" in data.columns:
        return sorted(str(r) for r in data["release"].dropna().unique())
    return []


def region_name(code: str | None, lang: str | None = None) -> str:
    """'37 山东 Shandong' for a code in regions.csv ('37 山东' in ``lang`` 'zh', '37 Shandong' in 'en'), else the
    code itself."""
    if not code:
        return ""
    regions = vocabulary().regions
    row = regions[regions["code"] == str(code)]
    if not len(row):
        from reports.names import named

        return named(code, "region", lang or "zh")
    zh, en = str(row["name_zh"].iat[0]), str(row["name_en"].iat[0])
    names = {"zh": [zh], "en": [en]}.get(lang or "", [zh, en])
    return " ".join([str(code), *names])


def required_path(base_value: float, decline: float, base_year: int, target_year: int) -> list[tuple[int, float]]:
    """The even-pace path from the base year to the target year: I_B × (1 − R)^((t − B) / n)."""
    n = target_year - base_year
    return [(t, path_value(base_value, decline, t - base_year, n)) for t in range(base_year, target_year + 1)]


def curves(answer) -> list[dict]:
    """One curve per intensity target and variant: the achieved series and the required path, per year."""
    p = answer.profile
    out: list[dict[str, object]] = []
    for line in answer.indicators:
        b = line.get("base_value")
        if line.get("reason") or b is None or not b > 0 or line.get("target_decline") is None \
                or line.get("form") not in ("cumulative_decline", "annual_decline"):
            continue  # no even-pace path to draw (an annual step, a cap, a target without a value)
        key = f"{line['target']}.{line['variant']}"
        achieved = [(s["year"], s.get(key)) for s in answer.series if s.get(key) is not None]
        path = required_path(b, line["target_decline"], p.base_year, p.target_year)
        by_year = {t: {"year": t, "achieved": None, "required": v} for t, v in path}
        for t, v in achieved:
            by_year.setdefault(t, {"year": t, "achieved": None, "required": None})["achieved"] = v
        rows = [by_year[t] for t in sorted(by_year)]
        for r in rows:
            r["gap"] = (r["achieved"] / r["required"] - 1) if r["achieved"] is not None and r["required"] else None
        out.append({"target": line["target"], "variant": line["variant"], "label": line["label"], "unit": line["unit"],
                    "target_value": line["target_value"], "achieved": achieved, "path": path, "rows": rows,
                    "status": line["status"]})
    return out


def decompositions(data, start: int, end: int, by: str, top: int, region, park, deflators, override) -> list[dict]:
    """The decomposition of each intensity of :data:`DECOMPOSED`; one that cannot be made says why."""
    out: list[dict[str, object]] = []
    for indicator in DECOMPOSED:
        try:
            d = decompose(data, start, end, by, indicator=indicator, region=region, park=park, deflators=deflators,
                          override=override)
        except InvalidInput as exc:
            out.append({"indicator": indicator, "error": "; ".join(p.message for p in exc.problems[:3])})
            continue
        if not (math.isfinite(d.I0) and math.isfinite(d.IT)) or d.I0 <= 0:
            out.append({"indicator": indicator, "error": f"no {indicator} reported in {start}: nothing to decompose"})
            continue
        contributions = d.contributions.head(top)
        out.append({"indicator": indicator, "unit": d.unit, "I0": d.I0, "IT": d.IT, "change": d.change,
                    "ratio": d.IT / d.I0, "effects": list(d.effects), "additive": d.additive,
                    "multiplicative": d.multiplicative, "keys": list(d.keys), "n_contributions": len(d.contributions),
                    "top": contributions.to_dict("records"), "notes": d.notes, "error": None})
    return out


def coverage(data, year: int, base_year: int, region: str | None, park, register, missing_limit: int) -> dict:
    """Reports expected and received per city (or county) in the base year and the year, and who is missing."""
    level = "park" if park else BELOW.get(len(region or "37"), "county")
    periods = [str(base_year), str(year)] if base_year != year else [str(year)]
    agg = aggregate(data, level, periods=periods, register=register, region=region, park=park)
    groups: dict[tuple, dict] = {}
    for r in agg.records():
        key = tuple(r[k] for k in agg.keys)
        group = groups.setdefault(key, {"key": "–" if key[-1] is None else str(key[-1]), "cells": {}})
        group["cells"][r["period"]] = {c: r.get(c) for c in ("n_expected", "n_reporting", "n_missing", "coverage",
                                                               "n_value_added")}
    missing = agg.missing[agg.missing["period"] == str(year)]
    return {"level": level, "keys": list(agg.keys), "periods": periods, "groups": list(groups.values()),
            "missing_total": len(missing), "missing": missing.head(missing_limit).to_dict("records")}


def region_context(data, *, region: str | None = None, park: str | None = None, year: int | None = None,
                   profile=None, by: str = "division", top: int = 10, register: pd.DataFrame | None = None,
                   counts: dict[str, int] | None = None, deflators=None, override: bool = False,
                   missing_limit: int = 30, designations: pd.DataFrame | None = None) -> dict:
    """Everything the region template shows. ``data``: an :class:`AccountingResult` or a frame of summary rows
    (several enterprises, annual periods from the base year on); ``region``: a code prefix (37, 3702);
    ``designations``: the count targets' designations (:func:`carbonkit.designations.read_designations`)."""
    frame = results_frame(data)
    prog = progress(frame, None if profile is None else load_profile(profile), year, region=region, park=park,
                    register=register, counts=counts, deflators=deflators, override=override,
                    designations=designations)
    p = prog.profile
    where = prog.region if not prog.park else None
    final = [margin_row(line) for line in prog.indicators if line["form"] != "annual_step"] \
        if prog.year == p.target_year else []
    return {"progress": prog, "profile": p, "year": prog.year, "region": where, "region_name": region_name(where),
            "park": prog.park, "release": ", ".join(releases_of(data)) or "–", "price_basis": prog.price_basis,
            "indicators": prog.indicators, "counts": prog.counts, "curves": curves(prog),
            "decompositions": decompositions(frame, p.base_year, prog.year, by, top, where, park, deflators, override)
            if prog.year > p.base_year else [],
            "by": by, "coverage": coverage(frame, prog.year, p.base_year, where, park, register, missing_limit),
            "coverage_years": prog.coverage, "notes": prog.notes, "unverified": prog.unverified,
            "final": final, "panel_coverage": prog.panel_coverage}
