"""Indicator values carbonkit computes from accounting results, for factories and for parks.

Each metric has a canonical unit; the criteria set's unit for the indicator is reached through the unit
registry, so a provincial variant may state kgce/万元 or tce/亿元 as it likes.

Factory metrics (one enterprise-period, from a row of ``AccountingResult.summary``):

- ``energy_per_product`` [tce per unit of product] = comprehensive energy, equivalent value / product output
- ``energy_per_output_value`` [tce/10^4 CNY] = comprehensive energy (equivalent value) / gross output value
- ``co2_per_output_value`` [tCO2/10^4 CNY] = CO2 (scope 1 + location-based scope 2) / gross output value
- ``renewable_share`` [1] = renewable electricity (equivalent value) / comprehensive energy (equivalent value)
- ``water_per_product`` [m3 per unit], ``water_per_output_value`` [m3/10^4 CNY] = water withdrawal / ...
- ``water_reuse_rate`` [1] = recycled / (recycled + withdrawal)
- ``output_per_land`` [10^4 CNY/mu] = gross output value / land area
- ``energy_tce`` [tce] = comprehensive energy, equivalent value (selects tiers)

Park metrics (the park's enterprises for a year, summed before dividing: a ratio of totals):

- ``energy_output_rate`` [10^4 CNY/tce] = value added / comprehensive energy (equivalent value)
- ``renewable_share`` [1], ``water_reuse_rate`` [1] as above, over the totals
- ``water_output_rate`` [10^4 CNY/m3] = value added / fresh water withdrawn (新鲜水; 586号 definition)
- ``land_output_rate`` [10^4 CNY/mu] = value added / land area (the park's, if supplied; else its firms')
- ``value_added_per_employee`` [10^4 CNY/person]
- ``co2_per_value_added`` [tCO2/10^4 CNY] = CO2 (location-based) / value added
- ``co2_intensity_reduction`` [1] = 1 - (CO2/VA this year) / (CO2/VA the year before), same prices

Value added is at comparable prices when every enterprise has it, else at current prices; the metric
notes say which.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from carbonkit.intensity import finite

# metric -> canonical unit
UNITS = {
    "energy_per_product": "tce", "energy_per_output_value": "tce/万元", "co2_per_output_value": "tCO2/万元",
    "renewable_share": "dimensionless", "water_per_product": "m3", "water_per_output_value": "m3/万元",
    "water_reuse_rate": "dimensionless", "output_per_land": "万元/亩", "energy_tce": "tce",
    "energy_output_rate": "万元/tce", "water_output_rate": "万元/m3", "land_output_rate": "万元/亩",
    "value_added_per_employee": "万元/person", "co2_per_value_added": "tCO2/万元",
    "co2_intensity_reduction": "dimensionless",
}


def _ratio(a: object, b: object) -> float | None:
    x, y = finite(a), finite(b)
    if x is None or y is None or y <= 0:
        return None
    return x / y


def factory_metrics(row: Mapping[str, Any]) -> dict[str, tuple[float, str]]:
    """Metric -> (value in its canonical unit, note) for one enterprise-period summary row.

    Parameters
    ----------
    row : mapping
        An accounting summary row (energy [tce], CO2 [tCO2], water [m3], output [10^4 CNY] ...).

    Returns
    -------
    dict of str to (float, str)
        The metrics that have a value, in the units of :data:`UNITS`.
    """
    energy = row.get("energy_equivalent_tce")
    output = row.get("gross_output_10k_cny")
    recycled, withdrawal = finite(row.get("recycled_water_m3")), finite(row.get("water_withdrawal_m3"))
    candidates = {
        "energy_per_product": (_ratio(energy, row.get("product_output")), f"per {row.get('product_unit') or 'unit'} of product"),
        "energy_per_output_value": (_ratio(energy, output), "equivalent value / gross output value"),
        "co2_per_output_value": (_ratio(row.get("co2_location_tco2"), output), "scope 1 + location-based scope 2"),
        "renewable_share": (_ratio(row.get("renewable_electricity_equivalent_tce"), energy), "equivalent value"),
        "water_per_product": (_ratio(withdrawal, row.get("product_output")), f"per {row.get('product_unit') or 'unit'} of product"),
        "water_per_output_value": (_ratio(withdrawal, output), "withdrawal / gross output value"),
        "water_reuse_rate": (_ratio(recycled, (recycled or 0) + (withdrawal or 0)) if recycled is not None else None,
                             "recycled / (recycled + withdrawal)"),
        "output_per_land": (_ratio(output, row.get("land_area_mu")), "gross output value / land area"),
        "energy_tce": (finite(energy), "comprehensive energy, equivalent value"),
    }
    return _given(candidates)


def _sum(frame: pd.DataFrame, col: str) -> float | None:
    """The column total, or None if the column is absent or any enterprise lacks it."""
    if col not in frame.columns or frame[col].isna().any():
        return None
    return float(frame[col].sum())


def _value_added(frame: pd.DataFrame) -> tuple[float | None, str]:
    comparable = _sum(frame, "value_added_comparable_10k_cny")
    if comparable is not None:
        return comparable, "value added at comparable prices"
    return _sum(frame, "value_added_10k_cny"), "value added at current prices (no deflator for every enterprise)"


def park_metrics(year_frame: pd.DataFrame, previous_frame: pd.DataFrame | None = None,
                 land_area_mu: float | None = None) -> dict[str, tuple[float, str]]:
    """Metric -> (value, note) for a park: ``year_frame`` holds its enterprises' summaries for the year,
    ``previous_frame`` those of the year before (for the CO2 intensity reduction rate).

    Parameters
    ----------
    year_frame : DataFrame
        The park's enterprises' summary rows of the year.
    previous_frame : DataFrame, optional
        Those of the year before.
    land_area_mu : float, optional
        The park's land area [mu] (else the sum of its enterprises').

    Returns
    -------
    dict of str to (float, str)
        The metrics that have a value, in the units of :data:`UNITS`.
    """
    va, basis = _value_added(year_frame)
    energy = _sum(year_frame, "energy_equivalent_tce")
    recycled, withdrawal = _sum(year_frame, "recycled_water_m3"), _sum(year_frame, "water_withdrawal_m3")
    land_note = "the park's land area"
    if land_area_mu is None:
        land_area_mu, land_note = _sum(year_frame, "land_area_mu"), "the sum of its enterprises' land areas"
    n = len(year_frame)
    out = {
        "energy_output_rate": (_ratio(va, energy), f"{basis} / comprehensive energy, {n} enterprises"),
        "renewable_share": (_ratio(_sum(year_frame, "renewable_electricity_equivalent_tce"), energy), "equivalent value"),
        "water_output_rate": (_ratio(va, _sum(year_frame, "fresh_water_m3")), f"{basis} / fresh water"),
        "water_reuse_rate": (_ratio(recycled, (recycled or 0) + (withdrawal or 0)) if recycled is not None else None,
                             "recycled / (recycled + withdrawal)"),
        "land_output_rate": (_ratio(va, land_area_mu), f"{basis} / {land_note}"),
        "value_added_per_employee": (_ratio(va, _sum(year_frame, "employees")), basis),
        "co2_per_value_added": (_ratio(_sum(year_frame, "co2_location_tco2"), va), f"location-based CO2 / {basis}"),
    }
    if previous_frame is not None and len(previous_frame):
        prev_va, prev_basis = _value_added(previous_frame)
        now = _ratio(_sum(year_frame, "co2_location_tco2"), va)
        before = _ratio(_sum(previous_frame, "co2_location_tco2"), prev_va)
        if now is not None and before:
            note = f"{len(previous_frame)} enterprises the year before; {basis}"
            if prev_basis != basis:
                note += f" (the year before: {prev_basis})"
            out["co2_intensity_reduction"] = (1.0 - now / before, note)
    return _given(out)


def _given(metrics: Mapping[str, tuple[float | None, str]]) -> dict[str, tuple[float, str]]:
    """The metrics that have a value."""
    return {k: (v, note) for k, (v, note) in metrics.items() if v is not None}
