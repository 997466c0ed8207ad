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
    keys = out[["scope", "kind", "start_year", "end_year"]].astype(str).agg("|".join, axis=1)
    for key in sorted(set(keys[keys.duplicated()])):
        problems.append(Problem("budget_repeated", f"budget {key} is given twice", field="scope"))
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


def _yearly(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """CO2 per (region, year) and per (park, year), and each park's main region."""
    f = frame[[c for c in ("region", "park", "year", CO2_COLUMN) if c in frame.columns]].copy()
    f[CO2_COLUMN] = pd.to_numeric(f[CO2_COLUMN], errors="coerce").fillna(0.0)
    by_region = f.groupby([f["region"].fillna(""), "year"])[CO2_COLUMN].sum().unstack(fill_value=0.0)
    parks = f[f["park"].notna()] if "park" in f else f.iloc[:0]
    by_park = parks.groupby(["park", "year"])[CO2_COLUMN].sum().unstack(fill_value=0.0)
    main = parks.groupby("park")["region"].agg(lambda r: r.mode().iat[0] if r.notna().any() else "")
    return by_region, by_park, main


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


def _parents(table: pd.DataFrame, park_region: pd.Series) -> list[int | None]:
    out = []
    for i, r in table.iterrows():
        code = r["scope"] if r["kind"] == "region" else str(park_region.get(r["scope"], ""))
        best, best_len = None, -1
        for j, p in table.iterrows():
            same = (p["start_year"], p["end_year"]) == (r["start_year"], r["end_year"])
            inside = p["kind"] == "region" and code.startswith(p["scope"]) and (
                r["kind"] == "park" or len(p["scope"]) < len(r["scope"]))
            if j != i and same and inside and len(p["scope"]) > best_len:
                best, best_len = j, len(p["scope"])
        out.append(best)
    return out


def budget_use(data, budgets: str | Path | pd.DataFrame, year: int | None = None) -> BudgetUse:
    """Used, remaining, pace and run-out year of every budget in ``year`` (default: the latest annual period)."""
    table = read_budgets(budgets)
    frame = results_frame(data)
    frame = frame[frame["period"].str.len() == 4]
    if frame.empty:
        raise InvalidInput(Problem("year_missing", "no annual results", field="period"))
    year = int(year if year is not None else frame["year"].max())
    by_region, by_park, park_region = _yearly(frame)
    rows = []
    for b in table.itertuples(index=False):
        if b.kind == "region":
            part = by_region[by_region.index.astype(str).str.startswith(b.scope)]
        else:
            part = by_park[by_park.index == b.scope]
        yearly = {int(y): float(v) for y, v in part.sum(axis=0).items()} if len(part) else {}
        rows.append(_use_row(b, yearly, year, set(yearly) if len(part) else set()))
    out = pd.DataFrame(rows)
    parent_index = _parents(table, park_region)
    out["parent"] = [None if p is None else out.at[p, "scope"] for p in parent_index]
    for col in ("budget_tco2", "used_tco2"):
        sums = pd.Series([out.at[i, col] for i, p in enumerate(parent_index) if p is not None],
                         index=[p for p in parent_index if p is not None], dtype=float).groupby(level=0).sum()
        out[f"children_{col}"] = [sums.get(i) for i in range(len(out))]
    notes = [f"use of {year}: location-based CO2 of the enterprises reporting; a year without reports counts "
             "zero and is listed in years_without_reports",
             "run-out year at the current pace (the CO2 of the last year counted)"]
    return BudgetUse(year, out, notes)
