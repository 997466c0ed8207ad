"""The park report: a green-park assessment indicator by indicator (veto gates, every indicator with its value,
benchmarks and points, the groups, the verdict, what is missing, the gap list) and the park's totals computed
from its enterprises' accounting.

The numbers are those of :func:`carbonkit.assess.assess_park`, so the report and ``carbonkit assess park``
agree; a group's share is its points over its maximum among the counted indicators [points].
"""

from __future__ import annotations

import json
from pathlib import Path

from carbonkit.assess import assess_park, park_summaries
from carbonkit.assess.zero_carbon import assess_zero_carbon_park
from carbonkit.errors import InvalidInput, Problem


def read_statements(source) -> dict:
    """The park's statements: a dict, or a JSON file as for ``carbonkit assess park``."""
    if isinstance(source, dict):
        return source
    path = Path(source)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(Problem("file_missing", f"{path}: file not found", field="input")) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(Problem("json_invalid", f"{path.name}: not valid JSON: {exc}", field="input",
                                   expected="a JSON object as for carbonkit assess park")) from None
    if not isinstance(data, dict):
        raise InvalidInput(Problem("json_invalid", f"{path.name}: not a JSON object", field="input"))
    return data


def park_context(statements, *, criteria=None, activities=None, summaries=None, release=None, options=None) -> dict:
    """Everything the park template shows. ``statements``: the park JSON (path or dict: park, year, land_area,
    gates, values, benchmarks, and optionally enterprises); ``activities``: the enterprises' activity data
    (a path or frame) instead of ``enterprises`` in the statements; ``summaries``: their accounting summary rows
    already computed (the service's stored results)."""
    data = read_statements(statements)
    if summaries is None and activities is not None:
        summaries = park_summaries(activities, data.get("park"), release, options)
    a = assess_park(data, criteria, summaries=summaries, release=release, options=options)
    groups = []
    for g in a.groups:
        rows = [r for r in a.indicators if r.group == g["id"]]
        groups.append({**g, "share": g["points"] / g["max_points"] if g["max_points"] else None, "rows": rows})
    names = {("indicator", r.id): (r.name_zh, r.name_en) for r in a.indicators}
    names.update({("gate", g["id"]): (g["name_zh"], g["name_en"]) for g in a.gates})
    return {"assessment": a, "names": names, "park": a.subject.get("park"), "year": a.subject.get("year"), "groups": groups,
            "n_enterprises": len(a.subject.get("enterprises") or []), "release": a.release or "–",
            "metrics": [{"metric": k, **v} for k, v in a.metrics.items()],
            "zero_carbon": zero_carbon_section(data, summaries)}


def zero_carbon_section(data: dict, summaries) -> dict | None:
    """The zero-carbon park indicators (:mod:`carbonkit.assess.zero_carbon`) of the park's enterprises in the
    report's year, with the statements under ``zero_carbon`` (``{"values": {...}}``); None without results."""
    if summaries is None or not len(summaries) or "period" not in summaries.columns:
        return None
    year = data.get("year")
    rows = summaries[summaries["period"].astype(str) == str(year)]
    if rows.empty:
        return None
    try:
        return assess_zero_carbon_park(rows, data.get("zero_carbon") or {}, park=data.get("park"), year=year).to_dict()
    except InvalidInput as exc:
        return {"error": "; ".join(p.message for p in exc.problems[:3])}
