"""A CSV upload checked while it is read, before anything is parsed into a table or accounted.

A bulk CSV can hold a million columns or half a million reports in a few megabytes; reading it into pandas and
accounting it first cost minutes and gigabytes. :func:`precheck` reads the header and then the rows one at a time
(the standard ``csv`` module, constant memory per row) and stops at the first of:

- a header wider than ``max_columns`` (413, ``csv_too_wide``), or a header line longer than it could be;
- more distinct (enterprise, period) reports than ``max_reports`` (413, ``too_many_reports``);
- for an enterprise key, a row of an enterprise that is not its own (403, the same answer whether that
  enterprise exists or not).
"""

from __future__ import annotations

import csv
import io

from api.access import Forbidden, Scope
from carbonkit.errors import InvalidInput, Problem
from carbonkit.readers import COLUMNS
from carbonkit.readers_text import decode_text, sniff_delimiter
from carbonkit.vocabulary import normalise_name

MAX_HEADER_CHARS_PER_COLUMN = 256  # a header cell longer than any alias of COLUMNS by far: a resource bound
_LOOKUP = {normalise_name(alias): canon for canon, aliases in COLUMNS.items() for alias in aliases}


def _header(text: io.TextIOBase, max_columns: int, delimiter: str = ",") -> list[str]:
    line = text.readline(max_columns * MAX_HEADER_CHARS_PER_COLUMN + 1)
    if len(line) > max_columns * MAX_HEADER_CHARS_PER_COLUMN:
        raise InvalidInput(Problem("csv_too_wide", f"the CSV header line is longer than "
                                   f"{max_columns * MAX_HEADER_CHARS_PER_COLUMN:,} characters", row=1,
                                   expected=f"at most {max_columns} columns"))
    names = next(csv.reader([line], delimiter=delimiter), [])
    if len(names) > max_columns:
        raise InvalidInput(Problem("csv_too_wide", f"the CSV header has {len(names):,} columns; the limit is "
                                   f"{max_columns}", row=1, expected=f"at most {max_columns} columns (the long format)"))
    return names


def precheck(raw: bytes, scope: Scope, max_reports: int, max_columns: int) -> str:
    """Refuse an over-wide, over-long or foreign CSV while streaming it; a readable one passes unchanged. Returns
    the body decoded as the reader takes it, so it is decoded once."""
    decoded = decode_text(raw, "CSV")  # UTF-8 (BOM or not) or GB18030, as the reader takes it
    delimiter = sniff_delimiter(decoded)
    text = io.StringIO(decoded, newline="")
    names = _header(text, max_columns, delimiter)
    canon = [_LOOKUP.get(normalise_name(n)) for n in names]
    if "enterprise" not in canon or "period" not in canon:
        return decoded  # the reader names the missing column
    ent_at, period_at = canon.index("enterprise"), canon.index("period")
    seen: set[tuple[str, str]] = set()
    try:
        for line_no, row in enumerate(csv.reader(text, delimiter=delimiter), start=2):
            if len(row) <= max(ent_at, period_at):
                continue
            ent, period = row[ent_at].strip(), row[period_at].strip()
            if not scope.may_name(ent) and scope.role == "enterprise":
                raise Forbidden(f"CSV line {line_no}: this key may not submit for enterprise {ent}")
            seen.add((ent, period))
            if len(seen) > max_reports:
                raise InvalidInput(Problem("too_many_reports", f"more than {max_reports:,} reports (enterprise and "
                                           f"period) by CSV line {line_no}; the limit is {max_reports:,}",
                                           row=line_no, expected=f"at most {max_reports:,} reports per submission"))
    except (UnicodeDecodeError, csv.Error):
        return decoded  # the reader reports the line
    return decoded
