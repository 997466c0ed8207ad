"""Text files as Chinese users have them: encoding and delimiter detection, and the accepted headers named.

Kept beside :mod:`carbonkit.readers` (which owns the header table :data:`~carbonkit.readers.COLUMNS`).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

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
