"""The published schema of the accounting summary: its columns, in order, and their dtypes.

:func:`carbonkit.account` returns exactly these columns with exactly these dtypes, whatever the data: an
empty batch, a partition whose enterprises all lack a park (an all-None text column), a batch without
water. Partitions of one dataset therefore concatenate and write to Parquet with one schema.

=================  =========================================================================
text (``str``)     enterprise, period, region, industry, park, name, release, price_basis,
                   product_unit, grid_factor_*, grid_level_* (province / grid / national),
                   credit_code_check (GB 32100-2015: valid, check_failed or empty); missing is NaN
integer            year; grid_year_* (nullable ``Int64``: the data year of the grid factor used)
category           factor_ids: the ';'-joined factor set, stored once per distinct set (a few
                   dozen sets occur in a province, one per row would be ~450 bytes each)
float64            every amount [tce, kWh, m3, tCO2, 10^4 CNY, mu, person] and every intensity
=================  =========================================================================

The problems of ``account(..., errors="collect")`` have their own schema, :func:`problems_schema`:
the fields of :class:`carbonkit.errors.Problem`, ``row`` the global row of the input (the line of a
CSV file, the row of a Parquet dataset in file order) and ``source`` the file it came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from functools import cache, lru_cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonkit.errors import Problem
from carbonkit.intensity import INTENSITY_COLUMNS
from carbonkit.vocabulary import vocabulary

TEXT: Final = "str"
TEXT_COLUMNS = ("enterprise", "period", "region", "industry", "park", "name", "release", "price_basis",
                "product_unit", "grid_factor_location", "grid_level_location", "grid_factor_market",
                "grid_level_market", "credit_code_check")
YEAR_COLUMNS = ("grid_year_location", "grid_year_market")  # the data year of the grid factor used, if any
_HEAD = ("enterprise", "period", "year", "region", "industry", "park", "name", "release")
_ENERGY = tuple(f"{stem}_{method}{tail}" for method in ("equivalent", "equal") for stem, tail in (
    ("energy", "_tce"), ("feedstock", "_tce"), ("renewable_electricity", "_tce"), ("exported", "_tce"),
    ("energy", "_excl_feedstock_tce"), ("energy", "_excl_feedstock_renewables_tce")))
_WATER = ("water_withdrawal_m3", "fresh_water_m3", "nonconventional_water_m3", "recycled_water_m3",
          "nonconventional_share", "water_reuse_rate")
_CO2 = ("co2_combustion_tco2", "co2_electricity_location_tco2", "co2_electricity_market_tco2", "co2_heat_tco2",
        "co2_scope2_location_tco2", "co2_location_tco2", "co2_scope2_market_tco2", "co2_market_tco2")
_ECONOMIC = ("value_added_10k_cny", "value_added_comparable_10k_cny", "price_basis", "revenue_10k_cny",
             "gross_output_10k_cny", "tax_10k_cny", "rd_expense_10k_cny", "land_area_mu", "employees",
             "product_output", "product_unit")
_TAIL = ("grid_factor_location", "grid_level_location", "grid_year_location", "grid_factor_market", "grid_level_market",
         "grid_year_market", "credit_code_check", "factor_ids")
PROBLEM_COLUMNS = (*(f.name for f in fields(Problem)), "source")


@cache
def _columns() -> tuple[str, ...]:
    sources = tuple(f"water_{it.item}_m3" for it in vocabulary().of_kind("water") if it.water_class != "recycled")
    return (*_HEAD, *_ENERGY, "electricity_kwh", "renewable_electricity_kwh", *_WATER, *sources, *_CO2,
            *_ECONOMIC, *INTENSITY_COLUMNS, *_TAIL)


def summary_columns() -> tuple[str, ...]:
    """The summary's column names in the published order (those of :func:`summary_schema`), built once.

    Returns
    -------
    tuple of str
        The column names, in order.
    """
    return _columns()


def summary_schema() -> dict[str, object]:
    """The summary's columns in order, each with its pandas dtype (``"str"``, ``"int64"``, ``"float64"``,
    ``"category"``)."""
    return dict(_summary_schema())


@cache
def _summary_schema() -> dict[str, object]:
    """:func:`summary_schema`, built once (read only: the public function hands out copies)."""
    out: dict[str, object] = {}
    for name in _columns():
        out[name] = TEXT if name in TEXT_COLUMNS else "int64" if name == "year" else \
            "Int64" if name in YEAR_COLUMNS else "category" if name == "factor_ids" else "float64"
    return out


@cache
def text_dtype() -> pd.StringDtype | None:
    """The dtype ``"str"`` stands for, when it is pandas' string dtype (pandas >= 3); else None.

    Returns
    -------
    pandas.StringDtype or None
        The string dtype of the text columns, or None on a pandas that types texts as objects.
    """
    dtype = pd.api.types.pandas_dtype(TEXT)
    return dtype if isinstance(dtype, pd.StringDtype) else None


@cache
def _column_index() -> pd.Index:
    """The summary's column labels, as ``pd.DataFrame`` labels them (immutable, so one object serves every frame)."""
    return pd.Index(list(_columns()))


