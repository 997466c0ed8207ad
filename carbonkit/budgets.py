"""Carbon budgets (碳排放预算): a total CO2 allowed to a region or park over a year or a period, and its use.

A budget table has one row per budget: ``scope`` (an administrative code prefix, 37 or 3702, or a park id),
``kind`` (``region`` or ``park``), ``start_year``, ``end_year`` and ``budget_tco2`` [tCO2], with optional
``source`` and ``note``. Budgets are the user's data (provinces and cities set them; none is published as a
national figure), never shipped values. For the year asked Y (start ≤ Y ≤ end):

    used        U = Σ_{y=start}^{Y} C_y          C_y: location-based CO2 of the scope's enterprises [tCO2]
    remaining   R = B − U                                                                    [tCO2]
    pace        P = C_Y   (the current yearly emission)                                      [tCO2/a]
    run-out     the first year in which the cumulative use exceeds B: already passed when U > B (found
                from the yearly sums), else Y + ⌊R / P⌋ + 1 at the current pace; None when that is after
                ``end`` (the budget lasts the period) or P = 0
    even share  (Y − start + 1) / (end − start + 1): the share of B an even use would have spent   [1]

Budgets roll up: each row's ``parent`` is the budget of the same period with the longest region code that
contains it (a park: that contains its enterprises' region), and a parent shows the sum of its children's
budgets and use beside its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from carbonkit.aggregation import results_frame
from carbonkit.errors import InvalidInput, Problem

REQUIRED = ("scope", "kind", "start_year", "end_year", "budget_tco2")
CO2_COLUMN = "co2_location_tco2"


def read_budgets(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """The budget table, checked: every problem names the row and the field."""
    frame = source if isinstance(source, pd.DataFrame) else pd.read_csv(
        source, dtype={"scope": str, "kind": str}, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    absent = [c for c in REQUIRED if c not in frame.columns]
    if absent:
        raise InvalidInput([Problem("column_missing", f"the budget table has no column {c}", field=c,
                                    expected=", ".join(REQUIRED)) for c in absent])
    out = frame.copy()
    out["scope"] = out["scope"].astype(str).str.strip()
    problems = []
    for name in ("start_year", "end_year", "budget_tco2"):
        out[name] = pd.to_numeric(out[name], errors="coerce")
    for i, r in enumerate(out.itertuples(index=False), start=1):
        if r.kind not in ("region", "park"):
            problems.append(Problem("kind_invalid", f"budget row {i}: kind '{r.kind}' is not region or park",
                                    field="kind", expected="region or park"))
        elif r.kind == "region" and not (r.scope.isdigit() and len(r.scope) in (2, 4, 6)):
            problems.append(Problem("scope_invalid", f"budget row {i}: '{r.scope}' is not a region code (37, 3702, "
                                    "370211)", field="scope", expected="a code of 2, 4 or 6 digits"))
        if not (np.isfinite(r.start_year) and np.isfinite(r.end_year) and r.start_year <= r.end_year):
            problems.append(Problem("period_invalid", f"budget row {i}: start_year and end_year are not years with "
                                    "start ≤ end", field="start_year", expected="two years, start ≤ end"))
        if not (np.isfinite(r.budget_tco2) and r.budget_tco2 > 0):
            problems.append(Problem("value_invalid", f"budget row {i}: budget_tco2 is not a positive number",
                                    field="budget_tco2", expected="a positive amount [tCO2]"))
    key_cols = ["scope", "kind", "start_year", "end_year"]
    for key in out.loc[out.duplicated(key_cols), key_cols].drop_duplicates().itertuples(index=False):
        problems.append(Problem("budget_repeated", f"budget {key.scope} ({key.kind}, {key.start_year:.0f}-"
                                f"{key.end_year:.0f}) is given twice", field="scope"))
    if problems:
        raise InvalidInput(problems)
    out["start_year"], out["end_year"] = out["start_year"].astype(int), out["end_year"].astype(int)
    return out.reset_index(drop=True)


@dataclass
class BudgetUse:
    """Each budget's use in ``year``, with its parent and the roll-up of its children."""

    year: int
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def records(self) -> list[dict]:
        clean = self.table.astype(object).where(self.table.notna(), None)
        return clean.to_dict("records")

    def to_dict(self) -> dict:
        return {"year": self.year, "unit": "tCO2", "budgets": self.records(), "notes": self.notes}


