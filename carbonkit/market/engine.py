"""The sector account, in stages: check the months, resolve defaults, run the formulas, sum to facilities.

``account_market(frame)`` takes the monthly key parameters of any number of enterprises, facilities and
sectors (a single plant is a batch of one) and returns a :class:`MarketResult`. Stages (each < 50 lines):
:func:`load_defaults`, :func:`run_formulas`, :func:`indirect`, :func:`facility_table`, :func:`annual_parameters`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from carbonkit.errors import InvalidInput, Problem
from carbonkit.factors import Release, load_release
from carbonkit.market import aluminium, cement, steel  # noqa: F401 - registers the process formulas
from carbonkit.market.combustion import combustion, fuel_defaults
from carbonkit.market.formulas import Context, empty_sources, process_emissions
from carbonkit.market.guidelines import SECTORS, boundary, catalog, defaults, factor_records
from carbonkit.market.monthly import FID, KEY, MonthlyData, prepare
from carbonkit.market.result import FACILITY_COLUMNS, QUALITY_COLUMNS, SOURCE_COLUMNS, MarketResult
from carbonkit.units import multiplier
from carbonkit.vocabulary import vocabulary

GRID_PURPOSE = "carbon_market"


def account_market(frame: pd.DataFrame, release: Release | None = None) -> MarketResult:
    """Account cement, steel and aluminium facilities from their monthly key parameters.

    Parameters
    ----------
    frame : DataFrame
        The long monthly table (:mod:`carbonkit.market.monthly`).
    release : Release, optional
        The factor release for fuel defaults and the carbon-market grid factor (default: the current one).

    Returns
    -------
    MarketResult
        Facility-years (emissions [tCO2] / [tCO2e], electricity [MWh], heat [GJ], production [t], intensity
        [tCO2e/t]), source lines, data-quality flags, the factors used and the annual key parameters.

    Raises
    ------
    InvalidInput
        Every problem of the monthly table and every parameter required without a default.
    """
    release = release or load_release()
    data = prepare(frame)
    ctx = Context(data=data, defaults=load_defaults(data, release), release=release)
    sources = run_formulas(ctx)
    sources = _named(data, pd.concat([sources, indirect(ctx, release)], ignore_index=True))
    if ctx.problems:
        raise InvalidInput(ctx.problems)
    flags = pd.concat([data.flags, *[_named(data, f) for f in ctx.flags]], ignore_index=True)
    flags = flags.drop_duplicates(KEY + ["month", "parameter", "item"], keep="first").reset_index(drop=True)
    facilities = facility_table(data, sources, flags)
    used = set(";".join(sources["factor_ids"].unique()).split(";")) - {""}
    return MarketResult(facilities=facilities, sources=sources[list(SOURCE_COLUMNS)], quality=flags[list(QUALITY_COLUMNS)],
                        factors=_factor_provenance(release, data, used), parameters=annual_parameters(ctx))


def _named(data: MonthlyData, frame: pd.DataFrame) -> pd.DataFrame:
    """Attach enterprise, facility and year to a frame keyed by the internal facility-year id."""
    names = data.facilities[FID + KEY]
    return names.merge(frame, on=FID, how="right")


def load_defaults(data: MonthlyData, release: Release) -> pd.DataFrame:
    """Guideline defaults of the sectors present, and the release's fuel defaults of the fuels present.

    Parameters
    ----------
    data : MonthlyData
        The checked monthly values.
    release : Release
        The factor release (fuel parameters).

    Returns
    -------
    DataFrame
        ``parameter``, ``item``, ``value`` [canonical unit], ``factor_id``, ``clause``, ``status``.
    """
    sectors = [s for s in SECTORS if (data.facilities["sector"] == s).any()]
    fuels = sorted(data.values.loc[data.values["parameter"] == "fuel_consumption", "item"].unique())
    parts = [defaults(s) for s in sectors] + [fuel_defaults(release, fuels)]
    return pd.concat(parts, ignore_index=True)


def run_formulas(ctx: Context) -> pd.DataFrame:
    """Combustion for every facility, then the process formulas of each sector present.

    Parameters
    ----------
    ctx : Context
        The checked monthly values and the defaults; problems and flags are collected in it.

    Returns
    -------
    DataFrame
        The source lines of every formula [tCO2] / [tCO2e], keyed by ``fid``.
    """
    parts = [combustion(ctx)]
    for sector in SECTORS:
        if (ctx.data.facilities["sector"] == sector).any():
            parts.append(process_emissions(ctx, sector))
    parts = [p for p in parts if p is not None and len(p)]
    return pd.concat(parts, ignore_index=True) if parts else empty_sources()


def indirect(ctx: Context, release: Release) -> pd.DataFrame:
    """Net purchased electricity × the carbon-market grid factor of the year; net heat × the heat factor.

    Parameters
    ----------
    ctx : Context
        The checked monthly values; a missing factor is collected as a problem in it.
    release : Release
        The factor release (``grid_emission`` for the carbon market, ``heat_emission``).

    Returns
    -------
    DataFrame
        One source line per facility-year and kind: activity net [MWh] or [GJ], factor [tCO2/MWh] or
        [tCO2/GJ], ``tco2e`` [tCO2].
    """
    v = ctx.data.values
    lines = []
    for kind, (bought, sold), unit in (("electricity", ("electricity_purchased", "electricity_exported"), "MWh"),
                                       ("heat", ("heat_purchased", "heat_exported"), "GJ")):
        sub = v[v["parameter"].isin([bought, sold])]
        if sub.empty:
            continue
        signed = np.where(sub["parameter"] == bought, sub["value"], -sub["value"])
        net = sub.assign(net=signed).groupby(FID + ["year", "enterprise"], as_index=False)["net"].sum()
        # groupby(as_index=False)[col].sum() is a frame; pandas-stubs types it as a Series
        for rec in net.to_dict("records"):  # type: ignore[call-overload]
            factor, fid, note = _indirect_factor(ctx, release, kind, int(rec["year"]), rec)
            if factor is None:
                continue
            lines.append({"fid": rec["fid"], "kind": kind, "source": kind, "item": kind, "gas": "CO2",
                          "activity": rec["net"], "activity_unit": unit, "factor": factor, "factor_unit": f"tCO2/{unit}",
                          "emissions_t": rec["net"] * factor, "tco2e": rec["net"] * factor, "tier": "default",
                          "clause": note, "factor_ids": fid})
    return pd.DataFrame(lines, columns=FID + [c for c in SOURCE_COLUMNS if c not in KEY])


def _indirect_factor(ctx: Context, release: Release, kind: str, year: int,
                     rec: Mapping[Hashable, Any]) -> tuple[float | None, str, str]:
    """The factor of net purchased ``kind`` in ``year`` [tCO2/GJ] or [tCO2/MWh], its id and the note; None (and a
    problem) when the release has none."""
    if kind == "heat":
        row = release.lookup("heat_emission", "heat")
        if row is None:
            ctx.problems.append(Problem("missing_factor", "the release has no heat factor", field="heat_purchased"))
            return None, "", ""
        return row.value * multiplier(row.unit, "tCO2/GJ"), row.id, "净购入热力: net GJ × heat factor"
    row = release.dated("grid_emission", "CN", year, GRID_PURPOSE)
    if row is None:
        ctx.problems.append(Problem("missing_factor", f"no carbon-market grid factor for {year} or earlier",
                                    field="electricity_purchased", enterprise=rec["enterprise"], period=str(year)))
        return None, "", ""
    note = "净购入电力: net MWh × carbon-market grid factor"
    if row.year != year:
        note += f" of {row.year} (the latest the release has for {year})"
    return row.value * multiplier(row.unit, "tCO2/MWh"), row.id, note


def facility_table(data: MonthlyData, sources: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """One row per facility-year: emissions by kind, indirect, production of the boundary's product.

    Parameters
    ----------
    data : MonthlyData
        The checked monthly values and facility-years.
    sources : DataFrame
        The source lines (:func:`run_formulas`, :func:`indirect`) [tCO2] / [tCO2e].
    flags : DataFrame
        The data-quality flags (counted per facility-year).

    Returns
    -------
    DataFrame
        :data:`FACILITY_COLUMNS` (units by column name, module :mod:`carbonkit.market.result`) plus
        ``direct_intensity_tco2e_per_t`` [tCO2e/t] and ``benchmark_gap_tco2e`` [tCO2e].
    """
    fac = data.facilities.copy()
    by_kind = sources.groupby(["fid", "kind"])["tco2e"].sum().unstack("kind")
    ind = sources[sources["kind"].isin(["electricity", "heat"])]
    activity = ind.groupby(["fid", "kind"])["activity"].sum().unstack("kind").add_suffix("_activity")
    fac = fac.merge(by_kind.reset_index(), on=FID, how="left").merge(activity.reset_index(), on=FID, how="left")
    for col in ("combustion", "process", "pfc", "electricity", "heat", "electricity_activity", "heat_activity"):
        if col not in fac.columns:
            fac[col] = 0.0
        fac[col] = fac[col].fillna(0.0)
    out = fac[FID + KEY + ["sector", "route"]].copy()
    out["combustion_tco2"], out["process_tco2"], out["pfc_tco2e"] = fac["combustion"], fac["process"], fac["pfc"]
    out["direct_tco2e"] = out["combustion_tco2"] + out["process_tco2"] + out["pfc_tco2e"]
    out["electricity_mwh"], out["electricity_tco2"] = fac["electricity_activity"], fac["electricity"]
    out["heat_gj"], out["heat_tco2"] = fac["heat_activity"], fac["heat"]
    out["indirect_tco2"] = out["electricity_tco2"] + out["heat_tco2"]
    out["total_tco2e"] = out["direct_tco2e"] + out["indirect_tco2"]
    return _production(data, out, flags)


def _production(data: MonthlyData, out: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    v = data.values
    bnd = {(s, r): boundary(s, r) for s, r in out[["sector", "route"]].drop_duplicates().itertuples(index=False)}
    out["product"] = [bnd[(s, r)].product for s, r in zip(out["sector"], out["route"])]
    prod_param = pd.Series([bnd[(s, r)].production for s, r in zip(out["sector"], out["route"])], index=out.index)
    flows = v[v["parameter"].isin(set(prod_param))].groupby(FID + ["parameter"], as_index=False)["value"].sum()
    keyed = out[FID].assign(parameter=prod_param.to_numpy())
    out["production_t"] = keyed.merge(flows, on=FID + ["parameter"], how="left")["value"].fillna(0.0).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["intensity_tco2e_per_t"] = np.where(out["production_t"] > 0, out["total_tco2e"] / out["production_t"], np.nan)
        out["direct_intensity_tco2e_per_t"] = np.where(out["production_t"] > 0,
                                                       out["direct_tco2e"] / out["production_t"], np.nan)
    bench = v[v["parameter"] == "benchmark"].sort_values("month").groupby(FID, as_index=False)["value"].last()
    # bench, months: groupby(as_index=False)[col] aggregates are frames (pandas-stubs: Series)
    out = out.merge(bench.rename(columns={"value": "benchmark_tco2e_per_t"}), on=FID, how="left")  # type: ignore[call-overload]
    out["benchmark_gap_tco2e"] = (out["intensity_tco2e_per_t"] - out["benchmark_tco2e_per_t"]) * out["production_t"]
    months = v.groupby(FID, as_index=False)["month"].nunique()
    out = out.merge(months.rename(columns={"month": "months"}), on=FID, how="left")  # type: ignore[call-overload]
    n_flags = flags.groupby(KEY, as_index=False).size().rename(columns={"size": "n_flags"})
    out = out.merge(n_flags, on=KEY, how="left")
    out["n_flags"] = out["n_flags"].fillna(0).astype(int)
    return out[[c for c in FACILITY_COLUMNS if c in out.columns] + ["direct_intensity_tco2e_per_t", "benchmark_gap_tco2e"]]


def annual_parameters(ctx: Context) -> pd.DataFrame:
    """The year's key parameters per facility and item: flows summed, rates weighted as the catalog says, stocks
    at their last month (never summed).

    Parameters
    ----------
    ctx : Context
        The context after the formulas ran (the parameters they resolved).

    Returns
    -------
    DataFrame
        ``enterprise``, ``facility``, ``year``, ``parameter``, ``item``, ``value`` [``unit``], ``unit`` and
        ``tier``.
    """
    v = ctx.data.values
    stocks = [p.id for p in catalog().values() if p.nature == "stock"]
    given = v[v["parameter"].isin(stocks)].sort_values("month")
    last = given.groupby(FID + ["item", "parameter"], as_index=False, sort=False).agg(value=("value", "last"),
                                                                                       tier=("tier", "last"))
    last["tier"] = last["tier"].replace("", "given")
    last = last.astype({"parameter": str, "item": str})
    out = pd.concat([*ctx.resolved, last], ignore_index=True)
    if out.empty:
        return pd.DataFrame(columns=KEY + ["parameter", "item", "value", "unit", "tier"])
    out = out.drop_duplicates(FID + ["item", "parameter"]).dropna(subset=["value"])
    out = ctx.data.facilities[FID + KEY].merge(out, on=FID)
    units = {p.id: p.unit for p in catalog().values()}
    vocab = vocabulary()
    pairs = out[["parameter", "item"]].astype(str).drop_duplicates()
    unit_of = {(p, i): units.get(p, "").replace("{item}", it.unit if (it := vocab.resolve(i)) else "")
               for p, i in pairs.itertuples(index=False)}
    out["unit"] = [unit_of[(str(p), str(i))] for p, i in zip(out["parameter"], out["item"])]
    return out[KEY + ["parameter", "item", "value", "unit", "tier"]].reset_index(drop=True)


def _factor_provenance(release: Release, data: MonthlyData, used: set[str]) -> dict[str, dict[str, Any]]:
    """Provenance of every factor id ``used``: the guidelines' defaults, then the release's factors."""
    out: dict[str, dict[str, Any]] = {}
    for sector in data.facilities["sector"].unique():
        out.update({k: v for k, v in factor_records(sector).items() if k in used})
    for fid in used - set(out):
        if fid in release.factors:
            out[fid] = release.get(fid).to_dict()
    return out
