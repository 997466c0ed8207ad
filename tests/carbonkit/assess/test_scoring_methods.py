"""Scoring methods registered by name (carbonkit.assess.methods): the registry, and each method's points."""

import pytest
from pydantic import ValidationError

from carbonkit.assess import methods
from carbonkit.assess.criteria import Indicator, Scoring
from carbonkit.assess.methods import register, scoring_method
from carbonkit.assess.scoring import points_for
from carbonkit.errors import InvalidInput

LOWER = Indicator(id="x", group="g", name_zh="x", name_en="x", type="quantitative", direction="lower", unit="tce/t",
                  points=10, status="verified")


def test_unknown_method_is_refused_naming_the_registered_ones():
    with pytest.raises(InvalidInput) as exc:
        scoring_method("quadratic")
    (problem,) = exc.value.problems
    assert problem.code == "scoring_method_unknown" and "'quadratic'" in problem.message
    assert problem.expected == "one of linear, ratio_to_lead"


def test_a_criteria_set_naming_an_unknown_method_does_not_load():
    with pytest.raises(ValidationError, match="quadratic"):
        Scoring(method="quadratic", status="verified")
    assert Scoring(method="ratio_to_lead", status="verified").method == "ratio_to_lead"


def test_linear_lower_is_better():
    # base 0.5, lead 0.3, value 0.4: 10 x (0.4 - 0.5) / (0.3 - 0.5) = 10 x 0.5 = 5 points
    assert points_for(LOWER, "linear", 0.4, 0.3, 0.5) == pytest.approx(5.0)
    # beyond the lead (0.2 < 0.3) clips at 10; worse than the base (0.6 > 0.5) clips at 0
    assert points_for(LOWER, "linear", 0.2, 0.3, 0.5) == 10.0
    assert points_for(LOWER, "linear", 0.6, 0.3, 0.5) == 0.0


def test_ratio_to_lead_lower_is_better():
    # lead 0.3, value 0.6: 10 x 0.3 / 0.6 = 5 points; a value of 0 earns all 10
    assert points_for(LOWER, "ratio_to_lead", 0.6, 0.3, None) == pytest.approx(5.0)
    assert points_for(LOWER, "ratio_to_lead", 0.0, 0.3, None) == 10.0


def test_a_new_method_is_a_registered_function(monkeypatch):
    monkeypatch.setattr(methods, "METHODS", dict(methods.METHODS))

    @register("all_or_nothing", needs_base=False)
    def all_or_nothing(ind, value, lead, base):
        return ind.points if value <= lead else 0.0

    assert points_for(LOWER, "all_or_nothing", 0.3, 0.3, None) == 10.0
    assert not scoring_method("all_or_nothing").needs_base
    with pytest.raises(ValueError, match="registered already"):
        register("all_or_nothing", needs_base=False)(all_or_nothing)
