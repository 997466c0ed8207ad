"""Text files as Chinese users have them: encoding and delimiter detection, and the accepted headers named.

Kept beside :mod:`carbonkit.readers` (which owns the header table :data:`~carbonkit.readers.COLUMNS`).
"""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt
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
    """A UTF-8 CSV file read with ``amount`` as floats and every other column as a categorical (sorted
    categories, as ``pandas.read_csv(dtype="category")`` gives them), through pyarrow: pandas' reader (in threads)
    takes every cell as an Arrow text, pyarrow converts the amounts (``cast``) and encodes the other columns
    (``dictionary_encode``, a column a thread).

    None where the reading could differ from the text reading: pandas refuses the file (a quote left open, a
    row too long, text that is not UTF-8), the header is not ``names``, or an amount is no finite number (no
    number at all, NaN or infinite: the text reading names the cell). The floats are those ``pd.to_numeric``
    gives for the same text (both round correctly); empty cells stay empty texts, as ``keep_default_na=False``
    reads them, and a missing cell (a short row) is missing, as the text reading has it.

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
        Without pyarrow: the caller reads the file with pandas alone.
    """
    import pyarrow as pa  # optional: imported only here
    import pyarrow.compute as pc

    try:
        cells = pd.read_csv(path, dtype=pd.ArrowDtype(pa.string()), keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        return None
    if list(cells.columns) != names or cells.empty:
        return None
    try:
        amounts = _chunks_to_numpy(pc.cast(_arrow(cells[amount]), pa.float64()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if not np.isfinite(amounts).all():
        return None
    texts = [n for n in names if n != amount]

    def encode(name: str) -> pd.Categorical:
        return _sorted_categorical(_arrow(cells[name]))

    with ThreadPoolExecutor(max_workers=min(len(texts), os.cpu_count() or 1) or 1) as pool:  # pyarrow frees the GIL
        categoricals = dict(zip(texts, pool.map(encode, texts)))
    return pd.DataFrame({n: amounts if n == amount else categoricals[n] for n in names}, copy=False)


def _arrow(column: pd.Series) -> Any:
    """The pyarrow ChunkedArray under a column of ``pd.ArrowDtype``."""
    return column.array._pa_array  # ArrowExtensionArray's storage


def _chunks_to_numpy(chunked: Any) -> npt.NDArray[np.float64]:
    """A ChunkedArray of float64 as one numpy array (NaN where missing)."""
    parts = [c.to_numpy(zero_copy_only=False) for c in chunked.chunks]
    return np.concatenate(parts) if parts else np.empty(0)


def _sorted_categorical(texts: Any) -> pd.Categorical:
    """A ChunkedArray of texts as a categorical with its categories sorted (a missing text missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(texts).unify_dictionaries()
    chunks = encoded.chunks
    dictionary = chunks[0].dictionary
    indices = np.concatenate([c.indices.fill_null(-1).to_numpy() for c in chunks])  # -1: missing
    order = pc.array_sort_indices(dictionary).to_numpy()
    rank = np.empty(len(order) + 1, dtype=np.int32)  # the place of each text among the sorted; -1 stays -1
    rank[order] = np.arange(len(order), dtype=np.int32)
    rank[-1] = -1
    codes = rank[indices]
    categories = pd.Index(dictionary.take(pa.array(order)).to_pandas(), copy=False)
    return pd.Categorical.from_codes(codes, categories=categories, validate=False)
