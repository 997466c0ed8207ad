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

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from carbonkit.errors import InvalidInput, Problem
from carbonkit.market.monthly import KEY, MonthlyData
from carbonkit.market.result import QUALITY_COLUMNS, SOURCE_COLUMNS

IDX = KEY + ["month", "item"]


@dataclass
class Context:
    """What a formula reads: the checked monthly values, facility-years, defaults (canonical units)."""

    data: MonthlyData
    defaults: pd.DataFrame  # parameter, item, value, factor_id, clause, status
    release: object = None
    flags: list[pd.DataFrame] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    resolved: list[pd.DataFrame] = field(default_factory=list)  # long: IDX + parameter, value, tier

    def facilities_of(self, sector: str) -> pd.DataFrame:
        fac = self.data.facilities
        return fac[fac["sector"] == sector]

    def has(self, parameter: str) -> pd.DataFrame:
        """Facility-years (KEY) that entered ``parameter`` at least once."""
        v = self.data.values
        return v.loc[v["parameter"] == parameter, KEY].drop_duplicates()


@dataclass(frozen=True)
class Formula:
    name: str
    sector: str
    family: str
    fn: Callable[[Context], pd.DataFrame]
    doc: str


FORMULAS: dict[str, Formula] = {}


def formula(name: str, sector: str, family: str):
    """Register ``fn`` as the formula ``name`` of ``sector`` (an addition, never an edit of an if-chain)."""
    def wrap(fn):
        FORMULAS[name] = Formula(name, sector, family, fn, (fn.__doc__ or "").strip())
        return fn
    return wrap


def get_formula(name: str) -> Formula:
    try:
        return FORMULAS[name]
    except KeyError:
        raise KeyError(f"no formula '{name}' (known: {', '.join(sorted(FORMULAS))})") from None


def process_emissions(ctx: Context, sector: str) -> pd.DataFrame:
    """Run every formula registered for ``sector``; the source lines of all of them."""
    parts = [f.fn(ctx) for f in FORMULAS.values() if f.sector == sector]
    parts = [p for p in parts if p is not None and len(p)]
    return pd.concat(parts, ignore_index=True) if parts else empty_sources()


def empty_sources() -> pd.DataFrame:
    return pd.DataFrame(columns=list(SOURCE_COLUMNS))


