"""Readers of external formats into the long activity table. All of them live here.

Source column names map to canonical names through one explicit table, :data:`COLUMNS`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, cast

import numpy as np
import pandas as pd

from carbonkit.documents import REQUIRED, documents_to_frame
from carbonkit.errors import InvalidInput, Problem
from carbonkit.readers_text import decode_text, raw_content, read_arrow_typed, require_columns, sniff_delimiter
from carbonkit.vocabulary import normalise_name

# canonical column -> the headers users write (Chinese and English; matched after normalise_name)
COLUMNS: dict[str, tuple[str, ...]] = {
    "enterprise": ("enterprise", "enterprise_id", "统一社会信用代码", "企业", "企业代码", "企业编号", "credit_code",
                   "社会信用代码", "单位代码", "组织机构代码", "法人单位代码"),
    "name": ("name", "enterprise_name", "企业名称", "名称", "单位名称", "单位详细名称"),
    "period": ("period", "year", "期间", "年份", "统计期", "报告期", "年度", "统计年度"),
    "item": ("item", "carrier", "能源品种", "品种", "项目", "指标", "能源名称", "能源种类", "指标名称"),
    "amount": ("amount", "quantity", "value", "数量", "消费量", "数值", "实物量", "本年消费量", "本期消费量",
               "消费合计", "本年实际"),
    "unit": ("unit", "计量单位", "单位"),
    "flow": ("flow", "use", "用途", "流向"),
    "enthalpy": ("enthalpy", "enthalpy_kj_per_kg", "焓值", "蒸汽焓值"),
    "region": ("region", "region_code", "行政区划代码", "地区", "地区代码", "行政区划", "区划代码"),
    "industry": ("industry", "industry_code", "行业代码", "行业", "国民经济行业代码"),
    "park": ("park", "park_id", "园区", "园区代码"),
    "ncv": ("ncv", "net_calorific_value", "低位发热量", "实测低位发热量"),
    "ncv_unit": ("ncv_unit", "低位发热量单位"),
    "carbon_content": ("carbon_content", "单位热值含碳量", "实测单位热值含碳量"),
    "carbon_content_unit": ("carbon_content_unit", "单位热值含碳量单位"),
    "factor_source": ("factor_source", "实测值来源", "检测报告"),
}
_LOOKUP = {normalise_name(alias): canon for canon, aliases in COLUMNS.items() for alias in aliases}
_TEXT_COLUMNS = ("enterprise", "name", "period", "item", "unit", "flow", "region", "industry", "park", "ncv_unit",
                 "carbon_content_unit", "factor_source")
# sheets of carbonkit's own workbook template that hold no data (instructions, drop-down lists); matched after
# normalise_name. Every other non-empty sheet of a workbook must be a long table.
NOTE_SHEETS = ("说明", "instructions", "列表", "lists")

# How far an .xlsx (a zip) may expand before openpyxl opens it: resource limits of the reader (a few MB upload can
# unpack to gigabytes, a "zip bomb"), not accounting data. The service sets the first one (max_xlsx_unpacked_bytes).
XLSX_MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # [B] all members together, unpacked
XLSX_MAX_MEMBERS = 10_000  # files in the archive
XLSX_MAX_RATIO = 200  # unpacked / packed size of one member larger than XLSX_RATIO_FROM_BYTES
XLSX_RATIO_FROM_BYTES = 1024 * 1024  # [B]
_INFLATE_CHUNK = 64 * 1024  # [B] the most one inflate step may produce
Source = str | Path | IO[bytes] | IO[str]  # a file path, or a binary or text stream


def canonical_columns(frame: pd.DataFrame, source: str = "input") -> pd.DataFrame:
    """Rename known headers to canonical names; refuse a header that maps twice.

    Parameters
    ----------
    frame : DataFrame
        A table as read, headers in Chinese or English.
    source : str
        The name of the input, for the message.

    Returns
    -------
    DataFrame
        The same table with the canonical column names.

    Raises
    ------
    InvalidInput
        A header that maps to a canonical name another header maps to.
    """
    mapping: dict[str, str] = {}
    problems = []
    for col in frame.columns:
        canon = _LOOKUP.get(normalise_name(col))
        if canon is None:
            continue
        if canon in mapping.values():
            problems.append(Problem("column_duplicate", f"{source}: columns '{col}' and another both mean '{canon}'", field=col))
        mapping[col] = canon
    if problems:
        raise InvalidInput(problems)
    return frame.rename(columns=mapping)


TYPED_CSV_BYTES = 4 * 1024 * 1024  # [B] from this size a CSV file is read typed first (see _read_typed)


def _read_typed(source: Source) -> pd.DataFrame | None:
    """A large CSV file read with ``amount`` as floats and the text columns as categories (their distinct
    values trimmed once, not every cell), or None when that does not go (an amount that is not a number,
    an empty one, a header that maps twice): the text reading then reports each problem by row.

    Where pyarrow can be imported, pandas' reader (in threads) takes the cells as Arrow texts and pyarrow converts
    them (:func:`~carbonkit.readers_text.read_arrow_typed`); else pandas' reader alone. The floats are what
    ``pd.to_numeric`` gives for the same text, so the results do not change.
    """
    if not isinstance(source, (str, Path)) or Path(source).stat().st_size < TYPED_CSV_BYTES:
        return None
    try:
        typed = _typed_header(source)
    except (ValueError, StopIteration, csv.Error, UnicodeDecodeError):
        return None
    if typed is None:
        return None
    raw, header, canon, dtype = typed
    try:
        amount = next(r for r, h in zip(raw, header) if canon[h] == "amount")
        frame = read_arrow_typed(source, raw, amount)
        if frame is not None:
            frame = _as_pandas_reads(frame, dtype)
    except ImportError:
        frame = _read_pandas_typed(source, raw, dtype)
    if frame is None:
        return None
    frame.columns = header
    trimmed = _trimmed_categories(frame.rename(columns={col: c for col, c in canon.items() if c}))
    if trimmed is not None:
        trimmed["row"] = np.arange(2, len(trimmed) + 2)  # header is line 1
    return trimmed


def _read_pandas_typed(source: str | Path, raw: list[str], dtype: dict[str, Any]) -> pd.DataFrame | None:
    """The file read by pandas with ``dtype``; None where pandas refuses it or reads another header, or where an
    amount of 0 or 1 may have been the word true or false (pandas reads those as numbers, the text reading not)."""
    try:
        frame = pd.read_csv(source, dtype=dtype, keep_default_na=False, encoding="utf-8-sig")  # spaces: trimmed
    except (ValueError, TypeError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        return None
    if list(frame.columns) != raw:  # pandas read another header (duplicates renamed ...)
        return None
    numeric = [r for r in raw if dtype[r] == "category" and frame[r].cat.categories.inferred_type != "string"]
    if numeric:  # categories pandas took for numbers ('0E1' as 0.0, '0370211' as 370211): those columns as texts
        again = pd.read_csv(source, usecols=numeric, dtype=object, keep_default_na=False, encoding="utf-8-sig")
        for col in numeric:
            frame[col] = pd.Categorical(again[col].to_numpy())
    amounts = frame[next(r for r in raw if dtype[r] is np.float64)].to_numpy()
    if ((amounts == 0) | (amounts == 1)).any() and _holds_boolean_words(source):
        return None
    texts = [r for r in raw if dtype[r] is str]
    if any(frame[r].str.contains('"', regex=False).any() for r in texts):
        return None  # a quoted field after a space: the text reading (skipinitialspace) reads it right
    return frame


def _holds_boolean_words(path: str | Path, chunk: int = 1 << 24) -> bool:
    """Whether the file holds the word true or false in any case (read in pieces of ``chunk`` bytes, lowered)."""
    with open(path, "rb") as fh:
        tail = b""
        while piece := fh.read(chunk):
            text = tail + piece.lower()
            if b"true" in text or b"false" in text:
                return True
            tail = text[-4:]  # a word across two pieces
    return False


def _as_pandas_reads(frame: pd.DataFrame, dtype: dict[str, Any]) -> pd.DataFrame | None:
    """pyarrow's reading (every column but the amount categorical) with the columns that pandas reads as texts
    (``dtype`` str) as texts; None where such a column holds a quote (see :func:`_trimmed_categories`)."""
    for col, kind in dtype.items():
        if kind is str:
            if frame[col].cat.categories.str.contains('"', regex=False).any():
                return None
            frame[col] = frame[col].astype(str)
    return frame


def _typed_header(source: str | Path) -> tuple[list[str], list[str], dict[str, str | None], dict[str, Any]] | None:
    """The header as in the file and as read (leading spaces dropped), each column's canonical name and its
    dtype (``amount`` float, text columns categories); None for a header that maps twice or has no amount."""
    with open(source, encoding="utf-8-sig", newline="") as fh:  # the header line, without pandas' set-up
        raw = next(csv.reader(fh))
    header = [h.lstrip() for h in raw]  # as skipinitialspace reads it
    canon = {col: _LOOKUP.get(normalise_name(col)) for col in header}
    known = [c for c in canon.values() if c]
    if len(set(known)) < len(known) or "amount" not in known:  # a header that maps twice, another dialect
        return None
    dtype: dict[str, Any] = {r: np.float64 if canon[h] == "amount" else "category" if canon[h] in _TEXT_COLUMNS else str
                             for r, h in zip(raw, header)}
    return raw, header, canon, dtype


def _trimmed_categories(frame: pd.DataFrame) -> pd.DataFrame | None:
    """The text columns' categories trimmed once (not every cell); None where a category holds a quote."""
    for col in frame.columns:
        if col in _TEXT_COLUMNS:
            categories = frame[col].cat.categories
            if categories.astype(str).str.contains('"', regex=False).any():
                return None  # a quoted field after a space: the text reading (skipinitialspace) reads it right
            trimmed = categories.astype(str).str.strip()
            if not trimmed.equals(categories):
                frame[col] = (frame[col].cat.rename_categories(trimmed)  # type: ignore[arg-type]  # an Index is a sequence
                              if trimmed.is_unique
                              else frame[col].astype(str).str.strip())
    return frame


