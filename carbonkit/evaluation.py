"""The final evaluation of a plan period: the target year against the base year, for filing.

For the 14th Five-Year period (base 2020, target 2025) a province, city or park states for every target
and variant (with and without the official exclusions: raw-material energy, new renewables):

    achieved decline     d = 1 − I_T / I_B                        [-]
    target decline       R (cumulative; from r a year: 1 − (1 − r)^n)   [-]
    margin               d − R   (> 0: beaten by that many points; < 0: missed)   [-]
    met                  I_T ≤ I_B (1 − R)

at comparable prices of the base year, on the balanced panel (enterprises with value added in both years),
with the unbalanced figure beside it and the coverage of the headline (:mod:`carbonkit.panels`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from carbonkit.errors import InvalidInput, Problem
from carbonkit.targets import Progress, progress
from carbonkit.target_profiles import load_profile

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from carbonkit.accounting import AccountingResult
    from carbonkit.target_profiles import TargetProfile


@dataclass
class FinalEvaluation:
    """The verdict of each target and variant in the target year, with the progress it rests on."""

    progress: Progress
    rows: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``final`` (True), the verdict ``rows`` and the progress's own fields."""
        return {"final": True, "rows": self.rows, **self.progress.to_dict()}


def margin_row(line: Mapping[str, Any]) -> dict[str, Any]:
    """One verdict line: achieved decline, target decline, margin, met (module docstring).

    Parameters
    ----------
    line : mapping
        One indicator line of :attr:`carbonkit.targets.Progress.indicators` (``cumulative_change``,
        ``target_decline`` [-], ``other_panel`` ...).

    Returns
    -------
    dict
        ``target``, ``variant``, ``label``, ``unit``, ``base_value`` and ``value`` [the indicator's unit],
        ``achieved_decline``, ``target_decline`` and ``margin`` [-] (None where a decline is unknown),
        ``met``, ``status``, ``reason`` and the unbalanced panel's ``other_achieved_decline`` [-] and
        ``other_met``.
    """
    change, decline = line.get("cumulative_change"), line.get("target_decline")
    achieved = None if change is None else -change
    other = line.get("other_panel") or {}
    other_change = other.get("cumulative_change")
    return {"target": line["target"], "variant": line["variant"], "label": line["label"], "unit": line["unit"],
            "base_value": line.get("base_value"), "value": line.get("value"), "achieved_decline": achieved,
            "target_decline": decline, "margin": None if achieved is None or decline is None else achieved - decline,
            "met": line.get("met"), "status": line["status"], "reason": line.get("reason"),
            "other_panel": other.get("panel"),
            "other_achieved_decline": None if other_change is None else -other_change, "other_met": other.get("met")}


def final_evaluation(data: AccountingResult | pd.DataFrame, profile: TargetProfile | str | Path,
                     **options: Any) -> FinalEvaluation:
    """Progress in the profile's target year, as verdicts (module docstring).

    Parameters
    ----------
    data : AccountingResult or DataFrame
        Enterprise results (:func:`carbonkit.aggregation.results_frame`).
    profile : TargetProfile, str or Path
        The target profile (:func:`carbonkit.target_profiles.load_profile`); its target year is evaluated.
    **options
        Options of :func:`carbonkit.targets.progress` (``region``, ``panel`` ...); a ``year`` other than the
        profile's target year is refused.

    Returns
    -------
    FinalEvaluation
        The progress and one :func:`margin_row` per target and variant (annual-step targets left out).

    Raises
    ------
    InvalidInput
        ``year_invalid`` for a year other than the target year; any error of :func:`carbonkit.targets.progress`.
    """
    chosen = load_profile(profile)
    if options.pop("year", None) not in (None, chosen.target_year):
        raise InvalidInput(Problem("year_invalid", f"the final evaluation of {chosen.id} is of {chosen.target_year}",
                                   field="year"))
    answer = progress(data, chosen, chosen.target_year, **options)
    return FinalEvaluation(answer, [margin_row(line) for line in answer.indicators if line["form"] != "annual_step"])
