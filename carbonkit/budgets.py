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
from collections.abc import Mapping
from typing import Any, NamedTuple, NotRequired, TypedDict, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonkit.accounting import AccountingResult
from carbonkit.aggregation import results_frame
from carbonkit.errors import InvalidInput, Problem

REQUIRED = ("scope", "kind", "start_year", "end_year", "budget_tco2")
CO2_COLUMN = "co2_location_tco2"
_KEY = ["scope", "kind", "start_year", "end_year"]
PerYear = dict[int, tuple[float, int]]  # year -> (CO2 [tCO2], rows)


class Budget(NamedTuple):
    """One checked row of the budget table (:func:`read_budgets`)."""

    scope: str
    kind: str
    start_year: int
    end_year: int
    budget_tco2: float
    source: object = None


class BudgetRow(TypedDict):
    """One budget's use in the year asked (the module docstring's figures) [tCO2] unless stated."""

    scope: str
    kind: str
    start_year: int
    end_year: int
    budget_tco2: float
    used_tco2: float
    remaining_tco2: float
    share_used: float
    even_share: float
    pace_tco2_per_year: float | None
    run_out_year: int | None
    years_without_reports: list[int]
    source: object
    children_budget_tco2: NotRequired[float | None]
    children_used_tco2: NotRequired[float | None]
    parent: NotRequired[str | None]


