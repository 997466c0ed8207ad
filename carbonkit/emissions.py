"""CO2 emissions: fuel combustion (scope 1), purchased electricity and heat (scope 2).

Fuel factor (GB/T 32150-2015; NDRC 24-industry guidelines):
    EF = NCV × CC × OF × 44/12        [tCO2 per unit]
with NCV [GJ/unit], CC [tC/TJ], OF the oxidation rate; 44/12 enters through the unit registry
(1 tC = 44/12 tCO2), so the factor is derived from the published parameters, never stored.

Electricity: location-based uses the grid average of the region and year (MEE/NBS 电力二氧化碳排放因子);
market-based counts green-power and green-certificate electricity at zero and the rest at the factor
excluding market-traded non-fossil power. Heat: 0.11 tCO2/GJ default; steam heat by the NDRC rule
AD = Ma × (En − h_fw) with h_fw the feed-water enthalpy.
"""

from __future__ import annotations

from dataclasses import dataclass

from carbonkit.factors import Factor, Release
from carbonkit.units import multiplier
from carbonkit.vocabulary import Item


@dataclass(frozen=True)
class EmissionFactor:
    """tCO2 per canonical unit of an item (or per kWh, per MJ) and the factors it rests on."""

    value: float
    factors: tuple[Factor, ...]


def fuel_emission_factor(release: Release, item: Item) -> EmissionFactor | None:
    """EF = NCV × CC × OF [tCO2 per ``item.unit``] from the release's fuel parameters, or None."""
    row = release.lookup("fuel_parameters", item.factor_key)
    if row is None:
        return None
    extra = dict(row.extra)
    ncv = row.value * multiplier(row.unit, f"GJ/{item.unit}")
    cc = extra["carbon_content"] * multiplier(extra["carbon_content_unit"], "tCO2/GJ")
    return EmissionFactor(ncv * cc * extra["oxidation"], (row,))


def grid_emission_factor(release: Release, province: str, year: int, purpose: str, *, level: str,
                         year_fallback: str) -> EmissionFactor | None:
    """Electricity factor [tCO2/kWh] for a province code (or CN), year and purpose, with fallback."""
    row = release.dated("grid_emission", province, year, purpose, level=level, year_fallback=year_fallback)
    return None if row is None else EmissionFactor(row.value * multiplier(row.unit, "tCO2/kWh"), (row,))


def heat_emission_factor(release: Release) -> EmissionFactor | None:
    """Purchased heat [tCO2/MJ]."""
    row = release.lookup("heat_emission", "heat")
    return None if row is None else EmissionFactor(row.value * multiplier(row.unit, "tCO2/MJ"), (row,))


def feedwater_enthalpy(release: Release) -> EmissionFactor:
    """Feed-water enthalpy h_fw [kJ/kg] subtracted from steam enthalpy for the heat it delivers."""
    row = release.constant("steam_feedwater_enthalpy")
    return EmissionFactor(row.value * multiplier(row.unit, "kJ/kg"), (row,))
