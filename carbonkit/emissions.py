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
    """EF = NCV × CC × OF [tCO2 per ``item.unit``] from the release's fuel parameters, or None.

    GB/T 32150-2015 Appendix B and the sector guidelines: net calorific value NCV [GJ per unit], carbon
    content CC [tCO2/GJ, i.e. tC/GJ × 44/12] and oxidation rate OF [-].

    Parameters
    ----------
    release : Release
        The factor release (table ``fuel_parameters``).
    item : Item
        A fuel of the vocabulary; its ``factor_key`` names the row, its ``unit`` the canonical unit.

    Returns
    -------
    EmissionFactor or None
        The factor [tCO2 per ``item.unit``] and the row it rests on; None when the release has no row.
    """
    row = release.lookup("fuel_parameters", item.factor_key)
    if row is None:
        return None
    extra = dict(row.extra)
    ncv = row.value * multiplier(row.unit, f"GJ/{item.unit}")
    cc = extra["carbon_content"] * multiplier(extra["carbon_content_unit"], "tCO2/GJ")
    return EmissionFactor(ncv * cc * extra["oxidation"], (row,))


def grid_emission_factor(release: Release, province: str, year: int, purpose: str, *, level: str,
                         year_fallback: str) -> EmissionFactor | None:
    """Electricity factor [tCO2/kWh] for a province code (or CN), year and purpose, with fallback.

    Parameters
    ----------
    release : Release
        The factor release (table ``grid_emission``).
    province : str
        A 2-digit province code, a regional grid code or ``CN``.
    year : int
        The data year wanted [a].
    purpose : str
        ``average``, ``fossil``, ``carbon_market`` or ``excl_market_nonfossil`` (market-based scope 2).
    level : str
        Where the chain starts: ``province`` → regional ``grid`` → ``national``.
    year_fallback : str
        ``earlier`` (the nearest earlier year) or ``nearest`` (either way).

    Returns
    -------
    EmissionFactor or None
        The factor [tCO2/kWh] and its row; None when no level of the chain has one.
    """
    row = release.dated("grid_emission", province, year, purpose, level=level, year_fallback=year_fallback)
    return None if row is None else EmissionFactor(row.value * multiplier(row.unit, "tCO2/kWh"), (row,))


def heat_emission_factor(release: Release) -> EmissionFactor | None:
    """Purchased heat [tCO2/MJ] (GB/T 32150-2015 Appendix B, 热力).

    Parameters
    ----------
    release : Release
        The factor release (table ``heat_emission``).

    Returns
    -------
    EmissionFactor or None
        The factor [tCO2/MJ] and its row, or None.
    """
    row = release.lookup("heat_emission", "heat")
    return None if row is None else EmissionFactor(row.value * multiplier(row.unit, "tCO2/MJ"), (row,))


def feedwater_enthalpy(release: Release) -> EmissionFactor:
    """Feed-water enthalpy h_fw [kJ/kg] subtracted from steam enthalpy for the heat it delivers.

    Parameters
    ----------
    release : Release
        The factor release (constant ``steam_feedwater_enthalpy``; raises if it is missing).

    Returns
    -------
    EmissionFactor
        h_fw [kJ/kg] and the constant's row.
    """
    row = release.constant("steam_feedwater_enthalpy")
    return EmissionFactor(row.value * multiplier(row.unit, "kJ/kg"), (row,))
