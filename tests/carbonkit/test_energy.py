"""Comprehensive energy consumption (综合能耗) in tce, by the equivalent (当量值) and equal-value (等价值) methods.

Coefficients are GB/T 2589 Appendix A as transcribed in the reference (§1.2):
raw coal 0.7143 kgce/kg, electricity 0.1229 kgce/kWh (equivalent), heat 0.03412 kgce/MJ,
low-pressure steam 0.1286 kgce/kg, natural gas (oil-field row) 1.3300 kgce/m3, diesel 1.4571 kgce/kg
(each test states the one it uses). A fuel without an Appendix A row uses NCV / 29 307 kJ per kgce.
Unit bookkeeping used throughout: t × kgce/kg = (t × 1000 kg) × kgce/kg / 1000 kgce/tce = t × coef tce.
"""

from __future__ import annotations

import pytest

import carbonkit as ck

REL = dict(rel=1e-9)  # coefficients are exact 4-decimal numbers: only float rounding is allowed

METHODS = ("equivalent", "equal")


def energy(rec, method="equivalent"):
    return rec[f"energy_{method}_tce"]


# ---------------------------------------------------------------- single carriers


def test_raw_coal_1000_t_is_714_3_tce(kit):
    # 1 000 t × 1 000 kg/t × 0.7143 kgce/kg = 714 300 kgce = 714.3 tce (same in both methods)
    rec = kit.one([("raw_coal", 1000, "t")])
    assert rec["energy_equivalent_tce"] == pytest.approx(714.3, **REL)
    assert rec["energy_equal_tce"] == pytest.approx(714.3, **REL)


@pytest.mark.parametrize(("item", "amount", "unit"), [("原煤", 1000, "吨"), ("raw_coal", 1_000_000, "kg"), ("coal", 0.1, "万吨")])
def test_raw_coal_aliases_and_units(kit, item, amount, unit):
    # 1 000 吨 = 1 000 000 kg = 0.1 万吨 = 1 000 t → 714.3 tce
    rec = kit.one([(item, amount, unit)])
    assert rec["energy_equivalent_tce"] == pytest.approx(714.3, **REL)


def test_grid_electricity_12000_mwh_equivalent(kit):
    # 12 000 MWh = 12 000 000 kWh × 0.1229 kgce/kWh = 1 474 800 kgce = 1 474.8 tce
    rec = kit.one([("electricity", 12000, "MWh")])
    assert rec["energy_equivalent_tce"] == pytest.approx(1474.8, **REL)
    assert rec["electricity_kwh"] == pytest.approx(12_000_000, **REL)


@pytest.mark.parametrize(("item", "amount", "unit"),
                         [("电力", 1200, "万千瓦时"), ("electricity", 12_000_000, "度"), ("网电", 12_000_000, "kWh")])
def test_grid_electricity_aliases_and_units(kit, item, amount, unit):
    # 1 200 万千瓦时 = 12 000 000 度 = 12 000 000 kWh → 1 474.8 tce
    rec = kit.one([(item, amount, unit)])
    assert rec["energy_equivalent_tce"] == pytest.approx(1474.8, **REL)


def test_grid_electricity_equal_value_with_coal_rate_0_31(kit):
    # equal value: 12 000 000 kWh × 0.31 kgce/kWh = 3 720 000 kgce = 3 720 tce;
    # the equivalent total is unchanged: 1 474.8 tce
    rec = kit.one([("electricity", 12000, "MWh")], power_coal_rate=0.31)
    assert rec["energy_equal_tce"] == pytest.approx(3720.0, **REL)
    assert rec["energy_equivalent_tce"] == pytest.approx(1474.8, **REL)


def test_coal_is_the_same_in_both_methods_with_a_coal_rate(kit):
    # only electricity differs between the methods: 1 000 t coal = 714.3 tce either way
    rec = kit.one([("raw_coal", 1000, "t")], power_coal_rate=0.31)
    assert rec["energy_equal_tce"] == pytest.approx(714.3, **REL)


@pytest.mark.parametrize(("amount", "unit"), [(5000, "GJ"), (5_000_000, "MJ"), (5000, "百万千焦")])
def test_heat_in_gj(kit, amount, unit):
    # 5 000 GJ = 5 000 000 MJ × 0.03412 kgce/MJ = 170 600 kgce = 170.6 tce (0.03412 tce/GJ),
    # the same in both methods
    rec = kit.one([("heat", amount, unit)], power_coal_rate=0.31)
    assert rec["energy_equivalent_tce"] == pytest.approx(170.6, **REL)
    assert rec["energy_equal_tce"] == pytest.approx(170.6, **REL)


