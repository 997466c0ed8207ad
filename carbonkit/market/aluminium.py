"""Aluminium smelting (CETS-AG-04.01-V01-2024 §6): anode CO2 and PFCs from anode effects, by named formula.

``anode``::   E = Σ_m P_m × NC_m × (1 − S_m − A_m) × 44/12                          [tCO2]

P primary aluminium [t], NC net anode consumption [t/t Al], S and A the anodes' sulphur and ash [fraction].

PFCs, CF4 and C2F6 [t], converted with the GWPs the guideline names (data), one family, three formulas:

- ``pfc_default``:      E_CF4 = P × EF_CF4, E_C2F6 = P × EF_C2F6 (defaults per t Al);
- ``pfc_slope``:        EF_CF4 = S_CF4 × AEM, EF_C2F6 = r × EF_CF4 (AEM anode-effect minutes per cell-day);
- ``pfc_overvoltage``:  EF_CF4 = OVC × AEO / CE, EF_C2F6 = r × EF_CF4 (IPCC 2006 eq. 4.27; OVC has no default).

The slope method is used for a facility-year that gives AEM, the overvoltage method for one that gives AEO,
the default factors otherwise; the formula used is named in the source line.
"""

from __future__ import annotations

import pandas as pd

from carbonkit.market.formulas import Context, formula, grid, keep_flows, resolve, sources_frame
from carbonkit.market.monthly import FID
from carbonkit.units import multiplier

CLAUSE = "§6 铝电解工序 (CETS-AG-04.01-V01-2024)"


def _gwp(ctx: Context, gas: str) -> tuple[float, str]:
    d = ctx.defaults[(ctx.defaults["parameter"] == "gwp") & (ctx.defaults["item"] == gas)]
    return float(d["value"].iloc[0]), str(d["factor_id"].iloc[0])


@formula("anode", "aluminium", "anode")
def anode(ctx: Context) -> pd.DataFrame | None:
    """P × NC × (1 − S − A) × 44/12: the carbon of the anodes consumed.

    Parameters
    ----------
    ctx : Context
        The checked monthly values (canonical units) and the defaults of the guideline.

    Returns
    -------
    DataFrame or None
        Source lines ``anode`` (:func:`~carbonkit.market.formulas.sources_frame`): CO2 [tCO2], activity primary
        aluminium [t], factor [tCO2/t]; None without aluminium output.
    """
    g = grid(ctx, ["aluminium_output"], ["anode_net_consumption", "anode_sulfur", "anode_ash"],
             only=ctx.facilities_of("aluminium")[FID])
    if g.empty:
        return None
    needed = g["aluminium_output"] != 0
    nc = resolve(ctx, g, "anode_net_consumption", needed, CLAUSE)
    s = resolve(ctx, g, "anode_sulfur", needed, CLAUSE)
    a = resolve(ctx, g, "anode_ash", needed, CLAUSE)
    keep_flows(ctx, g, ["aluminium_output"])
    co2 = g["aluminium_output"] * nc * (1 - s - a) * multiplier("tC", "tCO2")
    return sources_frame(g, co2, kind="process", source="anode", gas="CO2", activity=g["aluminium_output"],
                         activity_unit="t Al", factor_unit="tCO2/t", clause=CLAUSE + ": P × NC × (1 − S − A) × 44/12",
                         tier_params=["anode_net_consumption", "anode_sulfur", "anode_ash"])


def _select(ctx: Context, method: str) -> pd.DataFrame:
    fac = ctx.facilities_of("aluminium")[FID]
    aem = ctx.has("aem").assign(_m="slope")
    aeo = ctx.has("aeo").assign(_o="overvoltage")
    fac = fac.merge(aem, on=FID, how="left").merge(aeo, on=FID, how="left")
    chosen = fac["_m"].fillna(fac["_o"]).fillna("default")
    return fac.loc[chosen == method, FID]


def _pfc_lines(ctx: Context, g: pd.DataFrame, cf4_kg_t: pd.Series, c2f6_kg_t: pd.Series, name: str,
               tiers: list[str]) -> pd.DataFrame:
    out = []
    for gas, ef in (("CF4", cf4_kg_t), ("C2F6", c2f6_kg_t)):
        gwp, gwp_id = _gwp(ctx, gas)
        mass = g["aluminium_output"] * ef * multiplier("kg", "t")
        out.append(sources_frame(g, mass * gwp, kind="pfc", source=f"pfc.{gas.lower()}", gas=gas,
                                 activity=g["aluminium_output"], activity_unit="t Al", factor_unit="tCO2e/t",
                                 clause=f"{CLAUSE}: {name}, GWP {gas} {gwp:g}", tier_params=tiers,
                                 emissions_t=mass, ids=[gwp_id]))
    return pd.concat(out, ignore_index=True)


