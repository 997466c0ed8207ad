"""LMDI-I of totals (energy, CO2): activity, structure, intensity, fuel mix, emission factor.

The published worked examples of Ang (2005, Energy Policy 33) and Ang (2015, Energy Policy 86) could not be
read (the stored copies show the formulae, not the tables' numbers), so the checks below are hand-worked
examples from the same formulae, on the project's reference test vector (energy_carbon_factors.md §6).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonkit.decomposition import decompose
from carbonkit.decomposition_totals import lmdi_total, lmdi_total_co2


def test_energy_total_by_hand():
    """Y0 = (60, 40), E0 = (120, 20); YT = (60, 70), ET = (108, 28): E 140 -> 136, ΔE = -4 tce.

    Q 100 -> 130; S0 = (0.6, 0.4), ST = (60/130, 70/130); I0 = (2, 0.5), IT = (1.8, 0.4).
    L(108, 120) = -12 / ln 0.9 = -12 / -0.1053605 = 113.89466; L(28, 20) = 8 / ln 1.4 = 8 / 0.3364722 = 23.77611.
    activity  = (113.89466 + 23.77611) x ln 1.3 = 137.67077 x 0.2623643 = 36.11989
    structure = 113.89466 x ln(0.4615385 / 0.6) + 23.77611 x ln(0.5384615 / 0.4)
              = 113.89466 x -0.2623643 + 23.77611 x 0.2972549 = -29.88159 + 7.06749 = -22.81440
    intensity = 113.89466 x ln 0.9 + 23.77611 x ln 0.8 = -12.00000 + 23.77611 x -0.2231436 = -17.30549
    sum 36.11989 - 22.81440 - 17.30549 = -4.00000.
    Multiplicative: L(136, 140) = -4 / ln(136/140) = -4 / -0.0289875 = 137.99034;
    D_act = exp(36.11989 / 137.99034) = exp(0.2617566) = 1.299210; D_str = exp(-0.1653335) = 0.847611;
    D_int = exp(-0.1254108) = 0.882134; product 0.971429 = 136 / 140.
    """
    d = lmdi_total([60, 40], [120, 20], [60, 70], [108, 28], ["A", "B"])
    assert (d.I0, d.IT) == (140, 136) and d.effects == ("activity", "structure", "intensity") and d.unit == "tce"
    assert d.additive["activity"] == pytest.approx(36.11989, abs=1e-5)
    assert d.additive["structure"] == pytest.approx(-22.81440, abs=1e-5)
    assert d.additive["intensity"] == pytest.approx(-17.30549, abs=1e-5)
    assert d.additive["total"] == pytest.approx(-4.0)
    assert d.multiplicative["activity"] == pytest.approx(1.299210, abs=1e-6)
    assert d.multiplicative["structure"] == pytest.approx(0.847611, abs=1e-6)
    assert d.multiplicative["intensity"] == pytest.approx(0.882134, abs=1e-6)
    assert d.multiplicative["total"] == pytest.approx(136 / 140)
    # A moved the total most: 113.89466 x (0.2623643 - 0.2623643 - 0.1053605) = -12.0 against B's +8.0
    assert d.contributions["key"].tolist() == ["A", "B"]
    assert d.contributions["total"].tolist() == pytest.approx([-12.0, 8.0])


def test_co2_total_only_the_emission_factor_changes():
    # one sector, VA 100 both years; electricity 50 tce at 0.8 -> 0.6 tCO2/tce (40 -> 30), other 50 tce at 2 (100):
    # ΔC = -10, all of it emission factor: L(30, 40) x ln(0.6 / 0.8) = (30 - 40) / ln 0.75 x ln 0.75 = -10
    d = lmdi_total_co2([100], [[50, 50]], [[40, 100]], [100], [[50, 50]], [[30, 100]])
    assert d.additive["emission_factor"] == pytest.approx(-10)
    assert all(d.additive[k] == pytest.approx(0) for k in ("activity", "structure", "energy_intensity", "fuel_mix"))


def test_co2_total_activity_doubles():
    # everything doubles: C 140 -> 280; activity L(w^T, w^0) x ln 2 summed = Σ (w^T - w^0) = 140; the rest 0
    d = lmdi_total_co2([100], [[50, 50]], [[40, 100]], [200], [[100, 100]], [[80, 200]])
    assert d.additive["activity"] == pytest.approx(140) and d.multiplicative["activity"] == pytest.approx(2)
    assert d.additive["fuel_mix"] == pytest.approx(0, abs=1e-12)


positive = st.floats(0.1, 1e4)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(positive, positive, positive, positive, positive, positive), min_size=1, max_size=6))
def test_total_effects_sum_and_multiply_exactly(rows):
    y0, e0, c0, yT, eT, cT = (np.array(col) for col in zip(*rows))
    d = lmdi_total(y0, e0, yT, eT)
    assert sum(d.additive[k] for k in d.effects) == pytest.approx(eT.sum() - e0.sum(), rel=1e-9, abs=1e-9)
    assert math.prod(d.multiplicative[k] for k in d.effects) == pytest.approx(eT.sum() / e0.sum(), rel=1e-9)
    c = lmdi_total_co2(y0, np.c_[e0, eT], np.c_[c0, cT], yT, np.c_[eT, e0], np.c_[cT, c0])
    assert sum(c.additive[k] for k in c.effects) == pytest.approx(0.0, abs=1e-7 * (c0.sum() + cT.sum()))


def test_decompose_results_total_by_city():
    # city 3701: VA 60 -> 60, E 120 -> 108; city 3702: VA 40 -> 70, E 20 -> 28: the hand example above
    rows = [("A", "370102", "2025", 120, 60), ("A", "370102", "2027", 108, 60),
            ("B", "370211", "2025", 20, 40), ("B", "370211", "2027", 28, 70)]
    frame = pd.DataFrame([{"enterprise": e, "region": r, "period": p, "industry": "C30", "park": None,
                           "energy_equivalent_tce": en, "value_added_10k_cny": va,
                           "value_added_comparable_10k_cny": va} for e, r, p, en, va in rows])
    d = decompose(frame, 2025, 2027, "city", total=True)
    assert d.unit == "tce" and d.additive["activity"] == pytest.approx(36.11989, abs=1e-5)
    assert d.contributions["city"].tolist() == ["3701", "3702"]
