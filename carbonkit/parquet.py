"""Activity data as Parquet: one file, or a folder of enterprise-hashed files (a dataset).

Columns are read with an explicit Arrow schema, :data:`ACTIVITY_SCHEMA` (needs the ``pyarrow`` package,
extra ``carbonkit[parquet]``): region codes, enterprise ids and periods stay strings (``370211`` is
not a number, ``2024-01`` not a date), amounts are float64. Text columns come back as categoricals
(each distinct text stored once). ``row`` is the row of the dataset in file order, counted from 1
over the files sorted by name; ``source`` the file's name. Problems therefore name a place that is
the same however the dataset is partitioned for accounting.

A dataset is *enterprise-hashed*: every enterprise's rows are in exactly one file,
``part-00000.parquet`` ... , chosen by :func:`bucket_of`. :func:`write_dataset` writes one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonkit.errors import InvalidInput, Problem

if TYPE_CHECKING:
    import pyarrow as pa

PathLike: TypeAlias = "str | Path"
Paths: TypeAlias = "str | Path | Iterable[str | Path]"

TEXT = ("enterprise", "period", "item", "unit", "flow", "region", "industry", "park", "name")
NUMBERS = ("amount", "enthalpy")
SUFFIXES = (".parquet", ".pq")


def activity_schema() -> pa.Schema:
    """The Arrow schema of activity data.

    Returns
    -------
    pyarrow.Schema
        Text columns (enterprise, period, item, unit, flow, region, industry, park, name) as strings; ``amount``
        [the row's unit] and ``enthalpy`` [kJ/kg] as float64.
    """
    import pyarrow as pa

    order = ("enterprise", "period", "item", "amount", "unit", "flow", "enthalpy", "region", "industry", "park",
             "name")
    return pa.schema([(c, pa.float64() if c in NUMBERS else pa.string()) for c in order])


def dataset_files(paths: Paths) -> list[Path]:
    """The Parquet files of ``paths``.

    Parameters
    ----------
    paths : str, Path or iterable of them
        Files, or folders searched (recursively) for ``*.parquet`` / ``*.pq``.

    Returns
    -------
    list of Path
        The files, each folder's sorted by name.

    Raises
    ------
    InvalidInput
        ``file_missing`` for a path that is neither a file nor a folder.
    """
    out: list[Path] = []
    for path in [paths] if isinstance(paths, (str, Path)) else paths:
        path = Path(path)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
        elif path.is_file():
            out.append(path)
        else:
            raise InvalidInput(Problem("file_missing", f"{path}: no such file or folder", field="path"))
    return out


def row_offsets(files: list[Path]) -> npt.NDArray[np.int64]:
    """The global row number before each file, from the files' footers (nothing else is read).

    Parameters
    ----------
    files : list of Path
        Parquet files in dataset order.

    Returns
    -------
    numpy.ndarray of int64
        Rows of the files before each one [1].
    """
    import pyarrow.parquet as pq

    counts = [pq.ParquetFile(f).metadata.num_rows for f in files]
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64) if counts else np.zeros(0, np.int64)


def read_parquet(path: Paths, *, first_row: int = 1, source: str | None = None) -> pd.DataFrame:
    """The long activity table of one Parquet file, or of several (their files in order, rows numbered on).

    Parameters
    ----------
    path : str, Path or iterable of them
        A file, a folder of files or a list of files.
    first_row : int
        Number of the first row [1].
    source : str, optional
        Name in ``source`` for a single file (default: its name; in a folder, its path inside the folder).

    Returns
    -------
    pandas.DataFrame
        Columns of :func:`activity_schema` (text as categoricals, categories united across files), ``row``
        (int64) and ``source`` (categorical).

    Raises
    ------
    InvalidInput
        An unreadable file, a required column missing, or a column that does not cast to its Arrow type.
    """
    files = dataset_files(path)
    if len(files) != 1:
        offsets = row_offsets(files)
        root = Path(path) if isinstance(path, (str, Path)) and Path(path).is_dir() else None
        frames = [read_parquet(f, first_row=first_row + int(o), source=f.name if root is None else str(f.relative_to(root)))
                  for f, o in zip(files, offsets)]
        return _released(concat_categorical(frames)) if frames else _empty()
    return _released(_read_one(files[0], first_row, source or files[0].name))


def _released(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``, after Arrow's memory pool has given its free pages back to the system: the pool keeps what
    the files' tables used (about 40 B per row at 10 M rows), which pandas and numpy cannot reuse."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    return frame


def _is_text(kind: pa.DataType) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _read_one(file: Path, first_row: int, source: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:  # text read as Parquet's dictionaries: each distinct text decoded once, not once a row
        stored = pq.read_schema(file)
        table = pq.read_table(file, read_dictionary=[f.name for f in stored if f.name in TEXT and _is_text(f.type)])
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidInput(Problem("parquet_invalid", f"{file.name}: not a readable Parquet file: {exc}",
                                   field="path")) from None
    schema = activity_schema()
    missing = [c for c in ("enterprise", "period", "item", "amount", "unit") if c not in table.column_names]
    if missing:
        raise InvalidInput([Problem("column_missing", f"{file.name}: no column '{c}'", field=c,
                                    expected=", ".join(schema.names)) for c in missing])
    columns = {}
    for field in schema:
        if field.name not in table.column_names:
            continue
        column = table.column(field.name)
        if pa.types.is_dictionary(column.type) and _is_text(column.type.value_type):  # to_pandas: a categorical as it is
            columns[field.name] = column
            continue
        try:
            columns[field.name] = column.cast(field.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise InvalidInput(Problem("column_invalid", f"{file.name}: column '{field.name}' is not {field.type}: "
                                       f"{exc}", field=field.name, expected=str(field.type))) from None
    frame: pd.DataFrame = pa.table(columns).to_pandas(strings_to_categorical=True)
    frame["row"] = np.arange(first_row, first_row + len(frame), dtype=np.int64)
    frame["source"] = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8), [source])  # type: ignore[call-overload]  # stubs want an Index of categories; a list is documented
    return frame


def concat_categorical(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The frames one under the other, text columns kept categorical (their categories united).

    ``pd.concat`` turns categoricals with different categories (each file has its own enterprises and its own
    ``source``) into plain text, 20-40 bytes a row instead of 1-4. The columns are moved out of ``frames`` one
    at a time (the list's frames are emptied), so at most one column is held twice.

    Parameters
    ----------
    frames : list of pandas.DataFrame
        Frames with the same columns in the same order (else ``pd.concat`` decides, and the frames are kept).

    Returns
    -------
    pandas.DataFrame
        The rows of every frame, index 0..n-1.
    """
    from pandas.api.types import union_categoricals

    columns = list(frames[0].columns)
    if any(list(f.columns) != columns for f in frames):
        return pd.concat(frames, ignore_index=True)
    out: dict[str, pd.Series] = {}
    for name in columns:
        parts = [f.pop(name) for f in frames]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            try:
                out[name] = pd.Series(union_categoricals(parts), name=name, copy=False)
                continue
            except TypeError:  # categories of different kinds (all-None text next to strings): pd.concat decides
                pass
        out[name] = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(out, copy=False)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in NUMBERS else "category") for c in activity_schema().names})