def _per_key(keys: np.ndarray, years: np.ndarray, co2: np.ndarray) -> dict[str, dict[int, tuple[float, int]]]:
    """key -> year -> (CO2 [tCO2], rows), summed with bincount over factorized keys."""
    k, k_uniq = pd.factorize(keys)
    y, y_uniq = pd.factorize(years)
    if len(k) == 0:
        return {}
    combined = k.astype(np.int64) * len(y_uniq) + y
    size = len(k_uniq) * len(y_uniq)
    sums, counts = np.bincount(combined, co2, size), np.bincount(combined, minlength=size)
    out: dict[str, dict[int, tuple[float, int]]] = {}
    for cell in np.flatnonzero(counts):
        out.setdefault(str(k_uniq[cell // len(y_uniq)]), {})[int(y_uniq[cell % len(y_uniq)])] = (
            float(sums[cell]), int(counts[cell]))
    return out


def _yearly(frame: pd.DataFrame) -> tuple[dict[int, dict], dict, dict[str, str]]:
    """CO2 and rows per (region prefix of 2, 4 and 6 digits, year) and per (park, year), and each park's main
    region (the region most of its rows name)."""
    n = len(frame)
    co2 = pd.to_numeric(frame[CO2_COLUMN], errors="coerce").fillna(0.0).to_numpy(dtype=float) \
        if CO2_COLUMN in frame else np.zeros(n)
    years = frame["year"].to_numpy()
    codes, uniques = pd.factorize(frame["region"].fillna("").astype(str) if "region" in frame else pd.Series([""] * n))
    by_prefix = {w: _per_key(np.array([u[:w] for u in uniques], dtype=object)[codes] if len(uniques) else
                             np.array([], dtype=object), years, co2) for w in (2, 4, 6)}
    has_park = frame["park"].notna().to_numpy() if "park" in frame else np.zeros(n, dtype=bool)
    park = frame["park"].to_numpy(dtype=object)[has_park] if "park" in frame else np.array([], dtype=object)
    by_park = _per_key(park.astype(str), years[has_park], co2[has_park])
    main = {}
    pairs = pd.DataFrame({"park": park.astype(str), "region": uniques.to_numpy(dtype=object)[codes[has_park]]
                          if len(uniques) else []})
    for (p, r), _count in pairs.value_counts().items():  # the most frequent first
        main.setdefault(p, r)
    return by_prefix, by_park, main


def run_out(yearly: dict[int, float], budget: float, start: int, end: int, year: int) -> int | None:
    """The first year the cumulative use exceeds ``budget`` (module docstring); None if not within the period."""
    total = 0.0
    for y in range(start, year + 1):
        total += yearly.get(y, 0.0)
        if total > budget:
            return y
    pace = yearly.get(year, 0.0)
    if pace <= 0:
        return None
    found = year + int((budget - total) // pace) + 1
    return found if found <= end else None


def _use_row(b, yearly: dict[int, float], year: int, reporting: set[int]) -> dict:
    last = min(year, b.end_year)
    used = sum(yearly.get(y, 0.0) for y in range(b.start_year, last + 1))
    missing = [y for y in range(b.start_year, last + 1) if y not in reporting]
    n = b.end_year - b.start_year + 1
    return {"scope": b.scope, "kind": b.kind, "start_year": b.start_year, "end_year": b.end_year,
            "budget_tco2": float(b.budget_tco2), "used_tco2": used, "remaining_tco2": b.budget_tco2 - used,
            "share_used": used / b.budget_tco2, "even_share": (last - b.start_year + 1) / n,
            "pace_tco2_per_year": yearly.get(last), "run_out_year": run_out(yearly, b.budget_tco2, b.start_year,
                                                                            b.end_year, last),
            "years_without_reports": missing, "source": getattr(b, "source", None)}


def _parents(table: pd.DataFrame, park_region: dict[str, str]) -> list[int | None]:
    """Each row's parent: the region budget of the same period with the longest code containing it."""
    regions = {(r.scope, r.start_year, r.end_year): i for i, r in enumerate(table.itertuples(index=False))
               if r.kind == "region"}
    out = []
    for r in table.itertuples(index=False):
        code = r.scope if r.kind == "region" else str(park_region.get(r.scope, ""))
        longest = len(code) - 2 if r.kind == "region" else len(code)
        found = None
        for n in range(longest - longest % 2, 0, -2):
            found = regions.get((code[:n], r.start_year, r.end_year))
            if found is not None:
                break
        out.append(found)
    return out


def budget_use(data, budgets: str | Path | pd.DataFrame, year: int | None = None) -> BudgetUse:
    """Used, remaining, pace and run-out year of every budget in ``year`` (default: the latest annual period)."""
    table = read_budgets(budgets)
    frame = results_frame(data)
    frame = frame[frame["period"].str.len() == 4]
    if frame.empty:
        raise InvalidInput(Problem("year_missing", "no annual results", field="period"))
    year = int(year if year is not None else frame["year"].max())
    by_prefix, by_park, park_region = _yearly(frame)
    rows = []
    for b in table.itertuples(index=False):
        part = (by_prefix[len(b.scope)] if b.kind == "region" else by_park).get(b.scope, {})
        yearly = {y: v for y, (v, _n) in part.items()}
        rows.append(_use_row(b, yearly, year, {y for y, (_v, n) in part.items() if n > 0}))
    parent_index = _parents(table, park_region)
    for col in ("budget_tco2", "used_tco2"):
        children: dict[int, float] = {}
        for row, parent in zip(rows, parent_index):
            if parent is not None:
                children[parent] = children.get(parent, 0.0) + row[col]
        for i, row in enumerate(rows):
            row[f"children_{col}"] = children.get(i)
    for row, parent in zip(rows, parent_index):
        row["parent"] = None if parent is None else rows[parent]["scope"]
    out = pd.DataFrame(rows)
    notes = [f"use of {year}: location-based CO2 of the enterprises reporting; a year without reports counts "
             "zero and is listed in years_without_reports",
             "run-out year at the current pace (the CO2 of the last year counted)"]
    return BudgetUse(year, out, notes)
