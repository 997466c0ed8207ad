"""Stages of the scorer split out of ``assess`` (issue 13), on hand-worked points."""

from __future__ import annotations

import math

from carbonkit.assess.scoring import _reaches_lead, _totals


class _R:
    def __init__(self, points, max_points):
        self.points, self.max_points = points, max_points


def test_totals_and_the_100_scale():
    total, max_total, score = _totals([_R(3.0, 5.0), _R(5.0, 10.0), _R(None, 2.0)])
    # 3 + 5 + 0 = 8 of 5 + 10 + 2 = 17 points; 100 x 8 / 17 = 47.06
    assert (total, max_total) == (8.0, 17.0) and math.isclose(score, 800 / 17)
    assert _totals([]) == (0, 0, None)


def test_reaches_lead():
    assert _reaches_lead(None, 5.0) is None
    assert _reaches_lead(5.0, 5.0) and _reaches_lead(4.999999999999, 5.0)  # within isclose
    assert not _reaches_lead(4.5, 5.0)
