"""CO2 in tCO2: scope 1 fuel combustion and scope 2 electricity and heat.

Fuel emission factors are derived by hand, EF = NCV × CC × OF × 44/12 (reference §2; NCV in GJ/unit,
CC in tC/TJ so ×10^-3 for tC/GJ). Grid factors are the MEE/NBS values of reference §3 (tCO2/MWh).
"""

from __future__ import annotations

import pytest

import carbonkit as ck
from carbonkit.errors import InvalidInput, MissingFactor

REL = dict(rel=1e-9)

# tCO2 per unit, by hand:
# raw coal proxy: 20.908 GJ/t × 26.1e-3 tC/GJ × 0.93 × 44/12 = 0.50749988 tC/t × 3.6667 = 1.860833 tCO2/t
EF_RAW_COAL = 20.908 * 26.1e-3 * 0.93 * 44 / 12
# diesel: 42.652 GJ/t × 20.2e-3 × 0.98 × 44/12 = 0.84433899 tC/t × 3.6667 = 3.095910 tCO2/t
EF_DIESEL = 42.652 * 20.2e-3 * 0.98 * 44 / 12
# natural gas: 389.31 GJ/10^4Nm3 × 15.3e-3 × 0.99 × 44/12 = 5.89687857 tC × 3.6667 = 21.621888 tCO2/10^4Nm3
EF_NATURAL_GAS = 389.31 * 15.3e-3 * 0.99 * 44 / 12

# feed-water enthalpy of the NDRC steam formula, kJ/kg, and the purchased-heat factor, tCO2/GJ
FEED_WATER = 83.74
HEAT_EF = 0.11


def test_hand_derived_factors_match_the_reference_rounding():
    # the reference prints these to 4/5 significant figures: 1.8608, 3.0959, 21.622
    assert EF_RAW_COAL == pytest.approx(1.8608, abs=5e-5)
    assert EF_DIESEL == pytest.approx(3.0959, abs=5e-5)
    assert EF_NATURAL_GAS == pytest.approx(21.622, abs=5e-4)


# ---------------------------------------------------------------- scope 1


def test_raw_coal_combustion(kit):
    # 1 000 t × 1.860833 tCO2/t = 1 860.833 tCO2
    rec = kit.one([("raw_coal", 1000, "t")])
    assert rec["co2_combustion_tco2"] == pytest.approx(1000 * EF_RAW_COAL, **REL)


def test_diesel_combustion(kit):
    # 20 t × 3.095910 = 61.918 tCO2
    rec = kit.one([("diesel", 20, "t")])
    assert rec["co2_combustion_tco2"] == pytest.approx(20 * EF_DIESEL, **REL)


@pytest.mark.parametrize(("amount", "unit"), [(50, "万立方米"), (500_000, "m3"), (50, "万Nm3"), (500_000, "Nm3")])
def test_natural_gas_combustion(kit, amount, unit):
    # 50 × 10^4 Nm3 × 21.621888 tCO2/10^4Nm3 = 1 081.094 tCO2
    rec = kit.one([("natural_gas", amount, unit)])
    assert rec["co2_combustion_tco2"] == pytest.approx(50 * EF_NATURAL_GAS, **REL)


def test_feedstock_gas_is_not_combustion(kit):
    # 10 万m3 burnt: 10 × 21.621888 = 216.219 tCO2; the 50 万m3 used as feedstock emit nothing here
    rec = kit.one([("natural_gas", 10, "万立方米"), ("natural_gas", 50, "万立方米", "feedstock")])
    assert rec["co2_combustion_tco2"] == pytest.approx(10 * EF_NATURAL_GAS, **REL)


def test_fuel_export_is_deducted(kit):
    # (1 000 − 200) t × 1.860833 = 1 488.666 tCO2
    rec = kit.one([("raw_coal", 1000, "t"), ("raw_coal", 200, "t", "export")])
    assert rec["co2_combustion_tco2"] == pytest.approx(800 * EF_RAW_COAL, **REL)


def test_several_fuels_add(kit):
    # 1 000 × 1.860833 + 20 × 3.095910 + 10 × 21.621888
    #   = 1 860.833 + 61.918 + 216.219 = 2 138.970 tCO2
    rec = kit.one([("raw_coal", 1000, "t"), ("diesel", 20, "t"), ("天然气", 10, "万立方米")])
    expected = 1000 * EF_RAW_COAL + 20 * EF_DIESEL + 10 * EF_NATURAL_GAS
    assert rec["co2_combustion_tco2"] == pytest.approx(expected, **REL)


