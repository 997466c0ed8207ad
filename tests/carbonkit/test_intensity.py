"""Intensities per 10^4 CNY (万元), per product, and their changes over a series (ck.changes).

Base enterprise (no region → national factors, 2022), by hand:
  raw coal 1 000 t        → 1 000 × 0.7143 = 714.3 tce;  1 000 × 1.860833 = 1 860.833 tCO2
  electricity 1 000 MWh   → 1 000 000 × 0.1229 / 1000 = 122.9 tce (equal value at 0.31: 310 tce);
                            location 1 000 × 0.5366 = 536.6 tCO2, market 1 000 × 0.5856 = 585.6 tCO2
  tap water 20 000 m3
  energy_equivalent = 714.3 + 122.9 = 837.2 tce;  energy_equal = 714.3 + 310 = 1 024.3 tce
  co2_location = 1 860.833 + 536.6 = 2 397.433 tCO2;  co2_market = 1 860.833 + 585.6 = 2 446.433 tCO2
"""

from __future__ import annotations

import pandas as pd
import pytest

import carbonkit as ck

REL = dict(rel=1e-9)

EF_RAW_COAL = 20.908 * 26.1e-3 * 0.93 * 44 / 12  # tCO2/t, NCV × CC × OF × 44/12
ENERGY = 714.3 + 122.9                              # 837.2 tce
ENERGY_EQUAL = 714.3 + 310.0                        # 1 024.3 tce
CO2_LOCATION = 1000 * EF_RAW_COAL + 1000 * 0.5366   # 2 397.433 tCO2
CO2_MARKET = 1000 * EF_RAW_COAL + 1000 * 0.5856     # 2 446.433 tCO2
WATER = 20_000.0

BASE = [("raw_coal", 1000, "t"), ("electricity", 1000, "MWh"), ("tap_water", 20_000, "m3")]


@pytest.mark.parametrize(("amount", "unit"), [(52_000, "万元"), (5.2, "亿元"), (520_000_000, "元")])
def test_intensities_per_10k_cny(kit, amount, unit):
    # VA = 52 000 万元 = 5.2 亿元 = 520 000 000 元
    # energy 837.2 / 52 000 = 0.0161 tce per 10^4 CNY; equal 1 024.3 / 52 000 = 0.019698
    # water 20 000 / 52 000 = 0.384615; co2 2 397.433 / 52 000 = 0.046104; market 2 446.433 / 52 000
    rec = kit.one(BASE + [("value_added", amount, unit)], power_coal_rate=0.31)
    assert rec["value_added_10k_cny"] == pytest.approx(52_000, **REL)
    assert rec["energy_intensity_tce_per_10k_cny"] == pytest.approx(0.0161, **REL)
    assert rec["energy_equal_intensity_tce_per_10k_cny"] == pytest.approx(ENERGY_EQUAL / 52_000, **REL)
    assert rec["water_intensity_m3_per_10k_cny"] == pytest.approx(WATER / 52_000, **REL)
    assert rec["fresh_water_intensity_m3_per_10k_cny"] == pytest.approx(WATER / 52_000, **REL)
    assert rec["co2_intensity_tco2_per_10k_cny"] == pytest.approx(CO2_LOCATION / 52_000, **REL)
    assert rec["co2_market_intensity_tco2_per_10k_cny"] == pytest.approx(CO2_MARKET / 52_000, **REL)


def test_wan_yuan_and_yi_yuan_agree(kit):
    a = kit.one(BASE + [("工业增加值", 52_000, "万元")])
    b = kit.one(BASE + [("value_added", 5.2, "亿元")])
    for col in ("value_added_10k_cny", "energy_intensity_tce_per_10k_cny", "co2_intensity_tco2_per_10k_cny",
                "water_intensity_m3_per_10k_cny"):
        assert a[col] == pytest.approx(b[col], **REL)


