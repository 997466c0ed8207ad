"""A large input accounted in blocks of whole enterprises (carbonkit.blocks) gives exactly what the whole run gives:
the summary (values, row order, dtypes), the factors used in their order, and the problems with their rows.

The block size is forced down to a few rows (the module constant), so that the small seeded inputs run through
many blocks; the whole run is the same input with blocks switched off.
"""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import carbonkit as ck
from carbonkit import blocks
from carbonkit.errors import InvalidInput
from carbonkit.synthetic import province
from engine_cases import REFERENCE, build, error_case

OPTIONS = {"year_fallback": "nearest"}
NO_BLOCKS = 10**12


@pytest.fixture
def spy(monkeypatch) -> list[bool]:
    """Each call of account_blocks: True where the blocks gave the result (False: the input was accounted whole)."""
    calls: list[bool] = []
    real = blocks.account_blocks

    def counted(*args, **kwargs):
        out = real(*args, **kwargs)
        calls.append(out is not None)
        return out

    monkeypatch.setattr(blocks, "account_blocks", counted)
    return calls


def _both(frame: pd.DataFrame, size: int, monkeypatch, options=OPTIONS):
    """account() on ``frame`` whole, then in blocks of ``size`` rows: (whole, blocked), results or problems."""
    out = []
    for rows in (NO_BLOCKS, size):
        monkeypatch.setattr(blocks, "BLOCK_ROWS", rows)
        try:
            out.append(ck.account(frame, options=options))
        except InvalidInput as exc:
            out.append(exc)
    return out


def _assert_same(whole, blocked) -> None:
    if isinstance(whole, InvalidInput):
        assert type(blocked) is type(whole)
        assert [p.__dict__ for p in blocked.problems] == [p.__dict__ for p in whole.problems]
        return
    pd.testing.assert_frame_equal(blocked.summary, whole.summary, check_exact=True)
    assert [str(t) for t in blocked.summary.dtypes] == [str(t) for t in whole.summary.dtypes]
    assert blocked.factor_records() == whole.factor_records()  # the factors used, in the whole run's order


def test_seeded_cases_equal_reference_in_blocks(monkeypatch, spy):
    # the identity reference (test_engine_identity.py) reproduced with every input cut into blocks of 40 rows
    monkeypatch.setattr(blocks, "BLOCK_ROWS", 40)
    with gzip.open(REFERENCE, "rt", encoding="utf-8") as fh:
        reference = json.load(fh)
    current = json.loads(json.dumps(build(), ensure_ascii=False, sort_keys=True, default=str))
    assert current == reference
    # the accepted cases in blocks (categorical, monthly, mixed, and 2020-2021 with the default fallback,
    # nearest); the refused one (its problems) gives the blocks up and runs whole
    assert spy == [True, True, True, False, True]


def test_cut_keeps_enterprises_whole():
    # enterprise codes per row [2, 0, 1, 0, 2, 2], 6 rows in blocks of at most 3: two blocks of target 3 rows;
    # rows per enterprise [2, 1, 3] start at [0, 2, 3] in code order -> enterprises 0, 1 in block 0 (3 // 3 = 1
    # is enterprise 2's block); block 0 holds rows 1, 2, 3 and block 1 rows 0, 4, 5, each ascending
    parts = blocks.cut(np.array([2, 0, 1, 0, 2, 2]), 3, 3)
    assert [p.tolist() for p in parts] == [[1, 2, 3], [0, 4, 5]]
    # an enterprise larger than a block stays whole: codes [0, 0, 0, 0, 1], blocks of 2 -> 3 blocks of target 2;
    # starts [0, 4] -> blocks 0 and 2 (4 // 2)
    assert [p.tolist() for p in blocks.cut(np.array([0, 0, 0, 0, 1]), 2, 2)] == [[0, 1, 2, 3], [4]]


