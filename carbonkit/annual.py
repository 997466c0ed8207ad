"""Monthly results into years: flows are summed, stocks are not.

Every figure of the summary (:func:`carbonkit.summary_schema`) has one rule, declared in :data:`RULES`:

===========  ==============================================================================
flow         Σ over the months reported (energy [tce], electricity [kWh], water [m3], CO2 [tCO2],
             value added, revenue, tax, R&D [10^4 CNY], product output); NaN if no month has it
year_end     the value of the latest month reported (land area [mu]: a stock at the end of the year)
mean         the mean over the months that report it (employees [person]: the annual average
             headcount, 年平均从业人员, as the mean of the monthly figures given)
ratio        worked out again from the annual sums (every intensity, the non-conventional water
             share V_nc / V_w, the reuse rate V_r / (V_r + V_w)); never an average of ratios
===========  ==============================================================================

Value added at comparable prices is summed only where every month has it (a year with some months at
current prices only stays at current prices: NaN, ``price_basis`` "current"). Attributes (region,
industry, park, name) are those of the latest month; the factor ids are the union of the months' sets. A
year of monthly results with several releases or product units is refused. ``n_months`` says how many
months each year rests on: a year of fewer than 12 is not completed by guesswork.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from carbonkit.errors import InvalidInput, Problem
from carbonkit.intensity import INTENSITY_COLUMNS, add_intensities
from carbonkit.schema import TEXT_COLUMNS, conform, summary_schema

if TYPE_CHECKING:
    from pandas.core.groupby.generic import DataFrameGroupBy

STOCKS = {"land_area_mu": "year_end", "employees": "mean"}
_RATIOS = ("nonconventional_share", "water_reuse_rate", *INTENSITY_COLUMNS)
_NOT_FLOWS = {"year", "factor_ids", *TEXT_COLUMNS, *STOCKS, *_RATIOS}


def rules() -> dict[str, str]:
    """Each numeric summary column and how it becomes annual (module docstring).

    Returns
    -------
    dict of str to str
        Column of :func:`carbonkit.summary_schema` -> ``"flow"``, ``"year_end"``, ``"mean"`` or ``"ratio"``.
    """
    out = {}
    for name, dtype in summary_schema().items():
        if dtype == "float64":
            out[name] = STOCKS.get(name, "ratio" if name in _RATIOS else "flow")
    return out


RULES = rules()


def annualise(monthly: pd.DataFrame) -> pd.DataFrame:
    """Annual results (period 'YYYY') from monthly summary rows ('YYYY-MM'), by the rules of the module docstring.

    Parameters
    ----------
    monthly : DataFrame
        Monthly summary rows (period 'YYYY-MM'), in the units of their column names ([tce], [tCO2], [m3] ...).

    Returns
    -------
    DataFrame
        One row per enterprise and year, the columns of :func:`carbonkit.summary_schema` in the same units, plus
        ``n_months`` [-].

    Raises
    ------
    InvalidInput
        A period not a month, or a year whose months name more than one release or product unit.
    """
    frame = conform(monthly)
    _refuse_non_months(frame)
    frame = frame.assign(period=frame["period"].str.slice(0, 4)).sort_values(
        ["enterprise", "period"], kind="stable").reset_index(drop=True)
    groups = frame.groupby(["enterprise", "period"], sort=True, observed=True)
    _refuse_mixed(frame, groups, ("release", "product_unit"))
    out = groups[["year", *(c for c in TEXT_COLUMNS if c not in ("enterprise", "period"))]].last()
    flows = [c for c, rule in RULES.items() if rule == "flow"]
    sums = groups[flows].sum(min_count=1)
    out = out.join(sums)
    out["land_area_mu"] = groups["land_area_mu"].last()
    out["employees"] = groups["employees"].mean()
    months = groups["value_added_comparable_10k_cny"].count()
    va_months = groups["value_added_10k_cny"].count()
    out["value_added_comparable_10k_cny"] = out["value_added_comparable_10k_cny"].where(months == va_months)
    out["price_basis"] = np.where(out["value_added_comparable_10k_cny"].isna(), "current", "comparable")
    withdrawal, recycled = out["water_withdrawal_m3"], out["recycled_water_m3"]
    out["nonconventional_share"] = (out["nonconventional_water_m3"] / withdrawal).where(withdrawal > 0)
    out["water_reuse_rate"] = (recycled / (recycled + withdrawal)).where(recycled + withdrawal > 0)
    out["factor_ids"] = groups["factor_ids"].agg(_union)
    for scope in ("location", "market"):
        out[f"grid_factor_{scope}"] = groups[f"grid_factor_{scope}"].agg(_union)
    out["n_months"] = groups.size()
    out = out.reset_index()
    columns = {c: out[c].to_numpy() for c in out.columns}
    add_intensities(columns)
    result = conform(pd.DataFrame(columns))
    result["n_months"] = out["n_months"].to_numpy()
    return result


def _refuse_non_months(frame: pd.DataFrame) -> None:
    """``period_invalid`` for the first row whose period is not 'YYYY-MM'."""
    bad = ~frame["period"].astype(str).str.fullmatch(r"\d{4}-\d{2}")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InvalidInput(Problem("period_invalid", f"period '{frame['period'].iat[i]}' is not a month",
                                   field="period", enterprise=str(frame["enterprise"].iat[i]),
                                   period=str(frame["period"].iat[i]), expected="monthly results 'YYYY-MM'"))


def _union(values: pd.Series) -> str:
    """The ';'-joined sorted union of ';'-joined sets."""
    parts = {p for v in values.dropna().astype(str) for p in v.split(";") if p}
    return ";".join(sorted(parts))


def _refuse_mixed(frame: pd.DataFrame, groups: DataFrameGroupBy[tuple[Hashable, ...], Literal[True]],
                  columns: tuple[str, ...]) -> None:
    for col in columns:
        n = groups[col].nunique()
        if (n > 1).any():
            enterprise, year = n[n > 1].index[0]
            raise InvalidInput(Problem(f"{col}_mixed", f"the months of {year} have more than one {col}: they cannot "
                                       "be added into one year", field=col, enterprise=str(enterprise),
                                       period=str(year), expected=f"one {col} per enterprise and year"))