def read_csv(source: Source) -> pd.DataFrame:
    """The long table from a CSV file or stream. ``row`` is the line number.

    The encoding is detected (UTF-8 with or without BOM, else GB18030, which covers GBK and GB2312: what Excel
    on Chinese Windows saves) and the delimiter too (comma, semicolon or tab, from the header line).

    Parameters
    ----------
    source : str, Path or stream
        The file path, or a binary or text stream.

    Returns
    -------
    DataFrame
        The long table (amounts as in the file, in their ``unit``), with ``row``.

    Raises
    ------
    InvalidInput
        An encoding or header that cannot be read, naming what was expected.
    """
    name = Path(source).name if isinstance(source, (str, Path)) else "CSV"
    typed = _read_typed(source)
    if typed is not None:
        return typed
    text = decode_text(raw_content(source), name)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True,
                            sep=sniff_delimiter(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidInput(Problem("csv_invalid", f"{name}: not a readable CSV table: {exc}")) from None
    headers = [str(c) for c in frame.columns]
    frame = canonical_columns(frame, name)
    require_columns(frame, name, headers)
    for col in frame.columns:
        if col in _TEXT_COLUMNS:
            frame[col] = frame[col].str.strip()
    frame["row"] = np.arange(2, len(frame) + 2)  # header is line 1
    return frame


def read_json(path: str | Path) -> pd.DataFrame:
    """The long table from a JSON document, a JSON list of documents, or JSON lines (.jsonl).

    Parameters
    ----------
    path : str or Path
        A .json or .jsonl file.

    Returns
    -------
    DataFrame
        The long table with ``path`` and ``row``.

    Raises
    ------
    InvalidInput
        Not JSON, or a document that does not validate (every problem, with its path).
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    try:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            docs = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
            docs = data if isinstance(data, list) else [data]
    except json.JSONDecodeError as exc:
        raise InvalidInput(Problem("json_invalid", f"{path.name}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                                   row=exc.lineno)) from None
    return documents_to_frame(docs)


def read_excel(source: str | Path | IO[bytes], *, max_unpacked_bytes: int = XLSX_MAX_UNPACKED_BYTES) -> pd.DataFrame:
    """The long table from every data sheet of an .xlsx workbook (a path or a binary stream).

    Before openpyxl opens it, the archive is checked by :func:`check_xlsx_archive` (at most
    ``max_unpacked_bytes`` [B] unpacked, no member packed more than 200:1, at most 10,000 members;
    ``xlsx_too_large`` otherwise).

    Row 1 of each sheet is the header (the names of :data:`COLUMNS`, Chinese or English); blank rows are
    skipped. ``sheet`` and ``row`` (the row number as Excel shows it) travel with every row, so each problem
    the accounting finds names both. The template's instructions and lists sheets (:data:`NOTE_SHEETS`) are
    skipped; any other non-empty sheet without the required headers is refused, never silently dropped.

    Parameters
    ----------
    source : str, Path or binary stream
        The workbook.
    max_unpacked_bytes : int
        The most the archive may unpack to [B].

    Returns
    -------
    DataFrame
        The long table with ``sheet`` and ``row``.

    Raises
    ------
    InvalidInput
        An archive too large or broken, a sheet not recognised, no data.
    """
    name = workbook_name(source)
    with open_workbook(source, max_unpacked_bytes) as book:
        try:
            frames, problems, seen = _read_sheets(book)
        except InvalidInput:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:  # sheets are read lazily: broken packed
            raise _unreadable(name, exc) from None  # data, or XML openpyxl cannot read (a number of a million digits)
    if problems:
        raise InvalidInput(problems)
    if not frames:
        raise InvalidInput(Problem("sheet_missing", f"{name}: no sheet holds activity data (sheets: {', '.join(seen)})",
                                   expected="a sheet with the header row " + ", ".join(REQUIRED)))
    filled = [f for f in frames.values() if not f.empty]
    if not filled:
        raise InvalidInput(Problem("rows_missing", f"{name}: the sheets {', '.join(frames)} "
                                   "hold no data rows", expected="one row per enterprise, period and item from row 2"))
    return pd.concat(filled, ignore_index=True)


def _read_sheets(book: Any) -> tuple[dict[str, pd.DataFrame], list[Problem], list[str]]:
    """Every data sheet's long table by title, the problems of the sheets, and every sheet's title.

    The note sheets (:data:`NOTE_SHEETS`) and empty sheets are skipped; a sheet with rows below an empty
    row 1 is a problem.
    """
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    seen: list[str] = []
    for sheet in book.worksheets:
        seen.append(sheet.title)
        sheet.reset_dimensions()  # a sheet's stated size may be missing or wrong; read the rows there are
        rows = sheet.iter_rows(min_row=1, values_only=True)
        header = next(rows, None)
        if normalise_name(sheet.title) in NOTE_SHEETS:
            continue
        if header is None or all(_blank(v) for v in header):
            if any(not all(_blank(v) for v in row) for row in rows):
                problems.append(Problem("sheet_unrecognised", "row 1 is empty; the header must be in row 1",
                                        row=1, sheet=sheet.title, expected="a header row with " + ", ".join(REQUIRED)))
            continue
        frame, sheet_problems = _sheet_frame(sheet.title, header, rows)
        problems += sheet_problems
        if frame is not None:
            frames[sheet.title] = frame
    return frames, problems, seen


WORKBOOK_EXPECTED = "an Excel workbook (.xlsx), e.g. from `carbonkit template`"


def workbook_name(source: str | Path | IO[bytes]) -> str:
    """A workbook's name in messages: its file name, or "workbook" for a stream."""
    return Path(source).name if isinstance(source, (str, Path)) else "workbook"


@contextmanager
def open_workbook(source: str | Path | IO[bytes], max_unpacked_bytes: int = XLSX_MAX_UNPACKED_BYTES,
                  expected: str = WORKBOOK_EXPECTED) -> Iterator[Any]:
    """An .xlsx workbook opened by openpyxl (read only, cell values), closed on leaving: the one place the core
    opens a workbook (the long template, form 205-1).

    Parameters
    ----------
    source : str, Path or binary stream
        The workbook.
    max_unpacked_bytes : int
        The most the archive may unpack to [B] (:func:`check_xlsx_archive`, before openpyxl reads it).
    expected : str
        What the ``xlsx_invalid`` problem says was expected.

    Yields
    ------
    openpyxl.Workbook
        The workbook.

    Raises
    ------
    InvalidInput
        ``xlsx_too_large`` or ``xlsx_invalid``: an archive too large or broken, a file openpyxl cannot open.
    """
    from openpyxl import load_workbook  # imported here: only workbooks need it
    from openpyxl.utils.exceptions import InvalidFileException

    name = workbook_name(source)
    check_xlsx_archive(source, max_unpacked_bytes, name)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise _unreadable(name, exc, expected) from None
    try:
        yield book
    finally:
        book.close()


def _unreadable(name: str, exc: Exception, expected: str = WORKBOOK_EXPECTED) -> InvalidInput:
    why = "corrupt packed data" if isinstance(exc, zlib.error) else exc.__class__.__name__
    return InvalidInput(Problem("xlsx_invalid", f"{name}: not a readable .xlsx workbook ({why})", expected=expected))


def check_xlsx_archive(source: str | Path | IO[bytes], max_unpacked_bytes: int = XLSX_MAX_UNPACKED_BYTES, name: str = "workbook") -> None:
    """Refuse an .xlsx (a path or a seekable binary stream) that would unpack too far, before any XML is parsed.

    From the zip central directory: more than :data:`XLSX_MAX_MEMBERS` members, members that together unpack to
    more than ``max_unpacked_bytes`` [B], or a member over :data:`XLSX_RATIO_FROM_BYTES` [B] packed more than
    :data:`XLSX_MAX_RATIO`:1 give ``xlsx_too_large``; a member neither stored nor deflated (the only methods of an
    .xlsx) or encrypted gives ``xlsx_invalid``. The declared sizes are then proved: each deflated member is inflated
    in steps of at most 64 KiB and counted, stopping as soon as it exceeds its declared size (``xlsx_invalid``), so
    neither this check nor openpyxl afterwards unpacks more than the limit. A stream is left where it was.

    Parameters
    ----------
    source : str, Path or binary stream
        The workbook.
    max_unpacked_bytes : int
        The most all members may unpack to [B].
    name : str
        The workbook's name, for the messages.

    Raises
    ------
    InvalidInput
        ``xlsx_too_large`` or ``xlsx_invalid``.
    """
    stream = None if isinstance(source, (str, Path)) else source
    start = None if stream is None else stream.tell()
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
            problems = _declared_problems(members, max_unpacked_bytes, name)
            if problems:
                raise InvalidInput(problems)
            fp = cast(IO[bytes], archive.fp)  # open while the archive is
            for info in members:
                if info.compress_type == zipfile.ZIP_DEFLATED and _inflated_size(fp, info) > info.file_size:
                    raise InvalidInput(Problem(
                        "xlsx_invalid", f"{name}: member {info.filename} unpacks to more than the {info.file_size:,} "
                        "bytes it declares", field=info.filename, expected="an archive whose sizes are true"))
    except InvalidInput:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise _unreadable(name, exc) from None
    finally:
        if stream is not None and start is not None:
            stream.seek(start)


def _declared_problems(members: list[zipfile.ZipInfo], limit: int, name: str) -> list[Problem]:
    """What the central directory says against the limits [B]."""
    too_large = "xlsx_too_large"
    if len(members) > XLSX_MAX_MEMBERS:
        return [Problem(too_large, f"{name}: the archive holds {len(members):,} members; the limit is "
                        f"{XLSX_MAX_MEMBERS:,}", expected=f"at most {XLSX_MAX_MEMBERS:,} members")]
    problems = []
    total = sum(m.file_size for m in members)
    if total > limit:
        largest = max(members, key=lambda m: m.file_size)
        problems.append(Problem(too_large, f"{name}: the members unpack to {total:,} bytes (the largest, "
                                f"{largest.filename}, to {largest.file_size:,} bytes); the limit is {limit:,} bytes",
                                field=largest.filename, expected=f"at most {limit:,} bytes unpacked"))
    for m in members:
        if m.flag_bits & 0x1:
            problems.append(Problem("xlsx_invalid", f"{name}: member {m.filename} is encrypted", field=m.filename,
                                    expected="a workbook saved without a password"))
        elif m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problems.append(Problem("xlsx_invalid", f"{name}: member {m.filename} is packed with zip method "
                                    f"{m.compress_type}", field=m.filename, expected="stored or deflated members"))
        elif m.file_size > XLSX_RATIO_FROM_BYTES and m.file_size > XLSX_MAX_RATIO * m.compress_size:
            ratio = m.file_size / m.compress_size if m.compress_size else float("inf")
            problems.append(Problem(too_large, f"{name}: member {m.filename} unpacks to {m.file_size:,} bytes from "
                                    f"{m.compress_size:,} ({ratio:,.0f}:1); the limit is {XLSX_MAX_RATIO}:1",
                                    field=m.filename, expected=f"at most {XLSX_MAX_RATIO}:1 for members over "
                                    f"{XLSX_RATIO_FROM_BYTES:,} bytes"))
    return problems


def _inflated_size(fp: IO[bytes], info: zipfile.ZipInfo) -> int:
    """The bytes [B] a deflated member really unpacks to, counted up to one step past its declared size."""
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header of {info.filename}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_length + extra_length)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced, left, pending = 0, info.compress_size, b""
    while produced <= info.file_size and not inflater.eof:
        if not pending and left > 0:
            pending = fp.read(min(_INFLATE_CHUNK, left))
            if not pending:
                break  # the archive ends early
            left -= len(pending)
        out = inflater.decompress(pending, _INFLATE_CHUNK)
        pending = inflater.unconsumed_tail
        if not out and not pending and left <= 0:
            break
        produced += len(out)
    return produced


