"""Target forms' period declines and exclusion rules, registered by name (carbonkit.target_forms, carbonkit.targets)."""

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from carbonkit.target_forms import period_decline
from carbonkit.targets import _numerator
from carbonkit.target_profiles import EXCLUSION_RULES, Exclusion


def test_period_decline_of_each_form():
    assert period_decline("cumulative_decline", 0.17, 5) == 0.17  # as given
    # annual 0.01 over 5 years: 1 - 0.99^5 = 1 - 0.9509900499 = 0.0490099501
    assert period_decline("annual_decline", 0.01, 5) == pytest.approx(0.0490099501)
    assert period_decline("annual_step", 0.038, 5) is None  # a step, not a period decline
    assert period_decline("total_cap", 1e6, 5) is None
    assert period_decline("count", 100, 5) is None
    assert period_decline("cumulative_decline", None, 5) is None  # not published


def test_exclusions_apply_in_order_by_their_rule():
    sums = pd.DataFrame({"iv_energy_equivalent_tce": [100.0, 110.0, 120.0],
                         "iv_feedstock_equivalent_tce": [10.0, 12.0, 15.0],
                         "iv_renewable_electricity_equivalent_tce": [5.0, 4.0, 9.0]})
    rules = [Exclusion(id="f", column="feedstock", rule="deduct", applies_to=["energy_intensity"], source="s",
                       status="verified"),
             Exclusion(id="r", column="renewable_electricity", rule="deduct_increase_over_base",
                       applies_to=["energy_intensity"], source="s", status="verified")]
    # base row 0: feedstock every year (10, 12, 15); renewables' increase over 5: max(0, -1, 4) = (0, 0, 4)
    # 100 - 10 - 0 = 90; 110 - 12 - 0 = 98; 120 - 15 - 4 = 101
    assert _numerator(sums, "energy_equivalent_tce", rules, 0).tolist() == [90.0, 98.0, 101.0]


def test_an_unknown_exclusion_rule_is_refused():
    assert set(EXCLUSION_RULES) == {"deduct", "deduct_increase_over_base"}
    with pytest.raises(ValidationError, match="rule 'halve' is not one of deduct, deduct_increase_over_base"):
        Exclusion(id="x", column="feedstock", rule="halve", applies_to=["energy_intensity"], source="s",
                  status="verified")
    assert np.array_equal(EXCLUSION_RULES["deduct"](np.array([1.0, 2.0]), 0), [1.0, 2.0])
