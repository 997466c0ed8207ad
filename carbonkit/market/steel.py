"""Steel (CETS-AG-03.01-V01-2024): process CO2 by carbon balance of the materials, one named formula.

    E = Σ_j Σ_m M_in,j,m × EF_j − Σ_k Σ_m M_out,k,m × EF_k                 [tCO2]

M_in fluxes (limestone, dolomite), electrodes and carbon-bearing materials bought in (pig iron, direct-reduced
iron, ferroalloys, carburant) [t]; M_out carbon fixed in products and by-products sent out (crude steel, pig
iron, gases) [t]; EF the carbon content of each material expressed as CO2 [tCO2/t] (a carbon content in tC/t
converts through the unit registry). Measured monthly or the default of factors/market/ where one was found;
pig iron, DRI, scrap and by-product gases have none and must be measured. Each material is its own source line
(``flux.limestone``, ``electrode``, ``carbon_in.pig_iron``, ``carbon_out.crude_steel``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonkit.market.formulas import Context, formula, grid, keep_flows, resolve, sources_frame
from carbonkit.market.monthly import FID

CLAUSE = "过程排放: 熔剂、电极、含碳原料 − 固碳产品 (CETS-AG-03.01-V01-2024 carbon balance)"
FAMILY = {"limestone": "flux", "dolomite": "flux", "electrode": "electrode"}


@formula("carbon_balance", "steel", "process")
def carbon_balance(ctx: Context) -> pd.DataFrame | None:
    """Materials in × their CO2 content − materials out × theirs, one line per material.

    Parameters
    ----------
    ctx : Context
        The checked monthly values (canonical units) and the defaults of the guideline.

    Returns
    -------
    DataFrame or None
        One source line per material (``flux.<item>``, ``electrode``, ``carbon_in.<item>``,
        ``carbon_out.<item>``) [tCO2], carbon carried out negative, activity net material [t]; None without
        materials entered.
    """
    only = ctx.facilities_of("steel")[FID]
    g = grid(ctx, ["material_in", "material_out"], ["material_carbon"], only=only)
    if g.empty:
        return None
    flow = g["material_in"] - g["material_out"]
    ef = resolve(ctx, g, "material_carbon", (g["material_in"] != 0) | (g["material_out"] != 0), CLAUSE)
    keep_flows(ctx, g, ["material_in", "material_out"])
    lines = sources_frame(g, flow * ef, kind="process", source="", gas="CO2", activity=flow, activity_unit="t",
                          factor_unit="tCO2/t", clause=CLAUSE, tier_params=["material_carbon"])
    fam = lines["item"].map(FAMILY)
    direction = np.where(lines["activity"] < 0, "carbon_out", "carbon_in")
    # pandas-stubs types a Series of an ndarray of str as Series[float]
    lines["source"] = np.where(fam.isin(["flux"]), "flux." + lines["item"],
                               np.where(fam.eq("electrode"), "electrode",
                                        pd.Series(direction) + "." + lines["item"]))  # type: ignore[operator]
    return lines