# ---------------------------------------------------------------- scope 2, location-based


@pytest.mark.parametrize(("period", "factor"), [
    ("2021", 0.6838),
    ("2022", 0.6410),
    ("2023", 0.6191),
    ("2024", 0.6191),   # no 2024 row: nearest earlier year, 2023
    ("2025", 0.6191),   # no 2025 row: nearest earlier year, 2023
    ("2022-06", 0.6410),  # a month uses its year's factor
])
def test_location_based_shandong(kit, period, factor):
    # 12 000 MWh × factor; 2022: 12 000 × 0.6410 = 7 692 tCO2; 2023: 12 000 × 0.6191 = 7 429.2 tCO2
    rec = kit.one([("electricity", 12000, "MWh")], region="370211", period=period)
    assert rec["co2_electricity_location_tco2"] == pytest.approx(12000 * factor, **REL)


@pytest.mark.parametrize("region", ["370211", "37", "370100"])
def test_only_the_first_two_digits_of_the_region_matter(kit, region):
    # all Shandong: 12 000 × 0.6410 = 7 692
    rec = kit.one([("electricity", 12000, "MWh")], region=region)
    assert rec["co2_electricity_location_tco2"] == pytest.approx(7692.0, **REL)


def test_location_factor_is_traced(kit):
    res = ck.account(kit.frame([("electricity", 12000, "MWh")], region="370211"))
    rec = res.record(kit.E1, "2022")
    factors = res.factors.set_index("id")
    assert factors.loc[rec["grid_factor_location"], "value"] == pytest.approx(0.6410, **REL)
    assert factors.loc[rec["grid_factor_market"], "value"] == pytest.approx(0.5856, **REL)


def test_province_without_a_row_falls_back_to_its_grid(kit):
    # Beijing (11) has no provincial row; North China grid 2022 = 0.6776 → 12 000 × 0.6776 = 8 131.2
    rec = kit.one([("electricity", 12000, "MWh")], region="11")
    assert rec["co2_electricity_location_tco2"] == pytest.approx(8131.2, **REL)


def test_cn_uses_the_national_factor_on_purpose_and_says_so(kit):
    # national average 2022 = 0.5366 → 12 000 × 0.5366 = 6 439.2
    rec = kit.one([("electricity", 12000, "MWh")], region="CN")
    assert rec["co2_electricity_location_tco2"] == pytest.approx(6439.2, **REL)
    assert (rec["grid_level_location"], rec["grid_year_location"]) == ("national", 2022)


def test_electricity_without_a_region_is_refused_naming_the_row(kit):
    """No silent national default: 1,000 MWh in Shandong 2023 is 1,000 × 0.6191 = 619.1 t, the national
    0.5306 would give 530.6 t, 14 % low. A missing region is a problem naming the row."""
    with pytest.raises(MissingFactor) as caught:
        kit.one([("electricity", 1000, "MWh")], period="2023", region=None)
    (problem,) = caught.value.problems
    assert (problem.code, problem.field, problem.row) == ("region_missing", "region", 1)
    assert "`CN` to use the national average on purpose" in problem.message
    shandong = kit.one([("electricity", 1000, "MWh")], period="2023", region="370211")
    national = kit.one([("electricity", 1000, "MWh")], period="2023", region="CN")
    assert shandong["co2_electricity_location_tco2"] == pytest.approx(619.1, **REL)
    assert national["co2_electricity_location_tco2"] == pytest.approx(530.6, **REL)
    assert (shandong["grid_level_location"], shandong["grid_year_location"]) == ("province", 2023)


def test_a_fuel_only_report_needs_no_region(kit):
    # 1 000 t raw coal × 0.7143 kgce/kg = 714.3 tce; no electricity, so no grid factor and no region needed
    rec = kit.one([("raw_coal", 1000, "t")])
    assert rec["energy_equivalent_tce"] == pytest.approx(714.3, **REL)
    assert rec["grid_level_location"] is None


def test_a_factor_of_an_earlier_year_states_its_year(kit):
    # 2030 has no grid factor: the latest earlier one (Shandong 2023, 0.6191) is used and its year stated
    rec = kit.one([("electricity", 1000, "MWh")], period="2030", region="37")
    assert rec["co2_electricity_location_tco2"] == pytest.approx(619.1, **REL)
    assert (rec["year"], rec["grid_level_location"], rec["grid_year_location"]) == (2030, "province", 2023)