def test_comparable_prices_via_price_index(kit):
    # comparable VA = 52 000 / 1.04 = 50 000 万元
    # energy 837.2 / 50 000 = 0.016744; co2 2 397.433 / 50 000; water 20 000 / 50 000 = 0.4
    rec = kit.one(BASE + [("value_added", 52_000, "万元"), ("va_price_index", 1.04, "")])
    assert rec["value_added_comparable_10k_cny"] == pytest.approx(50_000, **REL)
    assert rec["price_basis"] == "comparable"
    assert rec["energy_intensity_comparable_tce_per_10k_cny"] == pytest.approx(0.016744, **REL)
    assert rec["co2_intensity_comparable_tco2_per_10k_cny"] == pytest.approx(CO2_LOCATION / 50_000, **REL)
    assert rec["water_intensity_comparable_m3_per_10k_cny"] == pytest.approx(0.4, **REL)
    # the current-price intensity is still 837.2 / 52 000
    assert rec["energy_intensity_tce_per_10k_cny"] == pytest.approx(0.0161, **REL)


def test_comparable_prices_via_comparable_value_added(kit):
    # value_added_comparable given directly: 50 000 万元 → 837.2 / 50 000 = 0.016744
    rec = kit.one(BASE + [("value_added", 52_000, "万元"), ("value_added_comparable", 50_000, "万元")])
    assert rec["value_added_comparable_10k_cny"] == pytest.approx(50_000, **REL)
    assert rec["price_basis"] == "comparable"
    assert rec["energy_intensity_comparable_tce_per_10k_cny"] == pytest.approx(0.016744, **REL)


def test_comparable_value_added_wins_over_price_index(kit):
    # both given: the value_added_comparable item (48 000) is used, not 52 000 / 1.04 = 50 000
    # 837.2 / 48 000 = 0.01744167
    rec = kit.one(BASE + [("value_added", 52_000, "万元"), ("value_added_comparable", 48_000, "万元"),
                          ("va_price_index", 1.04, "")])
    assert rec["value_added_comparable_10k_cny"] == pytest.approx(48_000, **REL)
    assert rec["energy_intensity_comparable_tce_per_10k_cny"] == pytest.approx(ENERGY / 48_000, **REL)


def test_current_prices_only(kit):
    rec = kit.one(BASE + [("value_added", 52_000, "万元")])
    assert rec["price_basis"] == "current"
    assert kit.is_missing(rec["value_added_comparable_10k_cny"])
    assert kit.is_missing(rec["energy_intensity_comparable_tce_per_10k_cny"])


def test_per_revenue_and_output_value(kit):
    # revenue 80 000 万元: 837.2 / 80 000 = 0.010465
    # gross output 100 000 万元: 837.2 / 100 000 = 0.008372; co2 2 397.433 / 100 000 = 0.02397433
    rec = kit.one(BASE + [("revenue", 80_000, "万元"), ("gross_output", 10, "亿元")])
    assert rec["revenue_10k_cny"] == pytest.approx(80_000, **REL)
    assert rec["gross_output_10k_cny"] == pytest.approx(100_000, **REL)
    assert rec["energy_per_revenue_tce_per_10k_cny"] == pytest.approx(0.010465, **REL)
    assert rec["energy_per_output_value_tce_per_10k_cny"] == pytest.approx(0.008372, **REL)
    assert rec["co2_per_output_value_tco2_per_10k_cny"] == pytest.approx(CO2_LOCATION / 100_000, **REL)
    assert kit.is_missing(rec["energy_intensity_tce_per_10k_cny"])  # no value added


def test_per_product(kit):
    # 50 000 tyres (条): energy 837.2 / 50 000 = 0.016744 tce per tyre; water 20 000 / 50 000 = 0.4 m3;
    # co2 2 397.433 / 50 000 = 0.04794866 tCO2
    rec = kit.one(BASE + [("product_output", 50_000, "条")])
    assert rec["product_output"] == pytest.approx(50_000, **REL)
    assert rec["product_unit"] == "条"
    assert rec["energy_per_product_tce"] == pytest.approx(0.016744, **REL)
    assert rec["water_per_product_m3"] == pytest.approx(0.4, **REL)
    assert rec["co2_per_product_tco2"] == pytest.approx(CO2_LOCATION / 50_000, **REL)


