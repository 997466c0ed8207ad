"""Water withdrawal (取水量) by source, fresh and non-conventional water, reuse rate. All m3, by hand.

Classes from factors/items.csv: fresh = tap, surface, ground, purchased water; non-conventional =
reclaimed, sea, brackish, mine water; recycled water is reuse inside the enterprise, not withdrawal.
"""

from __future__ import annotations

import pytest

REL = dict(rel=1e-12)

ROWS = [
    ("tap_water", 10_000, "m3"),
    ("ground_water", 5_000, "m3"),
    ("surface_water", 3_000, "m3"),
    ("purchased_water", 2_000, "m3"),
    ("reclaimed_water", 4_000, "m3"),
    ("seawater", 1_000, "m3"),
    ("recycled_water", 75_000, "m3"),
    ("value_added", 1_000, "万元"),
]


@pytest.fixture(scope="module")
def rec(kit):
    return kit.one(ROWS)


def test_withdrawal_by_source(rec):
    assert rec["water_tap_water_m3"] == pytest.approx(10_000, **REL)
    assert rec["water_ground_water_m3"] == pytest.approx(5_000, **REL)
    assert rec["water_surface_water_m3"] == pytest.approx(3_000, **REL)
    assert rec["water_purchased_water_m3"] == pytest.approx(2_000, **REL)
    assert rec["water_reclaimed_water_m3"] == pytest.approx(4_000, **REL)
    assert rec["water_seawater_m3"] == pytest.approx(1_000, **REL)


def test_fresh_nonconventional_and_withdrawal(rec):
    # fresh = 10 000 + 5 000 + 3 000 + 2 000 = 20 000
    # non-conventional = 4 000 + 1 000 = 5 000
    # withdrawal = 20 000 + 5 000 = 25 000 (recycled 75 000 is not withdrawal)
    assert rec["fresh_water_m3"] == pytest.approx(20_000, **REL)
    assert rec["nonconventional_water_m3"] == pytest.approx(5_000, **REL)
    assert rec["water_withdrawal_m3"] == pytest.approx(25_000, **REL)
    assert rec["recycled_water_m3"] == pytest.approx(75_000, **REL)


def test_nonconventional_share(rec):
    # 5 000 / 25 000 = 0.2
    assert rec["nonconventional_share"] == pytest.approx(0.2, **REL)


def test_reuse_rate(rec):
    # recycled / (recycled + withdrawal) = 75 000 / (75 000 + 25 000) = 0.75
    assert rec["water_reuse_rate"] == pytest.approx(0.75, **REL)


def test_water_intensities(rec):
    # withdrawal / VA = 25 000 m3 / 1 000 万元 = 25 m3 per 10^4 CNY; fresh 20 000 / 1 000 = 20
    assert rec["water_intensity_m3_per_10k_cny"] == pytest.approx(25.0, **REL)
    assert rec["fresh_water_intensity_m3_per_10k_cny"] == pytest.approx(20.0, **REL)


def test_water_in_chinese_names_and_units(kit):
    # 自来水 1.2 万立方米 = 12 000 m3; 地下水 3 000 方 = 3 000 m3; 中水 0.5 万立方米 = 5 000 m3;
    # 矿井水 1 000 m3; 苦咸水 500 m3; 重复利用水量 8 万立方米 = 80 000 m3
    # fresh = 12 000 + 3 000 = 15 000; non-conventional = 5 000 + 1 000 + 500 = 6 500;
    # withdrawal = 21 500; share = 6 500 / 21 500 = 0.302326;
    # reuse = 80 000 / (80 000 + 21 500) = 80 000 / 101 500 = 0.788177
    rec = kit.one([
        ("自来水", 1.2, "万立方米"),
        ("地下水", 3000, "方"),
        ("中水", 0.5, "万立方米"),
        ("矿井水", 1000, "m3"),
        ("苦咸水", 500, "m3"),
        ("重复利用水量", 8, "万立方米"),
    ])
    assert rec["water_tap_water_m3"] == pytest.approx(12_000, **REL)
    assert rec["water_mine_water_m3"] == pytest.approx(1_000, **REL)
    assert rec["water_brackish_water_m3"] == pytest.approx(500, **REL)
    assert rec["fresh_water_m3"] == pytest.approx(15_000, **REL)
    assert rec["nonconventional_water_m3"] == pytest.approx(6_500, **REL)
    assert rec["water_withdrawal_m3"] == pytest.approx(21_500, **REL)
    assert rec["nonconventional_share"] == pytest.approx(6_500 / 21_500, **REL)
    assert rec["water_reuse_rate"] == pytest.approx(80_000 / 101_500, **REL)


def test_comparable_water_intensity(kit):
    # VA 1 000 万元 at a price index of 1.25 → comparable VA = 1 000 / 1.25 = 800 万元;
    # 20 000 m3 / 800 = 25 m3 per 10^4 CNY (comparable), 20 000 / 1 000 = 20 (current)
    rec = kit.one([
        ("tap_water", 20_000, "m3"),
        ("value_added", 1_000, "万元"),
        ("va_price_index", 1.25, ""),
    ])
    assert rec["water_intensity_m3_per_10k_cny"] == pytest.approx(20.0, **REL)
    assert rec["water_intensity_comparable_m3_per_10k_cny"] == pytest.approx(25.0, **REL)


def test_water_intensity_without_value_added_is_nan(kit):
    rec = kit.one([("tap_water", 20_000, "m3")])
    assert rec["water_withdrawal_m3"] == pytest.approx(20_000, **REL)
    assert kit.is_missing(rec["water_intensity_m3_per_10k_cny"])
