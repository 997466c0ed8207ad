"""Measured factors an enterprise supplies per item: net calorific value and carbon content, with a source.

GB/T 2589-2020 ch. 8 and the carbon-market guidelines prefer measured values to defaults. A fuel row may carry

- ``ncv`` with ``ncv_unit`` (e.g. 21.5 GJ/t, 5,000 kcal/kg): standard coal k = NCV ÷ 29,307 kJ/kgce [tce per
  unit] (the release's constant ``kgce_lhv``), and the CO2 factor uses it as NCV;
- ``carbon_content`` with ``carbon_content_unit`` (e.g. 26.8 tC/TJ): EF = NCV × CC × OF × 44/12, OF and the
  missing one of NCV or CC from the release;
- ``factor_source``: where the value comes from (laboratory report, number and date). Required.

Each measured value becomes a factor of the result's trace (id ``measured.<enterprise>.<period>.<item>.ncv``,
status ``unverified``: carbonkit cannot check a laboratory report), so the result and its report name it.
"""

from __future__ import annotations

from dataclasses import dataclass

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from carbonkit.documents import MEASURED as COLUMNS
from carbonkit.errors import CarbonkitError
from carbonkit.factors import Factor
from carbonkit.identity import parse_period
from carbonkit.units import multiplier
from carbonkit.vocabulary import Item, Vocabulary

if TYPE_CHECKING:
    from carbonkit.accounting import _Engine
    from carbonkit.activity import Activities, Collector

NCV_EXPECTED = "a positive net calorific value with its unit, e.g. 21.5 and GJ/t, or 5000 and kcal/kg"
CC_EXPECTED = "a positive carbon content with its unit, e.g. 26.8 and tC/TJ"


@dataclass
class Measured:
    """Per row: NCV [kJ per canonical unit] and carbon content [tCO2/kJ] (NaN where not given), and the
    trace factors (NCV, carbon content) of the rows that give a measured value, by row."""

    ncv_kj: np.ndarray
    cc_tco2_per_kj: np.ndarray
    factors: dict[int, tuple[Factor | None, Factor | None]]

    @property
    def any(self) -> bool:
        """Some row gives a measured value (else the release's factors hold everywhere)."""
        return bool(self.factors)


def none(n: int) -> Measured:
    """No measured values for ``n`` rows: NaN arrays that take no memory (read-only broadcasts)."""
    nan = np.broadcast_to(np.float64(np.nan), (n,))
    return Measured(nan, nan, {})


def _number(value: object) -> float | None:
    """A positive finite number, or None."""
    try:
        v = float(value)  # type: ignore[arg-type]  # anything a cell holds; what is no number is refused
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v) and v > 0 else None


def _given(value: object) -> bool:
    """A value that is there: not None, NaN or blank."""
    return value is not None and not (isinstance(value, float) and value != value) and str(value).strip() != ""


def read(frame: pd.DataFrame, acts: Activities, vocab: Vocabulary, problems: Collector) -> Measured:
    """The measured values of ``frame`` (rows as validated into ``acts``); problems name row and field.

    Parameters
    ----------
    frame : pandas.DataFrame
        The activity rows, with any of ``ncv``, ``ncv_unit``, ``carbon_content``, ``carbon_content_unit``
        and ``factor_source``.
    acts : Activities
        The same rows as validated (the item of each row).
    vocab : Vocabulary
        The items.
    problems : Collector
        Where a bad measured value is reported (row and field).

    Returns
    -------
    Measured
        Per row: NCV [kJ per the item's unit] and carbon content [tCO2/kJ] (NaN where not given), and
        the trace factors (status ``unverified``).
    """
    n = len(frame)
    if not any(c in frame.columns for c in COLUMNS):
        return none(n)
    out = Measured(np.full(n, np.nan), np.full(n, np.nan), {})
    cols = {c: frame[c].tolist() if c in frame.columns else [None] * n for c in COLUMNS}
    for i in range(n):
        if not (_given(cols["ncv"][i]) or _given(cols["carbon_content"][i])):
            continue
        item = vocab.items[acts.item[i]] if acts.item[i] >= 0 else None
        row = np.arange(n) == i
        if item is None or item.kind != "fuel":
            problems.add(row, "measured_not_fuel", "ncv", "measured values apply to fuels only", "a fuel row")
            continue
        source = str(cols["factor_source"][i]).strip() if _given(cols["factor_source"][i]) else ""
        if not source:
            problems.add(row, "factor_source_missing", "factor_source", "a measured value needs its source",
                         "the laboratory report or document, e.g. 'SGS report 2023-117, 2023-03-02'")
            continue
        out.factors[i] = (_one(out.ncv_kj, i, cols, "ncv", f"kJ/{item.unit}", NCV_EXPECTED, source, item, frame, problems),
                          _one(out.cc_tco2_per_kj, i, cols, "carbon_content", "tCO2/kJ", CC_EXPECTED, source, item,
                               frame, problems))
    return out


