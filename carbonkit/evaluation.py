"""The final evaluation of a plan period: the target year against the base year, for filing.

For the 14th Five-Year period (base 2020, target 2025) a province, city or park states for every target
and variant (with and without the official exclusions: raw-material energy, new renewables):

    achieved decline     d = 1 − I_T / I_B                        [1]
    target decline       R (cumulative; from r a year: 1 − (1 − r)^n)   [1]
    margin               d − R   (> 0: beaten by that many points; < 0: missed)   [1]
    met                  I_T ≤ I_B (1 − R)

at comparable prices of the base year, on the balanced panel (enterprises with value added in both years),
with the unbalanced figure beside it and the coverage of the headline (:mod:`carbonkit.panels`).
"""

from __future__ import annotations

from dataclasses import dataclass

from carbonkit.errors import InvalidInput, Problem
from carbonkit.targets import Progress, load_profile, progress


@dataclass
class FinalEvaluation:
    """The verdict of each target and variant in the target year, with the progress it rests on."""

    progress: Progress
    rows: list[dict]

    def to_dict(self) -> dict:
        return {"final": True, "rows": self.rows, **self.progress.to_dict()}


def margin_row(line: dict) -> dict:
    """One verdict line: achieved decline, target decline, margin, met (module docstring) [1]."""
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


def final_evaluation(data, profile, **options) -> FinalEvaluation:
    """Progress in the profile's target year (:func:`carbonkit.targets.progress` options), as verdicts."""
    chosen = load_profile(profile)
    if options.pop("year", None) not in (None, chosen.target_year):
        raise InvalidInput(Problem("year_invalid", f"the final evaluation of {chosen.id} is of {chosen.target_year}",
                                   field="year"))
    answer = progress(data, chosen, chosen.target_year, **options)
    return FinalEvaluation(answer, [margin_row(line) for line in answer.indicators if line["form"] != "annual_step"])