@cache
def _layout() -> tuple[tuple[str, ...], np.ndarray, tuple[str, ...], np.ndarray]:
    """The float and the int64 columns of the summary with their places, each kind one block of the frame."""
    schema = _summary_schema()
    floats = tuple(name for name, dtype in schema.items() if dtype == "float64")
    ints = tuple(name for name, dtype in schema.items() if dtype == "int64")
    place = {name: j for j, name in enumerate(schema)}
    return floats, np.array([place[n] for n in floats]), ints, np.array([place[n] for n in ints])


@cache
def _one_column_blocks() -> tuple[tuple[int, str], ...]:
    """The place and name of each column of the summary that is a block of its own (texts, Int64, category)."""
    return tuple((j, name) for j, (name, dtype) in enumerate(_summary_schema().items()) if dtype not in ("float64", "int64"))


def text_take(labels: Sequence[str | None], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The schema's text column ``labels[codes]`` (a code of -1 or a label None: missing), built from integer
    codes: a summary's text column of a few distinct values (release, price basis, product unit) without
    converting a Python string per row (13 against 45-85 ns a value, measured on 77,000 values).

    Parameters
    ----------
    labels : sequence of str or None
        The distinct values.
    codes : numpy.ndarray of int
        Each row's place in ``labels``; -1 for missing.

    Returns
    -------
    pandas ExtensionArray
        Of dtype :data:`TEXT`, missing as NaN (as :func:`conform` casts None).
    """
    return pd.array(list(labels), dtype=TEXT).take(codes, allow_fill=True)


def text_array(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """An object column as the schema's text, exactly as :func:`conform` casts it (None and NaN missing, an empty
    text kept), each distinct value converted once (45 against 75-85 ns a value).

    Parameters
    ----------
    values : numpy.ndarray of object
        Texts, None or NaN.

    Returns
    -------
    pandas ExtensionArray
        Of dtype :data:`TEXT`.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return text_take(np.asarray(uniques, dtype=object).tolist(), codes)


def typed_summary(columns: Mapping[str, Any], rows: int) -> pd.DataFrame | None:
    """The summary of a few rows from its columns, each built in its schema dtype at once: exactly
    ``conform(pd.DataFrame(columns))``, without pandas' per-column inference and casts, which cost
    more than a few rows (about 3 ms for one report; the property test of small reports compares both).

    ``columns``: name -> values of length ``rows`` (numpy arrays, or pandas arrays already typed);
    a schema column not given is all missing, a column not in the schema is left out. Returns None where
    this pandas does not give ``"str"`` as its string dtype or cannot build a frame from its blocks
    (pandas < 3), or for factor sets that are not all texts: the caller then takes the public way.
    """
    try:
        from pandas.api.internals import create_dataframe_from_blocks
    except ImportError:  # pandas < 3
        return None
    text = text_dtype()
    schema = _summary_schema()
    missing = np.full(rows, None, dtype=object)
    given = {name: columns.get(name, missing) for name in schema}
    factor_ids = given["factor_ids"]
    if not isinstance(factor_ids, pd.Categorical):
        if text is None or not all(isinstance(v, str) for v in factor_ids.tolist()):
            return None
        sets, codes = np.unique(np.asarray(factor_ids, dtype=object), return_inverse=True)
        given["factor_ids"] = factor_set_column(codes, sets.tolist())
    if text is None:
        return None
    arrays = _texts(given, rows, text)
    floats, float_places, ints, int_places = _layout()
    blocks: list[tuple[Any, np.ndarray]] = [
        (np.array([given[name] for name in floats], dtype=np.float64).reshape(len(floats), rows), float_places),
        (np.array([given[name] for name in ints], dtype=np.int64).reshape(len(ints), rows), int_places)]
    for j, name in _one_column_blocks():
        values = arrays.get(name, given[name])
        blocks.append((pd.array(values, dtype="Int64") if isinstance(values, np.ndarray) else values, np.array([j])))
    frame: pd.DataFrame = create_dataframe_from_blocks(blocks, index=pd.RangeIndex(rows), columns=_column_index())
    return frame


