"""The one unit registry of carbonkit, defined as data in ``units.txt``.

pint costs tens of microseconds per scalar operation, so hot paths never build a Quantity per row:
:func:`multiplier` resolves a (unit, target unit) pair once (cached) and the arithmetic is done on
numpy arrays.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import pint

from carbonkit.errors import Problem, UnitMismatch

# Spellings pint's own preprocessing would misread ("Nm³" would become N·m³) or that users type in
# full-width forms. Applied before pint sees the string.
_SPELLINGS = [
    (re.compile(r"Nm\s*(\^|\*\*)?\s*3|Nm³"), "Nm3"),
    (re.compile(r"（"), "("),
    (re.compile(r"）"), ")"),
    (re.compile(r"／"), "/"),
    # watt-hours as people type them: kwh, KWH, Kwh, kW·h, KW.H; MWh and GWh likewise (nobody means mWh)
    (re.compile(r"(?<![A-Za-z])[kK]\s*[wW]\s*[·.*]?\s*[hH](?![A-Za-z])"), "kWh"),
    (re.compile(r"(?<![A-Za-z])[mM]\s*[wW]\s*[·.*]?\s*[hH](?![A-Za-z])"), "MWh"),
    (re.compile(r"(?<![A-Za-z])[gG]\s*[wW]\s*[·.*]?\s*[hH](?![A-Za-z])"), "GWh"),
    (re.compile(r"万\s*kWh"), "万千瓦时"),  # pint allows one prefix: 万 + k + Wh would be two
    # calorific values in China are in International Table calories (GB/T 2589: 1 kcal = 4.1868 kJ), not pint's
    # thermochemical calorie (4.184 J)
    (re.compile(r"(?<![A-Za-z_])(k?)cal(?![A-Za-z_])"), r"\1cal_it"),
]


MAX_UNIT_LENGTH = 64  # pint's parser is quadratic in the length of what it is given


def _preprocess(text: str) -> str:
    for pattern, repl in _SPELLINGS:
        text = pattern.sub(repl, text)
    return text


@cache
def registry() -> pint.UnitRegistry[Any]:
    """The carbonkit registry: pint's defaults plus ``units.txt``. Built once, on first use.

    Returns
    -------
    pint.UnitRegistry
        The one registry (tce, kgce, tCO2, 10^4 CNY, mu, Nm3 and the Chinese spellings defined in ``units.txt``).
    """
    ureg: pint.UnitRegistry[Any] = pint.UnitRegistry(preprocessors=[_preprocess], autoconvert_offset_to_baseunit=True)
    with resources.as_file(resources.files("carbonkit") / "units.txt") as path:
        ureg.load_definitions(str(path))
    return ureg


def Q_(value: Any, unit: str) -> pint.Quantity[Any]:
    """A quantity in the carbonkit registry: ``value`` (a number or an array) in ``unit``.

    Parameters
    ----------
    value : float or array
        The magnitude, in ``unit``.
    unit : str
        Any unit the registry parses (``t``, ``万千瓦时``, ``tce/10^4 CNY`` ...).

    Returns
    -------
    pint.Quantity
        ``value`` [``unit``].
    """
    return registry().Quantity(value, parse_unit(unit))


@cache
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string once. Raises :class:`UnitMismatch` naming the string if it does not parse.

    Parameters
    ----------
    text : str
        A unit as written (``MWh``, ``吨标准煤``, ``10^4 CNY``).

    Returns
    -------
    pint.Unit
        The unit of the registry.
    """
    ureg = registry()
    cleaned = text.strip() if isinstance(text, str) else text
    if not cleaned:
        raise UnitMismatch(Problem("unit_missing", "no unit given", field="unit", expected="a unit such as t, kWh, m3, 万元"))
    if len(cleaned) > MAX_UNIT_LENGTH:
        raise UnitMismatch(Problem("unit_unknown", f"a unit of {len(cleaned)} characters is not a unit", field="unit",
                                   expected=f"at most {MAX_UNIT_LENGTH} characters, e.g. t, kWh, 万立方米"))
    try:
        quantity = ureg.parse_expression(cleaned)
    except Exception:  # pint raises several unrelated types for unparsable text
        raise UnitMismatch(
            Problem("unit_unknown", f"'{text}' is not a unit carbonkit knows", field="unit",
                    expected="a unit such as t, kg, kWh, MWh, 万千瓦时, m3, 万立方米, GJ, 万元")
        ) from None
    if not isinstance(quantity, pint.Quantity):
        raise UnitMismatch(Problem("unit_unknown", f"'{text}' is a number, not a unit", field="unit"))
    if quantity.magnitude != 1:
        raise UnitMismatch(Problem("unit_scaled", f"'{text}' carries a number; put numbers in the amount, not the unit",
                                   field="unit", expected="a unit without a number, e.g. 万立方米 rather than 10000 m3"))
    unit: pint.Unit = quantity.units  # type: ignore[assignment]  # pint-stubs: a registry's unit is a PlainUnit
    return unit



@cache
def multiplier(unit: str, target: str) -> float:
    """Factor that converts an amount in ``unit`` to ``target`` (a plain float, resolved once).

    Raises :class:`UnitMismatch` if the dimensions differ.

    Parameters
    ----------
    unit, target : str
        Units of the same dimension (``万千瓦时`` and ``MWh``).

    Returns
    -------
    float
        The conversion factor [target/unit], e.g. 10 for 万千瓦时 -> MWh: amount [target] = amount [unit] × factor.
    """
    ureg = registry()
    source = parse_unit(unit)
    dest = parse_unit(target)
    try:
        return float(ureg.Quantity(1.0, source).to(dest).magnitude)
    except pint.DimensionalityError:
        raise UnitMismatch(
            Problem("unit_dimension", f"'{unit}' ({source.dimensionality}) cannot be converted to '{target}' ({dest.dimensionality})",
                    field="unit", expected=f"a unit of {dest.dimensionality}")
        ) from None