def test_steam_without_enthalpy_uses_low_pressure_coefficient(kit):
    # 100 t = 100 000 kg × 0.1286 kgce/kg = 12 860 kgce = 12.86 tce
    rec = kit.one([("steam", 100, "t")])
    assert rec["energy_equivalent_tce"] == pytest.approx(12.86, **REL)
    assert rec["energy_equal_tce"] == pytest.approx(12.86, **REL)


def test_steam_with_enthalpy_is_heat(kit):
    # heat = 100 000 kg × 2 800 kJ/kg = 280 000 000 kJ = 280 000 MJ
    # × 0.03412 kgce/MJ = 9 553.6 kgce = 9.5536 tce
    rec = kit.one([{"item": "steam", "amount": 100, "unit": "t", "enthalpy": 2800}])
    assert rec["energy_equivalent_tce"] == pytest.approx(9.5536, **REL)
    assert rec["energy_equal_tce"] == pytest.approx(9.5536, **REL)


@pytest.mark.parametrize(("item", "amount", "unit"), [
    ("natural_gas", 50, "万立方米"),
    ("天然气", 500_000, "m3"),
    ("natural_gas", 500_000, "Nm3"),
    ("natural_gas", 50, "万Nm3"),
    ("natural_gas", 500_000, "Nm³"),
])
def test_natural_gas(kit, item, amount, unit):
    # 50 万立方米 = 500 000 m3 × 1.3300 kgce/m3 = 665 000 kgce = 665 tce
    rec = kit.one([(item, amount, unit)])
    assert rec["energy_equivalent_tce"] == pytest.approx(665.0, **REL)


@pytest.mark.parametrize(("item", "amount", "unit", "coef"), [
    # Appendix A (reference §1.2); tce = amount in canonical unit × coef / 1000
    ("washed_coal", 100, "t", 0.9000),
    ("coke", 100, "t", 0.9714),
    ("crude_oil", 100, "t", 1.4286),
    ("fuel_oil", 100, "t", 1.4286),
    ("gasoline", 100, "t", 1.4714),
    ("kerosene", 100, "t", 1.4714),   # not the Suzhou form's typo 1.4286
    ("diesel", 20, "t", 1.4571),
    ("lpg", 100, "t", 1.7143),
    ("refinery_gas", 100, "t", 1.5714),
    ("natural_gas_oilfield", 10, "万立方米", 1.3300),
    ("natural_gas_gasfield", 10, "万立方米", 1.2143),
    ("blast_furnace_gas", 10, "万立方米", 0.1286),
])
def test_appendix_a_fuels(kit, item, amount, unit, coef):
    # e.g. diesel: 20 t = 20 000 kg × 1.4571 kgce/kg = 29 142 kgce = 29.142 tce;
    # gas-field gas: 10 万立方米 = 100 000 m3 × 1.2143 = 121 430 kgce = 121.43 tce
    canonical = amount * (1000 if unit == "t" else 10_000)  # kg or m3
    rec = kit.one([(item, amount, unit)])
    assert rec["energy_equivalent_tce"] == pytest.approx(canonical * coef / 1000, **REL)


@pytest.mark.parametrize(("item", "amount", "unit", "ncv_kj_per_unit"), [
    # no Appendix A row: coefficient = NCV / 29 307 kJ per kgce (GB/T 2589 §8)
    ("anthracite", 100, "t", 26_700),      # 26.7 GJ/t = 26 700 kJ/kg
    ("bituminous_coal", 100, "t", 19_570),  # 19.570 GJ/t
    ("lignite", 100, "t", 11_900),          # 11.9 GJ/t
    ("converter_gas", 10, "万立方米", 8_400),  # 84 GJ/10^4 m3 = 8 400 kJ/m3
])
def test_fuels_with_derived_coefficient(kit, item, amount, unit, ncv_kj_per_unit):
    # anthracite: 26 700 kJ/kg ÷ 29 307 kJ/kgce = 0.911045 kgce/kg;
    # 100 t = 100 000 kg × 0.911045 = 91 104.5 kgce = 91.1045 tce
    canonical = amount * (1000 if unit == "t" else 10_000)  # kg or m3
    coef = ncv_kj_per_unit / 29_307
    rec = kit.one([(item, amount, unit)])
    assert rec["energy_equivalent_tce"] == pytest.approx(canonical * coef / 1000, rel=1e-9)
    assert rec["energy_equal_tce"] == pytest.approx(canonical * coef / 1000, rel=1e-9)