def _one(target: np.ndarray, i: int, cols: dict[str, list[Any]], name: str, to: str, expected: str, source: str,
         item: Item, frame: pd.DataFrame, problems: Collector) -> Factor | None:
    """Row ``i``'s measured ``name`` converted to ``to`` into ``target``, and its trace factor; a problem if invalid."""
    value, unit = cols[name][i], cols[f"{name}_unit"][i]
    if not _given(value):
        return None
    number = _number(value)
    row = np.arange(len(target)) == i
    if number is None or not _given(unit):
        problems.add(row, f"{name}_invalid", name, f"'{value}' {unit or ''} is not a measured {name}", expected)
        return None
    try:
        target[i] = number * multiplier(str(unit).strip(), to)
    except CarbonkitError:
        problems.add(row, f"{name}_unit_invalid", f"{name}_unit", f"'{unit}' is not a unit of {name} here", expected)
        return None
    ent, period = str(frame["enterprise"].iat[i]), frame["period"].iat[i]
    per = parse_period(period) or str(period)
    return Factor(id=f"measured.{ent}.{per}.{item.item}.{name}", kind=f"measured_{name}", key=item.item, value=number,
                  unit=str(unit).strip(), status="unverified", table="measured", source=source,
                  note="measured value supplied with the report")


def _trace(engine: _Engine, rows: np.ndarray, which: int) -> None:
    """Trace the measured factor (0: NCV, 1: carbon content) of each row in ``rows`` (row indices) that gives one."""
    n = len(engine.a.item)
    for i in rows:
        factor = engine.measured.factors.get(int(i), (None, None))[which]
        if factor is not None:
            engine._trace_rows(np.arange(n) == i, [factor])


def apply_energy(engine: _Engine, coef: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Standard coal [tce per unit] with measured NCV where given: k = NCV [kJ/unit] ÷ kgce_lhv [kJ/kgce] / 1000
    (GB/T 2589-2020 ch. 8)."""
    m = engine.measured
    if not m.any:
        return coef
    has = rows & np.isfinite(m.ncv_kj)
    if not has.any():
        return coef
    lhv = engine.release.constant("kgce_lhv")
    kgce_kj = lhv.value * multiplier(lhv.unit, "kJ/kgce")
    engine._trace_rows(has, [lhv])
    _trace(engine, np.flatnonzero(has), 0)
    return np.where(has, m.ncv_kj / kgce_kj * multiplier("kgce", "tce"), coef)


def apply_co2(engine: _Engine, ef: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Fuel CO2 factor [tCO2 per unit] = NCV × CC × OF with the measured NCV and/or CC where given, the rest
    (and the oxidation rate OF) from the release's fuel parameters.

    ``ef``: the release's factor on ``rows`` (row indices, ascending); the result is on the same rows.
    """
    m = engine.measured
    if not m.any:
        return ef
    has = np.isfinite(m.ncv_kj[rows]) | np.isfinite(m.cc_tco2_per_kj[rows])
    if not has.any():
        return ef
    out = ef.copy()
    items = engine.a.item[rows]
    for idx in np.unique(items[has]):
        at = has & (items == idx)  # places among ``rows``
        sel = rows[at]
        item = engine.vocab.items[idx]
        row = engine.release.lookup("fuel_parameters", item.factor_key)
        if row is None:
            engine._missing(sel, "item", f"release {engine.release.name} has no oxidation rate for {item.label}")
            continue
        extra = dict(row.extra)
        ncv = np.where(np.isfinite(m.ncv_kj[sel]), m.ncv_kj[sel], row.value * multiplier(row.unit, f"kJ/{item.unit}"))
        cc_default = extra["carbon_content"] * multiplier(extra["carbon_content_unit"], "tCO2/kJ")
        cc = np.where(np.isfinite(m.cc_tco2_per_kj[sel]), m.cc_tco2_per_kj[sel], cc_default)
        out[at] = ncv * cc * extra["oxidation"]
    _trace(engine, rows[has], 1)
    return out
