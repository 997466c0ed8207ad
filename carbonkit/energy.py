"""Comprehensive energy consumption in standard coal, GB/T 2589-2020.

E = Σ_i m_i · k_i − E_export   [tce]

with m_i the amount of carrier i in its canonical unit and k_i its coefficient to standard coal
[tce per unit] (GB/T 2589-2020 Appendix A; ch. 8 "折算为标准煤的要求"). Electricity is converted by
the equivalent value (当量值, Appendix A) or by the equal value (等价值: the coal rate of power
supply of the year, §3.3). A fuel without an Appendix A row but with a known low heating value is
converted as LHV / (LHV of 1 kgce), the rule of ch. 8.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from carbonkit.factors import Factor, Release
from carbonkit.units import multiplier
from carbonkit.vocabulary import Item


@dataclass(frozen=True)
class Coefficient:
    """A coefficient to standard coal [tce per canonical unit of the item] and the factors it rests on."""

    value: float
    factors: tuple[Factor, ...]


def coal_coefficient(release: Release, item: Item) -> Coefficient | None:
    """The standard-coal coefficient of ``item`` [tce per ``item.unit``], or None if the release has none.

    GB/T 2589-2020 Appendix A row of the item (or of its ``factor_key``); else NCV of the fuel table ÷
    the LHV of 1 kgce (constant ``kgce_lhv``).

    Parameters
    ----------
    release : Release
        The factor release (tables ``standard_coal`` and ``fuel_parameters``).
    item : Item
        An energy item of the vocabulary.

    Returns
    -------
    Coefficient or None
        k [tce per ``item.unit``] and the rows it rests on.
    """
    row = release.lookup("standard_coal", item.factor_key)
    if row is not None:
        return Coefficient(row.value * multiplier(row.unit, f"tce/{item.unit}"), (row,))
    fuel = release.lookup("fuel_parameters", item.factor_key)
    if fuel is not None:
        lhv = release.constant("kgce_lhv")
        per_unit = fuel.value * multiplier(fuel.unit, f"kJ/{item.unit}")  # kJ per canonical unit
        kgce_kj = lhv.value * multiplier(lhv.unit, "kJ/kgce")
        return Coefficient(per_unit / kgce_kj * multiplier("kgce", "tce"), (fuel, lhv))
    return None


def heat_coefficient(release: Release) -> Coefficient | None:
    """Standard coal per MJ of heat [tce/MJ] (GB/T 2589-2020 Appendix A, 热力 当量值).

    Parameters
    ----------
    release : Release
        The factor release (table ``standard_coal``, row ``heat``).

    Returns
    -------
    Coefficient or None
        k [tce/MJ] and its row, or None.
    """
    row = release.lookup("standard_coal", "heat")
    return None if row is None else Coefficient(row.value * multiplier(row.unit, "tce/MJ"), (row,))


def power_coal_rate(release: Release, province: str, year: int, override: float | None,
                    year_fallback: str = "earlier") -> Coefficient | None:
    """Coal rate of power supply for the equal-value method [tce/kWh]: the user's value, else the table's.

    Parameters
    ----------
    release : Release
        The factor release (table ``power_coal_rate``).
    province : str
        A 2-digit province code, a regional grid code or ``CN``.
    year : int
        The data year wanted [a].
    override : float or None
        The user's rate [kgce/kWh] (``AccountingOptions.power_coal_rate``), used as given.
    year_fallback : str
        ``earlier`` or ``nearest`` (see :meth:`carbonkit.factors.Release.dated`).

    Returns
    -------
    Coefficient or None
        The rate [tce/kWh] and its row (none for an override), or None.
    """
    if override is not None:
        return Coefficient(override * multiplier("kgce/kWh", "tce/kWh"), ())
    row = release.dated("power_coal_rate", province, year, year_fallback=year_fallback)
    return None if row is None else Coefficient(row.value * multiplier(row.unit, "tce/kWh"), (row,))


def steam_heat_mj(mass: np.ndarray, enthalpy: np.ndarray, mass_unit: str) -> np.ndarray:
    """Heat of steam [MJ] = mass × enthalpy, mass in ``mass_unit`` and enthalpy in [kJ/kg].

    Parameters
    ----------
    mass : numpy.ndarray
        Steam mass [``mass_unit``].
    enthalpy : numpy.ndarray
        Specific enthalpy [kJ/kg] (for the heat delivered: steam enthalpy − feed-water enthalpy).
    mass_unit : str
        The unit of ``mass``, e.g. ``t``.

    Returns
    -------
    numpy.ndarray
        Heat [MJ] per element.
    """
    heat: np.ndarray = mass * enthalpy * multiplier(f"{mass_unit} * kJ/kg", "MJ")
    return heat