def test_anthracite_derived_coefficient_value(kit):
    # 26.7 GJ/t ÷ 29 307 kJ/kgce = 26 700 / 29 307 = 0.91104514 kgce/kg → 1 t = 0.91104514 tce
    rec = kit.one([("anthracite", 1, "t")])
    assert rec["energy_equivalent_tce"] == pytest.approx(26_700 / 29_307, rel=1e-9)
    assert rec["energy_equivalent_tce"] == pytest.approx(0.9110, abs=5e-5)


# ---------------------------------------------------------------- flows


def test_feedstock_shown_separately_and_excluded(kit):
    # coal 1 000 t consumption = 714.3 tce; natural gas 50 万m3 feedstock = 500 000 × 1.33 / 1000 = 665 tce
    # energy = 714.3 + 665 = 1 379.3 (feedstock adds to the total);
    # feedstock = 665; excl. feedstock = 1 379.3 − 665 = 714.3
    rec = kit.one([("raw_coal", 1000, "t"), ("natural_gas", 50, "万立方米", "feedstock")], power_coal_rate=0.31)
    for m in METHODS:
        assert rec[f"energy_{m}_tce"] == pytest.approx(1379.3, **REL)
        assert rec[f"feedstock_{m}_tce"] == pytest.approx(665.0, **REL)
        assert rec[f"energy_{m}_excl_feedstock_tce"] == pytest.approx(714.3, **REL)
        assert rec[f"energy_{m}_excl_feedstock_renewables_tce"] == pytest.approx(714.3, **REL)


@pytest.mark.parametrize("flow", ["原料", "原料用能"])
def test_feedstock_flow_aliases(kit, flow):
    # same as above, with the Chinese flow names: feedstock 665 tce
    rec = kit.one([("raw_coal", 1000, "t"), ("natural_gas", 50, "万立方米", flow)])
    assert rec["feedstock_equivalent_tce"] == pytest.approx(665.0, **REL)
    assert rec["energy_equivalent_excl_feedstock_tce"] == pytest.approx(714.3, **REL)


def test_exports_are_deducted(kit):
    # consumption 12 000 MWh = 1 474.8 tce; export 2 000 MWh = 2 000 000 × 0.1229 / 1000 = 245.8 tce
    # coal 1 000 t = 714.3 tce → energy = 714.3 + 1 474.8 − 245.8 = 1 943.3 tce; exported = 245.8
    # equal value at 0.31: 714.3 + 12e6 × 0.31/1000 − 2e6 × 0.31/1000 = 714.3 + 3 720 − 620 = 3 814.3
    # electricity_kwh = 12 000 000 − 2 000 000 = 10 000 000
    rec = kit.one([
        ("raw_coal", 1000, "t"),
        ("electricity", 12000, "MWh"),
        ("electricity", 2000, "MWh", "export"),
    ], power_coal_rate=0.31)
    assert rec["energy_equivalent_tce"] == pytest.approx(1943.3, **REL)
    assert rec["exported_equivalent_tce"] == pytest.approx(245.8, **REL)
    assert rec["energy_equal_tce"] == pytest.approx(3814.3, **REL)
    assert rec["exported_equal_tce"] == pytest.approx(620.0, **REL)
    assert rec["electricity_kwh"] == pytest.approx(10_000_000, **REL)


@pytest.mark.parametrize("flow", ["外销", "外供", "输出"])
def test_export_flow_aliases(kit, flow):
    # steam 100 t consumption (12.86 tce) less 40 t sent out (40 000 × 0.1286 / 1000 = 5.144 tce) = 7.716 tce
    rec = kit.one([("steam", 100, "t"), ("steam", 40, "t", flow)])
    assert rec["energy_equivalent_tce"] == pytest.approx(12.86 - 5.144, **REL)
    assert rec["exported_equivalent_tce"] == pytest.approx(5.144, **REL)


