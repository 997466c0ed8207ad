"""Target forms: one small function each, registered by name, and a dispatcher (:func:`evaluate`).

A target of a profile (``factors/targets/``) names its ``form``; the progress of an indicator series toward
it is ``evaluate(form, series)``. A new form is a new registered function, never an edit of a long ``if``:

- ``cumulative_decline`` R over the plan period (Shandong energy 0.17; national CO2 2026-2030 0.17);
- ``annual_decline`` r a year, read as an even decline: R = 1 − (1 − r)^(T − B) (Shanghai energy 0.01);
- ``annual_step`` s in one year t against t − 1 (2026 Government Work Report: CO2 per GDP −3.8 % in 2026):
  met when I_t ≤ I_(t−1) · (1 − s); the target's ``year`` names t (left out: every year of the period);
- ``total_cap`` C of a total (``co2_total`` [tCO2], ``energy_total`` [tce]) in the target year: met when
  X_T ≤ C; before T the pace (achieved yearly change) and the projection X_t · (1 + g)^m are shown.

A target whose value is not published (``value`` left out) gets levels and pace (cumulative change,
achieved yearly change) and no verdict: ``on_track`` and ``met`` are None and ``reason`` says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from carbonkit.catalog import target_indicators

# indicator -> (numerator summary column, denominator column of the prepared sums or None for a total, unit), from
# the indicator catalog (carbonkit/indicators.toml, the entries with a `target` name). "vac": value added at
# comparable prices [10^4 CNY]; the iv_ columns are summed over rows with value added.
INDICATOR_DEFS: dict[str, tuple[str, str | None, str]] = target_indicators()


@dataclass(frozen=True)
class Series:
    """An indicator's values per year of one selection, and the target's period and value.

    ``values[i]`` belongs to ``years[i]`` (NaN where not computable); ``value`` is the target's value as
    given (a fraction for declines, an amount for caps) or None when not published.
    """

    years: np.ndarray
    values: np.ndarray
    base_year: int
    year: int
    target_year: int
    value: float | None
    step_year: int | None = None

    def at(self, y: int) -> float | None:
        """The value of one year.

        Parameters
        ----------
        y : int
            A year [a].

        Returns
        -------
        float or None
            The value of year ``y`` [indicator's unit]; None where absent or not finite.
        """
        hit = np.flatnonzero(self.years == y)
        if len(hit) == 0:
            return None
        v = float(self.values[hit[0]])
        return v if np.isfinite(v) else None


Evaluation = Callable[[Series], dict[str, Any]]


@dataclass(frozen=True)
class Form:
    """A registered target form: its evaluation, the check of a target's value and, for a decline over the
    plan period, the cumulative decline R [-] its value gives over n years."""

    evaluate: Evaluation
    check: Callable[[float], str | None]
    totals: bool = False  # True: for totals (co2_total, energy_total), not intensities
    period_decline: Callable[[float, int], float] | None = None  # (value, n) -> R; None: not a period decline


FORMS: dict[str, Form] = {}


def register_form(name: str, check: Callable[[float], str | None], totals: bool = False,
                  period_decline: Callable[[float, int], float] | None = None) -> Callable[[Evaluation], Evaluation]:
    """Decorator: register ``fn(series) -> dict`` as the form ``name``.

    Parameters
    ----------
    name : str
        The name a target gives in ``form``.
    check : callable
        ``check(value)``: None when a target's value suits the form, else what is wrong.
    totals : bool
        True for a form of totals (``co2_total`` [tCO2], ``energy_total`` [tce]), False for intensities.
    period_decline : callable, optional
        ``period_decline(value, n)``: the cumulative decline R [-] over the plan period of n years [a].

    Returns
    -------
    callable
        The decorator; it returns the function unchanged.
    """
    def wrap(fn: Evaluation) -> Evaluation:
        FORMS[name] = Form(fn, check, totals, period_decline)
        return fn
    return wrap


def period_decline(form: str, value: float | None, years: int) -> float | None:
    """The cumulative decline R [-] over a plan period of ``years`` [a] of a target of ``form`` and ``value``.

    Parameters
    ----------
    form : str
        The target's form (any name: a form that is no period decline, or ``count``, gives None).
    value : float, optional
        The target's value as given (None: not published).
    years : int
        The plan period T - B [a].

    Returns
    -------
    float or None
        R [-], or None when the form is no period decline or the value is not published.
    """
    registered = FORMS.get(form)
    if value is None or registered is None or registered.period_decline is None:
        return None
    return registered.period_decline(value, years)


def _fraction(value: float) -> str | None:
    return None if 0 < value < 1 else "a decline is a fraction between 0 and 1 (0.17 for 17 %)"


def _positive(value: float) -> str | None:
    return None if value > 0 else "a cap is a positive amount in the indicator's unit"


def evaluate(form: str, series: Series) -> dict[str, Any]:
    """The progress line of ``series`` toward a target of ``form`` (the dispatcher).

    Parameters
    ----------
    form : str
        A registered form (:data:`FORMS`).
    series : Series
        The indicator per year and the target.

    Returns
    -------
    dict
        The progress line: levels [indicator's unit], changes and paces [-], verdicts, and ``reason`` where none.

    Raises
    ------
    KeyError
        For a form that is not registered, naming those that are.
    """
    if form not in FORMS:
        raise KeyError(f"target form '{form}' is not one of {', '.join(FORMS)}")
    return FORMS[form].evaluate(series)


def levels_and_pace(s: Series) -> dict[str, Any]:
    """What every form shows, with or without a target value: base, value, cumulative change, achieved pace.

    Parameters
    ----------
    s : Series
        The indicator per year and the target.

    Returns
    -------
    dict
        Base value and value [indicator's unit], cumulative change and achieved pace [-], remaining years [a].
    """
    b, v = s.at(s.base_year), s.at(s.year)
    k = s.year - s.base_year
    change = pace = None
    if b is not None and v is not None and b > 0 and v > 0:
        change = v / b - 1
        pace = 1 - (v / b) ** (1 / k) if k > 0 else None
    return {"base_value": b, "value": v, "cumulative_change": change, "achieved_annual_pace": pace,
            "remaining_years": s.target_year - s.year, "on_track": None, "met": None}


def _no_value(s: Series) -> dict[str, Any]:
    return {**levels_and_pace(s), "reason": "target value not published: levels and pace only, no verdict"}


def _decline(s: Series, decline: float) -> dict[str, Any]:
    from carbonkit.targets import intensity_progress  # the pace arithmetic lives with the profiles

    b, v = s.at(s.base_year), s.at(s.year)
    if b is None or v is None or not (b > 0 and v > 0):
        missing = s.base_year if not (b or 0) > 0 else s.year
        return {**levels_and_pace(s), "target_decline": decline,
                "reason": f"no value in {missing}: no progress to compute"}
    return intensity_progress(b, v, s.base_year, s.year, s.target_year, decline)


def _as_given(value: float, years: int) -> float:
    """R = the value as given [-]."""
    return value


def _compounded(value: float, years: int) -> float:
    """R = 1 − (1 − r)^n [-] of a yearly decline r over n years."""
    return 1 - (1 - value) ** years


@register_form("cumulative_decline", _fraction, period_decline=_as_given)
def cumulative_decline(s: Series) -> dict[str, Any]:
    """R = value over the period [1].

    Parameters
    ----------
    s : Series
        The indicator per year; ``value`` is R [-].

    Returns
    -------
    dict
        The progress line (:func:`carbonkit.targets.intensity_progress`).
    """
    return _no_value(s) if s.value is None else _decline(s, s.value)


@register_form("annual_decline", _fraction, period_decline=_compounded)
def annual_decline(s: Series) -> dict[str, Any]:
    """R = 1 − (1 − r)^(T − B) [1].

    Parameters
    ----------
    s : Series
        The indicator per year; ``value`` is r [-/a].

    Returns
    -------
    dict
        The progress line (:func:`carbonkit.targets.intensity_progress`).
    """
    if s.value is None:
        return _no_value(s)
    return _decline(s, _compounded(s.value, s.target_year - s.base_year))


def step(previous: float | None, value: float | None, decline: float | None) -> dict[str, Any]:
    """One annual step: change I_t / I_(t−1) − 1 against −s; met when I_t ≤ I_(t−1) (1 − s).

    Parameters
    ----------
    previous, value : float, optional
        I_(t-1) and I_t [indicator's unit].
    decline : float, optional
        The step s required [-] (None: not published).

    Returns
    -------
    dict
        Previous value and value [indicator's unit], step change and required step [-], met.
    """
    change = met = None
    if previous is not None and value is not None and previous > 0:
        change = value / previous - 1
        met = None if decline is None else bool(value <= previous * (1 - decline) * (1 + 1e-12))
    return {"previous_value": previous, "value": value, "step_change": change, "required_step": decline, "met": met}


@register_form("annual_step", _fraction)
def annual_step(s: Series) -> dict[str, Any]:
    """Year-on-year declines: the step of ``step_year`` (or of the year asked) and every step up to the year.

    Parameters
    ----------
    s : Series
        The indicator per year; ``value`` is s [-], ``step_year`` the year of the step [a] (None: every year).

    Returns
    -------
    dict
        Levels and pace, every step up to the year, and the shown step's change [-] and verdict.
    """
    years = [s.step_year] if s.step_year is not None else list(range(s.base_year + 1, s.year + 1))
    steps = [{"year": y, **step(s.at(y - 1), s.at(y), s.value)} for y in years if y <= s.year]
    out = {**levels_and_pace(s), "steps": steps, "target_decline": s.value}
    shown = next((x for x in steps if x["year"] == (s.step_year or s.year)), None)
    if shown is None:
        out["reason"] = f"the step of {s.step_year} is not due yet in {s.year}"
        return out
    out.update(step_year=shown["year"], step_change=shown["step_change"], previous_value=shown["previous_value"],
               met=shown["met"], on_track=shown["met"])
    if s.value is None:
        out["reason"] = "target value not published: levels and pace only, no verdict"
    elif shown["step_change"] is None:
        out["reason"] = f"no value in {shown['year'] - 1} or {shown['year']}: no step to compute"
    return out


@register_form("total_cap", _positive, totals=True)
def total_cap(s: Series) -> dict[str, Any]:
    """A cap C on a total in the target year: projected X_t · (1 + g)^m with g the achieved yearly change.

    Parameters
    ----------
    s : Series
        The total per year [tCO2 or tce]; ``value`` is the cap C [same unit].

    Returns
    -------
    dict
        Levels and pace, the cap and headroom [total's unit], the projection [total's unit], on_track and met.
    """
    out = levels_and_pace(s)
    out["target_value"] = s.value
    if s.value is None:
        return {**out, "reason": "target value not published: levels and pace only, no verdict"}
    v, pace, m = out["value"], out["achieved_annual_pace"], out["remaining_years"]
    projected = v * (1 - pace) ** m if (v is not None and pace is not None) else (v if m == 0 else None)
    out["projected_final_value"] = projected
    out["headroom"] = None if v is None else s.value - v
    if v is not None and m <= 0:
        out["met"] = bool(v <= s.value * (1 + 1e-12))
    if projected is not None and m > 0:
        out["on_track"] = bool(projected <= s.value * (1 + 1e-12))
    return out
