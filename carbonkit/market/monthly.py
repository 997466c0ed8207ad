"""Monthly key parameters (关键参数月度存证): read, check, convert, and type as flows, rates and stocks.

Input is a long table, one row per facility, month and parameter (CSV, or JSON records with the same fields)::

    enterprise, facility, sector, route, year, month, parameter, item, value, unit, tier, standard

``month`` is 1-12, or 0 for a value entered for the whole year (then the facility-year has that one entry
instead of twelve months). ``item`` qualifies the parameter: the fuel of a fuel parameter, the clinker type,
the material. ``tier`` is ``measured`` (give the sampling/analysis ``standard``) or empty (a value the
enterprise states); values the guideline supplies are filled in later and marked ``default``. A measured
value without its standard is refused.

Checks, all reported at once as :class:`InvalidInput` naming the row, field and what was expected: known
parameter of the facility's sector, unit of the parameter's dimension, month 1-12 (or 0), a number; each
facility-year has all twelve months (a month without production is entered with zeros) or one annual entry;
the same key twice is refused (a re-sent row is not counted twice). A flow outside its physical limits
(negative) is an error; a rate outside them (a content above 100 %) is *implausible*: it is set aside,
listed in the data-quality flags, and the month is treated as missing (the default of the guideline is used).
Within a month that has records, a flow not entered is zero (no activity).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from carbonkit.errors import InvalidInput, Problem, UnitMismatch
from carbonkit.market.guidelines import SECTORS, boundary, catalog, guideline
from carbonkit.market.result import QUALITY_COLUMNS
from carbonkit.units import multiplier
from carbonkit.vocabulary import normalise_name, vocabulary

KEY = ["enterprise", "facility", "year"]
FID = ["fid"]  # the facility-year as one integer: internal merges and groups run on it
TEXT = ["enterprise", "facility", "sector", "route", "parameter", "item", "unit", "tier", "standard"]
COLUMNS = ["enterprise", "facility", "sector", "route", "year", "month", "parameter", "item", "value", "unit",
           "tier", "standard"]
REQUIRED = ["enterprise", "facility", "sector", "route", "year", "month", "parameter", "value", "unit"]
TIERS = ("measured", "given", "")


@dataclass
class MonthlyData:
    """Checked monthly values in canonical units, the facility-years and the data-quality flags so far."""

    values: pd.DataFrame  # fid, KEY, month, parameter, item, value, tier, standard, row
    facilities: pd.DataFrame  # KEY, sector, route, annual (bool: entered for the whole year), fid
    flags: pd.DataFrame  # QUALITY_COLUMNS


def read_monthly(path: str | Path) -> pd.DataFrame:
    """Read a monthly key-parameter file (.csv, or .json: a list of records or ``{"rows": [...]}``).

    Parameters
    ----------
    path : str or Path
        The file; CSV read as text (UTF-8, with or without BOM).

    Returns
    -------
    DataFrame
        The long table as given (module docstring), unchecked: :func:`prepare` checks it.

    Raises
    ------
    FileNotFoundError
        No such file.
    InvalidInput
        A JSON file that is not a list of rows.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: file not found")
    if path.suffix.lower() == ".json":
        import json
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data.get("rows", data) if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise InvalidInput(Problem("json_shape", f"{path.name}: expected a list of rows or {{\"rows\": [...]}}"))
        return pd.DataFrame(rows)
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def prepare(frame: pd.DataFrame) -> MonthlyData:
    """Check and convert a monthly table: the stages below, every problem collected before raising.

    Parameters
    ----------
    frame : DataFrame
        The long monthly table (module docstring), values in the units given per row.

    Returns
    -------
    MonthlyData
        The values in the parameters' canonical units (e.g. [t], [GJ/t], [tC/GJ], [MWh]), the facility-years and
        the data-quality flags of implausible values set aside.

    Raises
    ------
    InvalidInput
        Every problem found (module docstring), each naming its row, field and what was expected.
    """
    frame = _normalise(frame)
    frame["fid"] = frame.groupby(KEY, sort=False).ngroup()  # one integer per facility-year, for every group below
    problems: list[Problem] = []
    frame = _convert(frame, problems)
    facilities = _facilities(frame, problems)
    _duplicates(frame, problems)
    _months(frame, facilities, problems)
    frame, flags = _screen(frame, problems)
    if problems:
        raise InvalidInput(problems)
    values = frame[FID + KEY + ["month", "parameter", "item", "value", "tier", "standard", "row"]].reset_index(drop=True)
    values["parameter"] = values["parameter"].astype("category")  # compared and merged on, row by row: codes
    values["item"] = values["item"].astype("category")
    return MonthlyData(values=values, facilities=facilities, flags=flags)


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InvalidInput([Problem("column_missing", f"column '{c}' is missing", field=c,
                                    expected=", ".join(COLUMNS)) for c in missing])
    out = frame.copy()
    for col in COLUMNS:
        if col not in out.columns:
            out[col] = ""
    for col in TEXT:
        out[col] = _per_unique(out[col].fillna("").astype(str), str.strip)
    out["parameter"] = _per_unique(out["parameter"], normalise_name)
    out["sector"] = _per_unique(out["sector"], str.lower)
    out["route"] = _per_unique(out["route"], normalise_name)
    out["tier"] = out["tier"].str.lower()
    out["row"] = np.arange(1, len(out) + 1)
    return out