def test_renewable_electricity_shown_separately_and_excluded(kit):
    # grid 10 000 MWh = 10e6 × 0.1229 / 1000 = 1 229 tce
    # green_power 1 000 MWh = 122.9 tce; onsite renewable 500 MWh = 61.45 tce;
    # green certificates 200 MWh = 24.58 tce → renewable = 122.9 + 61.45 + 24.58 = 208.93 tce
    # energy = 1 229 + 208.93 = 1 437.93; excl. feedstock and renewables = 1 229
    # equal value at 0.31: grid 3 100, renewable (1 000 + 500 + 200) MWh × 0.31 = 527 → total 3 627
    rec = kit.one([
        ("electricity", 10000, "MWh"),
        ("green_power", 1000, "MWh"),
        ("onsite_renewable_electricity", 500, "MWh"),
        ("green_certificate_electricity", 200, "MWh"),
    ], power_coal_rate=0.31)
    assert rec["energy_equivalent_tce"] == pytest.approx(1437.93, **REL)
    assert rec["renewable_electricity_equivalent_tce"] == pytest.approx(208.93, **REL)
    assert rec["energy_equivalent_excl_feedstock_tce"] == pytest.approx(1437.93, **REL)
    assert rec["energy_equivalent_excl_feedstock_renewables_tce"] == pytest.approx(1229.0, **REL)
    assert rec["energy_equal_tce"] == pytest.approx(3627.0, **REL)
    assert rec["renewable_electricity_equal_tce"] == pytest.approx(527.0, **REL)
    assert rec["energy_equal_excl_feedstock_renewables_tce"] == pytest.approx(3100.0, **REL)
    assert rec["renewable_electricity_kwh"] == pytest.approx(1_700_000, **REL)


@pytest.mark.parametrize(("item", "unit"), [("绿电", "万千瓦时"), ("光伏自用", "万千瓦时"), ("绿证", "万千瓦时")])
def test_renewable_aliases(kit, item, unit):
    # 100 万千瓦时 = 1 000 000 kWh × 0.1229 / 1000 = 122.9 tce, all renewable
    rec = kit.one([(item, 100, unit)])
    assert rec["renewable_electricity_equivalent_tce"] == pytest.approx(122.9, **REL)
    assert rec["energy_equivalent_excl_feedstock_renewables_tce"] == pytest.approx(0.0, abs=1e-9)


def test_water_and_economic_items_add_no_energy(kit):
    # only fuel, electricity, heat and steam rows count: 1 000 t coal = 714.3 tce
    rec = kit.one([("raw_coal", 1000, "t"), ("tap_water", 10000, "m3"), ("value_added", 1000, "万元")])
    assert rec["energy_equivalent_tce"] == pytest.approx(714.3, **REL)


# ---------------------------------------------------------------- a whole enterprise


def _enterprise_rows():
    return [
        ("raw_coal", 1000, "t"),                                       # 714.3
        ("electricity", 12000, "MWh"),                                 # 1 474.8 | equal 3 720
        ("natural_gas", 50, "万立方米", "feedstock"),                  # 665 (feedstock)
        {"item": "steam", "amount": 100, "unit": "t", "enthalpy": 2800},  # 9.5536
        ("diesel", 20, "t"),                                           # 29.142
        ("heat", 5000, "GJ"),                                          # 170.6
        ("green_power", 1000, "MWh"),                                  # 122.9 | equal 310 (renewable)
        ("electricity", 500, "MWh", "export"),                         # −61.45 | equal −155
        ("value_added", 52000, "万元"),
    ]


