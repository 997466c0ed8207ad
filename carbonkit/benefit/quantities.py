"""The quantities benefit indicators are built from, per enterprise-period, and the ratios of them.

Each quantity is a column of the accounting summary (energy from the accounting core, the economic items
as reported) or, for pollutants, the total of the enterprise's profile. A quantity that was not reported
is NaN and every ratio built on it is *missing* with the reason, never zero.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from carbonkit.benefit.profile import BenefitProfile, Profiles, profile_of
from carbonkit.errors import Problem, UnitMismatch
from carbonkit.units import multiplier

# quantity -> (summary column, unit of that column); pollutants come from the profiles
QUANTITIES: dict[str, tuple[str | None, str]] = {
    "tax": ("tax_10k_cny", "万元"),
    "revenue": ("revenue_10k_cny", "万元"),
    "value_added": ("value_added_10k_cny", "万元"),
    "value_added_comparable": ("value_added_comparable_10k_cny", "万元"),
    "gross_output": ("gross_output_10k_cny", "万元"),
    "rd_expense": ("rd_expense_10k_cny", "万元"),
    "land_area": ("land_area_mu", "亩"),
    "employees": ("employees", "person"),
    "energy_equivalent": ("energy_equivalent_tce", "tce"),
    "energy_equal": ("energy_equal_tce", "tce"),
    "pollutants": (None, "t"),
}
Quantity = Literal["tax", "revenue", "value_added", "value_added_comparable", "gross_output", "rd_expense",
                   "land_area", "employees", "energy_equivalent", "energy_equal", "pollutants"]


def ratio_factor(numerator: str, denominator: str, unit: str) -> float:
    """The factor that expresses numerator ÷ denominator in ``unit`` (1 for 万元/亩 from 万元 and 亩).

    Parameters
    ----------
    numerator, denominator : str
        Quantities of :data:`QUANTITIES`.
    unit : str
        The indicator's unit.

    Returns
    -------
    float
        The factor from numerator's unit / denominator's unit to ``unit`` [-].
    """
    return multiplier(f"{QUANTITIES[numerator][1]}/({QUANTITIES[denominator][1]})", unit)


def pollutant_total(profile: BenefitProfile | None) -> float:
    """Total emission of the listed pollutants [t]; NaN when the profile gives none.

    Parameters
    ----------
    profile : BenefitProfile, optional
        The enterprise's profile.

    Returns
    -------
    float
        [t]
    """
    if profile is None or profile.pollutants is None:
        return np.nan
    return float(sum(p.amount * multiplier(p.unit, "t") for p in profile.pollutants))


def quantity_frame(summary: pd.DataFrame, profiles: Profiles | None = None) -> pd.DataFrame:
    """One column per quantity, aligned with ``summary`` rows (NaN where not reported).

    Raises :class:`UnitMismatch` naming the enterprise for a pollutant amount not given in a unit of mass.

    Parameters
    ----------
    summary : DataFrame
        Accounting summary rows.
    profiles : Profiles, optional
        What the summary lacks.

    Returns
    -------
    DataFrame
        One column per quantity in its unit (:data:`QUANTITIES`): money [10^4 CNY], land [mu], energy [tce],
        pollutants [t], employees [person].
    """
    out = {}
    for name, (column, _unit) in QUANTITIES.items():
        if column is not None:
            values = summary[column] if column in summary.columns else pd.Series(np.nan, index=summary.index)
            out[name] = pd.to_numeric(values, errors="coerce").to_numpy(np.float64, na_value=np.nan)
    totals = np.full(len(summary), np.nan)
    if profiles:
        problems = []
        for i, (ent, per) in enumerate(zip(summary["enterprise"], summary["period"])):
            try:
                totals[i] = pollutant_total(profile_of(profiles, ent, per))
            except UnitMismatch as exc:
                problems += [Problem(p.code, p.message, field="benefit.pollutants.unit", enterprise=ent, period=per,
                                     expected="a unit of mass, e.g. t or kg") for p in exc.problems]
        if problems:
            raise UnitMismatch(problems)
    out["pollutants"] = totals
    return pd.DataFrame(out, index=summary.index)


def ratio(q: pd.DataFrame, numerator: str, denominator: str, factor: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """``numerator / denominator × factor`` per row and, where it cannot be formed, the reason (else None).

    A quantity not reported gives "<name> missing"; a zero denominator gives "<name> is zero".

    Parameters
    ----------
    q : DataFrame
        Quantities (:func:`quantity_frame`).
    numerator, denominator : str
        Quantity names.
    factor : float
        Unit factor (:func:`ratio_factor`) [-].

    Returns
    -------
    (ndarray, ndarray)
        The ratio per row [indicator's unit] (NaN where not formed) and why not (None where formed).
    """
    num = q[numerator].to_numpy(np.float64)
    den = q[denominator].to_numpy(np.float64)
    reason = np.full(len(q), None, dtype=object)
    reason[den == 0] = f"{denominator} is zero"
    reason[np.isnan(den)] = f"{denominator} missing"
    num_missing = np.isnan(num)
    both = num_missing & (reason != None)  # noqa: E711 - element-wise on an object array
    reason[num_missing & ~both] = f"{numerator} missing"
    reason[both] = [f"{numerator} missing; {r}" for r in reason[both]]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(reason == None, num / den * factor, np.nan)  # noqa: E711
    return value.astype(np.float64), reason