@formula("pfc_default", "aluminium", "pfc")
def pfc_default(ctx: Context) -> pd.DataFrame | None:
    """PFCs by the default factors per tonne of aluminium.

    Parameters
    ----------
    ctx : Context
        The checked monthly values (canonical units) and the defaults of the guideline.

    Returns
    -------
    DataFrame or None
        Source lines ``pfc.cf4`` and ``pfc.c2f6``: [tCO2e] with the guideline's GWPs, gas mass [t], activity
        aluminium [t]; None when no facility-year uses this method.
    """
    g = grid(ctx, ["aluminium_output"], ["cf4_factor", "c2f6_factor"], only=_select(ctx, "default"))
    if g.empty:
        return None
    needed = g["aluminium_output"] != 0
    cf4 = resolve(ctx, g, "cf4_factor", needed, CLAUSE)
    c2f6 = resolve(ctx, g, "c2f6_factor", needed, CLAUSE)
    keep_flows(ctx, g, ["aluminium_output"])
    return _pfc_lines(ctx, g, cf4, c2f6, "pfc_default", ["cf4_factor", "c2f6_factor"])


@formula("pfc_slope", "aluminium", "pfc")
def pfc_slope(ctx: Context) -> pd.DataFrame | None:
    """PFCs by the slope method: EF_CF4 = slope × anode-effect minutes per cell-day.

    Parameters
    ----------
    ctx : Context
        The checked monthly values (canonical units) and the defaults of the guideline.

    Returns
    -------
    DataFrame or None
        Source lines ``pfc.cf4`` and ``pfc.c2f6``: [tCO2e] with the guideline's GWPs, gas mass [t], activity
        aluminium [t]; None when no facility-year uses this method.
    """
    g = grid(ctx, ["aluminium_output"], ["aem", "cf4_slope", "c2f6_ratio"], only=_select(ctx, "slope"))
    if g.empty:
        return None
    needed = g["aluminium_output"] != 0
    aem = resolve(ctx, g, "aem", needed, CLAUSE)
    cf4 = resolve(ctx, g, "cf4_slope", needed, CLAUSE) * aem
    ratio = resolve(ctx, g, "c2f6_ratio", needed, CLAUSE)
    keep_flows(ctx, g, ["aluminium_output"])
    return _pfc_lines(ctx, g, cf4, cf4 * ratio, "pfc_slope", ["aem", "cf4_slope", "c2f6_ratio"])


@formula("pfc_overvoltage", "aluminium", "pfc")
def pfc_overvoltage(ctx: Context) -> pd.DataFrame | None:
    """PFCs by the overvoltage method: EF_CF4 = OVC × AEO / CE (OVC measured: no default was found).

    Parameters
    ----------
    ctx : Context
        The checked monthly values (canonical units) and the defaults of the guideline.

    Returns
    -------
    DataFrame or None
        Source lines ``pfc.cf4`` and ``pfc.c2f6``: [tCO2e] with the guideline's GWPs, gas mass [t], activity
        aluminium [t]; None when no facility-year uses this method.
    """
    g = grid(ctx, ["aluminium_output"], ["aeo", "current_efficiency", "cf4_ovc", "c2f6_ratio"],
             only=_select(ctx, "overvoltage"))
    if g.empty:
        return None
    needed = g["aluminium_output"] != 0
    aeo = resolve(ctx, g, "aeo", needed, CLAUSE)
    ce = resolve(ctx, g, "current_efficiency", needed, CLAUSE)
    ovc = resolve(ctx, g, "cf4_ovc", needed, CLAUSE)
    cf4 = ovc * aeo / ce
    ratio = resolve(ctx, g, "c2f6_ratio", needed, CLAUSE)
    keep_flows(ctx, g, ["aluminium_output"])
    return _pfc_lines(ctx, g, cf4, cf4 * ratio, "pfc_overvoltage", ["aeo", "current_efficiency", "cf4_ovc", "c2f6_ratio"])
