"""Process formulas registered by name, the dispatcher, and the monthly grid every formula computes on.

A formula is a small function ``f(ctx) -> sources`` (a frame of :data:`SOURCE_COLUMNS`), registered with
:func:`formula` under a name, its sector and the *family* of sources it accounts (``clinker``, ``pfc`` ...).
Within a family the alternatives are chosen per facility-year by the data it has (the clinker-oxide method when
CaO is measured, else the default factor per clinker type; the PFC slope method when anode-effect minutes are
given ...), and the chosen formula is named in every source line. :func:`process_emissions` runs every formula
of a sector; :func:`get_formula` returns one by name.

:func:`grid` builds the monthly frame of a formula (facility-year × month × item, one column per parameter) and
:func:`resolve` fills a parameter the enterprise did not give with the guideline's default, records the tier
(measured / given / default) cell by cell, and flags a month that is missing while other months are measured.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from carbonkit.errors import InvalidInput, Problem
from carbonkit.market.monthly import FID, KEY, MonthlyData
from carbonkit.market.result import QUALITY_COLUMNS, SOURCE_COLUMNS

IDX = FID + ["month", "item"]


@dataclass
class Context:
    """What a formula reads: the checked monthly values, facility-years, defaults (canonical units)."""

    data: MonthlyData
    defaults: pd.DataFrame  # parameter, item, value, factor_id, clause, status
    release: object = None
    flags: list[pd.DataFrame] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    resolved: list[pd.DataFrame] = field(default_factory=list)  # the year's parameters: fid, item, parameter, value, tier

    def facilities_of(self, sector: str) -> pd.DataFrame:
        """The facility-years of ``sector`` (rows of :attr:`MonthlyData.facilities`)."""
        fac = self.data.facilities
        return fac[fac["sector"] == sector]

    def months(self) -> pd.DataFrame:
        """The months (fid, month) each facility-year has records for, computed once."""
        if "_months" not in self.__dict__:
            self.__dict__["_months"] = self.data.values[FID + ["month"]].drop_duplicates()
        months: pd.DataFrame = self.__dict__["_months"]
        return months

    def has(self, parameter: str) -> pd.DataFrame:
        """Facility-years (fid) that entered ``parameter`` at least once."""
        v = self.data.values
        return v.loc[v["parameter"] == parameter, FID].drop_duplicates()


FormulaFn = Callable[[Context], pd.DataFrame | None]  # source lines [SOURCE_COLUMNS], None when nothing applies
_F = TypeVar("_F", bound=FormulaFn)


@dataclass(frozen=True)
class Formula:
    """A registered process formula: its name, sector, family of sources, function and the summary of its
    docstring (the formula in words)."""

    name: str
    sector: str
    family: str
    fn: FormulaFn
    doc: str


FORMULAS: dict[str, Formula] = {}


def formula(name: str, sector: str, family: str) -> Callable[[_F], _F]:
    """Register ``fn`` as the formula ``name`` of ``sector`` (an addition, never an edit of an if-chain).

    Parameters
    ----------
    name : str
        The formula's name, stated in every source line it makes.
    sector : str
        ``cement``, ``steel`` or ``aluminium``.
    family : str
        The family of sources it accounts (``clinker``, ``pfc`` ...): alternatives within a family are
        chosen per facility-year by the data.

    Returns
    -------
    callable
        The decorator; it returns the function unchanged.
    """
    def wrap(fn: _F) -> _F:
        FORMULAS[name] = Formula(name, sector, family, fn, (fn.__doc__ or "").strip().split("\n\n")[0])
        return fn
    return wrap


def get_formula(name: str) -> Formula:
    """The formula registered as ``name``.

    Parameters
    ----------
    name : str
        A name given to :func:`formula` (``clinker_default``, ``pfc_slope`` ...).

    Returns
    -------
    Formula
        Its sector, family, function and docstring.

    Raises
    ------
    KeyError
        No formula of that name; the message names the known ones.
    """
    try:
        return FORMULAS[name]
    except KeyError:
        raise KeyError(f"no formula '{name}' (known: {', '.join(sorted(FORMULAS))})") from None


def process_emissions(ctx: Context, sector: str) -> pd.DataFrame:
    """Run every formula registered for ``sector``; the source lines of all of them.

    Parameters
    ----------
    ctx : Context
        The checked monthly values and the defaults.
    sector : str
        ``cement``, ``steel`` or ``aluminium``.

    Returns
    -------
    DataFrame
        The source lines of every formula that applied [tCO2] / [tCO2e] (:func:`empty_sources` if none).
    """
    parts = [f.fn(ctx) for f in FORMULAS.values() if f.sector == sector]
    parts = [p for p in parts if p is not None and len(p)]
    return pd.concat(parts, ignore_index=True) if parts else empty_sources()


def empty_sources() -> pd.DataFrame:
    """A frame of no source lines, with the columns of :func:`sources_frame`.

    Returns
    -------
    pandas.DataFrame
        No rows; the facility key and the source-line columns.
    """
    return pd.DataFrame(columns=FID + [c for c in SOURCE_COLUMNS if c not in KEY])


def grid(ctx: Context, driver: list[str], params: list[str], only: pd.DataFrame | None = None) -> pd.DataFrame:
    """Monthly frame: one row per facility-year, month and item of the ``driver`` flows, a column per parameter.

    A parameter entered with no item applies to every item of the facility-month. ``<p>_tier`` holds the tier
    of each given value (NaN where not given). ``only`` restricts to some facility-years (a frame of fid).

    Parameters
    ----------
    ctx : Context
        The checked monthly values (canonical units).
    driver : list of str
        The flows whose rows make the grid (e.g. ``fuel_consumption`` [fuel unit], ``clinker_output`` [t]);
        absent values are 0.
    params : list of str
        The parameters joined as columns (NaN where not given).
    only : DataFrame, optional
        The facility-years (``fid``) to keep.

    Returns
    -------
    DataFrame
        ``fid``, ``month``, ``item``, a column per flow and parameter and a ``<p>_tier`` column each.
    """
    v = ctx.data.values
    v = v[v["parameter"].isin(driver + params)]  # the rows of this formula first: a small frame from here on
    if only is not None:
        v = v[v["fid"].isin(only["fid"])]
    keys = v.loc[v["parameter"].isin(driver), FID + ["item"]].drop_duplicates()
    g = keys.merge(ctx.months(), on=FID)[IDX]
    for p in dict.fromkeys(driver + params):
        sub = v.loc[v["parameter"] == p, IDX + ["value", "tier"]]
        on = IDX if (sub["item"] != "").any() else FID + ["month"]
        sub = sub[on + ["value", "tier"]].rename(columns={"value": p, "tier": f"{p}_tier"})
        g = g.merge(sub, on=on, how="left")
    for p in driver:
        g[p] = g[p].fillna(0.0)
    return g


def resolve(ctx: Context, g: pd.DataFrame, param: str, needed: pd.Series, sector_clause: str = "") -> pd.Series:
    """Fill ``param`` where not given with the default of its item (else of no item); tier per cell.

    ``needed`` marks the cells whose value enters a result (its weight flow is not zero). A needed cell
    without a value and without a default is a problem naming the facility, parameter, item and months; a
    needed cell missing while the same facility-item has measured months is flagged.

    Parameters
    ----------
    ctx : Context
        Defaults, and the problems and flags collected.
    g : DataFrame
        The grid (:func:`grid`); ``param``, ``<param>_tier`` and ``<param>_id`` are written in place.
    param : str
        The parameter resolved.
    needed : Series of bool
        The cells whose value enters a result.
    sector_clause : str
        The clause named in a flag when the default names none.

    Returns
    -------
    Series
        The parameter per cell [its canonical unit], given or default (NaN where neither).
    """
    d = ctx.defaults[ctx.defaults["parameter"] == param]
    by_item = dict(zip(d["item"], d["value"]))
    ids = dict(zip(d["item"], d["factor_id"]))
    clauses = dict(zip(d["item"], d["clause"]))
    given = g[param].notna()
    fallback = map_items(g["item"], lambda i: by_item.get(i, by_item.get("", np.nan)), float)
    g[param] = g[param].where(given, fallback)
    tier = g[f"{param}_tier"].replace("", "given").where(given, "default")
    g[f"{param}_tier"] = tier
    g[f"{param}_id"] = map_items(g["item"], lambda i: ids.get(i, ids.get("", "")), object).where(~given, "")
    lacking = needed & g[param].isna()
    if lacking.any():
        _required(ctx, g[lacking], param)
    measured_somewhere = given.groupby([g["fid"], g["item"]]).transform("any")
    missing = needed & ~given & measured_somewhere & g[param].notna()
    if missing.any():
        m = g[missing]
        ctx.flags.append(pd.DataFrame({
            "fid": m["fid"], "month": m["month"],
            "parameter": param, "item": m["item"], "problem": "missing",
            "handling": [f"default {x:g} of the guideline used ({i})" for x, i in zip(m[param], m[f"{param}_id"])],
            "clause": m["item"].map(lambda i: clauses.get(i, clauses.get("", sector_clause)))},
            columns=["fid"] + [c for c in QUALITY_COLUMNS if c not in KEY]))
    g.attrs.setdefault("resolved", []).append(param)
    return g[param]


def map_items(items: pd.Series, fn: Callable[[Any], Any], dtype: type[float] | type[object]) -> pd.Series:
    """``fn`` of each item, evaluated once per distinct item (categorical or plain).

    Parameters
    ----------
    items : Series
        The item of each grid row.
    fn : callable
        Item -> value.
    dtype : type
        ``float`` or ``object``: the dtype of the result.

    Returns
    -------
    Series
        ``fn(item)`` per row, on the index of ``items``.
    """
    if isinstance(items.dtype, pd.CategoricalDtype):
        cats = items.cat.categories
        table = np.array([fn(c) for c in cats] + [fn("")], dtype=dtype)
        return pd.Series(table[items.cat.codes.to_numpy()], index=items.index)
    uniques = items.unique()
    return items.map(dict(zip(uniques, map(fn, uniques)))).astype(dtype)


def keep_flows(ctx: Context, g: pd.DataFrame, flows: list[str]) -> None:
    """Record the year's value of the grid's flows and of every parameter resolved on it (the annual table).

    Flows are summed; an intensive parameter is the mean weighted as the catalog says (the product of the named
    monthly flows, ``a+b`` for a sum), so that the year's value reproduces the sum of the months.

    Parameters
    ----------
    ctx : Context
        The year's parameters are appended to its ``resolved`` list.
    g : DataFrame
        The grid after :func:`resolve`.
    flows : list of str
        The grid's flows (summed).
    """
    from carbonkit.market.guidelines import catalog

    spec = catalog()
    keys = [g["fid"].reset_index(drop=True), g["item"].reset_index(drop=True)]
    parts = []
    for p in dict.fromkeys([*flows, *g.attrs.get("resolved", [])]):
        col = g[p].to_numpy(dtype=float)
        tiers = g[f"{p}_tier"].replace("", "given").fillna("given") if p in flows else g[f"{p}_tier"]
        if spec[p].nature == "intensive":
            w = np.ones(len(g))
            for name in spec[p].weight:
                w = w * sum(g[n].to_numpy(dtype=float) if n in g.columns else 0.0 for n in name.split("+"))
            frame = pd.DataFrame({"num": np.nan_to_num(col) * w, "den": np.where(np.isnan(col), 0.0, w)})
            agg = frame.groupby(keys, sort=False).sum()
            value = agg["num"] / agg["den"].replace(0.0, np.nan)
        else:
            value = pd.Series(col).groupby(keys, sort=False).sum()
        tier = group_tiers(tiers.reset_index(drop=True), keys).reindex(value.index)
        parts.append(pd.DataFrame({"fid": value.index.get_level_values(0),
                                   "item": value.index.get_level_values(1).astype(str),
                                   "parameter": p, "value": value.to_numpy(), "tier": tier.to_numpy()}))
    ctx.resolved.extend(parts)


def _required(ctx: Context, rows: pd.DataFrame, param: str) -> None:
    names = ctx.data.facilities.set_index("fid")
    for (fid, item), grp in rows.groupby(FID + ["item"], sort=False):
        ent, fac, year = names.loc[fid, KEY]  # type: ignore[index]  # a group key is a label: pandas-stubs wants a scalar type
        months = ", ".join(str(m) for m in sorted(grp["month"].unique()))
        ctx.problems.append(Problem(
            "parameter_required", f"facility {fac}: '{param}'{f' of {item}' if item else ''} is required for month(s) "
            f"{months}: the guideline has no default for it", field=param, enterprise=ent, period=str(year),
            expected=f"a monthly '{param}' value"))


TIER_CODES = {"measured": 1.0, "given": 2.0, "default": 3.0}
TIER_NAMES = {1.0: "measured", 2.0: "given", 3.0: "default"}


def tier_of(tiers: pd.Series) -> str:
    """measured / given / default when every month has that tier, else mixed.

    Parameters
    ----------
    tiers : Series
        The tier of each month (NaN where not given).

    Returns
    -------
    str
        The tier of the year; '' when no month has one.
    """
    kinds = set(tiers.dropna())
    return kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "")


def group_tiers(tiers: pd.Series, groups: list[pd.Series]) -> pd.Series:
    """:func:`tier_of` per group, vectorised: the same code in every month, else ``mixed``.

    Parameters
    ----------
    tiers : Series
        The tier of each row.
    groups : list of Series
        The keys to group by (``fid``, ``item``).

    Returns
    -------
    Series
        The tier of each group, indexed by the group keys.
    """
    code = tiers.map(TIER_CODES)
    g = code.groupby(groups, sort=False)
    lo, hi = g.min(), g.max()
    return pd.Series(np.where(lo.isna(), "", np.where(lo == hi, lo.map(TIER_NAMES).fillna(""), "mixed")),
                     index=lo.index)


def sources_frame(g: pd.DataFrame, tco2e: pd.Series, *, kind: str, source: str, gas: str, activity: pd.Series,
                  activity_unit: str, factor_unit: str, clause: str, tier_params: list[str],
                  emissions_t: pd.Series | None = None, ids: Sequence[str] = ()) -> pd.DataFrame:
    """Sum monthly emissions to one line per facility-year and item, with the tier of each parameter.

    Parameters
    ----------
    g : DataFrame
        The grid the emissions were computed on.
    tco2e, activity : Series
        Emissions [tCO2e] (CO2 [tCO2]) and activity [``activity_unit``] per grid row.
    kind, source, gas, activity_unit, factor_unit, clause : str
        The line's kind (``combustion``, ``process``, ``pfc`` ...), source, gas, units and guideline clause.
    tier_params : list of str
        The parameters whose tier is reported.
    emissions_t : Series, optional
        Mass of the gas per grid row [t] (default ``tco2e``).
    ids : sequence of str
        Factor ids used for every line (e.g. a GWP).

    Returns
    -------
    DataFrame
        One line per facility-year and item: ``fid`` and :data:`SOURCE_COLUMNS` without the key columns.
    """
    keys = [g["fid"], g["item"]]
    work = pd.DataFrame({"tco2e": tco2e.to_numpy(), "activity": activity.to_numpy(),
                         "emissions_t": (emissions_t if emissions_t is not None else tco2e).to_numpy()}, index=g.index)
    out = work.groupby(keys, sort=False).sum()
    tier_text = pd.Series("", index=out.index, dtype=object)
    id_text = pd.Series(";".join(ids), index=out.index, dtype=object)
    for n, p in enumerate(tier_params):
        t = group_tiers(g[f"{p}_tier"], keys).reindex(out.index)
        tier_text = tier_text + ("" if n == 0 else ", ") + p + "=" + t.astype(str)
        # pandas-stubs refuses NaN as the replacement in a str Series; pandas takes it (the column becomes object)
        used = g.get(f"{p}_id", pd.Series("", index=g.index)).replace("", np.nan)  # type: ignore[call-overload]
        first = used.groupby(keys, sort=False).first().reindex(out.index).fillna("")
        id_text = id_text + np.where(first != "", np.where(id_text != "", ";", "") + first, "")
    out = out.reset_index()
    out["item"] = out["item"].astype(str)
    out["tier"] = tier_text.to_numpy() if tier_params else "given"
    out["factor_ids"] = id_text.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["factor"] = np.where(out["activity"] != 0, out["tco2e"] / out["activity"], np.nan)
    out["kind"], out["source"], out["gas"] = kind, source, gas
    out["activity_unit"], out["factor_unit"], out["clause"] = activity_unit, factor_unit, clause
    return out[FID + [c for c in SOURCE_COLUMNS if c not in KEY]]


def raise_problems(ctx: Context) -> None:
    """Raise :class:`~carbonkit.errors.InvalidInput` with every problem the formulas collected, if any.

    Parameters
    ----------
    ctx : Context
        The context the formulas ran in (its ``problems``).

    Returns
    -------
    None
        When there is no problem.

    Raises
    ------
    InvalidInput
        Every problem collected, all at once.
    """
    if ctx.problems:
        raise InvalidInput(ctx.problems)
