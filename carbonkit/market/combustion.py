"""Fuel combustion by the guidelines' formula, with the data tier of each parameter.

    E_comb = Σ_i Σ_m FC_i,m × NCV_i,m × CC_i,m × OF_i,m × 44/12        [tCO2]

FC [t, Nm3 ... the fuel's unit], NCV [GJ per unit], CC [tC/GJ], OF [-]; 44/12 enters through the unit
registry (1 tC = 44/12 tCO2). Each parameter is measured monthly (the enterprise names the analysis standard,
e.g. GB/T 213 for the heating value of coal) or, where not measured, the guideline default (Appendix A: the
release's fuel-parameter table). The annual NCV is the mean weighted by consumption, the annual CC weighted
by heat (FC × NCV), so the year's emission equals the sum of the months.
"""

from __future__ import annotations

import pandas as pd

from carbonkit.factors import Release
from carbonkit.market.formulas import Context, grid, keep_flows, resolve, sources_frame
from carbonkit.units import multiplier
from carbonkit.vocabulary import vocabulary

CLAUSE = "化石燃料燃烧排放: E = Σ FC × NCV × CC × OF × 44/12; defaults: 附录A (release fuel-parameter table)"
PARAMS = ["ncv", "carbon_content", "oxidation"]


def fuel_defaults(release: Release, items: list[str]) -> pd.DataFrame:
    """NCV [GJ/unit], CC [tC/GJ] and OF [-] of the fuels ``items`` from the release (the guidelines' Appendix A).

    Parameters
    ----------
    release : Release
        The factor release; its ``fuel_parameters`` table is read.
    items : list of str
        Fuel ids or names as entered; a fuel the release has no parameters for is left out.

    Returns
    -------
    DataFrame
        ``parameter`` (``ncv``, ``carbon_content``, ``oxidation``), ``item``, ``value`` [GJ per fuel unit,
        tC/GJ, -], ``factor_id``, ``clause`` and ``status``.
    """
    vocab, rows = vocabulary(), []
    for name in items:
        item = vocab.resolve(name)
        row = release.lookup("fuel_parameters", item.factor_key) if item else None
        if item is None or row is None:  # row is None whenever item is
            continue
        extra = dict(row.extra)
        values = {"ncv": row.value * multiplier(row.unit, f"GJ/{item.unit}"),
                  "carbon_content": extra["carbon_content"] * multiplier(extra["carbon_content_unit"], "tC/GJ"),
                  "oxidation": extra["oxidation"]}
        for param, value in values.items():
            rows.append({"parameter": param, "item": name, "value": value, "factor_id": row.id,
                         "clause": "附录A 缺省值 (" + row.table + ")", "status": row.status})
    return pd.DataFrame(rows, columns=["parameter", "item", "value", "factor_id", "clause", "status"])


def combustion(ctx: Context) -> pd.DataFrame:
    """Combustion CO2 per facility-year and fuel: E = Σ FC × NCV × CC × OF × 44/12 (module docstring).

    Parameters
    ----------
    ctx : Context
        The checked monthly values and the defaults.

    Returns
    -------
    DataFrame
        Source lines (:func:`carbonkit.market.formulas.sources_frame`): ``tco2e`` [tCO2], activity the heat
        burnt [GJ], factor [tCO2/GJ]; an empty frame when no fuel is entered.
    """
    g = grid(ctx, ["fuel_consumption"], PARAMS)
    if g.empty:
        return g
    needed = g["fuel_consumption"] != 0
    ncv = resolve(ctx, g, "ncv", needed)
    cc = resolve(ctx, g, "carbon_content", needed)
    of = resolve(ctx, g, "oxidation", needed)
    keep_flows(ctx, g, ["fuel_consumption"])
    heat = g["fuel_consumption"] * ncv
    co2 = heat * cc * of * multiplier("tC", "tCO2")
    return sources_frame(g, co2, kind="combustion", source="combustion", gas="CO2", activity=heat,
                         activity_unit="GJ", factor_unit="tCO2/GJ", clause=CLAUSE, tier_params=PARAMS)