def read_budgets(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """The budget table, checked: every problem names the row and the field.

    Parameters
    ----------
    source : str, Path or DataFrame
        A CSV file (UTF-8, with or without BOM) or a frame with the columns ``scope``, ``kind`` (``region`` or
        ``park``), ``start_year``, ``end_year`` and ``budget_tco2`` [tCO2]; ``source`` and ``note`` optional.

    Returns
    -------
    DataFrame
        The table with ``scope`` stripped, ``start_year`` and ``end_year`` as int and ``budget_tco2`` numeric
        [tCO2], on a fresh 0-based index.

    Raises
    ------
    InvalidInput
        A column missing, a kind, region code, period or amount invalid, or a budget given twice; every
        problem at once.
    """
    frame = source if isinstance(source, pd.DataFrame) else pd.read_csv(
        source, dtype={"scope": str, "kind": str}, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    absent = [c for c in REQUIRED if c not in frame.columns]
    if absent:
        raise InvalidInput([Problem("column_missing", f"the budget table has no column {c}", field=c,
                                    expected=", ".join(REQUIRED)) for c in absent])
    out = frame.copy()
    out["scope"] = out["scope"].astype(str).str.strip()
    for name in ("start_year", "end_year", "budget_tco2"):
        out[name] = pd.to_numeric(out[name], errors="coerce")
    rows = zip(out["kind"].tolist(), out["scope"].tolist(), out["start_year"].tolist(), out["end_year"].tolist(),
               out["budget_tco2"].tolist())
    problems = [p for i, row in enumerate(rows, start=1) for p in _row_problems(i, *row)]
    problems += _repeated_problems(out)
    if problems:
        raise InvalidInput(problems)
    out["start_year"], out["end_year"] = out["start_year"].astype(int), out["end_year"].astype(int)
    return out.reset_index(drop=True)


def _row_problems(i: int, kind: object, scope: str, start: float, end: float, budget: float) -> list[Problem]:
    """The problems of budget row ``i`` (1-based): its kind, region code, period and amount."""
    problems = []
    if kind not in ("region", "park"):
        problems.append(Problem("kind_invalid", f"budget row {i}: kind '{kind}' is not region or park",
                                field="kind", expected="region or park"))
    elif kind == "region" and not (scope.isdigit() and len(scope) in (2, 4, 6)):
        problems.append(Problem("scope_invalid", f"budget row {i}: '{scope}' is not a region code (37, 3702, "
                                "370211)", field="scope", expected="a code of 2, 4 or 6 digits"))
    if not (np.isfinite(start) and np.isfinite(end) and start <= end):
        problems.append(Problem("period_invalid", f"budget row {i}: start_year and end_year are not years with "
                                "start ≤ end", field="start_year", expected="two years, start ≤ end"))
    if not (np.isfinite(budget) and budget > 0):
        problems.append(Problem("value_invalid", f"budget row {i}: budget_tco2 is not a positive number",
                                field="budget_tco2", expected="a positive amount [tCO2]"))
    return problems


def _repeated_problems(table: pd.DataFrame) -> list[Problem]:
    """One problem per budget (scope, kind, period) given more than once."""
    repeated = table.loc[table.duplicated(_KEY), _KEY].drop_duplicates()
    return [Problem("budget_repeated", f"budget {scope} ({kind}, {start:.0f}-{end:.0f}) is given twice", field="scope")
            for scope, kind, start, end in zip(*(repeated[c].tolist() for c in _KEY))]


def _budgets_of(table: pd.DataFrame) -> list[Budget]:
    """The rows of a table checked by :func:`read_budgets` as :class:`Budget` records (``source`` None when the
    table has none)."""
    sources = table["source"].tolist() if "source" in table.columns else [None] * len(table)
    return [Budget(*row) for row in zip(table["scope"].tolist(), table["kind"].tolist(), table["start_year"].tolist(),
                                        table["end_year"].tolist(), table["budget_tco2"].tolist(), sources)]


@dataclass
class BudgetUse:
    """Each budget's use in ``year``, with its parent and the roll-up of its children (one row per budget of
    ``table``: the columns of :class:`BudgetRow`)."""

    year: int
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """The rows of ``table`` as dicts, NaN as None (figures [tCO2], shares [-])."""
        clean = self.table.astype(object).where(self.table.notna(), None)
        return cast(list[dict[str, Any]], clean.to_dict("records"))  # the columns are str (BudgetRow)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``year``, ``unit`` ("tCO2"), ``budgets`` (:meth:`records`) and ``notes``."""
        return {"year": self.year, "unit": "tCO2", "budgets": self.records(), "notes": self.notes}


def _per_key(keys: npt.NDArray[Any], years: npt.NDArray[Any], co2: npt.NDArray[np.float64]) -> dict[str, PerYear]:
    """key -> year -> (CO2 [tCO2], rows), summed with bincount over factorized keys."""
    k, k_uniq = pd.factorize(keys)
    y, y_uniq = pd.factorize(years)
    if len(k) == 0:
        return {}
    combined = k.astype(np.int64) * len(y_uniq) + y
    size = len(k_uniq) * len(y_uniq)
    sums, counts = np.bincount(combined, co2, size), np.bincount(combined, minlength=size)
    out: dict[str, PerYear] = {}
    for cell in np.flatnonzero(counts):
        out.setdefault(str(k_uniq[cell // len(y_uniq)]), {})[int(y_uniq[cell % len(y_uniq)])] = (
            float(sums[cell]), int(counts[cell]))
    return out


def _yearly(frame: pd.DataFrame) -> tuple[dict[int, dict[str, PerYear]], dict[str, PerYear], dict[str, str]]:
    """CO2 and rows per (region prefix of 2, 4 and 6 digits, year) and per (park, year), and each park's main
    region (the region most of its rows name)."""
    n = len(frame)
    co2 = pd.to_numeric(frame[CO2_COLUMN], errors="coerce").fillna(0.0).to_numpy(dtype=float) \
        if CO2_COLUMN in frame else np.zeros(n)
    years = frame["year"].to_numpy()
    codes, raw = pd.factorize(frame["region"].to_numpy(dtype=object) if "region" in frame else np.full(n, ""),
                              use_na_sentinel=False)
    uniques = np.array(["" if u is None or (isinstance(u, float) and u != u) else str(u).strip() for u in raw],
                       dtype=object)
    by_prefix = {w: _per_key(np.array([u[:w] for u in uniques], dtype=object)[codes] if len(uniques) else
                             np.array([], dtype=object), years, co2) for w in (2, 4, 6)}
    has_park = frame["park"].notna().to_numpy() if "park" in frame else np.zeros(n, dtype=bool)
    park = frame["park"].to_numpy(dtype=object)[has_park] if "park" in frame else np.array([], dtype=object)
    by_park = _per_key(park.astype(str), years[has_park], co2[has_park])
    main: dict[str, str] = {}
    pairs = pd.DataFrame({"park": park.astype(str), "region": uniques[codes[has_park]] if len(uniques) else []})
    for p, r in pairs.value_counts().index.tolist():  # the most frequent first
        main.setdefault(p, r)
    return by_prefix, by_park, main


def run_out(yearly: Mapping[int, float], budget: float, start: int, end: int, year: int) -> int | None:
    """The first year the cumulative use exceeds ``budget`` (module docstring); None if not within the period.

    Parameters
    ----------
    yearly : mapping of int to float
        CO2 of each year [tCO2]; a year absent counts zero.
    budget : float
        The budget B [tCO2].
    start, end : int
        The budget's period (inclusive).
    year : int
        The last year counted Y; its CO2 is the pace P [tCO2/a].

    Returns
    -------
    int or None
        The year the cumulative use first exceeds B: up to Y from the yearly sums, after Y at the pace
        (Y + ⌊(B − U) / P⌋ + 1); None when that is after ``end`` or P ≤ 0.
    """
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


def _use_row(b: Budget, yearly: dict[int, float], year: int, reporting: set[int]) -> BudgetRow:
    last = min(year, b.end_year)
    used = sum(yearly.get(y, 0.0) for y in range(b.start_year, last + 1))
    missing = [y for y in range(b.start_year, last + 1) if y not in reporting]
    n = b.end_year - b.start_year + 1
    return {"scope": b.scope, "kind": b.kind, "start_year": b.start_year, "end_year": b.end_year,
            "budget_tco2": float(b.budget_tco2), "used_tco2": used, "remaining_tco2": b.budget_tco2 - used,
            "share_used": used / b.budget_tco2, "even_share": (last - b.start_year + 1) / n,
            "pace_tco2_per_year": yearly.get(last), "run_out_year": run_out(yearly, b.budget_tco2, b.start_year,
                                                                            b.end_year, last),
            "years_without_reports": missing, "source": b.source}


def _parents(budgets: list[Budget], park_region: dict[str, str]) -> list[int | None]:
    """Each row's parent: the region budget of the same period with the longest code containing it."""
    regions = {(r.scope, r.start_year, r.end_year): i for i, r in enumerate(budgets) if r.kind == "region"}
    out = []
    for r in budgets:
        code = r.scope if r.kind == "region" else str(park_region.get(r.scope, ""))
        longest = len(code) - 2 if r.kind == "region" else len(code)
        found = None
        for n in range(longest - longest % 2, 0, -2):
            found = regions.get((code[:n], r.start_year, r.end_year))
            if found is not None:
                break
        out.append(found)
    return out


def annual_co2(data: AccountingResult | pd.DataFrame) -> pd.DataFrame:
    """The annual rows of the results with only what budgets need, checked as
    :func:`carbonkit.aggregation.results_frame` checks them (periods, one result per enterprise and period).

    Parameters
    ----------
    data : AccountingResult or DataFrame
        Enterprise results (summary rows) with ``enterprise``, ``period`` and optionally ``region``, ``park``
        and ``co2_location_tco2`` [tCO2].

    Returns
    -------
    DataFrame
        One row per enterprise and year: ``year``, ``region``, ``park`` and ``co2_location_tco2`` [tCO2]
        (None where the results have no such column); a frame already checked by ``results_frame`` is
        returned as its annual rows.

    Raises
    ------
    InvalidInput
        Not results, a period not 'YYYY' or 'YYYY-MM', or two results for one enterprise and period.
    """
    frame = data.summary if isinstance(data, AccountingResult) else data
    if isinstance(frame, pd.DataFrame) and frame.attrs.get("carbonkit_results"):
        return frame[frame["period"].str.len() == 4]
    if not isinstance(frame, pd.DataFrame) or "period" not in frame.columns or "enterprise" not in frame.columns:
        return results_frame(data)  # names the problem
    return _annual_rows(frame, data)


def _annual_rows(frame: pd.DataFrame, data: AccountingResult | pd.DataFrame) -> pd.DataFrame:
    """:func:`annual_co2` of a results frame ``frame`` (of ``data``) not yet checked: the quick path of periods
    all well formed and no repeated result, else :func:`carbonkit.aggregation.results_frame` names the problem."""
    codes, raw = pd.factorize(frame["period"].to_numpy(dtype=object))
    periods = [str(p).strip() for p in raw]
    if not all(_is_year(p) or len(p) == 7 for p in periods):
        return _annual_checked(data)  # names the bad period
    annual = np.array([_is_year(p) for p in periods] + [False])[codes]
    part = frame[annual]
    ent, _ = pd.factorize(part["enterprise"].to_numpy(dtype=object))
    key = ent.astype(np.int64) * len(periods) + codes[annual]
    if len(key) and np.bincount(key).max() > 1:
        return results_frame(data)  # names the duplicate
    years = np.array([int(p) if _is_year(p) else 0 for p in periods], dtype=int)[codes[annual]]
    return _budget_columns(part, years)


def _is_year(period: str) -> bool:
    return len(period) == 4 and period.isdigit()


def _annual_checked(data: AccountingResult | pd.DataFrame) -> pd.DataFrame:
    """The annual rows of :func:`carbonkit.aggregation.results_frame` (which names a bad period)."""
    checked = results_frame(data)
    return checked[checked["period"].str.len() == 4]


def _budget_columns(part: pd.DataFrame, years: npt.NDArray[np.int_]) -> pd.DataFrame:
    """``year`` and the columns budgets need of the annual rows ``part`` (None where a column is absent)."""
    out: dict[str, npt.NDArray[Any]] = {"year": years}
    for col in ("region", "park", CO2_COLUMN):
        out[col] = part[col].to_numpy() if col in part.columns else np.full(len(part), None, dtype=object)
    return pd.DataFrame(out)


def budget_use(data: AccountingResult | pd.DataFrame, budgets: str | Path | pd.DataFrame,
               year: int | None = None) -> BudgetUse:
    """Used, remaining, pace and run-out year of every budget in ``year`` (module docstring).

    Parameters
    ----------
    data : AccountingResult or DataFrame
        Enterprise results; their annual rows' location-based CO2 ``co2_location_tco2`` [tCO2] is counted.
    budgets : str, Path or DataFrame
        The budget table (:func:`read_budgets`), amounts [tCO2].
    year : int, optional
        The year asked Y; default the latest annual period of ``data``.

    Returns
    -------
    BudgetUse
        One :class:`BudgetRow` per budget: budget, used, remaining [tCO2], share used and even share [-],
        pace [tCO2/a], run-out year, years without reports, parent and the sums of its children [tCO2].

    Raises
    ------
    InvalidInput
        A bad budget table or results, or no annual results.
    """
    table = read_budgets(budgets)
    frame = annual_co2(data)
    if frame.empty:
        raise InvalidInput(Problem("year_missing", "no annual results", field="period"))
    year = int(year if year is not None else frame["year"].max())
    by_prefix, by_park, park_region = _yearly(frame)
    budgets_list = _budgets_of(table)
    rows = []
    for b in budgets_list:
        part = (by_prefix[len(b.scope)] if b.kind == "region" else by_park).get(b.scope, {})
        yearly = {y: v for y, (v, _n) in part.items()}
        rows.append(_use_row(b, yearly, year, {y for y, (_v, n) in part.items() if n > 0}))
    _roll_up(rows, _parents(budgets_list, park_region))
    out = pd.DataFrame(rows)
    notes = [f"use of {year}: location-based CO2 of the enterprises reporting; a year without reports counts "
             "zero and is listed in years_without_reports",
             "run-out year at the current pace (the CO2 of the last year counted)"]
    return BudgetUse(year, out, notes)


def _roll_up(rows: list[BudgetRow], parent_index: list[int | None]) -> None:
    """Add to each row the sums of its children's budgets and use (None without children) and its parent."""
    budget: dict[int, float] = {}
    used: dict[int, float] = {}
    for row, parent in zip(rows, parent_index):
        if parent is not None:
            budget[parent] = budget.get(parent, 0.0) + row["budget_tco2"]
            used[parent] = used.get(parent, 0.0) + row["used_tco2"]
    for i, row in enumerate(rows):
        row["children_budget_tco2"] = budget.get(i)
        row["children_used_tco2"] = used.get(i)
        parent = parent_index[i]
        row["parent"] = None if parent is None else rows[parent]["scope"]