def test_other_economic_items(kit):
    # land 10 hectare = 100 000 m2 = 100 000 / (10 000/15) 亩 = 150 亩
    rec = kit.one([
        ("tax", 3_000, "万元"),
        ("rd_expense", 0.25, "亿元"),       # 2 500 万元
        ("land_area", 10, "hectare"),
        ("employees", 320, "人"),
    ])
    assert rec["tax_10k_cny"] == pytest.approx(3_000, **REL)
    assert rec["rd_expense_10k_cny"] == pytest.approx(2_500, **REL)
    assert rec["land_area_mu"] == pytest.approx(150.0, **REL)
    assert rec["employees"] == pytest.approx(320, **REL)
    assert kit.is_missing(rec["value_added_10k_cny"])
    assert kit.is_missing(rec["revenue_10k_cny"])


def test_intensities_are_nan_without_denominators(kit):
    rec = kit.one(BASE)
    for col in ("energy_intensity_tce_per_10k_cny", "energy_intensity_comparable_tce_per_10k_cny",
                "co2_intensity_tco2_per_10k_cny", "water_intensity_m3_per_10k_cny",
                "energy_per_revenue_tce_per_10k_cny", "energy_per_product_tce"):
        assert kit.is_missing(rec[col]), col


# ---------------------------------------------------------------- series: ck.changes

# E1, raw coal only (plus water), no region. Energy intensity I = 0.7143 × coal / VA:
#   year  coal   VA      index  water   I            comparable I = I × index
#   2020  1000  10 000   1.00  20 000   0.07143      0.07143
#   2021  1000  12 500   1.02  20 000   0.057144     0.05828688
#   2022   900  12 500   1.05  25 000   0.0514296    0.05400108
#   2023   990  11 000   1.08  22 000   0.064287     0.06942996
# previous-period change: 2021 12 500 → 10 000/12 500 − 1 = −0.2; 2022 900/1000 − 1 = −0.1;
#   2023 (990/11 000)/(900/12 500) − 1 = 0.09/0.072 − 1 = 0.25
# base-year (2020) change: 2020 0; 2021 −0.2; 2022 0.9 × 0.8 − 1 = −0.28; 2023 0.09/0.1 − 1 = −0.1
# comparable, prev: 2021 0.8 × 1.02 − 1 = −0.184; 2022 0.9 × 1.05/1.02 − 1 = −0.0735294;
#   2023 1.25 × 1.08/1.05 − 1 = 0.2857143; base: 2021 −0.184; 2022 0.72 × 1.05 − 1 = −0.244;
#   2023 0.9 × 1.08 − 1 = −0.028
# water intensity 2.0, 1.6, 2.0, 2.0 → prev −0.2, +0.25, 0; base −0.2, 0, 0
# CO2 intensity = coal × EF / VA: the same ratios as energy intensity.
SERIES = {
    "2020": (1000, 10_000, 1.00, 20_000),
    "2021": (1000, 12_500, 1.02, 20_000),
    "2022": (900, 12_500, 1.05, 25_000),
    "2023": (990, 11_000, 1.08, 22_000),
}
# E2 starts in 2021 (no base year): coal 500 t each year, VA 5 000, 4 000, 5 000 万元
# prev: 2022 5 000/4 000 − 1 = 0.25; 2023 4 000/5 000 − 1 = −0.2; base: NaN throughout
SERIES_E2 = {"2021": 5_000, "2022": 4_000, "2023": 5_000}


