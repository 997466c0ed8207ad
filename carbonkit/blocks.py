"""A large input accounted in blocks of whole enterprises: the same summary, factors and problems, in bounded memory.

``account()`` on ten million rows cost 22-42 % more per row than on one million: its full-length temporaries
(80 MB each) are fresh memory the kernel zeroes on every allocation (glibc maps blocks over 32 MB anew),
and its sorts and hash tables outgrow the cache; and it held the rows' arrays beside the summary's columns.
Accounting the rows in blocks of about :data:`BLOCK_ROWS` rows keeps every temporary at the size of a block,
so the blocks' own work per row does not depend on the size of the input, and the peak memory above the
input is the summary plus one block's work (what still grows with the input is listed in
benchmarks/README.md, "Linear by blocks").

Every figure of the summary is a function of one enterprise-period's rows, summed in row order, so a block
of whole enterprises gives that enterprise's rows exactly. The blocks follow the summary's order
(enterprises sorted by their trimmed text), so their summaries concatenated are the whole run's summary.
What the blocks cannot give on their own, this module puts together as the whole run would:

- the factors used (``AccountingResult.used``) in the order the whole run first uses them: each block's
  engine logs where it first used each factor (:data:`SITES`, then the item, or the block and the place of
  the region-year among its groups), and the logs of all blocks are ordered by that place;
- the ``factor_ids`` categories (the union of the blocks' factor sets, sorted);
- problems: a block with any problem, or an error, gives up the blocks and the input is accounted whole,
  which finds and words every problem with its row as before (problems are the exception, and a refused
  batch needs no speed).

Inputs with measured values (NCV, carbon content: a few rows from laboratory reports) are accounted whole:
their trace follows row order across enterprises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from carbonkit.codes import trimmed_sorted
from carbonkit.documents import MEASURED
from carbonkit.errors import CarbonkitError
from carbonkit.factors import Factor
from carbonkit.schema import TEXT, factor_set_column, summary_schema, text_array

if TYPE_CHECKING:
    from carbonkit.accounting import _Engine
    from carbonkit.activity import Collector

BLOCK_ROWS = 500_000  # an input of more rows is accounted in blocks of about this many rows (whole enterprises)

SITES = (  # the engine's stages that resolve factors, in the order the engine runs them
    "standard-coal coefficient", "heat coefficient", "coal rate of power supply", "fuel emission factor",
    "grid emission factor (location)", "grid emission factor (market)", "feedwater enthalpy", "heat emission factor",
)

Run = Callable[..., tuple[dict[str, Any], "_Engine", "Collector"]]


def account_blocks(frame: pd.DataFrame, run: Run,
                   size: int | None = None) -> tuple[dict[str, Any], list[Factor]] | None:
    """The summary's columns and the factors used, accounted block by block; None where the input must be whole.

    Parameters
    ----------
    frame : pandas.DataFrame
        The long table (see :mod:`carbonkit.activity`).
    run : callable
        ``run(frame, block=b)`` -> (the summary's columns, the engine, the problems) of one block
        (:func:`carbonkit.accounting._run`).
    size : int, optional
        Rows per block [-]; default :data:`BLOCK_ROWS`.

    Returns
    -------
    (dict of str to array, list of Factor) or None
        The summary's columns in the published order and the factors used, as ``account()`` on the whole
        frame gives them; None for an input of one block, one with measured values or a blank enterprise,
        or one where a block finds a problem (then ``account()`` accounts the input whole).
    """
    if "enterprise" not in frame.columns or not frame.columns.is_unique or any(c in frame.columns for c in MEASURED):
        return None
    coded = enterprise_codes(frame["enterprise"])
    if coded is None:  # a blank enterprise: refused by the whole run, with its row
        return None
    codes, labels = coded
    frame = _texts_coded(frame)
    parts = [(rows, codes[rows]) for rows in cut(codes, len(labels), size or BLOCK_ROWS)]  # each let go once done
    del codes
    if len(parts) < 2:
        return None
    columns: list[dict[str, Any]] = []
    logs: list[list[tuple[tuple[int, ...], str]]] = []
    factors: dict[str, Factor] = {}
    parts.reverse()
    for b in range(len(parts)):
        rows, block_codes = parts.pop()  # the block's rows go with its work
        try:
            cols, engine, problems = run(_take(frame, rows, block_codes, labels), block=b)
        except CarbonkitError:
            return None
        if problems.problems:
            return None
        columns.append(_packed(cols))
        logs.append(engine.fid_log or [])
        factors.update(engine.factor_objs)
        del cols, engine, problems, rows, block_codes  # one block's rows and work at a time
    merged = merge_columns(columns)
    return None if merged is None else (merged, merge_used(logs, factors))


def cut(codes: np.ndarray, n_codes: int, size: int) -> list[np.ndarray]:
    """The rows of each block: whole enterprises in code order, about ``size`` rows a block.

    Parameters
    ----------
    codes : numpy.ndarray of int
        The enterprise code of each row (0 .. ``n_codes`` - 1, in the summary's order).
    n_codes : int
        How many enterprise codes there are.
    size : int
        Rows per block [-], at most (an enterprise is never split, so a block can hold more when one
        enterprise has more rows).

    Returns
    -------
    list of numpy.ndarray
        Each block's row positions, ascending (the input's order within the block).
    """
    n = len(codes)
    n_blocks = -(-n // size)
    target = -(-n // n_blocks)  # equal blocks: 1.2 M rows in blocks of 1 M are two of 0.6 M
    counts = np.bincount(codes, minlength=n_codes)
    start = np.cumsum(counts) - counts  # the first place of each enterprise's rows, in code order
    block_of = (start // target).astype(np.int8 if n_blocks < 2**7 else np.int16 if n_blocks < 2**15 else np.int64)
    change = np.flatnonzero(codes[1:] != codes[:-1]) + 1  # where a run of one enterprise's rows begins
    if len(change) < n // RUN_ROWS:
        return _cut_runs(block_of, codes, change, n)
    row_block = block_of[codes]
    order = np.argsort(row_block, kind="stable")  # a radix sort of 1- or 2-byte keys: linear, rows ascending in a block
    order = order.astype(np.int32) if n < 2**31 else order
    bounds = np.cumsum(np.bincount(row_block))[:-1]
    return [rows.copy() for rows in np.split(order, bounds) if len(rows)]  # copies: each freed on its own


RUN_ROWS = 4  # an input whose enterprises come in runs of this many rows or more, on average, is cut by its runs


def _cut_runs(block_of: np.ndarray, codes: np.ndarray, change: np.ndarray, n: int) -> list[np.ndarray]:
    """:func:`cut` of an input whose rows come in runs of one enterprise (a report's rows together, as files
    and the service's batches hold them): each block's rows are made from its runs, in the input's order, with
    no sort and no temporary as long as the input (10 M rows: 131 -> 30 ms, what grew with the size)."""
    starts = np.concatenate(([0], change))
    lengths = np.diff(starts, append=n)
    run_block = block_of[codes[starts]]
    order = np.argsort(run_block, kind="stable")  # the runs of each block, in the input's order
    bounds = np.cumsum(np.bincount(run_block))[:-1]
    rows = []
    for runs in np.split(order, bounds):
        if len(runs):
            size = lengths[runs]
            skip = np.cumsum(size) - size  # where each run begins among the block's rows
            rows.append((np.arange(size.sum()) + np.repeat(starts[runs] - skip, size)).astype(np.int32 if n < 2**31 else np.int64))
    return rows


def enterprise_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index] | None:
    """Each row's place among the distinct enterprise ids trimmed and sorted (the summary's order), and those ids.

    Parameters
    ----------
    column : pandas.Series
        The ``enterprise`` column (text or categorical).

    Returns
    -------
    (numpy.ndarray of int, pandas.Index) or None
        The code of each row and the sorted ids; None where an id is missing or blank (validation words it).
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, uniques = column.cat.codes.to_numpy(), column.dtype.categories
    else:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
    if len(codes) == 0 or codes.min() < 0:
        return None
    rank, labels = trimmed_sorted(uniques)  # as validation codes them (activity._labels)
    if (labels == "").any():
        return None
    return rank[codes], pd.Index(labels)


TEXT_COLUMNS = ("period", "item", "unit", "flow", "region", "industry", "park", "name")  # read as labels only


def _texts_coded(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (a shallow copy) with its text columns that validation reads as labels only coded once, as
    categoricals of their distinct values (validation gives a categorical the labels of its texts): each block
    then takes integer codes instead of copying texts, and no block hashes them again."""
    coded = {}
    for name in TEXT_COLUMNS:
        if name in frame.columns and not isinstance(frame[name].dtype, pd.CategoricalDtype) \
                and not pd.api.types.is_numeric_dtype(frame[name].dtype):
            codes, uniques = pd.factorize(frame[name], use_na_sentinel=True)
            coded[name] = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(uniques))
    return frame.assign(**coded) if coded else frame


def _take(frame: pd.DataFrame, rows: np.ndarray, block: np.ndarray, labels: pd.Index) -> pd.DataFrame:
    """The ``rows`` of one block, its enterprises (``block``: their codes among ``labels``) as a categorical of
    their ids (trimmed, sorted: what validation makes of them) and every other categorical column with only the
    categories its rows use, in their order: validation reads each category (a block of a national table would
    otherwise read every enterprise's id)."""
    part = frame.drop(columns="enterprise").take(rows)  # the enterprise column is made anew, below
    for name, values in part.items():
        dtype = values.dtype
        if isinstance(dtype, pd.CategoricalDtype) and len(dtype.categories) > len(part) // 8:
            part[name] = _used_categories(values.cat.codes.to_numpy(), dtype.categories, bool(dtype.ordered))
    low, high = int(block.min()), int(block.max())  # a block holds whole enterprises of consecutive codes (cut)
    block -= low
    enterprises = pd.Series(pd.Categorical.from_codes(block, dtype=pd.CategoricalDtype(labels[low:high + 1])),
                            index=part.index)
    part.insert(list(frame.columns).index("enterprise"), "enterprise", enterprises)
    return part


def _used_categories(codes: np.ndarray, categories: pd.Index, ordered: bool) -> pd.Categorical:
    """The categorical of ``codes`` over ``categories`` with only the categories used, in their order."""
    used = np.bincount(codes + 1, minlength=len(categories) + 1)[1:] > 0
    place = (np.cumsum(used) - 1).astype(np.int32)
    values: pd.Categorical = pd.Categorical.from_codes(  # type: ignore[assignment]  # stubs: typed by the codes
        np.where(codes < 0, -1, place[codes]), dtype=pd.CategoricalDtype(categories[used], ordered=ordered))
    return values


def _packed(columns: dict[str, Any]) -> dict[str, Any]:
    """``columns`` with the float columns moved into one array (views of its rows), the others as they are.

    A block's figures are many small arrays; freed, they stay in the heap, where the merged columns (large
    arrays, mapped apart) cannot reuse them, so the process would hold the summary twice. One array per block
    is handed back to the system as soon as :func:`merge_columns` has copied it.
    """
    floats = [name for name, values in columns.items() if isinstance(values, np.ndarray) and values.dtype == np.float64]
    if not floats:
        return columns
    pack = np.empty((len(floats), len(columns[floats[0]])))
    for row, name in zip(pack, floats):
        row[:] = columns[name]
        columns[name] = row
    return columns


def merge_columns(parts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The blocks' summary columns, block after block (each block's columns let go once merged).

    Parameters
    ----------
    parts : list of dict of str to array
        Each block's summary columns, in the published order.

    Returns
    -------
    dict of str to array or None
        The columns of all blocks; None if the blocks' columns differ.
    """
    names = list(parts[0])
    if any(list(p) != names for p in parts):
        return None
    sizes = [len(p[names[0]]) for p in parts]
    floats = [name for name in names if all(isinstance(p[name], np.ndarray) and p[name].dtype == np.float64 for p in parts)]
    out: dict[str, Any] = {name: np.empty(sum(sizes)) for name in floats}
    start = 0
    for part, size in zip(parts, sizes):  # block after block: each block's pack is freed once copied
        for name in floats:
            out[name][start:start + size] = part.pop(name)
        start += size
    schema = summary_schema()
    for name in names:
        if name not in out:
            out[name] = _concat([p.pop(name) for p in parts])
            if schema.get(name) == TEXT and isinstance(out[name], np.ndarray) and out[name].dtype == object:
                out[name] = text_array(out[name])
    return {name: out[name] for name in names}


def _concat(columns: list[Any]) -> Any:
    """One column from the blocks' columns (numpy, pandas arrays, or the factor sets as a categorical)."""
    if isinstance(columns[0], pd.Categorical):
        sets = sorted(set().union(*(c.categories for c in columns)))
        place = {s: i for i, s in enumerate(sets)}
        codes = [np.array([place[s] for s in c.categories], dtype=np.int64)[c.codes] for c in columns]
        return factor_set_column(np.concatenate(codes), sets)
    if all(isinstance(c, np.ndarray) for c in columns) and len({c.dtype for c in columns}) == 1:
        return np.concatenate(columns)
    return pd.concat([pd.Series(c, copy=False) for c in columns], ignore_index=True).array


def merge_used(logs: list[list[tuple[tuple[int, ...], str]]], factors: dict[str, Factor]) -> list[Factor]:
    """The factors used, in the order the whole run first uses them.

    Parameters
    ----------
    logs : list of list of (tuple of int, str)
        Per block, in block order: where the block first used each factor (a place in :data:`SITES`, then
        the item, or the block and the place of the region-year among its groups) and the factor's id.
    factors : dict of str to Factor
        The factors used by any block, by id.

    Returns
    -------
    list of Factor
        Each factor once, ordered by the first place any block used it.
    """
    flat = [entry for log in logs for entry in log]
    flat.sort(key=lambda entry: entry[0])  # stable: a block's factors of one place stay in their order
    return [factors[fid] for fid in dict.fromkeys(fid for _, fid in flat)]