def _texts(given: Mapping[str, Any], rows: int, text: pd.StringDtype) -> dict[str, Any]:
    """The text columns of ``given`` not typed yet, as ``text`` arrays: one string array of them all, sliced."""
    pending = [name for name in _text_names() if isinstance(given[name], np.ndarray) or given[name].dtype != text]
    if not pending:
        return {}
    texts = text.construct_array_type()._from_sequence(  # type: ignore[attr-defined]  # the string array's own constructor
        np.concatenate([np.asarray(given[name], dtype=object) for name in pending]), dtype=text)
    return {name: texts[k * rows:(k + 1) * rows] for k, name in enumerate(pending)}


@cache
def _text_names() -> tuple[str, ...]:
    """The summary's text columns, in order."""
    return tuple(name for name, dtype in _summary_schema().items() if dtype == TEXT)


def factor_set_column(codes: npt.NDArray[np.integer[Any]], sets: Sequence[str]) -> pd.Categorical:
    """The ``factor_ids`` column from each row's index in ``sets`` (the distinct ';'-joined factor sets):
    exactly ``astype("str").astype("category")`` of the joined texts (categories sorted), without
    writing a text per row (a province's 10^5 rows hold a few dozen sets of ~450 characters)."""
    order = sorted(range(len(sets)), key=sets.__getitem__)
    rank = np.empty(len(sets), dtype=np.int64)
    rank[order] = np.arange(len(sets))
    return pd.Categorical.from_codes(rank[codes], dtype=_categories(tuple(sets[i] for i in order)))


@lru_cache(maxsize=256)
def _categories(sets: tuple[str, ...]) -> pd.CategoricalDtype:
    """The dtype ``astype("category")`` gives texts of these distinct values (sorted): built once per factor
    set (a province has a few dozen), as its checks cost more than a few rows."""
    return pd.CategoricalDtype(pd.Index(list(sets), dtype=text_dtype()), ordered=False)


def problems_schema() -> dict[str, object]:
    """The columns of a problems frame in order, with their dtypes (``row`` and ``index`` nullable integers)."""
    return {name: "Int64" if name in ("row", "index") else TEXT for name in PROBLEM_COLUMNS}


def conform(frame: pd.DataFrame, schema: dict[str, object] | None = None) -> pd.DataFrame:
    """``frame`` with exactly the columns of ``schema`` (default :func:`summary_schema`), in order, cast to
    their dtypes; a column it lacks is all missing. Casting is exact: integers to float64, None to NaN.

    Parameters
    ----------
    frame : pandas.DataFrame
        A summary (or problems) table.
    schema : dict of str to dtype, optional
        Column -> dtype, in order.

    Returns
    -------
    pandas.DataFrame
        The frame in the schema (no copy of the columns already in their dtype).
    """
    schema = schema or summary_schema()
    if list(frame.columns) == list(schema):  # the usual case: cast the few columns that differ, copy nothing else
        out = frame.copy(deep=False)
        for (name, dtype), have in zip(schema.items(), frame.dtypes.tolist()):  # dtypes at once: a column
            if have != dtype:                                                    # look-up costs ~30 us
                out[name] = _cast(out[name], dtype)
        return out
    columns: dict[str, pd.Series] = {}
    for name, dtype in schema.items():
        values = frame[name] if name in frame.columns else pd.Series(np.full(len(frame), None, dtype=object),
                                                                      index=frame.index)
        columns[name] = values if values.dtype == dtype else _cast(values, dtype)
    return pd.DataFrame(columns, index=frame.index)


def _cast(values: pd.Series, dtype: Any) -> pd.Series:
    """``values`` as ``dtype`` (a dtype of the schema), exactly: integers to float64, None to NaN."""
    if dtype == "float64":
        return pd.to_numeric(values, errors="raise").astype("float64")
    if dtype == "category":
        return values.astype(TEXT).astype("category")
    if dtype == TEXT:
        return values.astype(object).where(values.notna(), None).astype(TEXT)
    cast: pd.Series = values.astype(dtype)
    return cast


def problems_frame(problems: list[Problem], source: str | Sequence[str | None] | None = None) -> pd.DataFrame:
    """Problems as a frame of :func:`problems_schema`; ``source`` (one name, or one per problem) fills the
    ``source`` column."""
    records = [p.to_dict() for p in problems]
    frame = pd.DataFrame.from_records(records, columns=[f.name for f in fields(Problem)])
    if source is not None:
        frame["source"] = source if isinstance(source, str) else list(source)
    return conform(frame, problems_schema())


def empty_summary() -> pd.DataFrame:
    """A summary with no rows and the published schema."""
    return conform(pd.DataFrame())