@pytest.mark.parametrize(("grid_level", "expected"), [
    ("province", 12000 * 0.6410),   # 7 692
    ("grid", 12000 * 0.6776),       # 8 131.2 (North China)
    ("national", 12000 * 0.5366),   # 6 439.2
])
def test_grid_level_option(kit, grid_level, expected):
    rec = kit.one([("electricity", 12000, "MWh")], region="37", grid_level=grid_level)
    assert rec["co2_electricity_location_tco2"] == pytest.approx(expected, **REL)
    assert rec["grid_level_location"] == grid_level


def test_carbon_market_purpose(kit):
    # 2022 national carbon-market factor 0.5703 → 12 000 × 0.5703 = 6 843.6
    rec = kit.one([("electricity", 12000, "MWh")], region="370211", location_purpose="carbon_market")
    assert rec["co2_electricity_location_tco2"] == pytest.approx(6843.6, **REL)


def test_fossil_purpose(kit):
    # 2022 national fossil-fuel power factor 0.8325 → 12 000 × 0.8325 = 9 990
    rec = kit.one([("electricity", 12000, "MWh")], region="370211", location_purpose="fossil")
    assert rec["co2_electricity_location_tco2"] == pytest.approx(9990.0, **REL)


def test_green_power_counts_in_location_based_but_onsite_does_not(kit):
    # location: (10 000 grid + 1 000 green power + 500 certificates) MWh × 0.6410 = 11 500 × 0.641 = 7 371.5;
    # on-site renewable (800 MWh) is zero
    rec = kit.one([
        ("electricity", 10000, "MWh"),
        ("green_power", 1000, "MWh"),
        ("green_certificate_electricity", 500, "MWh"),
        ("onsite_renewable_electricity", 800, "MWh"),
    ], region="370211")
    assert rec["co2_electricity_location_tco2"] == pytest.approx(7371.5, **REL)


# ---------------------------------------------------------------- scope 2, market-based


@pytest.mark.parametrize(("period", "factor"), [("2022", 0.5856), ("2023", 0.6096)])
def test_market_based(kit, period, factor):
    # grid 10 000 MWh × residual factor (2022: 0.5856 → 5 856; 2023: 0.6096 → 6 096);
    # green power 2 000 MWh at zero. Location for comparison (Shandong): 12 000 × 0.6410 / 0.6191
    rec = kit.one([("electricity", 10000, "MWh"), ("green_power", 2000, "MWh")], region="370211", period=period)
    assert rec["co2_electricity_market_tco2"] == pytest.approx(10000 * factor, **REL)
    location = {"2022": 0.6410, "2023": 0.6191}[period]
    assert rec["co2_electricity_location_tco2"] == pytest.approx(12000 * location, **REL)


def test_market_based_is_national_whatever_the_region(kit):
    # Beijing 2022: market 12 000 × 0.5856 = 7 027.2
    rec = kit.one([("electricity", 12000, "MWh")], region="11")
    assert rec["co2_electricity_market_tco2"] == pytest.approx(7027.2, **REL)


def test_exported_electricity_is_deducted(kit):
    # (12 000 − 2 000) MWh = 10 000 MWh: location 10 000 × 0.6410 = 6 410; market 10 000 × 0.5856 = 5 856
    rec = kit.one([("electricity", 12000, "MWh"), ("electricity", 2000, "MWh", "export")], region="370211")
    assert rec["co2_electricity_location_tco2"] == pytest.approx(6410.0, **REL)
    assert rec["co2_electricity_market_tco2"] == pytest.approx(5856.0, **REL)


# ---------------------------------------------------------------- heat and steam


def test_purchased_heat(kit):
    # 1 000 GJ × 0.11 tCO2/GJ = 110 tCO2
    rec = kit.one([("heat", 1000, "GJ")])
    assert rec["co2_heat_tco2"] == pytest.approx(110.0, **REL)


def test_steam_with_enthalpy(kit):
    # 100 t = 100 000 kg × (2 800 − 83.74) kJ/kg = 271 626 000 kJ = 271.626 GJ × 0.11 = 29.87886 tCO2
    rec = kit.one([{"item": "steam", "amount": 100, "unit": "t", "enthalpy": 2800}])
    assert rec["co2_heat_tco2"] == pytest.approx(100_000 * (2800 - FEED_WATER) / 1e6 * HEAT_EF, **REL)
    assert rec["co2_heat_tco2"] == pytest.approx(29.87886, **REL)