def _cut_by_sort(codes: np.ndarray, n_codes: int, size: int) -> list[list[int]]:
    """What cut gives, from its definition: enterprises in code order fill blocks of about ``size`` rows (an
    enterprise's block is where its first row would fall among equal blocks); each block's rows ascending."""
    n = len(codes)
    n_blocks = -(-n // size)
    target = -(-n // n_blocks)
    counts = [int((codes == c).sum()) for c in range(n_codes)]
    block_of = [sum(counts[:c]) // target for c in range(n_codes)]
    blocks_rows: dict[int, list[int]] = {}
    for row, code in enumerate(codes.tolist()):
        blocks_rows.setdefault(block_of[code], []).append(row)
    return [blocks_rows[b] for b in sorted(blocks_rows)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(1, 12)), min_size=1, max_size=40), st.integers(1, 60),
       st.booleans())
def test_cut_by_runs_and_by_sort_give_the_definitions_blocks(runs, size, shuffle):
    """Runs of one enterprise's rows (cut by its runs) or rows shuffled (cut by a sort): the same blocks."""
    codes = np.repeat([c for c, _ in runs], [k for _, k in runs])
    if shuffle:
        codes = np.random.default_rng(len(codes)).permutation(codes)
    present = np.unique(codes)
    codes = np.searchsorted(present, codes)  # codes 0 .. n - 1, each used
    want = _cut_by_sort(codes, len(present), size)
    for run_rows in (1, 10**9):  # every input cut by its runs, then every one by the sort
        saved, blocks.RUN_ROWS = blocks.RUN_ROWS, run_rows
        try:
            got = [p.tolist() for p in blocks.cut(codes, len(present), size)]
        finally:
            blocks.RUN_ROWS = saved
        assert got == want
        assert sorted(r for p in got for r in p) == list(range(len(codes)))


def test_merge_used_orders_by_first_use():
    # block 0 used b at (stage 2, block 0, place 1) and a at (stage 0, item 5); block 1 used c at (stage 0,
    # item 3), a at (stage 0, item 5) and b at (stage 2, block 1, place 0): the whole run meets c (item 3),
    # then a (item 5), then b (block 0 before block 1)
    logs = [[((0, 5), "a"), ((2, 0, 1), "b")], [((0, 3), "c"), ((0, 5), "a"), ((2, 1, 0), "b")]]
    factors = {name: name for name in "abc"}
    assert blocks.merge_used(logs, factors) == ["c", "a", "b"]  # type: ignore[arg-type]


def _random_frame(seed: int, n: int, months: bool, text: bool) -> pd.DataFrame:
    frame = province(n, years=range(2021, 2024), seed=seed, months=months)
    if text:
        frame = frame.astype({c: str for c in ("enterprise", "period", "item", "unit", "flow", "region")})
    rng = np.random.default_rng(seed)
    if rng.random() < 0.5:
        frame["park"] = np.where(rng.random(len(frame)) < 0.3, "P0001", None)  # parks in some blocks only
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # an enterprise's rows apart


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), n=st.integers(2, 12), months=st.booleans(), text=st.booleans(),
       size=st.integers(1, 400))
def test_blocked_equals_whole(monkeypatch, seed, n, months, text, size):
    frame = _random_frame(seed, n, months, text)
    _assert_same(*_both(frame, size, monkeypatch))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), size=st.integers(5, 120), bad=st.lists(st.integers(0, 10**6), min_size=1, max_size=4))
def test_problems_in_several_blocks(monkeypatch, spy, seed, size, bad):
    # problems planted on rows of several enterprises (so in several blocks): the blocks are given up and the
    # problems come back as the whole run words them, with their rows
    frame = _random_frame(seed, 8, False, True)
    rows = sorted({b % len(frame) for b in bad})
    frame.loc[rows, "amount"] = -1.0
    whole, blocked = _both(frame, size, monkeypatch)
    assert isinstance(whole, InvalidInput)
    assert sorted({p.row for p in whole.problems}) == [r + 1 for r in rows]  # row numbers count from 1
    _assert_same(whole, blocked)
    assert spy[-1] is False


def test_error_case_in_blocks(monkeypatch):
    whole, blocked = _both(error_case(), 25, monkeypatch)
    assert isinstance(whole, InvalidInput)
    _assert_same(whole, blocked)


def test_numeric_and_padded_ids(monkeypatch, spy):
    # ids read as integers, and texts with spaces around them: the blocks order enterprises as validation codes
    # them (trimmed texts, sorted: "10" before "9"), so the summary's rows come in the whole run's order; region
    # codes read as integers stay numbers in the blocks (only text columns are coded once for all blocks)
    frame = _random_frame(7, 10, False, True)
    codes = pd.factorize(frame["enterprise"])[0]
    numeric = frame.assign(enterprise=codes * 7 + 3)
    padded = frame.assign(enterprise=np.where(codes % 2 == 0, " ", "") + frame["enterprise"] + "  ")
    regions = frame.assign(region=frame["region"].astype(int))  # region codes read as numbers
    for case in (numeric, padded, regions):
        whole, blocked = _both(case, 30, monkeypatch)
        _assert_same(whole, blocked)
    assert spy == [True, True, True]  # all accounted in blocks


def test_ids_with_unusual_whitespace(monkeypatch, spy):
    # validation strips "\x1f" and the ideographic space "\u3000" as whitespace (str.strip): "\u3000X" and "X\x1f"
    # are "X", so the blocks must order enterprises by the trimmed ids ("\u3000A-0" untrimmed would sort after
    # every ASCII id and the summary's rows would come out of order); é sorts after the ASCII letters
    frame = _random_frame(11, 9, False, True)
    codes = pd.factorize(frame["enterprise"])[0]
    ids = np.array(["B", "A", "C", "a", "Ab", "\u00e9"])[codes % 6] + "-" + (codes // 6).astype(str)
    odd = frame.assign(enterprise=np.where(codes % 3 == 0, "\u3000" + ids, np.where(codes % 3 == 1, ids + "\x1f", ids)))
    whole, blocked = _both(odd, 25, monkeypatch)
    _assert_same(whole, blocked)
    assert not whole.summary["enterprise"].str.contains("\x1f|\u3000").any()  # trimmed
    assert spy == [True]
