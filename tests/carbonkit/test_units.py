"""The unit registry (carbonkit/units.txt): Chinese spellings, standard coal, CO2, money and land.

Every expected factor is a definition (10^4 for 万, 10^8 for 亿, 10 000/15 m2 for 1 亩, 44/12 for
tC -> tCO2), not a value read back from the registry.
"""

from __future__ import annotations

import pytest

from carbonkit.errors import InvalidInput, UnitMismatch
from carbonkit.units import Q_, multiplier, parse_unit

EXACT = dict(rel=1e-12)


@pytest.mark.parametrize(
    ("unit", "target", "expected"),
    [
        ("万千瓦时", "kWh", 1e4),          # 万 = 10^4: 1 万千瓦时 = 10 000 kWh
        ("MWh", "kWh", 1e3),               # 1 MWh = 1 000 kWh
        ("度", "kWh", 1.0),                # 度 is the everyday name of a kWh
        ("千瓦时", "kWh", 1.0),
        ("万立方米", "m3", 1e4),           # 1 万立方米 = 10 000 m3
        ("立方米", "m3", 1.0),
        ("Nm3", "m3", 1.0),                # gas at reference conditions: a metered m3 is read as Nm3
        ("Nm³", "m3", 1.0),                # superscript spelling, not N·m³
        ("万Nm3", "m3", 1e4),
        ("万Nm³", "Nm3", 1e4),
        ("吨标准煤", "kgce", 1e3),         # 1 tce = 1 000 kgce
        ("tce", "kgce", 1e3),
        ("万吨标准煤", "tce", 1e4),
        ("万吨", "t", 1e4),
        ("吨", "kg", 1e3),
        ("亿元", "万元", 1e4),             # 亿 = 10^8, 万 = 10^4: 1 亿元 = 10 000 万元
        ("万元", "元", 1e4),
        ("GJ", "MJ", 1e3),
        ("百万千焦", "GJ", 1.0),           # 10^6 kJ = 1 GJ
        ("kgce/MJ", "tce/GJ", 1.0),        # 0.03412 kgce/MJ = 0.03412 tce/GJ (both ×10^3)
        ("tCO2", "kgCO2", 1e3),
    ],
)
def test_multiplier(unit, target, expected):
    assert multiplier(unit, target) == pytest.approx(expected, **EXACT)


def test_mu_is_666_67_square_metres():
    # 1 亩 = 10 000 / 15 m2 = 666.666... m2 (statutory), i.e. 666.67 m2 to two decimals
    assert multiplier("亩", "m**2") == pytest.approx(10000 / 15, **EXACT)
    assert multiplier("亩", "m**2") == pytest.approx(666.67, abs=0.005)
    # 15 亩 = 1 hectare
    assert multiplier("亩", "hectare") * 15 == pytest.approx(1.0, **EXACT)


def test_tonne_carbon_is_44_over_12_tonnes_co2():
    # molar masses CO2 / C = 44 / 12 = 3.6667
    assert multiplier("tC", "tCO2") == pytest.approx(44 / 12, **EXACT)
    assert Q_(12, "tC").to("tCO2").magnitude == pytest.approx(44.0, **EXACT)


def test_emission_factor_units_reduce_through_the_registry():
    # raw coal proxy: 20.908 GJ/t × 26.1 tC/TJ × 0.93 = 20.908 × 26.1 / 1000 × 0.93 tC/t
    #   = 0.50749988 tC/t × 44/12 = 1.860833 tCO2/t
    ef = Q_(20.908, "GJ/t") * Q_(26.1, "tC/TJ") * 0.93
    assert ef.to("tCO2/t").magnitude == pytest.approx(20.908 * 26.1 / 1000 * 0.93 * 44 / 12, **EXACT)
    assert ef.to("tCO2/t").magnitude == pytest.approx(1.8608, abs=5e-5)


def test_quantities_in_chinese_units():
    # 12 000 MWh = 1 200 万千瓦时 = 1 200 × 10^4 kWh = 12 000 000 kWh
    assert Q_(1200, "万千瓦时").to("kWh").magnitude == pytest.approx(12_000_000, **EXACT)
    assert Q_(5.2, "亿元").to("万元").magnitude == pytest.approx(52_000, **EXACT)
    assert Q_(50, "万立方米").to("Nm3").magnitude == pytest.approx(500_000, **EXACT)


@pytest.mark.parametrize(("unit", "target"), [("tCO2", "tce"), ("tce", "tCO2"), ("kgce", "kgCO2"), ("tC", "tce")])
def test_co2_and_standard_coal_do_not_interconvert(unit, target):
    with pytest.raises(UnitMismatch) as info:
        multiplier(unit, target)
    assert [p.code for p in info.value.problems] == ["unit_dimension"]
    assert info.value.problems[0].field == "unit"


@pytest.mark.parametrize(("unit", "target"), [("kWh", "t"), ("m3", "kWh"), ("t", "m3"), ("万元", "t"), ("tce", "t")])
def test_wrong_dimension_is_refused(unit, target):
    with pytest.raises(UnitMismatch) as info:
        multiplier(unit, target)
    assert info.value.problems[0].code == "unit_dimension"


def test_unit_mismatch_is_invalid_input():
    with pytest.raises(InvalidInput):
        multiplier("kWh", "t")


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_unit_is_unit_missing(text):
    with pytest.raises(UnitMismatch) as info:
        parse_unit(text)
    assert info.value.problems[0].code == "unit_missing"


@pytest.mark.parametrize("text", ["flurbs", "吨吨吨x", "kWh//"])
def test_unparsable_unit_is_unit_unknown(text):
    with pytest.raises(UnitMismatch) as info:
        parse_unit(text)
    assert info.value.problems[0].code == "unit_unknown"


def test_square_kilometre_is_a_million_square_metres():
    # pint alone reads "km2" as kilo-(m2) = 1,000 m2; the park land-output rate is in 亿元/km2.
    # 1 万元/m2 = 10^4 yuan/m2 = 10^4 x 10^6 yuan/km2 = 10^10 yuan/km2 = 100 亿元/km2
    assert multiplier("km2", "m2") == pytest.approx(1e6)
    assert multiplier("平方公里", "亩") == pytest.approx(1500.0)  # 10^6 m2 / (10,000/15 m2)
    assert multiplier("万元/m2", "亿元/km2") == pytest.approx(100.0)