def test_steam_without_enthalpy_uses_3763(kit):
    # 100 000 kg × (3 763 − 83.74) kJ/kg = 367 926 000 kJ = 367.926 GJ × 0.11 = 40.47186 tCO2
    rec = kit.one([("steam", 100, "t")])
    assert rec["co2_heat_tco2"] == pytest.approx(40.47186, **REL)


def test_heat_export_is_deducted(kit):
    # (1 000 − 300) GJ × 0.11 = 77 tCO2
    rec = kit.one([("heat", 1000, "GJ"), ("heat", 300, "GJ", "export")])
    assert rec["co2_heat_tco2"] == pytest.approx(77.0, **REL)


# ---------------------------------------------------------------- totals


def test_enterprise_totals(kit):
    # Shandong 2022:
    # combustion = 1 000 × 1.860833 + 10 × 21.621888 = 1 860.833 + 216.219 = 2 077.052
    #   (the 50 万m3 of feedstock gas is not combustion)
    # electricity location = (12 000 + 1 000) × 0.6410 = 8 333; market = 12 000 × 0.5856 = 7 027.2
    # heat = 100 000 × (2 800 − 83.74) / 10^6 × 0.11 = 29.87886
    # scope 2 location = 8 362.87886, market = 7 057.07886
    # co2_location = 10 439.931, co2_market = 9 134.131
    rec = kit.one([
        ("raw_coal", 1000, "t"),
        ("natural_gas", 10, "万立方米"),
        ("natural_gas", 50, "万立方米", "feedstock"),
        ("electricity", 12000, "MWh"),
        ("green_power", 1000, "MWh"),
        {"item": "steam", "amount": 100, "unit": "t", "enthalpy": 2800},
        ("value_added", 52000, "万元"),
    ], region="370211")
    combustion = 1000 * EF_RAW_COAL + 10 * EF_NATURAL_GAS
    heat = 100_000 * (2800 - FEED_WATER) / 1e6 * HEAT_EF
    assert rec["co2_combustion_tco2"] == pytest.approx(combustion, **REL)
    assert rec["co2_electricity_location_tco2"] == pytest.approx(8333.0, **REL)
    assert rec["co2_electricity_market_tco2"] == pytest.approx(7027.2, **REL)
    assert rec["co2_heat_tco2"] == pytest.approx(heat, **REL)
    assert rec["co2_scope2_location_tco2"] == pytest.approx(8333.0 + heat, **REL)
    assert rec["co2_scope2_market_tco2"] == pytest.approx(7027.2 + heat, **REL)
    assert rec["co2_location_tco2"] == pytest.approx(combustion + 8333.0 + heat, **REL)
    assert rec["co2_market_tco2"] == pytest.approx(combustion + 7027.2 + heat, **REL)
    assert rec["co2_location_tco2"] == pytest.approx(10439.9306489, rel=1e-9)


# ---------------------------------------------------------------- year fallback


def test_2019_electricity_has_no_earlier_factor(kit):
    data = kit.frame([("raw_coal", 10, "t"), ("electricity", 1000, "MWh")], region="370211", period="2019")
    with pytest.raises(InvalidInput) as info:
        ck.account(data, options=ck.AccountingOptions(year_fallback="earlier"))
    codes = {p.code for p in info.value.problems}
    assert codes == {"factor_missing"}
    problem = info.value.problems[0]
    assert problem.enterprise == kit.E1
    assert problem.period == "2019"


def test_the_default_takes_the_nearest_year_and_says_which(kit):
    """The default year_fallback is 'nearest': the 2020 base year of the shipped targets accounts out of the box,
    with Shandong 2021's 0.6838 (1,000 MWh → 683.8 t), and the result states the factor's year."""
    assert ck.AccountingOptions().year_fallback == "nearest"
    rec = kit.one([("electricity", 1000, "MWh")], region="370211", period="2020")
    assert rec["co2_electricity_location_tco2"] == pytest.approx(683.8, **REL)
    assert (rec["year"], rec["grid_year_location"]) == (2020, 2021)


@pytest.mark.parametrize(("region", "factor"), [("370211", 0.6838), ("CN", 0.5568)])
def test_2019_with_nearest_year_uses_2021(kit, region, factor):
    # Shandong 2021 0.6838 → 1 000 MWh × 0.6838 = 683.8; national 2021 0.5568 → 556.8
    rec = kit.one([("electricity", 1000, "MWh")], region=region, period="2019", year_fallback="nearest")
    assert rec["co2_electricity_location_tco2"] == pytest.approx(1000 * factor, **REL)