def _sheet_frame(title: str, header: tuple[Any, ...],
                 rows: Iterable[tuple[Any, ...]]) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One sheet as the long table with ``sheet`` and ``row``, or the problems of its header."""
    keep = [i for i, h in enumerate(header) if not _blank(h)]
    names = [str(header[i]).strip() for i in keep]
    problems = _header_problems(title, names)
    if problems:
        return None, problems
    values, numbers = _sheet_rows(rows, keep, [_LOOKUP.get(normalise_name(n)) == "period" for n in names])
    try:
        frame = canonical_columns(pd.DataFrame(values, columns=names, dtype=object), f"sheet {title}")
    except InvalidInput as exc:
        return None, [replace(p, sheet=title, row=1) for p in exc.problems]
    for col in frame.columns:
        if col in _TEXT_COLUMNS:
            frame[col] = frame[col].astype(object).str.strip()
    frame["row"] = np.array(numbers, dtype=np.int64)
    frame["sheet"] = title
    return frame, []


def _header_problems(title: str, names: list[str]) -> list[Problem]:
    """A header without the :data:`REQUIRED` columns: which are missing, or that it is no header of the table."""
    known = [n for n in names if normalise_name(n) in _LOOKUP]
    missing = [c for c in REQUIRED if c not in {_LOOKUP[normalise_name(n)] for n in known}]
    if not missing:
        return []
    what = (f"columns {', '.join(missing)} are missing" if known else
            "this is not a header of the long table; fix the header or delete the sheet")
    return [Problem("sheet_unrecognised" if not known else "column_missing", what, row=1, sheet=title,
                    field=None if not known else missing[0],
                    expected="a header row with " + ", ".join(REQUIRED) + " (Chinese or English names)")]


def _sheet_rows(rows: Iterable[tuple[Any, ...]], keep: list[int],
                periods: list[bool]) -> tuple[list[list[str]], list[int]]:
    """The cells of the kept columns of each non-blank row as text, and each row's number (row 2 first)."""
    values, numbers = [], []
    for number, row in enumerate(rows, start=2):
        cells = [row[i] if i < len(row) else None for i in keep]
        if all(_blank(v) for v in cells):
            continue
        values.append([_cell_text(v, p) for v, p in zip(cells, periods)])
        numbers.append(number)
    return values, numbers


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _cell_text(value: object, period: bool = False) -> str:
    """A cell as the text a CSV would hold: integers without '.0', dates as 'YYYY-MM' in the period column."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return f"{value.year:04d}-{value.month:02d}" if period else value.isoformat()
    return str(value)


def read_activities(path: str | Path) -> pd.DataFrame:
    """The long activity table from a .csv, .json, .jsonl, .xlsx or .parquet file, or a folder of Parquet files.

    Parameters
    ----------
    path : str or Path
        The file or folder.

    Returns
    -------
    DataFrame
        The long table (amounts in their ``unit``), with ``row`` (and ``sheet``, ``path`` where they apply).
    """
    path = Path(path)
    if path.is_dir() or path.suffix.lower() in (".parquet", ".pq"):  # a Parquet file or dataset folder
        from carbonkit.parquet import read_parquet
        return read_parquet(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    if suffix in (".json", ".jsonl", ".ndjson"):
        return read_json(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_excel(path)
    raise InvalidInput(Problem("format_unknown", f"{path.name}: cannot read '{suffix}' files", field="path",
                               expected=".csv, .json, .jsonl or .xlsx"))
