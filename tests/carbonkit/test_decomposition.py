"""LMDI-I decomposition: the reference test vector, exactness over random data with zeros, the zero-value
limits, the CO2 split, and decomposition of enterprise results by sector."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import carbonkit as ck
from carbonkit.decomposition import decompose, lmdi, lmdi_co2, logmean
from carbonkit.errors import InvalidInput


def test_reference_test_vector():
    """energy_carbon_factors.md §6: Y0 = (60, 40), E0 = (120, 20); YT = (60, 70), ET = (108, 28).

    I0 = 140 / 100 = 1.4; IT = 136 / 130 = 1.046154; ΔI = -0.353846.
    Additive: structure -0.201730, intensity -0.152116 (sum -0.353846).
    Multiplicative: D_str 0.846960, D_int 0.882276; product 0.747253 = 1.046154 / 1.4.
    """
    d = lmdi([60, 40], [120, 20], [60, 70], [108, 28], ["A", "B"])
    assert d.I0 == pytest.approx(1.4) and d.IT == pytest.approx(1.046154, abs=1e-6)
    assert d.additive["total"] == pytest.approx(-0.353846, abs=1e-6)
    assert d.additive["structure"] == pytest.approx(-0.201730, abs=1e-6)
    assert d.additive["intensity"] == pytest.approx(-0.152116, abs=1e-6)
    assert d.multiplicative["structure"] == pytest.approx(0.846960, abs=1e-6)
    assert d.multiplicative["intensity"] == pytest.approx(0.882276, abs=1e-6)
    assert d.multiplicative["total"] == pytest.approx(0.747253, abs=1e-6)
    # sector A moved the number most: listed first
    assert d.contributions["key"].tolist() == ["A", "B"]
    assert d.contributions["total"].sum() == pytest.approx(d.change)


def test_logmean():
    # L(2, 1) = 1 / ln 2 = 1.442695; L(a, a) = a (not 0, the bug of one public implementation); L(a, 0) = 0
    assert logmean(np.array([2.0]), np.array([1.0]))[0] == pytest.approx(1.442695, abs=1e-6)
    assert logmean(np.array([3.0]), np.array([3.0]))[0] == 3.0
    assert logmean(np.array([3.0]), np.array([0.0]))[0] == 0.0


def test_a_new_sector_is_all_structure():
    # Y0 = (100, 0), E0 = (50, 0); YT = (100, 100), ET = (50, 20): I0 = 0.5, IT = 70 / 200 = 0.35.
    # A: w 0.5 -> 0.25 with I_A unchanged: structure = L(0.25, 0.5) ln(0.5 / 1) = wT - w0 = -0.25, intensity 0.
    # B enters: its whole wT = 20 / 200 = 0.1 goes to structure. Structure -0.15 = ΔI; intensity 0.
    d = lmdi([100, 0], [50, 0], [100, 100], [50, 20], ["A", "B"])
    assert d.additive["structure"] == pytest.approx(-0.15)
    assert d.additive["intensity"] == pytest.approx(0.0, abs=1e-15)
    b = d.contributions.set_index("key").loc["B"]
    assert (b["structure"], b["intensity"]) == pytest.approx((0.1, 0.0))


def test_energy_appearing_in_a_sector_with_value_added_is_intensity():
    # Y0 = YT = (100, 100); E0 = (50, 0), ET = (50, 10): B has value added but no energy at first:
    # I_B 0 -> 0.1 is an intensity effect of wT = 10 / 200 = 0.05; structure 0.
    d = lmdi([100, 100], [50, 0], [100, 100], [50, 10], ["A", "B"])
    assert d.additive["intensity"] == pytest.approx(0.05)
    assert d.additive["structure"] == pytest.approx(0.0, abs=1e-15)


def test_a_sector_leaving_is_negative_structure():
    # Y0 = (100, 100), E0 = (50, 30); YT = (100, 0), ET = (50, 0): I0 = 80 / 200 = 0.4, IT = 0.5.
    # A: w 0.25 -> 0.5, S 0.5 -> 1: structure L(0.5, 0.25) ln 2 = 0.25. B leaves: structure -w0 = -0.15.
    d = lmdi([100, 100], [50, 30], [100, 0], [50, 0], ["A", "B"])
    assert d.additive["structure"] == pytest.approx(0.1)
    assert d.change == pytest.approx(0.1)


def test_co2_split_by_hand():
    """One sector, carriers (electricity, other). Y = 100 both years; E0 = (10, 30), C0 = (20, 60);
    ET = (20, 20), CT = (30, 40). C/Y: 0.8 -> 0.7. Energy per VA unchanged (40): no intensity effect.

    electricity: w 0.2 -> 0.3, L = 0.1 / ln 1.5 = 0.2466303; mix ln(0.5 / 0.25) = ln 2 -> +0.1709511;
                 factor ln(1.5 / 2) -> -0.0709511
    other:       w 0.6 -> 0.4, L = -0.2 / ln(2/3) = 0.4932607; mix ln(0.5 / 0.75) -> -0.2; factor 2 -> 2: 0
    fuel mix -0.0290489, emission factor -0.0709511, sum -0.1.
    """
    d = lmdi_co2([100], [[10, 30]], [[20, 60]], [100], [[20, 20]], [[30, 40]], ["C26"])
    assert d.additive["structure"] == pytest.approx(0.0, abs=1e-15)
    assert d.additive["energy_intensity"] == pytest.approx(0.0, abs=1e-15)
    assert d.additive["fuel_mix"] == pytest.approx(-0.0290489, abs=1e-7)
    assert d.additive["emission_factor"] == pytest.approx(-0.0709511, abs=1e-7)
    assert d.additive["total"] == pytest.approx(-0.1)


def test_green_power_replacing_grid_power_is_an_emission_factor_effect():
    # electricity CO2 20 -> 0 with the same 10 tce: factor 2 -> 0 is a zero at T: effect -w0 = -0.2
    d = lmdi_co2([100], [[10, 30]], [[20, 60]], [100], [[10, 30]], [[0, 60]])
    assert d.additive["emission_factor"] == pytest.approx(-0.2)
    assert d.additive["fuel_mix"] == pytest.approx(0.0, abs=1e-15)


def test_negative_and_impossible_values_are_refused():
    with pytest.raises(InvalidInput, match="negative"):
        lmdi([1, 1], [-1, 1], [1, 1], [1, 1])
    with pytest.raises(InvalidInput) as info:
        lmdi([0, 1], [5, 1], [1, 1], [1, 1])  # energy without value added
    assert info.value.problems[0].code == "value_added_missing"


# --------------------------------------------------------------------------- exactness (property)

values = st.one_of(st.just(0.0), st.floats(1e-6, 1e6))


@st.composite
def two_periods(draw, carriers: int = 0):
    n = draw(st.integers(1, 8))
    y0 = [draw(values) for _ in range(n)]
    yT = [draw(values) for _ in range(n)]
    shape = (lambda y: [[draw(values) if y[i] > 0 else 0.0 for _ in range(carriers)] for i in range(n)]) if carriers else \
        (lambda y: [draw(values) if y[i] > 0 else 0.0 for i in range(n)])
    e0, eT = shape(y0), shape(yT)
    if sum(y0) <= 0 or sum(yT) <= 0:
        y0[0] = y0[0] or 1.0
        yT[0] = yT[0] or 1.0
    return y0, e0, yT, eT


@settings(max_examples=300, deadline=None)
@given(two_periods())
def test_effects_sum_and_multiply_exactly_to_the_change(data):
    y0, e0, yT, eT = data
    d = lmdi(y0, e0, yT, eT)
    I0, IT = sum(e0) / sum(y0), sum(eT) / sum(yT)
    scale = max(I0, IT, 1e-300)
    assert d.additive["structure"] + d.additive["intensity"] == pytest.approx(IT - I0, rel=1e-9, abs=1e-12 * scale)
    assert d.contributions["total"].sum() == pytest.approx(IT - I0, rel=1e-9, abs=1e-12 * scale)
    if I0 > 0 and IT > 0:
        product = d.multiplicative["structure"] * d.multiplicative["intensity"]
        assert math.isclose(product, IT / I0, rel_tol=1e-9)


@settings(max_examples=200, deadline=None)
@given(two_periods(carriers=2), st.data())
def test_co2_effects_sum_exactly(data, draw):
    y0, e0, yT, eT = data
    c0 = [[draw.draw(values) if e > 0 else 0.0 for e in row] for row in e0]
    cT = [[draw.draw(values) if e > 0 else 0.0 for e in row] for row in eT]
    d = lmdi_co2(y0, e0, c0, yT, eT, cT)
    I0, IT = np.sum(c0) / sum(y0), np.sum(cT) / sum(yT)
    parts = sum(d.additive[k] for k in d.effects)
    assert parts == pytest.approx(IT - I0, rel=1e-9, abs=1e-12 * max(I0, IT, 1e-300))
    if I0 > 0 and IT > 0:
        assert math.isclose(math.prod(d.multiplicative[k] for k in d.effects), IT / I0, rel_tol=1e-9)


def test_delta_replacement_is_exact_for_its_data():
    d = lmdi([100, 0], [50, 0], [100, 100], [50, 20], zero="delta")
    assert d.additive["structure"] + d.additive["intensity"] == pytest.approx(d.change, rel=1e-12)
    assert d.change == pytest.approx(-0.15, abs=1e-12)


# --------------------------------------------------------------------------- from enterprise results

def results():
    """Two cities. 2020: Qingdao (3702) E 100 tce, VA 100; Zibo (3703) E 300, VA 100. 2023: Qingdao E 100, VA 200;
    Zibo E 240, VA 100 (water the same numbers in m3)."""
    rows = [("Q", "2020", "370211", 100, 100), ("Z", "2020", "370305", 300, 100),
            ("Q", "2023", "370211", 100, 200), ("Z", "2023", "370305", 240, 100)]
    return pd.DataFrame([{"enterprise": e, "period": p, "region": r, "industry": "C29", "energy_equivalent_tce": en,
                          "water_withdrawal_m3": en, "value_added_10k_cny": va} for e, p, r, en, va in rows])


def test_decompose_results_by_city():
    # I0 = 400 / 200 = 2.0; IT = 340 / 300 = 1.1333333; ΔI = -0.8666667.
    # Qingdao: S 0.5 -> 0.6666667, I_i 1 -> 0.5, w 0.5 -> 0.3333333,
    #   L = (0.3333333 - 0.5) / ln(0.6666667) = 0.1666667 / 0.4054651 = 0.4110506
    #   structure 0.4110506 x ln(4/3) = 0.4110506 x 0.2876821 = 0.1182519; intensity 0.4110506 x ln 0.5 = -0.2849185
    # Zibo: S 0.5 -> 0.3333333, I_i 3 -> 2.4, w 1.5 -> 0.8, L = 0.7 / ln(1.875) = 0.7 / 0.6286087 = 1.1135704
    #   structure 1.1135704 x ln(2/3) = -0.4515139; intensity 1.1135704 x ln 0.8 = 1.1135704 x -0.2231436 = -0.2484861
    d = decompose(results(), "2020", "2023", "city")
    assert (d.I0, d.IT) == pytest.approx((2.0, 340 / 300))
    assert d.additive["structure"] == pytest.approx(0.1182519 - 0.4515139, abs=1e-6)
    assert d.additive["intensity"] == pytest.approx(-0.2849185 - 0.2484861, abs=1e-6)
    assert d.contributions["city"].tolist() == ["3703", "3702"]  # Zibo moved the number most
    assert d.to_dict()["notes"][0].startswith("value added at current prices only")
    water = decompose(results(), 2020, 2023, "city", indicator="water")
    assert water.additive == pytest.approx(d.additive)


def test_decompose_an_accounting_result_co2_by_enterprise():
    frame = pd.DataFrame([
        ("E1", "2022", "raw_coal", 1000, "t"), ("E1", "2022", "electricity", 12000, "MWh"),
        ("E1", "2022", "value_added", 10000, "万元"),
        ("E1", "2023", "raw_coal", 800, "t"), ("E1", "2023", "electricity", 13000, "MWh"),
        ("E1", "2023", "value_added", 10000, "万元"),
        ("E2", "2023", "electricity", 500, "MWh"), ("E2", "2023", "value_added", 1000, "万元"),
    ], columns=["enterprise", "period", "item", "amount", "unit"]).assign(region="370211")
    result = ck.account(frame)
    d = decompose(result, 2022, 2023, "enterprise", indicator="co2")
    s = result.summary.set_index(["enterprise", "period"])
    co2 = s["co2_location_tco2"]
    expected = (co2[("E1", "2023")] + co2[("E2", "2023")]) / 11000 - co2[("E1", "2022")] / 10000
    assert sum(d.additive[k] for k in d.effects) == pytest.approx(expected, rel=1e-9)
    e2 = d.contributions.set_index("enterprise").loc["E2"]
    assert e2["structure"] == pytest.approx(e2["total"]) and e2["energy_intensity"] == 0  # an entrant: structure


def test_missing_period_and_unknown_indicator():
    with pytest.raises(InvalidInput, match="no results for period 2021"):
        decompose(results(), 2020, 2021, "city")
    with pytest.raises(InvalidInput) as info:
        decompose(results(), 2020, 2023, "city", indicator="happiness")
    assert info.value.problems[0].code == "indicator_unknown"


def test_decompose_command(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    path = tmp_path / "results.csv"
    results().to_csv(path, index=False)
    runner = CliRunner()
    out = runner.invoke(app, ["decompose", str(path), "--from", "2020", "--to", "2023", "--by", "city", "--format", "json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["additive"]["intensity"] == pytest.approx(-0.2849185 - 0.2484861, abs=1e-6)
    assert [c["city"] for c in payload["contributions"]] == ["3703", "3702"]
    shown = runner.invoke(app, ["decompose", str(path), "--from", "2020", "--to", "2023", "--by", "city"])
    assert shown.exit_code == 0 and "structure" in shown.stdout and "3703" in shown.stdout
    bad = runner.invoke(app, ["decompose", str(path), "--from", "2020", "--to", "2023", "--zero", "maybe"])
    assert bad.exit_code == 2


def test_co2_split_of_results_naming_an_unknown_release():
    """One sector, energy and mix unchanged; electricity CO2 600 -> 500 tCO2 (a cleaner grid), combustion 150:
    C/Y 750 / 100 = 7.5 -> 650 / 100 = 6.5; the whole -1.0 is the emission-factor effect."""
    frame = pd.DataFrame([{"enterprise": "E1", "period": p, "region": "370211", "industry": "C29",
                           "release": "someone-elses-release", "energy_equivalent_tce": 200.0,
                           "electricity_kwh": 1_000_000.0, "co2_electricity_location_tco2": c,
                           "co2_combustion_tco2": 150.0, "co2_heat_tco2": 0.0, "co2_location_tco2": c + 150.0,
                           "value_added_10k_cny": 100.0} for p, c in (("2020", 600.0), ("2023", 500.0))])
    d = decompose(frame, 2020, 2023, "division", indicator="co2")
    assert d.additive["emission_factor"] == pytest.approx(-1.0)
    assert d.additive["fuel_mix"] == pytest.approx(0.0, abs=1e-12)
    assert d.additive["energy_intensity"] == pytest.approx(0.0, abs=1e-12)
    assert any("someone-elses-release" in n for n in d.notes)


def test_co2_split_columns_missing_or_empty_are_named_not_zero():
    # results with CO2 but without its split (electricity, fuels, heat): counting the split as zero would
    # put all the CO2 nowhere; the decomposition names the columns instead
    frame = results().assign(co2_location_tco2=lambda f: f["energy_equivalent_tce"] * 2.5)
    with pytest.raises(InvalidInput) as info:
        decompose(frame, 2020, 2023, "city", indicator="co2")
    assert info.value.problems[0].code == "column_missing" and "electricity_kwh" in info.value.problems[0].message
    full = frame.assign(electricity_kwh=0.0, co2_combustion_tco2=frame["co2_location_tco2"],
                        co2_electricity_location_tco2=0.0, co2_heat_tco2=0.0)
    decompose(full, 2020, 2023, "city", indicator="co2")  # complete: accepted
    full.loc[3, "co2_heat_tco2"] = np.nan
    with pytest.raises(InvalidInput) as info:
        decompose(full, 2020, 2023, "city", indicator="co2")
    p = info.value.problems[0]
    assert (p.code, p.field, p.enterprise, p.period) == ("value_missing", "co2_heat_tco2", "Z", "2023")