def grid(ctx: Context, driver: list[str], params: list[str], only: pd.DataFrame | None = None) -> pd.DataFrame:
    """Monthly frame: one row per facility-year, month and item of the ``driver`` flows, a column per parameter.

    A parameter entered with no item applies to every item of the facility-month. ``<p>_tier`` holds the tier
    of each given value (NaN where not given). ``only`` restricts to some facility-years (KEY frame).
    """
    v = ctx.data.values
    if only is not None:
        v = v.merge(only, on=KEY)
    keys = v.loc[v["parameter"].isin(driver), KEY + ["item"]].drop_duplicates()
    months = v[KEY + ["month"]].drop_duplicates()
    g = keys.merge(months, on=KEY)[IDX]
    for p in dict.fromkeys(driver + params):
        sub = v.loc[v["parameter"] == p, IDX + ["value", "tier"]]
        on = IDX if (sub["item"] != "").any() else KEY + ["month"]
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
    """
    d = ctx.defaults[ctx.defaults["parameter"] == param]
    by_item = dict(zip(d["item"], d["value"]))
    ids = dict(zip(d["item"], d["factor_id"]))
    clauses = dict(zip(d["item"], d["clause"]))
    given = g[param].notna()
    fallback = g["item"].map(lambda i: by_item.get(i, by_item.get("", np.nan)))
    g[param] = g[param].where(given, fallback)
    tier = g[f"{param}_tier"].replace("", "given").where(given, "default")
    g[f"{param}_tier"] = tier
    g[f"{param}_id"] = g["item"].map(lambda i: ids.get(i, ids.get("", ""))).where(~given, "")
    lacking = needed & g[param].isna()
    if lacking.any():
        _required(ctx, g[lacking], param)
    measured_somewhere = given.groupby([g[k] for k in KEY + ["item"]]).transform("any")
    missing = needed & ~given & measured_somewhere & g[param].notna()
    if missing.any():
        m = g[missing]
        ctx.flags.append(pd.DataFrame({
            "enterprise": m["enterprise"], "facility": m["facility"], "year": m["year"], "month": m["month"],
            "parameter": param, "item": m["item"], "problem": "missing",
            "handling": [f"default {x:g} of the guideline used ({i})" for x, i in zip(m[param], m[f"{param}_id"])],
            "clause": m["item"].map(lambda i: clauses.get(i, clauses.get("", sector_clause)))},
            columns=list(QUALITY_COLUMNS)))
    ctx.resolved.append(pd.DataFrame({**{k: g[k] for k in IDX}, "parameter": param, "value": g[param],
                                      "tier": tier}))
    return g[param]


def keep_flows(ctx: Context, g: pd.DataFrame, flows: list[str]) -> None:
    """Record the flows of a grid for the annual parameter table (tier: given)."""
    for p in flows:
        tier = g[f"{p}_tier"].replace("", "given").fillna("given")
        ctx.resolved.append(pd.DataFrame({**{k: g[k] for k in IDX}, "parameter": p, "value": g[p], "tier": tier}))


def _required(ctx: Context, rows: pd.DataFrame, param: str) -> None:
    for key, grp in rows.groupby(KEY + ["item"], sort=False):
        ent, fac, year, item = key
        months = ", ".join(str(m) for m in sorted(grp["month"].unique()))
        ctx.problems.append(Problem(
            "parameter_required", f"facility {fac}: '{param}'{f' of {item}' if item else ''} is required for month(s) "
            f"{months}: the guideline has no default for it", field=param, enterprise=ent, period=str(year),
            expected=f"a monthly '{param}' value"))


def tier_of(tiers: pd.Series) -> str:
    """measured / given / default when every month has that tier, else mixed."""
    kinds = set(tiers.dropna())
    return kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "")


def sources_frame(g: pd.DataFrame, tco2e: pd.Series, *, kind: str, source: str, gas: str, activity: pd.Series,
                  activity_unit: str, factor_unit: str, clause: str, tier_params: list[str],
                  emissions_t: pd.Series | None = None, ids: list[str] = ()) -> pd.DataFrame:
    """Sum monthly emissions to one line per facility-year and item, with the tier of each parameter."""
    work = g[KEY + ["item"]].copy()
    work["tco2e"] = tco2e.to_numpy()
    work["activity"] = activity.to_numpy()
    work["emissions_t"] = (emissions_t if emissions_t is not None else tco2e).to_numpy()
    for p in tier_params:
        work[f"{p}_tier"] = g[f"{p}_tier"].to_numpy()
        work[f"{p}_id"] = g.get(f"{p}_id", pd.Series("", index=g.index)).fillna("").to_numpy()
    grouped = work.groupby(KEY + ["item"], sort=False)
    out = grouped[["tco2e", "activity", "emissions_t"]].sum().reset_index()
    tiers = grouped.agg(**{p: (f"{p}_tier", tier_of) for p in tier_params}).reset_index(drop=True) \
        if tier_params else pd.DataFrame(index=out.index)
    used = grouped.agg(**{p: (f"{p}_id", lambda s: ";".join(sorted({x for x in s if x}))) for p in tier_params}) \
        .reset_index(drop=True) if tier_params else pd.DataFrame(index=out.index)
    out["tier"] = [", ".join(f"{p}={t[p]}" for p in tier_params) for t in tiers.to_dict("records")] \
        if tier_params else "given"
    out["factor_ids"] = [";".join(dict.fromkeys([*ids, *[x for p in tier_params for x in u[p].split(";") if x]]))
                         for u in used.to_dict("records")] if tier_params else ";".join(ids)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["factor"] = np.where(out["activity"] != 0, out["tco2e"] / out["activity"], np.nan)
    out["kind"], out["source"], out["gas"] = kind, source, gas
    out["activity_unit"], out["factor_unit"], out["clause"] = activity_unit, factor_unit, clause
    return out[list(SOURCE_COLUMNS)]


def raise_problems(ctx: Context) -> None:
    if ctx.problems:
        raise InvalidInput(ctx.problems)