def test_multi_carrier_enterprise_total(kit):
    # equivalent: 714.3 + 1 474.8 + 665 + 9.5536 + 29.142 + 170.6 + 122.9 − 61.45 = 3 124.8456 tce
    # equal (0.31): 714.3 + 3 720 + 665 + 9.5536 + 29.142 + 170.6 + 310 − 155 = 5 463.5956 tce
    rec = kit.one(_enterprise_rows(), region="370211", power_coal_rate=0.31)
    eq = 714.3 + 1474.8 + 665 + 9.5536 + 29.142 + 170.6 + 122.9 - 61.45
    ev = 714.3 + 3720 + 665 + 9.5536 + 29.142 + 170.6 + 310 - 155
    assert eq == pytest.approx(3124.8456, rel=1e-12)
    assert rec["energy_equivalent_tce"] == pytest.approx(eq, **REL)
    assert rec["energy_equal_tce"] == pytest.approx(ev, **REL)
    assert rec["feedstock_equivalent_tce"] == pytest.approx(665.0, **REL)
    assert rec["feedstock_equal_tce"] == pytest.approx(665.0, **REL)
    assert rec["renewable_electricity_equivalent_tce"] == pytest.approx(122.9, **REL)
    assert rec["renewable_electricity_equal_tce"] == pytest.approx(310.0, **REL)
    assert rec["exported_equivalent_tce"] == pytest.approx(61.45, **REL)
    assert rec["exported_equal_tce"] == pytest.approx(155.0, **REL)
    # 3 124.8456 − 665 = 2 459.8456; − 122.9 = 2 336.9456
    assert rec["energy_equivalent_excl_feedstock_tce"] == pytest.approx(eq - 665, **REL)
    assert rec["energy_equivalent_excl_feedstock_renewables_tce"] == pytest.approx(eq - 665 - 122.9, **REL)
    # 5 463.5956 − 665 = 4 798.5956; − 310 = 4 488.5956
    assert rec["energy_equal_excl_feedstock_tce"] == pytest.approx(ev - 665, **REL)
    assert rec["energy_equal_excl_feedstock_renewables_tce"] == pytest.approx(ev - 665 - 310, **REL)
    assert rec["renewable_electricity_kwh"] == pytest.approx(1_000_000, **REL)


SPEC_DOCUMENT = {
    "enterprise": "91370200MA3C5XXXX1", "name": "青岛某轮胎有限公司", "region": "370211",
    "industry": "C2911", "period": "2023",
    "items": [{"item": "raw_coal", "amount": 1000, "unit": "t"},
              {"item": "electricity", "amount": 12000, "unit": "MWh"},
              {"item": "natural_gas", "amount": 50, "unit": "万立方米", "flow": "feedstock"},
              {"item": "steam", "amount": 100, "unit": "t", "enthalpy": 2800},
              {"item": "value_added", "amount": 52000, "unit": "万元"}],
}


def test_spec_document(kit):
    # 714.3 + 1 474.8 + 665 + 9.5536 = 2 863.6536 tce; excl. feedstock 2 198.6536
    # equal (0.31): 714.3 + 3 720 + 665 + 9.5536 = 5 108.8536
    res = ck.account(SPEC_DOCUMENT, options=kit.options(power_coal_rate=0.31))
    rec = res.record("91370200MA3C5XXXX1", "2023")
    assert rec["energy_equivalent_tce"] == pytest.approx(2863.6536, **REL)
    assert rec["energy_equivalent_excl_feedstock_tce"] == pytest.approx(2198.6536, **REL)
    assert rec["energy_equal_tce"] == pytest.approx(5108.8536, **REL)
    assert rec["feedstock_equivalent_tce"] == pytest.approx(665.0, **REL)
    assert rec["electricity_kwh"] == pytest.approx(12_000_000, **REL)


def test_document_list_and_frame_agree(kit):
    second = dict(SPEC_DOCUMENT, enterprise="91370100MA3D6YYYY2", items=[{"item": "raw_coal", "amount": 500, "unit": "t"}])
    res = ck.account([SPEC_DOCUMENT, second])
    assert list(res.summary["enterprise"]) == ["91370100MA3D6YYYY2", "91370200MA3C5XXXX1"]  # sorted
    # 500 t × 0.7143 = 357.15 tce
    assert res.record("91370100MA3D6YYYY2", "2023")["energy_equivalent_tce"] == pytest.approx(357.15, **REL)
    frame_rows = [dict(i) for i in SPEC_DOCUMENT["items"]]
    rec = kit.one(frame_rows, enterprise="91370200MA3C5XXXX1", period="2023", region="370211")
    assert rec["energy_equivalent_tce"] == pytest.approx(2863.6536, **REL)
    assert res.record("91370200MA3C5XXXX1", "2023")["energy_equivalent_tce"] == pytest.approx(2863.6536, **REL)


def test_result_carries_release_and_factor_ids(kit):
    res = ck.account(kit.frame([("raw_coal", 1000, "t"), ("electricity", 100, "MWh")], region="37"))
    rec = res.record(kit.E1, "2022")
    assert isinstance(res.release, str) and res.release
    assert rec["release"] == res.release
    ids = rec["factor_ids"].split(";")
    assert ids == sorted(ids)
    assert set(ids) <= set(res.factors["id"])
    assert rec["grid_factor_location"] in set(res.factors["id"])
