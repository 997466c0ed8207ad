"""Intensities per unit of value added, revenue, output value and product, and their change over time.

    intensity = numerator / denominator      e.g. [tce / 10^4 CNY]

Value added at comparable prices of the base year: VA_comp = VA_current / P, P the value-added price
index of the period (base year = 1), or as supplied. The decline of an intensity between two periods
is x_t / x_0 − 1 (NBS: (1 + energy growth) / (1 + real VA growth) − 1, the same number).
"""

from __future__ import annotations

import math
from typing import Any, SupportsFloat, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonkit.catalog import ratios
from carbonkit.deflators import resolve_base_year

# (column, numerator, denominator), from the indicator catalog (carbonkit/indicators.toml). Denominators: value
# added at current or comparable prices [10^4 CNY], revenue and gross output [10^4 CNY], product output [its unit].
INTENSITIES: tuple[tuple[str, str, str], ...] = ratios()
INTENSITY_COLUMNS = tuple(name for name, _, _ in INTENSITIES)
SMALL = 64  # up to this many rows, the ratios are taken in one call (one numpy call costs more than a few rows)


def finite(x: object) -> float | None:
    """``x`` as a float, or None when it is missing, not a number, NaN or infinite.

    Parameters
    ----------
    x : object
        A number or numeric string in any unit (the unit is kept); anything else gives None.

    Returns
    -------
    float or None
        ``float(x)`` [the unit of ``x``], or None.
    """
    if x is None:
        return None
    try:
        v = float(cast(SupportsFloat, x))  # anything float() refuses is None
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def ratio(numerator: npt.ArrayLike, denominator: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """numerator / denominator, NaN where the denominator is missing or not positive.

    Parameters
    ----------
    numerator : array_like
        E.g. energy [tce], CO2 [tCO2] or water [m3].
    denominator : array_like
        E.g. value added [10^4 CNY]; missing or not positive gives NaN.

    Returns
    -------
    numpy.ndarray of float
        The quotient [unit of numerator / unit of denominator], e.g. [tce/10^4 CNY].
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    positive = den > 0
    safe = np.where(positive, den, 1.0)  # no zero: the division can only be invalid for inf / inf
    if np.isinf(safe).any():
        with np.errstate(invalid="ignore"):
            return np.where(positive, num / safe, np.nan)
    return np.where(positive, num / safe, np.nan)  # without np.errstate, which costs more than a report's division


def add_intensities(summary: dict[str, Any]) -> None:
    """Add every intensity column of :data:`INTENSITIES` to a summary (column name -> array), in place.

    Parameters
    ----------
    summary : dict of str to array
        Result columns [their catalog units: tce, tCO2, m3, 10^4 CNY]; each ratio of the catalog is added as
        numerator / denominator (:func:`ratio`): [tce/10^4 CNY], [tCO2/10^4 CNY], [m3/10^4 CNY], and per unit of
        product [tce/product unit], [tCO2/product unit], [m3/product unit].

    Returns
    -------
    None
        The intensity columns are added to ``summary``.
    """
    rows = len(summary[INTENSITIES[0][1]]) if INTENSITIES else 0
    if rows > SMALL:
        for name, num, den in INTENSITIES:
            summary[name] = ratio(summary[num], summary[den])
        return
    # a few rows: every ratio in one call on (ratios x rows) tables, element by element the same quotients
    quotients = ratio([summary[num] for _, num, _ in INTENSITIES], [summary[den] for _, _, den in INTENSITIES])
    for k, (name, _, _) in enumerate(INTENSITIES):
        summary[name] = quotients[k]


def changes(summary: pd.DataFrame, base_year: int | None = None, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Change of each intensity against the previous period and against the base year.

    For each column c: ``c_change_prev`` = c_t / c_prev − 1, the enterprise's previous period of the
    same kind (year after year, month after month), and ``c_change_base`` = c_t / c_base − 1, the
    base year (for months, the same month of the base year). NaN where there is no such period.

    Parameters
    ----------
    summary : pandas.DataFrame
        Accounting summary rows: ``enterprise``, ``period`` (``YYYY`` or ``YYYY-MM``) and the intensity columns
        [their units, e.g. tce/10^4 CNY].
    base_year : int, optional
        The base year [year]; None: the base year of the default target profile
        (:func:`carbonkit.deflators.resolve_base_year`).
    columns : tuple of str, optional
        The intensity columns to compare; default every result ratio of the catalog present in ``summary``.

    Returns
    -------
    pandas.DataFrame
        ``enterprise``, ``period`` and, per column, ``<c>_change_prev`` and ``<c>_change_base`` [-] (fractions:
        -0.05 is a 5 % decline). ``attrs["base_year"]`` states the base year used.
    """
    base_year = resolve_base_year(base_year)
    columns = tuple(c for c in (columns or INTENSITY_COLUMNS) if c in summary.columns)
    frame = summary[["enterprise", "period", *columns]].copy()
    frame["_year"] = frame["period"].str.slice(0, 4).astype(int)
    frame["_month"] = frame["period"].str.slice(5).replace("", "0").astype(int)
    frame["_monthly"] = frame["_month"] > 0
    frame["_seq"] = frame["_year"] * 12 + frame["_month"]
    frame = frame.sort_values(["enterprise", "_monthly", "_seq"], kind="stable")
    out = frame[["enterprise", "period"]].copy()
    keys = [frame["enterprise"], frame["_monthly"]]
    step = np.where(frame["_monthly"], 1, 12)
    prev_seq = frame.groupby(keys, sort=False)["_seq"].shift(1)
    consecutive = (frame["_seq"] - prev_seq).to_numpy() == step
    base = frame[frame["_year"] == base_year].set_index(["enterprise", "_monthly", "_month"])
    base_index = pd.MultiIndex.from_arrays([frame["enterprise"], frame["_monthly"], frame["_month"]])
    for c in columns:
        previous = frame.groupby(keys, sort=False)[c].shift(1).to_numpy()
        out[f"{c}_change_prev"] = np.where(consecutive, ratio(frame[c].to_numpy(), previous) - 1, np.nan)
        base_values = base[c].reindex(base_index).to_numpy() if len(base) else np.full(len(frame), np.nan)
        out[f"{c}_change_base"] = ratio(frame[c].to_numpy(), base_values) - 1
    out = out.sort_index().reset_index(drop=True)
    out.attrs["base_year"] = base_year
    return out
