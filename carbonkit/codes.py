"""Integer codes of the long table's columns: distinct texts, (item, unit) pairs, groups, duplicates.

Each works in one pass or one count over the rows where pandas would hash or sort them: validation
(:mod:`carbonkit.activity`) resolves every distinct value once and maps it back through these codes.
The property tests (tests/carbonkit/test_engine_parts.py) hold each to the plain pandas answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from carbonkit.vocabulary import FLOWS

SMALL = 64  # up to this many rows, groups are ranked and repeats found in Python (numpy's calls cost more)


def label_codes_small(values: list[object]) -> tuple[np.ndarray, list[str]]:
    """:func:`_labels` of a few values, in Python: missing (None, NaN, NA) and blank give -1.

    Parameters
    ----------
    values : list
        The values (any type; each is trimmed text once not missing).

    Returns
    -------
    codes : numpy.ndarray of int
        Each value's place in ``labels``; -1 for a missing or blank value.
    labels : list of str
        The distinct trimmed texts, sorted.
    """
    texts = [label_text(v) for v in values]
    labels = sorted({t for t in texts if t})
    code = {t: k for k, t in enumerate(labels)}
    return np.array([code[t] if t else -1 for t in texts], dtype=np.int32), labels


def label_text(value: object) -> str | None:
    """A value's label as :func:`label_codes_small` reads it: its text trimmed; None where it is missing (None,
    NaN, NA, NaT) or blank.

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    str or None
        The trimmed text, or None.
    """
    if type(value) is str:  # the usual value first: one type check
        return value.strip() or None
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return str(value).strip() or None


def trimmed_sorted(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Each value's text trimmed (Python's ``str.strip``), coded by its place among the distinct texts sorted.

    The texts are sorted as Python sorts them (by code point). Through Arrow (the order of UTF-8 bytes, which
    is the order of code points) this takes half the time of sorting Python strings: 43 against 92 ms for
    137,000 enterprise ids; a text Arrow cannot hold (a lone surrogate) is sorted as Python strings.

    Parameters
    ----------
    values : sequence, numpy.ndarray or pandas.Index
        Distinct values, none missing (any type: each is read as ``str(value)``).

    Returns
    -------
    codes : numpy.ndarray of int32
        Each value's place in ``texts``.
    texts : numpy.ndarray of object
        The distinct trimmed texts, sorted (two values that trim alike share one).
    """
    listed = values.tolist() if hasattr(values, "tolist") else list(values)  # Arrow or numpy at once, not per item
    texts = [str(v).strip() for v in listed]
    try:
        codes, arrow = pd.factorize(pd.Index(texts, dtype="str"), sort=True)
        uniques = np.asarray(arrow, dtype=object)
    except UnicodeEncodeError:  # a lone surrogate: not UTF-8
        codes, uniques = pd.factorize(np.array(texts, dtype=object), sort=True)
    return codes.astype(np.int32), uniques


def python_values(values: Any) -> list[Any]:
    """A column's values as Python objects: ``values.tolist()``, except that missing texts and categories are None.

    Texts held by Arrow are read by Arrow at once (``tolist()`` costs 5-50 us for a column of a few rows); a
    categorical through its codes and categories, not a look-up per value.

    Parameters
    ----------
    values : numpy.ndarray or pandas array
        A column's values.

    Returns
    -------
    list
        One Python object per value (None where a text or category is missing).
    """
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        texts: list[Any] = values.__arrow_array__().to_pylist()
        return texts
    if isinstance(values, pd.Categorical):
        names = [*values.categories.tolist(), None]
        return [names[code] for code in values.codes.tolist()]
    listed: list[Any] = values.tolist()
    return listed


def categories_are_labels(categories: pd.Index) -> bool:
    """Categories that are their own labels: texts, trimmed, none blank, sorted.

    Parameters
    ----------
    categories : pandas.Index
        The categories of a categorical column.

    Returns
    -------
    bool
        True when the category codes can serve as label codes unchanged.
    """
    if categories.inferred_type != "string" or not categories.is_monotonic_increasing:
        return False
    texts = categories.astype(object)
    return bool(all(isinstance(t, str) and t == t.strip() and t for t in texts))


