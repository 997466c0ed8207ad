"""The named stages the charts and the enterprise report were split into (issue 13), on hand-worked numbers."""

from __future__ import annotations

import math

from reports import charts
from reports.enterprise import _add_shares, _trend_cells


def test_waterfall_range_cuts_the_levels_when_the_effects_are_small():
    bars = charts._waterfall_bars(("2020", 100.0), [("scale", -5.0), ("mix", 3.0)], ("2023", 98.0))
    # start 100; scale floats 100 -> 95; mix 95 -> 98; end 98
    assert bars == [("2020", 0.0, 100.0, "level"), ("scale", 100.0, 95.0, "fall"), ("mix", 95.0, 98.0, "rise"),
                    ("2023", 0.0, 98.0, "level")]
    lo, hi, drawn = charts._waterfall_range(bars)
    # edges 95..100, span 5 < 0.5 x 100: lo = 95 - 0.6 x 5 = 92, hi = 100 + 0.15 x 5 = 100.75; levels start at lo
    assert math.isclose(lo, 92.0) and math.isclose(hi, 100.75)
    assert drawn[0] == ("2020", 92.0, 100.0, "level") and drawn[1] == bars[1]


def test_waterfall_range_keeps_zero_for_large_effects():
    bars = charts._waterfall_bars(("a", 10.0), [("x", -8.0)], ("b", 2.0))
    # edges 10, 10, 2, 2: span 8 is not < 5, so the axis runs 0 .. 10 and the bars are drawn as given
    assert charts._waterfall_range(bars) == (0.0, 10.0, bars)


def test_frame_maps_years_and_values_to_the_plot():
    f = charts._Frame(640, 260, 70, 20, 16, 36, 2020, 2022, [0.0, 0.5, 1.0])
    # x: 70 + (2021 - 2020) / 2 x (640 - 70 - 20) = 70 + 275 = 345; y: 16 + (1 - 0.5) / 1 x (260 - 16 - 36) = 120
    assert f.x(2021) == 345.0 and f.y(0.5) == 120.0
    assert f.x(2020) == 70.0 and f.y(1.0) == 16.0


def test_trend_cells_against_the_previous_and_the_base_year():
    cells = _trend_cells([2020, 2021, 2022], [1.0, 0.9, None], 1.0, 2020)
    # 2021: 0.9 / 1.0 - 1 = -0.1 against both; the base year itself and a missing value have no change
    assert [c["vs_previous"] for c in cells][::2] == [None, None]
    assert math.isclose(cells[1]["vs_previous"], -0.1) and math.isclose(cells[1]["vs_base"], -0.1)
    assert cells[0]["vs_base"] is None


def test_shares_of_the_carriers():
    entries = [{"tce": 30.0}, {"tce": 10.0}, {"tce": None}]
    _add_shares(entries)
    # total 40 tce: 30 / 40 = 0.75, 10 / 40 = 0.25, no share without a figure
    assert [e["share"] for e in entries] == [0.75, 0.25, None]
