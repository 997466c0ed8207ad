"""The small-input paths of the engine's helpers give exactly what their pandas paths give.

A report of a few enterprise-periods skips pandas' hashing and casts where they cost more than the
rows (issue 19): the credit-code check, the blank-region check, the typed summary, the non-finite
check. Each is held here to the path a large batch takes, on random input (hypothesis), so the fast
path cannot drift from the batch path.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import carbonkit as ck
from carbonkit import accounting, grid, identity
from carbonkit.activity import Collector
from carbonkit.schema import conform, summary_schema, typed_summary

# two valid GB 32100 codes (tests/carbonkit/test_identity.py works the check character), one with its
# check character changed, ids of other shapes, blanks and missing values
IDS = ["91350100M000100Y43", "91350100M000100Y44", "91370211473270545N", "91370211473270545n ", "E1", "E2 ", "",
       "  ", None, float("nan"), "９１３５０１００Ｍ０００１００Ｙ４３", "9135010OM000100Y43"]
REGIONS = ["370211", "37", "CN", " ", "", None, float("nan"), pd.NA, " 3702 "]


@given(st.lists(st.sampled_from(IDS), min_size=0, max_size=40))
def test_credit_codes_of_a_few_ids_as_of_many(ids):
    values = np.array(ids, dtype=object)
    small = identity.credit_code_statuses(values)
    batch = _batch(identity, values, identity.credit_code_statuses)
    assert small.dtype == batch.dtype == object
    assert small.tolist() == batch.tolist() == [identity.credit_code_status(v) for v in ids]


def test_a_valid_and_a_failed_credit_code_on_the_small_path():
    # 91350100M000100Y43: the check character worked by hand in test_identity.py is 3; ...44 fails it
    out = identity.credit_code_statuses(np.array(["91350100M000100Y43", "91350100M000100Y44", "E1"], dtype=object))
    assert out.tolist() == ["valid", "check_failed", ""]


@given(st.lists(st.sampled_from(REGIONS), min_size=1, max_size=30), st.data())
def test_blank_regions_of_a_few_groups_as_of_many(regions, data):
    group = np.array(data.draw(st.lists(st.integers(0, len(regions) - 1), min_size=0, max_size=50)), dtype=np.int64)
    rows = np.array(data.draw(st.lists(st.booleans(), min_size=len(group), max_size=len(group))), dtype=bool)
    values = np.array(regions, dtype=object)
    small = grid.missing_region(values, group, rows)
    batch = _batch(grid, values, lambda v: grid.missing_region(v, group, rows))
    assert small.dtype == batch.dtype == bool
    assert small.tolist() == batch.tolist()
    blank = [r is None or r is pd.NA or (isinstance(r, float) and r != r) or str(r).strip() == "" for r in regions]
    assert small.tolist() == [bool(rows[i] and blank[g]) for i, g in enumerate(group)]


def _batch(module, values, fn):
    """``fn(values)`` with the module's small path switched off."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(module, "SMALL", -1)
        return fn(values)


TEXTS = st.one_of(st.none(), st.just(float("nan")), st.sampled_from(["", "a", " b ", "碳", "370211"]))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.data())
def test_typed_summary_is_conform_of_the_frame(rows, data):
    """Every schema dtype from the column types the engine produces: text as objects (with None and NaN) or
    already typed, years as Python integers or None, factor sets, floats with NaN and inf."""
    columns: dict[str, object] = {}
    for name, dtype in summary_schema().items():
        if dtype == "str":
            values = data.draw(st.lists(TEXTS, min_size=rows, max_size=rows))
            columns[name] = np.array(values, dtype=object)
            if data.draw(st.booleans()) and all(isinstance(v, str) for v in values):
                columns[name] = pd.array(values, dtype="str")  # typed already, as the groups' columns are
        elif dtype == "Int64":
            columns[name] = np.array(data.draw(st.lists(st.one_of(st.none(), st.integers(2005, 2030)),
                                                        min_size=rows, max_size=rows)), dtype=object)
        elif dtype == "category":
            columns[name] = np.array(data.draw(st.lists(st.sampled_from(["", "f.a", "f.a;f.b", "f.b"]),
                                                        min_size=rows, max_size=rows)), dtype=object)
        elif dtype == "int64":
            columns[name] = np.arange(2020, 2020 + rows, dtype=np.int64)
        else:
            columns[name] = np.array(data.draw(st.lists(st.one_of(st.floats(), st.just(0.0)), min_size=rows, max_size=rows)))
    if data.draw(st.booleans()):
        del columns["park"]  # a column not given is all missing
    fast = typed_summary(columns, rows)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, conform(pd.DataFrame(columns, copy=False)), check_exact=True)


def test_non_finite_figures_are_named_group_by_group_in_column_order():
    """An inf in group 1's energy and in group 0's water, and in group 1's water: three problems, group 0
    first, then group 1 with energy (an earlier column) before water; NaN is no problem."""
    frame = pd.DataFrame({"enterprise": ["E1", "E2"], "period": ["2023", "2023"]})
    columns = {"energy_equivalent_tce": np.array([1.0, np.inf]), "water_withdrawal_m3": np.array([-np.inf, np.inf]),
               "co2_location_tco2": np.array([np.nan, 2.0]), "enterprise": np.array(["E1", "E2"], dtype=object)}
    row_groups = np.array([0, 1])
    for small in (True, False):
        problems = Collector(frame, np.array([1, 2]))
        with pytest.MonkeyPatch.context() as m:
            m.setattr(accounting, "SMALL_GROUPS", 64 if small else 0)
            accounting._refuse_infinite(columns, row_groups, problems)
        assert [(p.row, p.field) for p in problems.problems] == [
            (1, "water_withdrawal_m3"), (2, "energy_equivalent_tce"), (2, "water_withdrawal_m3")]


def test_one_report_through_the_fast_path_equals_the_batch_path():
    """The benchmark's report (one enterprise-period of the synthetic province, text columns)."""
    from carbonkit.synthetic import province

    frame = province(1, years=[2023], seed=0)
    frame = frame.astype({c: str for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})
    fast = ck.account(frame, options={"year_fallback": "nearest"})
    with pytest.MonkeyPatch.context() as m:
        m.setattr(accounting, "SMALL_GROUPS", 0)
        m.setattr(grid, "SMALL", -1)
        m.setattr(identity, "SMALL", -1)
        batch = ck.account(frame, options={"year_fallback": "nearest"})
    pd.testing.assert_frame_equal(fast.summary, batch.summary, check_exact=True)
    assert fast.factor_records() == batch.factor_records()
