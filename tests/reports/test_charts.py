"""Charts readable on paper: round ticks, gridlines, a labelled target line; one unit for a share everywhere."""

from __future__ import annotations

import math
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from reports import charts, park_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_nice_ticks_by_hand():
    # range 0.83..1.0 over ~5 ticks: raw step 0.0425 -> 0.05; 0.80 .. 1.00
    assert charts.nice_ticks(0.83, 1.0) == [0.8, 0.85, 0.9, 0.95, 1.0]
    # 1,234..56,789: raw step 13,889 -> 20,000
    assert charts.nice_ticks(1234, 56789) == [0, 20000, 40000, 60000]
    assert charts.nice_ticks(-0.3, 0.05) == [-0.3, -0.2, -0.1, 0.0, 0.1]


@given(st.floats(-1e6, 1e6), st.floats(1e-3, 1e6))
def test_ticks_cover_the_range_in_equal_round_steps(lo, span):
    hi = lo + span
    ticks = charts.nice_ticks(lo, hi)
    step = ticks[1] - ticks[0]
    # covered up to a billionth of a step (a value that close to a tick is drawn on it)
    assert ticks[0] <= lo + 1e-9 * step and ticks[-1] >= hi - 1e-9 * step
    assert 2 <= len(ticks) <= 12
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:])}
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))
    assert max(steps) - min(steps) <= 1e-6 * max(1, abs(step))


def test_the_target_line_is_labelled_with_gridlines():
    svg = str(charts.lines([("achieved", [(2020, 1.0), (2023, 0.7)], "solid")], "吨标准煤/万元", reference=0.83,
                           reference_label="目标值 2025"))
    assert "目标值 2025: 0.83" in svg
    assert svg.count('stroke="#e3e3e3"') == len(charts.nice_ticks(0.7, 1.0))  # one gridline per tick


def test_a_share_has_one_unit_in_the_park_report():
    html = park_report(EXAMPLES / "green_park.json", lang="zh", activities=EXAMPLES / "park.csv")
    indicator = re.search(r'<tr data-indicator="renewable_share">(.*?)</tr>', html, re.DOTALL).group(1)
    metric = re.search(r'<tr data-metric="renewable_share">(.*?)</tr>', html, re.DOTALL).group(1)
    cells = lambda row: [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]  # noqa: E731
    ind, met = cells(indicator), cells(metric)
    # the indicator is stated in % (0.677); the computed share is a ratio 0.00677 shown x 100 in % as well
    assert ind[2:4] == ["0.677", "%"] and met[1:3] == ["0.677", "%"]