def _series_frame(kit):
    frames = []
    for period, (coal, va, index, water) in SERIES.items():
        frames.append(kit.frame([("raw_coal", coal, "t"), ("value_added", va, "万元"),
                                 ("va_price_index", index, ""), ("tap_water", water, "m3")], period=period))
    for period, va in SERIES_E2.items():
        frames.append(kit.frame([("raw_coal", 500, "t"), ("value_added", va, "万元")],
                                enterprise=kit.E2, period=period))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def series(kit):
    summary = ck.account(_series_frame(kit)).summary
    return summary, ck.changes(summary, base_year=2020)


def _row(changes, enterprise, period):
    hit = changes[(changes["enterprise"] == enterprise) & (changes["period"].astype(str) == period)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_series_intensity_levels(series, kit):
    summary, _ = series
    levels = summary.set_index(["enterprise", "period"])["energy_intensity_tce_per_10k_cny"]
    assert levels[(kit.E1, "2020")] == pytest.approx(0.07143, **REL)
    assert levels[(kit.E1, "2023")] == pytest.approx(0.064287, **REL)


@pytest.mark.parametrize(("period", "prev", "base"), [
    ("2021", -0.2, -0.2),
    ("2022", -0.1, -0.28),
    ("2023", 0.25, -0.1),
])
def test_energy_intensity_changes(series, kit, period, prev, base):
    row = _row(series[1], kit.E1, period)
    assert row["energy_intensity_tce_per_10k_cny_change_prev"] == pytest.approx(prev, rel=1e-9)
    assert row["energy_intensity_tce_per_10k_cny_change_base"] == pytest.approx(base, rel=1e-9)
    # CO2 comes from coal only: the same relative changes
    assert row["co2_intensity_tco2_per_10k_cny_change_prev"] == pytest.approx(prev, rel=1e-9)
    assert row["co2_intensity_tco2_per_10k_cny_change_base"] == pytest.approx(base, rel=1e-9)


def test_base_year_itself(series, kit):
    row = _row(series[1], kit.E1, "2020")
    assert kit.is_missing(row["energy_intensity_tce_per_10k_cny_change_prev"])  # no 2019
    assert row["energy_intensity_tce_per_10k_cny_change_base"] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(("period", "prev", "base"), [
    ("2021", 0.8 * 1.02 - 1, 0.8 * 1.02 - 1),              # −0.184, −0.184
    ("2022", 0.9 * 1.05 / 1.02 - 1, 0.72 * 1.05 - 1),      # −0.0735294, −0.244
    ("2023", 1.25 * 1.08 / 1.05 - 1, 0.9 * 1.08 - 1),      # 0.2857143, −0.028
])
def test_comparable_energy_intensity_changes(series, kit, period, prev, base):
    row = _row(series[1], kit.E1, period)
    assert row["energy_intensity_comparable_tce_per_10k_cny_change_prev"] == pytest.approx(prev, rel=1e-9)
    assert row["energy_intensity_comparable_tce_per_10k_cny_change_base"] == pytest.approx(base, rel=1e-9)


@pytest.mark.parametrize(("period", "prev", "base"), [("2021", -0.2, -0.2), ("2022", 0.25, 0.0), ("2023", 0.0, 0.0)])
def test_water_intensity_changes(series, kit, period, prev, base):
    # 2.0 → 1.6 → 2.0 → 2.0 m3 per 10^4 CNY
    row = _row(series[1], kit.E1, period)
    assert row["water_intensity_m3_per_10k_cny_change_prev"] == pytest.approx(prev, abs=1e-12)
    assert row["water_intensity_m3_per_10k_cny_change_base"] == pytest.approx(base, abs=1e-12)


def test_changes_are_per_enterprise(series, kit):
    changes = series[1]
    assert kit.is_missing(_row(changes, kit.E2, "2021")["energy_intensity_tce_per_10k_cny_change_prev"])
    assert _row(changes, kit.E2, "2022")["energy_intensity_tce_per_10k_cny_change_prev"] == pytest.approx(0.25, rel=1e-9)
    assert _row(changes, kit.E2, "2023")["energy_intensity_tce_per_10k_cny_change_prev"] == pytest.approx(-0.2, rel=1e-9)
    for period in SERIES_E2:  # E2 has no 2020 period
        assert kit.is_missing(_row(changes, kit.E2, period)["energy_intensity_tce_per_10k_cny_change_base"])
    # E2 has no water: its water-intensity changes are NaN
    assert kit.is_missing(_row(changes, kit.E2, "2022")["water_intensity_m3_per_10k_cny_change_prev"])


def test_changes_columns(series):
    changes = series[1]
    assert {"enterprise", "period"} <= set(changes.columns)
    for col in ("energy_intensity_tce_per_10k_cny", "energy_intensity_comparable_tce_per_10k_cny",
                "energy_equal_intensity_tce_per_10k_cny", "water_intensity_m3_per_10k_cny",
                "co2_intensity_tco2_per_10k_cny", "co2_market_intensity_tco2_per_10k_cny",
                "energy_per_product_tce"):
        assert f"{col}_change_prev" in changes.columns
        assert f"{col}_change_base" in changes.columns
    assert len(changes) == 7  # 4 periods of E1 + 3 of E2


def test_other_base_year(series, kit):
    # base 2021 (I = 0.7143 × 0.08): 2023 (990/11 000)/(1 000/12 500) − 1 = 0.09/0.08 − 1 = 0.125;
    # 2020 vs 2021: 0.1/0.08 − 1 = 0.25; E2 2023 vs its own 2021: 5 000/5 000 − 1 = 0
    changes = ck.changes(series[0], base_year=2021)
    assert _row(changes, kit.E1, "2023")["energy_intensity_tce_per_10k_cny_change_base"] == pytest.approx(0.125, rel=1e-9)
    assert _row(changes, kit.E1, "2020")["energy_intensity_tce_per_10k_cny_change_base"] == pytest.approx(0.25, rel=1e-9)
    assert _row(changes, kit.E2, "2023")["energy_intensity_tce_per_10k_cny_change_base"] == pytest.approx(0.0, abs=1e-12)


def test_monthly_changes(kit):
    # months: I = 0.7143 × coal / VA with VA 1 000 万元 each month
    #   2020-03 coal 100 → 0.07143; 2021-03 coal 90 → 0.064287; 2021-04 coal 108 → 0.0771444
    # 2021-03 vs base month 2020-03: 90/100 − 1 = −0.1
    # 2021-04 vs previous month 2021-03: 108/90 − 1 = 0.2; no 2020-04 → base NaN
    # annual periods compare with annual ones: 2021 (coal 1 100, VA 10 000) vs 2020 (1 000, 10 000) = 0.1
    rows = {"2020-03": (100, 1000), "2021-03": (90, 1000), "2021-04": (108, 1000),
            "2020": (1000, 10_000), "2021": (1100, 10_000)}
    data = pd.concat([kit.frame([("raw_coal", c, "t"), ("value_added", v, "万元")], period=p) for p, (c, v) in rows.items()],
                     ignore_index=True)
    changes = ck.changes(ck.account(data).summary, base_year=2020)
    col = "energy_intensity_tce_per_10k_cny"
    assert _row(changes, kit.E1, "2021-03")[f"{col}_change_base"] == pytest.approx(-0.1, rel=1e-9)
    assert _row(changes, kit.E1, "2021-04")[f"{col}_change_prev"] == pytest.approx(0.2, rel=1e-9)
    assert kit.is_missing(_row(changes, kit.E1, "2021-04")[f"{col}_change_base"])
    assert _row(changes, kit.E1, "2021")[f"{col}_change_prev"] == pytest.approx(0.1, rel=1e-9)
    assert _row(changes, kit.E1, "2021")[f"{col}_change_base"] == pytest.approx(0.1, rel=1e-9)
