"""A small report takes the fast path (texts, regions and years coded in Python, the summary put
together without pandas' checks) and gives exactly
what the batch path gives: the same summary bit for bit, the same factors, the same problems
(hypothesis, on random reports with good and bad rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import carbonkit as ck
from carbonkit import accounting, activity
from carbonkit.errors import CarbonkitError

ITEMS = [("electricity", ["kWh", "MWh", "万千瓦时", " kWh "]), ("green_power", ["MWh"]), ("natural_gas", ["m3", "万立方米"]),
         ("原煤", ["t", "吨"]), ("diesel", ["t", "kg"]), ("steam", ["t"]), ("heat", ["GJ", "MJ"]),
         ("tap_water", ["m3"]), ("recycled_water", ["m3"]), ("value_added", ["万元"]), ("revenue", ["万元"]),
         ("va_price_index", [""]), ("product_output", ["t"]), ("unobtainium", ["t"]), ("electricity", ["kg"])]
FLOWS = [None, "", "consumption", "feedstock", "export", "外销", "sideways"]
REGIONS = [None, "", "370211", "37", "CN", " 3702 ", "999999"]


@st.composite
def reports(draw):
    rows = []
    for ent in draw(st.lists(st.sampled_from(["E1", "E2 ", "E3"]), min_size=1, max_size=2, unique=True)):
        period = draw(st.sampled_from(["2021", "2023", "2023-07", "2023-13", 2022]))
        region = draw(st.sampled_from(REGIONS))
        for _ in range(draw(st.integers(1, 14))):
            item, units = draw(st.sampled_from(ITEMS))
            rows.append({"enterprise": ent, "period": period, "item": item,
                         "amount": draw(st.one_of(st.floats(0, 1e7), st.just(-1.0), st.just(float("nan")))),
                         "unit": draw(st.sampled_from(units)), "flow": draw(st.sampled_from(FLOWS)),
                         "enthalpy": draw(st.sampled_from([None, 2800.0, 3100.5])) if item == "steam" else None,
                         "region": region, "park": draw(st.sampled_from([None, "P1"]))})
    return pd.DataFrame(rows)


def outcome(frame: pd.DataFrame, options: dict):
    try:
        result = ck.account(frame, options=options)
    except CarbonkitError as exc:
        return [p.__dict__ if hasattr(p, "__dict__") else p for p in exc.problems]
    return result.summary, result.factor_records()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reports(), st.sampled_from([{}, {"year_fallback": "nearest"}]))
def test_fast_path_equals_batch_path(monkeypatch, frame, options):
    fast = outcome(frame, options)
    with monkeypatch.context() as m:
        m.setattr(activity, "SMALL_ROWS", 0)  # every column through pandas
        m.setattr(accounting, "SMALL_GROUPS", 0)
        batch = outcome(frame, options)
    if isinstance(batch, list):
        assert fast == batch
        return
    pd.testing.assert_frame_equal(fast[0], batch[0], check_exact=True)
    assert fast[1] == batch[1]


def test_a_report_of_twelve_rows_takes_the_fast_path(monkeypatch):
    calls = []
    monkeypatch.setattr(activity, "_codes", lambda series: calls.append(series.name) or (_ for _ in ()).throw(AssertionError))
    frame = pd.DataFrame({"enterprise": ["E1"] * 12, "period": ["2023"] * 12, "item": ["electricity"] * 6 + ["tap_water"] * 6,
                          "amount": np.arange(12.0), "unit": ["kWh"] * 6 + ["m3"] * 6,
                          "flow": ["consumption", "export"] * 3 + [None] * 6})
    with pytest.raises(CarbonkitError):  # duplicates: the point is only that no column went through pandas
        ck.account(frame)
    assert calls == []
