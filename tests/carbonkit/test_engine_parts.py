"""The engine's counting shortcuts give what the general methods give (hypothesis), on every path.

``rank_groups`` ranks keys by counting when they span few values and through ``pd.factorize``
otherwise; ``repeated_cells`` counts (group, cell) pairs in a table when it is small and sorts otherwise;
up to ``codes.SMALL`` rows each works in Python. Every path must agree with the plain pandas answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pytest

from carbonkit import codes
from carbonkit.codes import item_unit_pairs, rank_groups, repeated_cells

keys = st.lists(st.integers(-5, 40), min_size=1, max_size=60)


@pytest.fixture(params=[64, 0], ids=["small-in-python", "numpy"])
def small(request, monkeypatch):
    """Each property on both paths: a few rows in Python (codes.SMALL), and every row count through numpy."""
    monkeypatch.setattr(codes, "SMALL", request.param)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys, st.integers(0, 10**9))
def test_sorted_groups_rank_the_distinct_keys(small, values, spread):
    for key in (np.array(values, dtype=np.int64), np.array(values, dtype=np.int64) * (spread + 1)):
        group, uniques = rank_groups(key)  # the second key spans far more values than rows: factorize
        expected = np.unique(key)
        assert uniques.tolist() == expected.tolist()
        assert group.tolist() == np.searchsorted(expected, key).tolist()
        assert group.dtype == uniques.dtype == np.int64  # the same dtypes on every path


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(-1, 12)), min_size=1, max_size=80))
def test_duplicates_equal_pandas(small, rows):
    group = np.array([g for g, _ in rows], dtype=np.int64)
    cell = np.array([c for _, c in rows], dtype=np.int64)
    n_groups = int(group.max()) + 1
    key = pd.Series(np.where(cell >= 0, group * 100 + cell, -1 - np.arange(len(cell))))
    expected = key.duplicated(keep=False).to_numpy()
    assert repeated_cells(group, n_groups, cell.copy()).tolist() == expected.tolist()
    # the sort path: a group count that makes the table too large
    assert repeated_cells(group * 1000, n_groups * 1000, cell.copy()).tolist() == expected.tolist()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(-1, 5), st.integers(-1, 3)), min_size=1, max_size=50))
def test_pairs_equal_unique(small, rows):
    item = np.array([i for i, _ in rows], dtype=np.int64)
    unit = np.array([u for _, u in rows], dtype=np.int32)
    key = np.where(item >= 0, item, 6) * 5 + np.where(unit >= 0, unit, 4)
    expected, inverse = np.unique(key, return_inverse=True)
    pairs, place = item_unit_pairs(item, unit, 6, 4)
    assert pairs.tolist() == expected.tolist()
    assert place.tolist() == inverse.ravel().tolist()
    assert (pairs.dtype, place.dtype) == (np.int64, np.int32)  # the same dtypes on every path


def test_grid_used_names_an_undated_factor_any_year():
    """A grid factor without a data year (Int64 <NA>, as the engine writes it) reads 'data year any', not '<NA>'."""
    import pandas as pd

    from carbonkit.grid import grid_used

    summary = pd.DataFrame({"grid_level_location": ["province", "national"],
                            "grid_year_location": pd.array([2023, pd.NA], dtype="Int64")})
    assert grid_used(summary) == ("of province level, data year 2023 (1 results); "
                                  "national level, data year any (1 results)")


texts = st.one_of(st.text(alphabet=st.sampled_from(list("aAzé中 \t\x00\x1f\u3000\U0001F600\ud800\uffff0")), max_size=4),
                  st.integers(-5, 5))


@given(st.lists(texts, min_size=1, max_size=40, unique_by=lambda v: (type(v), v)))
def test_trimmed_sorted_is_pythons_sorted_set_of_trimmed_texts(values):
    """Python's own answer: the set of ``str(v).strip()`` sorted (code points), each value's place in it; lone
    surrogates (which Arrow cannot hold), NUL and the ideographic space included."""
    want = sorted({str(v).strip() for v in values})
    got_codes, got_texts = codes.trimmed_sorted(pd.Index(values, dtype=object))
    assert got_texts.tolist() == want
    assert got_codes.dtype == np.int32
    assert [want[c] for c in got_codes] == [str(v).strip() for v in values]