def _per_unique(series: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """``fn`` applied once per distinct value (a few parameters repeat over hundreds of thousands of rows)."""
    uniques = series.unique()
    return series.map(dict(zip(uniques, map(fn, uniques))))


def _number(series: pd.Series) -> pd.Series:
    """Numbers as floats; text that is not a number (or empty) as NaN."""
    if series.dtype.kind in "fiu":
        return series.astype(float)
    out = pd.to_numeric(series, errors="coerce")
    retry = out.isna() & series.notna()
    if retry.any():  # numbers typed with spaces around them
        out[retry] = pd.to_numeric(series[retry].astype(str).str.strip().replace("", None), errors="coerce")
    return out.astype(float)


def _convert(frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """Numbers, months, years, known parameters and items; values converted once per distinct unit."""
    frame["value"] = _number(frame["value"])
    frame["year"] = _number(frame["year"])
    frame["month"] = _number(frame["month"])
    _row_problems(frame, problems)
    frame["factor"] = np.nan
    _unit_factors(frame, problems)
    frame["value"] = frame["value"] * frame["factor"]
    frame["year"] = frame["year"].fillna(0).astype(int)
    frame["month"] = frame["month"].fillna(-1).astype(int)
    return frame


def _row_problems(frame: pd.DataFrame, problems: list[Problem]) -> None:
    """A value not a number, a year or month that is not one, an unknown tier, a measured value without standard."""
    for rec in frame[frame["value"].isna() | ~np.isfinite(frame["value"].fillna(0))].to_dict("records"):
        problems.append(_p(rec, "not_a_number", "value is not a number", "value", "a finite number"))
    bad_year = frame["year"].isna() | (frame["year"] % 1 != 0) | ~frame["year"].between(2000, 2100)
    for rec in frame[bad_year].to_dict("records"):
        problems.append(_p(rec, "bad_year", f"year '{rec['year']}' is not a year", "year", "2000-2100"))
    bad_month = frame["month"].isna() | (frame["month"] % 1 != 0) | ~frame["month"].between(0, 12)
    for rec in frame[bad_month].to_dict("records"):
        problems.append(_p(rec, "bad_month", f"month '{rec['month']}' is not a month", "month",
                           "1-12, or 0 for a value of the whole year"))
    for rec in frame[~frame["tier"].isin(TIERS)].to_dict("records"):
        problems.append(_p(rec, "bad_tier", f"tier '{rec['tier']}' is not known", "tier", "measured, given or empty"))
    unnamed = (frame["tier"] == "measured") & (frame["standard"] == "")
    for rec in frame[unnamed].head(50).to_dict("records"):
        problems.append(_p(rec, "standard_missing", f"measured {rec['parameter']} names no sampling or analysis standard",
                           "standard", "the standard the value was measured by, e.g. GB/T 213 for coal NCV"))


def _unit_factors(frame: pd.DataFrame, problems: list[Problem]) -> None:
    """``factor``: the multiplier of each (parameter, item, unit) to the parameter's canonical unit, resolved once;
    a fuel named by a synonym is written as its id. An unknown parameter, fuel or unit is a problem."""
    params, vocab = catalog(), vocabulary()
    for key, idx in frame.groupby(["parameter", "item", "unit"], sort=False).groups.items():
        param, item, unit = cast(tuple[str, str, str], key)  # the three text columns of the group
        rec = frame.loc[idx[0]].to_dict()
        spec = params.get(param)
        if spec is None:
            problems.append(_p(rec, "unknown_parameter", f"unknown parameter '{param}'", "parameter",
                               "one of " + ", ".join(sorted(params))))
            continue
        target = spec.unit
        if "{item}" in target:
            it = vocab.resolve(item) if item else None
            if it is None or it.kind != "fuel":
                problems.append(_p(rec, "unknown_fuel", f"'{item}' is not a fuel of items.csv", "item",
                                   "a fuel id or name, e.g. bituminous_coal, 烟煤, natural_gas"))
                continue
            frame.loc[idx, "item"] = it.item
            target = target.replace("{item}", it.unit)
        try:
            frame.loc[idx, "factor"] = multiplier(unit or "dimensionless", target)
        except UnitMismatch as exc:
            problems.append(_p(rec, "bad_unit", f"unit '{unit}' of {param}: {exc.problems[0].message}", "unit",
                               f"a unit convertible to {target}"))


def _facilities(frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """One row per facility-year: its sector and route must be single and known."""
    params = catalog()
    fac = frame.drop_duplicates("fid")[["fid", *KEY, "sector", "route"]].sort_values("fid").reset_index(drop=True)
    fac["annual"] = fac["fid"].isin(frame.loc[frame["month"] == 0, "fid"])
    combos = frame.drop_duplicates(["fid", "sector", "route"])["fid"]
    several = fac["fid"].isin(combos[combos.duplicated()]).to_numpy()
    for rec in fac[several].to_dict("records"):
        problems.append(Problem("facility_ambiguous", f"facility {rec['facility']} has several sectors or routes",
                                field="sector", enterprise=rec["enterprise"], expected="one sector and route"))
    for key, first in fac[~several].groupby(["sector", "route"], sort=False).first().iterrows():
        sector, route = cast(tuple[str, str], key)  # the two text columns grouped by
        rec = {**first.to_dict(), "sector": sector, "route": route}
        if sector not in SECTORS:
            problems.append(Problem("unknown_sector", f"facility {rec['facility']}: sector '{sector}'", field="sector",
                                    enterprise=rec["enterprise"], expected=", ".join(SECTORS)))
            continue
        try:
            boundary(sector, route)
        except KeyError:
            problems.append(Problem("unknown_route", f"facility {rec['facility']}: route '{route}'", field="route",
                                    enterprise=rec["enterprise"],
                                    expected=", ".join(b.id for b in guideline(sector).boundary)))
    own = frame["parameter"].map({p: spec.sector for p, spec in params.items()}).fillna("")
    wrong = frame[own.isin(SECTORS) & frame["sector"].isin(SECTORS) & (own != frame["sector"])]
    wrong = wrong.assign(sector_f=wrong["sector"])
    for rec in wrong.head(50).to_dict("records"):
        problems.append(_p(rec, "parameter_sector", f"parameter '{rec['parameter']}' belongs to another sector",
                           "parameter", f"a parameter of {rec['sector_f']}"))
    return fac


def _duplicates(frame: pd.DataFrame, problems: list[Problem]) -> None:
    dup = frame[frame.duplicated(FID + ["month", "parameter", "item"], keep="first")]
    for rec in dup.head(50).to_dict("records"):
        problems.append(_p(rec, "duplicate", f"{rec['parameter']} {rec['item']} of month {rec['month']} is entered twice",
                           "parameter", "one row per facility, month, parameter and item"))


def _months(frame: pd.DataFrame, facilities: pd.DataFrame, problems: list[Problem]) -> None:
    """Every facility-year has months 1-12, or a single annual entry (month 0)."""
    g = frame.groupby("fid", sort=False)["month"]
    stats = pd.DataFrame({"lo": g.min(), "hi": g.max(), "n": g.nunique()})
    odd = stats[~(((stats["lo"] == 0) & (stats["hi"] == 0)) | ((stats["lo"] == 1) & (stats["hi"] == 12) & (stats["n"] == 12)))]
    names = facilities.set_index("fid")
    for fid in odd.index[:50]:
        rec = {**names.loc[fid, KEY].to_dict(), "month": set(frame.loc[frame["fid"] == fid, "month"].tolist())}
        got = rec["month"]
        if got == {0}:
            continue
        if 0 in got:
            problems.append(Problem("annual_and_monthly", f"facility {rec['facility']} year {rec['year']} mixes an annual "
                                    "entry (month 0) with months", field="month", enterprise=rec["enterprise"],
                                    expected="months 1-12 or month 0 only"))
            continue
        absent = sorted(set(range(1, 13)) - got)
        if absent:
            problems.append(Problem("month_missing", f"facility {rec['facility']} year {rec['year']} has no records for "
                                    f"month(s) {', '.join(map(str, absent))}", field="month",
                                    enterprise=rec["enterprise"], period=str(rec["year"]),
                                    expected="every month 1-12 (enter zeros for a month without production)"))


def _screen(frame: pd.DataFrame, problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Physical limits: a flow outside them is an error, a rate or stock is set aside and flagged."""
    params = catalog()
    spec = pd.DataFrame([{"parameter": p.id, "lo": p.lo, "hi": p.hi, "lo_open": p.lo_open, "nature": p.nature}
                         for p in params.values()])
    f = frame.merge(spec, on="parameter", how="left")
    lo, hi = f["lo"].astype(float), f["hi"].astype(float)
    below = lo.notna() & np.where(f["lo_open"].fillna(False).astype(bool), f["value"] <= lo, f["value"] < lo)
    out = (below | ((f["value"] > hi) & hi.notna())) & f["value"].notna()
    for rec in f[out & (f["nature"] == "flow")].head(50).to_dict("records"):
        problems.append(_p(rec, "out_of_range", f"{rec['parameter']} = {rec['value']:g} is outside its physical limits",
                           "value", f"{'≥' if not rec['lo_open'] else '>'} {rec['lo']:g}"))
    bad = f[out & (f["nature"] != "flow")]
    flags = pd.DataFrame({
        "enterprise": bad["enterprise"], "facility": bad["facility"], "year": bad["year"], "month": bad["month"],
        "parameter": bad["parameter"], "item": bad["item"], "problem": "implausible",
        "handling": [f"value {v:g} outside the physical limits set aside; the month is treated as missing"
                     for v in bad["value"]], "clause": ""}, columns=list(QUALITY_COLUMNS))
    kept = frame[~(out & (f["nature"] != "flow")).to_numpy()]
    return kept, flags.reset_index(drop=True)


def _p(rec: Mapping[Hashable, Any], code: str, message: str, field: str, expected: str) -> Problem:
    period = None if rec.get("year") in (None, "") or pd.isna(rec.get("year")) else str(rec.get("year"))
    return Problem(code, f"facility {rec.get('facility')}: {message}", field=field, row=int(rec["row"]),
                   enterprise=rec.get("enterprise") or None, period=period, expected=expected)
