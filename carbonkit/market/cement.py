"""Cement (CETS-AG-02.01-V01-2024): process CO2 of clinker production, by named formula.

``clinker_default`` (the 2024 guideline's default method), per clinker type t::

    E = Σ_m Q_cli,t,m × EF_t − Σ_j Q_alt,j,m × D_j                       [tCO2]

Q_cli clinker output [t], EF_t the default factor of the clinker type [tCO2/t clinker]; Q_alt the
non-carbonate alternative raw materials [t] and D_j their deduction factors [tCO2/t].

``clinker_oxide`` (measured composition; NDRC 2013 cement guideline), when CaO of clinker is measured::

    E = Σ_m (Q_cli + Q_ckd + Q_bpd) × [(CaO − CaO_nc) × 44/56 + (MgO − MgO_nc) × 44/40]       [tCO2]

Q_ckd kiln-head dust and Q_bpd bypass dust [t]; CaO, MgO contents of clinker and CaO_nc, MgO_nc the
non-carbonate shares [fraction]. ``raw_meal_carbon``: E = Σ_m Q_raw × FR0 × 44/12, FR0 the organic carbon
of raw meal [fraction, no default: measured]. All values with clause and status in factors/market/.
"""

from __future__ import annotations

import pandas as pd

from carbonkit.market.formulas import Context, formula, grid, keep_flows, resolve, sources_frame
from carbonkit.market.monthly import FID
from carbonkit.units import multiplier

CLAUSE = "熟料生产排放 (CETS-AG-02.01-V01-2024)"


def _oxide_facilities(ctx: Context) -> pd.DataFrame:
    return ctx.has("clinker_cao").merge(ctx.facilities_of("cement")[FID], on=FID)


def _default_facilities(ctx: Context) -> pd.DataFrame:
    fac = ctx.facilities_of("cement")[FID]
    oxide = _oxide_facilities(ctx).assign(_oxide=True)
    fac = fac.merge(oxide, on=FID, how="left")
    return fac[fac["_oxide"].isna()][FID]


@formula("clinker_default", "cement", "clinker")
def clinker_default(ctx: Context) -> pd.DataFrame | None:
    """Clinker output × default factor of its type, less the alternative raw materials' deductions.

    Parameters
    ----------
    ctx : Context
        The checked monthly values (canonical units) and the defaults of the guideline.

    Returns
    -------
    DataFrame or None
        Source lines ``calcination`` [tCO2] (activity clinker [t], factor [tCO2/t]) and
        ``alt_material_deduction`` (negative) [tCO2]; None when neither applies.
    """
    only = _default_facilities(ctx)
    g = grid(ctx, ["clinker_output"], ["clinker_factor"], only=only)
    parts = []
    if len(g):
        ef = resolve(ctx, g, "clinker_factor", g["clinker_output"] != 0, CLAUSE)
        keep_flows(ctx, g, ["clinker_output"])
        parts.append(sources_frame(g, g["clinker_output"] * ef, kind="process", source="calcination", gas="CO2",
                                   activity=g["clinker_output"], activity_unit="t clinker", factor_unit="tCO2/t",
                                   clause=CLAUSE + ": Q_cli × EF", tier_params=["clinker_factor"]))
    a = grid(ctx, ["alt_material"], ["alt_deduction"], only=only)
    if len(a):
        d = resolve(ctx, a, "alt_deduction", a["alt_material"] != 0, CLAUSE)
        keep_flows(ctx, a, ["alt_material"])
        parts.append(sources_frame(a, -a["alt_material"] * d, kind="process", source="alt_material_deduction",
                                   gas="CO2", activity=a["alt_material"], activity_unit="t",
                                   factor_unit="tCO2/t", clause=CLAUSE + ": − Σ Q_alt × D",
                                   tier_params=["alt_deduction"]))
    return pd.concat(parts, ignore_index=True) if parts else None


@formula("clinker_oxide", "cement", "clinker")
def clinker_oxide(ctx: Context) -> pd.DataFrame | None:
    """(Clinker + kiln dust + bypass dust) × [(CaO − CaO_nc) × 44/56 + (MgO − MgO_nc) × 44/40].

    Parameters
    ----------
    ctx : Context
        The checked monthly values (canonical units) and the defaults of the guideline.

    Returns
    -------
    DataFrame or None
        Source lines ``calcination`` [tCO2], activity clinker + kiln and bypass dust [t], factor [tCO2/t];
        None when no facility measures CaO of clinker.
    """
    only = _oxide_facilities(ctx)
    if only.empty:
        return None
    params = ["clinker_cao", "clinker_mgo", "noncarbonate_cao", "noncarbonate_mgo", "kiln_dust", "bypass_dust"]
    g = grid(ctx, ["clinker_output"], params, only=only)
    for flow in ("kiln_dust", "bypass_dust"):
        g[flow] = g[flow].fillna(0.0)
    mass = g["clinker_output"] + g["kiln_dust"] + g["bypass_dust"]
    needed = mass != 0
    contents = {p: resolve(ctx, g, p, needed, CLAUSE) for p in params[:4]}
    keep_flows(ctx, g, ["clinker_output", "kiln_dust", "bypass_dust"])
    ratio = ctx.defaults.set_index(["parameter", "item"])["value"]
    ids = ctx.defaults.set_index(["parameter", "item"])["factor_id"]
    per_t = ((contents["clinker_cao"] - contents["noncarbonate_cao"]) * ratio[("oxide_ratio", "cao")]
             + (contents["clinker_mgo"] - contents["noncarbonate_mgo"]) * ratio[("oxide_ratio", "mgo")])
    return sources_frame(g, mass * per_t, kind="process", source="calcination", gas="CO2", activity=mass,
                         activity_unit="t clinker + dust", factor_unit="tCO2/t",
                         clause="clinker-oxide method (NDRC 2013 cement guideline; unverified for 2024)",
                         tier_params=params[:4], ids=[ids[("oxide_ratio", "cao")], ids[("oxide_ratio", "mgo")]])


@formula("raw_meal_carbon", "cement", "raw_meal")
def raw_meal_carbon(ctx: Context) -> pd.DataFrame | None:
    """Raw meal × its organic carbon × 44/12 (the carbon content is measured: no default was found).

    Parameters
    ----------
    ctx : Context
        The checked monthly values (canonical units) and the defaults of the guideline.

    Returns
    -------
    DataFrame or None
        Source lines ``raw_meal_carbon`` [tCO2], activity raw meal [t], factor [tCO2/t]; None without raw
        meal entered.
    """
    only = ctx.facilities_of("cement")[FID]
    g = grid(ctx, ["raw_meal"], ["raw_meal_carbon"], only=only)
    if g.empty:
        return None
    fr0 = resolve(ctx, g, "raw_meal_carbon", g["raw_meal"] != 0, CLAUSE)
    keep_flows(ctx, g, ["raw_meal"])
    co2 = g["raw_meal"] * fr0 * multiplier("tC", "tCO2")
    return sources_frame(g, co2, kind="process", source="raw_meal_carbon", gas="CO2", activity=g["raw_meal"],
                         activity_unit="t raw meal", factor_unit="tCO2/t", clause=CLAUSE + ": Q_raw × FR0 × 44/12",
                         tier_params=["raw_meal_carbon"])
