"""Text files as Chinese users have them: encoding and delimiter detection, and the accepted headers named.

Kept beside :mod:`carbonkit.readers` (which owns the header table :data:`~carbonkit.readers.COLUMNS`).
"""

from __future__ import annotations

import io
import mmap
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from carbonkit.errors import InvalidInput, Problem

ENCODINGS = ("utf-8-sig", "gb18030")  # UTF-8 with or without BOM; GB18030 ⊃ GBK ⊃ GB2312
DELIMITERS = (",", ";", "\t")


def raw_content(source: str | Path | IO[bytes] | IO[str]) -> bytes | str:
    """The bytes of a path or binary stream, or the text of a text stream.

    Parameters
    ----------
    source : str, Path or stream
        A file path, or a binary or text stream.

    Returns
    -------
    bytes or str
    """
    if isinstance(source, (str, Path)):
        return Path(source).read_bytes()
    data: bytes | str = source.read()
    return data


def decode_text(data: bytes | str, name: str = "CSV") -> str:
    """Text from bytes in UTF-8 (BOM or not) or GB18030; ``csv_encoding`` naming both when neither fits.

    Parameters
    ----------
    data : bytes or str
        The content (text is returned as it is).
    name : str
        The input's name, for the message.

    Returns
    -------
    str

    Raises
    ------
    InvalidInput
        ``csv_encoding`` when neither encoding fits.
    """
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(Problem("csv_encoding", f"{name}: the file is neither UTF-8 nor GB18030/GBK text",
                               expected="a CSV saved as UTF-8 (CSV UTF-8 in Excel) or GBK/GB18030"))


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of comma, semicolon and tab (comma when none).

    Parameters
    ----------
    text : str
        The file's text.

    Returns
    -------
    str
        ',', ';' or a tab.
    """
    header = next((line for line in io.StringIO(text) if line.strip()), "")
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def require_columns(frame: pd.DataFrame, name: str, headers: list[str] | None = None) -> None:
    """Refuse a table without the required columns, naming the headers accepted for each, in Chinese and
    English (``column_missing``).

    Parameters
    ----------
    frame : DataFrame
        The table with canonical column names.
    name : str
        The input's name, for the message.
    headers : list of str, optional
        The required columns (:data:`carbonkit.documents.REQUIRED` by default).

    Raises
    ------
    InvalidInput
        ``column_missing`` for each required column absent.
    """
    from carbonkit.documents import REQUIRED
    from carbonkit.readers import COLUMNS

    missing = [c for c in REQUIRED if c not in frame.columns]
    if not missing:
        return
    seen = ", ".join(headers if headers is not None else [str(c) for c in frame.columns])
    raise InvalidInput([Problem("column_missing", f"{name}: no column for '{c}' (the headers are: {seen})", field=c,
                                expected="a header " + " / ".join(COLUMNS[c])) for c in missing])


def read_arrow_typed(path: str | Path, names: list[str], amount: str) -> pd.DataFrame | None:
    """A UTF-8 CSV file read by pyarrow's reader with ``amount`` as floats and every other column as a categorical
    (sorted categories, as ``pandas.read_csv(dtype="category")`` gives them), or None where the reading could
    differ from the text reading: pyarrow refuses the file (a cell that is no number, a row of another length,
    text that is not UTF-8), the header is not ``names`` (in the file's order, each once), an amount is not
    finite (the text reading names the cell), or the file's quotes do not pair (pyarrow would take a quote left
    open at the end of the file as closed there).

    The floats are those ``pd.to_numeric`` gives for the same text (both round correctly); empty cells stay
    empty texts (no missing values), as ``keep_default_na=False`` reads them.

    Parameters
    ----------
    path : str or Path
        The CSV file (comma-separated, header in line 1).
    names : list of str
        The header as in the file.
    amount : str
        The header of the amount column.

    Returns
    -------
    DataFrame or None
        The columns ``names`` (no ``row``), or None.

    Raises
    ------
    ImportError
        Without pyarrow: the caller reads the file with pandas.
    """
    import pyarrow as pa  # optional: imported only here
    import pyarrow.csv as pacsv

    quotes = _quotes(path)
    if len(set(names)) < len(names) or quotes % 2:
        return None
    text = pa.dictionary(pa.int32(), pa.string())
    convert = pacsv.ConvertOptions(column_types={n: pa.float64() if n == amount else text for n in names},
                                   null_values=[], strings_can_be_null=False, quoted_strings_can_be_null=False)
    try:
        table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(newlines_in_values=quotes > 0),  # only in quotes
                                convert_options=convert)
    except (pa.ArrowException, UnicodeDecodeError):
        return None
    if table.column_names != names or table.num_rows == 0:
        return None
    table = table.unify_dictionaries()
    columns: dict[str, Any] = {}
    for name in names:
        chunks = table.column(name).chunks
        if name == amount:
            columns[name] = np.concatenate([c.to_numpy() for c in chunks])
            if not np.isfinite(columns[name]).all():
                return None
        else:
            columns[name] = _sorted_categorical(chunks)
    return pd.DataFrame(columns, copy=False)


def _sorted_categorical(chunks: list[Any]) -> pd.Categorical:
    """A categorical from dictionary-encoded chunks sharing one dictionary, its categories sorted."""
    codes = np.concatenate([c.indices.to_numpy() for c in chunks])
    categories = pd.Index(chunks[0].dictionary.to_pandas(), copy=False)
    values = pd.Categorical.from_codes(codes, categories=categories, validate=False)
    if not categories.is_monotonic_increasing:
        values = values.reorder_categories(categories.sort_values())
    return values


def _quotes(path: str | Path) -> int:
    """How many double quotes the file holds (an odd number: one left open); one memchr pass when none."""
    if Path(path).stat().st_size == 0:
        return 0  # nothing to map
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return 0 if data.find(b'"') < 0 else data[:].count(b'"')