def item_unit_pairs(item: np.ndarray, unit_codes: np.ndarray, n_items: int, n_units: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (item, unit) keys, ascending, and each row's place among them, without sorting the rows.

    A key is ``item * (n_units + 1) + unit`` with -1 (unknown item, no unit) mapped to the last code.

    Parameters
    ----------
    item : numpy.ndarray of int
        The item code per row (-1: unknown).
    unit_codes : numpy.ndarray of int
        The unit code per row (-1: no unit).
    n_items, n_units : int
        How many item and unit codes there are.

    Returns
    -------
    keys : numpy.ndarray of int
        The distinct keys, ascending.
    rank : numpy.ndarray of int32
        Each row's place among the distinct keys.
    """
    width = n_units + 1
    if len(item) <= SMALL:  # a few rows: the keys in Python
        keys = [(i if i >= 0 else n_items) * width + (u if u >= 0 else n_units)
                for i, u in zip(item.tolist(), unit_codes.tolist())]
        distinct = sorted(set(keys))
        rank = {k: r for r, k in enumerate(distinct)}
        return np.array(distinct, dtype=np.int64), np.array([rank[k] for k in keys], dtype=np.int32)
    pair = item.astype(np.int64)  # a copy, then in place
    pair[pair < 0] = n_items
    pair *= width
    pair += unit_codes
    pair[unit_codes < 0] += n_units + 1  # -1: no unit -> n_units
    present = np.bincount(pair, minlength=(n_items + 1) * width) > 0
    pairs = np.flatnonzero(present)
    place = np.zeros(len(present), dtype=np.int32)
    place[pairs] = np.arange(len(pairs))
    return pairs, place[pair]


def rank_groups(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's rank among the distinct keys, and the distinct keys ascending.

    Up to :data:`SMALL` keys are ranked in Python; keys spanning at most twice the rows by counting (no hash
    table, no sort); others through ``pd.factorize``.

    Parameters
    ----------
    key : numpy.ndarray of int
        One integer key per row.

    Returns
    -------
    rank : numpy.ndarray of int
        Each row's place among the distinct keys.
    keys : numpy.ndarray of int
        The distinct keys, ascending.
    """
    if len(key) == 0:
        return key.astype(np.int64), key.astype(np.int64)
    if len(key) <= SMALL:
        keys = key.tolist()
        distinct = sorted(set(keys))
        place = {k: r for r, k in enumerate(distinct)}
        return np.array([place[k] for k in keys], dtype=np.int64), np.array(distinct, dtype=np.int64)
    low = int(key.min())
    span = int(key.max()) - low + 1
    if span <= 2 * len(key) + 1024:
        present = np.bincount(key - low, minlength=span) > 0
        rank = np.cumsum(present) - 1
        return rank[key - low], np.flatnonzero(present) + low
    codes, uniques = pd.factorize(key)
    order = np.argsort(uniques, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], uniques[order]


def item_flow_cells(item: np.ndarray, flow: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """item x len(FLOWS) + flow per row, -1 where the row is not usable (it never clashes).

    Parameters
    ----------
    item, flow : numpy.ndarray of int
        The item code and the flow code (a place in :data:`carbonkit.vocabulary.FLOWS`) per row.
    usable : numpy.ndarray of bool
        The rows that take part.

    Returns
    -------
    numpy.ndarray of int
        The (item, flow) cell per row; -1 for the rows not usable.
    """
    cell = item * len(FLOWS)
    cell += flow
    cell[~usable] = -1
    return cell


def repeated_cells(group: np.ndarray, n_groups: int, cell: np.ndarray) -> np.ndarray:
    """True where a row's (group, cell) occurs more than once; rows with cell -1 never do.

    Up to :data:`SMALL` rows, distinct pairs (the usual case) are recognised in Python. The cells present
    are numbered compactly; when every (group, cell) pair is distinct (marked in a table of one byte per
    pair) nothing is repeated; else the pairs are counted with one
    ``np.bincount`` when the table is small, or found by one sort. ``cell`` is consumed.

    Parameters
    ----------
    group : numpy.ndarray of int
        The group code per row, 0 .. ``n_groups`` - 1.
    n_groups : int
        How many groups there are.
    cell : numpy.ndarray of int
        The cell per row (:func:`item_flow_cells`), -1 for a row that takes no part; overwritten.

    Returns
    -------
    numpy.ndarray of bool
        True for each row whose (group, cell) pair occurs again.
    """
    n = len(cell)
    if n <= SMALL:  # a few rows: the usual answer, no repeat, found in Python
        pairs = [(g, c) for g, c in zip(group.tolist(), cell.tolist()) if c >= 0]
        if len(set(pairs)) == len(pairs):
            return np.zeros(n, dtype=bool)
    spare = int(cell.max(initial=-1)) + 1
    seen = np.zeros(spare + 1, dtype=bool)
    seen[cell] = True  # -1 marks the spare entry
    seen = seen[:spare]
    width = int(seen.sum())
    slot = np.append(np.cumsum(seen) - 1, -1).astype(np.int16 if width < 2**15 else np.int64)[cell]
    del cell
    if n_groups * width > 2 * n + 1024:
        return repeated_keys(np.where(slot >= 0, group * width + slot, -1 - np.arange(n)))
    pair = group * width
    pair += slot
    pair[slot < 0] = n_groups * width
    n_usable = n - int(np.count_nonzero(slot < 0))
    del slot
    used = np.zeros(n_groups * width + 1, dtype=bool)
    used[pair] = True
    if int(np.count_nonzero(used[:-1])) == n_usable:
        return np.zeros(n, dtype=bool)
    del used
    counts = np.bincount(pair, minlength=n_groups * width + 1)
    counts[-1] = 0
    repeated: np.ndarray = counts[pair] > 1
    return repeated


def repeated_keys(keys: np.ndarray) -> np.ndarray:
    """True where a key occurs more than once (``pd.Series.duplicated(keep=False)``) by one sort.

    Parameters
    ----------
    keys : numpy.ndarray
        One key per row.

    Returns
    -------
    numpy.ndarray of bool
        True for each row whose key occurs in another row too.
    """
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    same = ordered[1:] == ordered[:-1]
    out = np.zeros(len(keys), dtype=bool)
    out[order[1:][same]] = True
    out[order[:-1][same]] = True
    return out
