"""The validation stages of carbonkit.activity: each returns its findings; validate reports them in stage order."""

import numpy as np
import pandas as pd
import pytest

from carbonkit.activity import Collector, find, validate
from carbonkit.errors import InvalidInput, UnitMismatch, UnknownItem


def _frame(rows):
    return pd.DataFrame(rows, columns=["enterprise", "period", "item", "amount", "unit"])


def test_find_nothing_when_no_row_is_concerned():
    assert find(np.zeros(3, dtype=bool), "x", "item", "m") == []
    assert find(np.array([], dtype=np.int64), "x", "item", "m") == []


def test_find_turns_a_mask_into_row_positions():
    (f,) = find(np.array([False, True, True]), "x", "item", "m", kind=UnknownItem)
    assert f.index.tolist() == [1, 2] and f.kind is UnknownItem


def test_problems_come_in_stage_order_items_before_units_before_amounts():
    frame = _frame([["E1", "2023", "electricity", -5, "kWh"],   # row 1: amount negative (amount stage)
                    ["E1", "2023", "no such item", 1, "t"],     # row 2: unknown item (item stage)
                    ["E1", "2023", "原煤", 1, "kWh"]])            # row 3: kWh is no unit of coal (unit stage)
    with pytest.raises(InvalidInput) as exc:
        validate(frame)
    assert [(p.code, p.row) for p in exc.value.problems] == [
        ("item_unknown", 2), ("unit_dimension", 3), ("amount_negative", 1)]
    assert type(exc.value) is InvalidInput  # three kinds: the general one


def test_one_kind_of_problem_is_raised_as_that_kind():
    with pytest.raises(UnitMismatch):
        validate(_frame([["E1", "2023", "原煤", 1, "kWh"]]))


def test_collect_mode_returns_the_collector_for_later_problems():
    acts, out = validate(_frame([["E1", "2023", "electricity", 5, "MWh"]]), raise_now=False)
    assert isinstance(out, Collector) and out.problems == []
    assert acts.amount.tolist() == [5000.0]  # 5 MWh = 5 x 1000 kWh
    out.add(np.array([True]), "factor_missing", "item", "no factor")
    with pytest.raises(InvalidInput, match="no factor"):
        out.raise_if_any()