def bucket_of(enterprise: Iterable[object] | npt.NDArray[np.object_], buckets: int) -> npt.NDArray[np.int64]:
    """The file of each enterprise id in an enterprise-hashed dataset: a stable hash of the id.

    Parameters
    ----------
    enterprise : array-like
        Enterprise ids (turned into text).
    buckets : int
        Files in the dataset [1].

    Returns
    -------
    numpy.ndarray of int64
        0 ... ``buckets`` - 1 (pandas' ``hash_array`` modulo ``buckets``).
    """
    values = np.asarray(enterprise, dtype=object).astype(str).astype(object)
    return (pd.util.hash_array(values) % np.uint64(buckets)).astype(np.int64)


def write_dataset(frame: pd.DataFrame, folder: PathLike, buckets: int) -> list[Path]:
    """Write activity data as an enterprise-hashed dataset (empty files included).

    Parameters
    ----------
    frame : pandas.DataFrame
        The long activity table (:mod:`carbonkit.activity`).
    folder : str or Path
        Created if needed; files ``part-00000.parquet`` ... are written in it.
    buckets : int
        Files [1].

    Returns
    -------
    list of Path
        The files written, in bucket order.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    schema = activity_schema()
    which = bucket_of(frame["enterprise"].to_numpy(dtype=object), buckets)
    order = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order], np.arange(buckets + 1))
    paths = []
    for k in range(buckets):
        part = frame.iloc[order[bounds[k]:bounds[k + 1]]]
        data = {f.name: _arrow_column(part, f) for f in schema}
        path = folder / f"part-{k:05d}.parquet"
        pq.write_table(pa.table(data, schema=schema), path)
        paths.append(path)
    return paths


def _arrow_column(part: pd.DataFrame, field: pa.Field) -> pa.Array:
    import pyarrow as pa

    if field.name not in part.columns:
        return pa.nulls(len(part), field.type)
    values = part[field.name]
    if field.type == pa.float64():
        return pa.array(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float), pa.float64())
    if isinstance(values.dtype, pd.CategoricalDtype):  # each distinct text converted once
        values = values.cat.rename_categories([str(c) for c in values.cat.categories])
        return pa.Array.from_pandas(values).cast(pa.string())
    text = values.astype(object).where(values.notna(), None)
    return pa.array([None if v is None else str(v) for v in text], pa.string())


def summary_arrow_schema() -> pa.Schema:
    """The Arrow schema of results files.

    Returns
    -------
    pyarrow.Schema
        :func:`carbonkit.summary_schema` with text as strings, ``Int64`` as int64 and the factor sets as a
        dictionary (each distinct set stored once per file); units as in the summary's column names.
    """
    import pyarrow as pa

    from carbonkit.schema import summary_schema

    types = {"str": pa.string(), "int64": pa.int64(), "Int64": pa.int64(), "float64": pa.float64(),
             "category": pa.dictionary(pa.int32(), pa.string())}
    return pa.schema([(name, types[str(dtype)]) for name, dtype in summary_schema().items()])


def write_summary(summary: pd.DataFrame, path: PathLike) -> None:
    """Write accounting results with the published schema, whatever the rows (none, all-None parks).

    Parameters
    ----------
    summary : pandas.DataFrame
        ``AccountingResult.summary``.
    path : str or Path
        The Parquet file written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(summary, schema=summary_arrow_schema(), preserve_index=False), path)
