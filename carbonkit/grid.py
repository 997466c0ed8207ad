"""Which grid factor a result used, stated: the level of the region chain it came from and its data year.

The location-based electricity factor is looked up along province → regional grid → national (GB/T 32150
and the MEE/NBS 电力二氧化碳排放因子 publish all three levels). A result names the level and the year of the
factor it used, so a national average or an earlier year's factor is never taken silently; electricity
with no region at all is refused (``CN`` asks for the national average on purpose).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from carbonkit.factors import Factor
from carbonkit.schema import text_take

NO_REGION_MESSAGE = "no region: give the 6-digit code, or `CN` to use the national average on purpose"
NO_REGION_EXPECTED = "a 6-digit administrative code (370211), a 2-digit province code (37) or CN"


def level_of(factor: Factor) -> str:
    """``national`` for a CN factor, ``province`` for a 2-digit code, ``grid`` for a regional grid."""
    key = str(factor.key)
    if key.upper() == "CN":
        return "national"
    return "province" if key.isdigit() else "grid"


def statements(codes: np.ndarray, ids: list[str], factors: dict[str, Factor]) -> tuple[Any, pd.arrays.IntegerArray]:
    """Per group, the level and the data year of the grid factor it used.

    Parameters
    ----------
    codes : numpy.ndarray of int
        The grid factor per group, as its place in ``ids`` (-1 for none).
    ids : list of str
        The grid factors' ids.
    factors : dict of str to Factor
        The factors used, by id.

    Returns
    -------
    level : numpy.ndarray or pandas ExtensionArray
        ``province``, ``grid`` or ``national`` per group (missing where no grid factor): objects for up to
        :data:`SMALL` groups, else the schema's text (:func:`carbonkit.schema.text_take`).
    year : pandas.arrays.IntegerArray
        The data year [a] (``Int64``; missing for a factor valid for any year, or no factor).
    """
    if len(codes) <= SMALL:  # a few groups (one report): in Python, numpy's calls cost more
        used = [factors[ids[c]] if c >= 0 else None for c in codes.tolist()]
        dated = [None if f is None or f.year is None else int(f.year) for f in used]
        return (np.array([None if f is None else level_of(f) for f in used], dtype=object),
                pd.arrays.IntegerArray(np.array([y or 0 for y in dated], dtype=np.int64),
                                       np.array([y is None for y in dated], dtype=bool)))
    levels = [level_of(factors[fid]) for fid in ids] + [None]  # the last: no factor
    years = np.array([int(factors[fid].year or 0) for fid in ids] + [0], dtype=np.int64)
    undated = np.array([factors[fid].year is None for fid in ids] + [True], dtype=bool)
    full = np.where(codes < 0, len(ids), codes)
    return text_take(levels, full), pd.arrays.IntegerArray(years[full], undated[full])


SMALL = 64  # up to this many enterprise-periods, blank regions and grid statements are found in Python (numpy and
#            pandas cost more)


def _blank(region: object) -> bool:
    """A region that is missing (None, NaN, NA) or blank text."""
    if isinstance(region, str):
        return region.strip() == ""
    return bool(pd.isna(region)) or str(region).strip() == ""  # type: ignore[call-overload]  # a scalar


def missing_region(regions: np.ndarray, group: np.ndarray, electricity_rows: np.ndarray) -> np.ndarray:
    """Rows of grid electricity whose enterprise-period gives no region (blank or missing).

    Parameters
    ----------
    regions : numpy.ndarray
        The region per enterprise-period (text, None or NaN).
    group : numpy.ndarray
        The enterprise-period of each row.
    electricity_rows : numpy.ndarray
        True for the rows of grid-delivered electricity.

    Returns
    -------
    numpy.ndarray
        True for the rows to refuse (``region_missing``).
    """
    if len(regions) <= SMALL:
        blank = np.array([_blank(r) for r in regions], dtype=bool)
    else:
        codes, uniques = pd.factorize(pd.Series(regions, dtype=object), use_na_sentinel=True)  # few distinct regions
        blank = np.array([str(u).strip() == "" for u in uniques] + [True], dtype=bool)[codes]  # last: missing (-1)
    rows: np.ndarray = electricity_rows & blank[group]
    return rows


def grid_used(summary: pd.DataFrame) -> str:
    """One phrase naming the level and data year of the location-based grid factors in a summary:
    ``of province level, data year 2023`` (each distinct pair, with how many results use it when several)."""
    if "grid_level_location" not in summary.columns:
        return ""
    pairs = summary.loc[summary["grid_level_location"].notna(), ["grid_level_location", "grid_year_location"]]
    if pairs.empty:
        return "(no grid electricity)"
    # a factor without a data year stays a pair of its own (pandas 3's str dtype keeps a missing year missing,
    # and value_counts would otherwise drop it), named "any"
    counts = pairs.astype(object).where(pairs.notna(), "any").astype(str).value_counts(sort=False)
    undated = ("None", "<NA>", "nan", "any")
    parts = [f"{key[0]} level, data year {key[1] if key[1] not in undated else 'any'}"
             + (f" ({n} results)" if len(counts) > 1 else "")
             for key, n in counts.items() if isinstance(key, tuple)]  # (level, year), both as text
    return "of " + "; ".join(parts)
