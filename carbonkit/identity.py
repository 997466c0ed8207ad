"""The identity of an enterprise-period: one period parser for the project and the credit-code check.

Periods: ``2023``, ``2023-05``, ``2023-5``, ``2023/05``, ``202305``, ``2023年5月``, ``2023年``, an Excel
date (a datetime, or ``2023-05-01 00:00:00``) become the canonical ``YYYY`` or ``YYYY-MM``; anything else
is refused with one problem. ``2023-5`` and ``2023-05`` are one enterprise-month.

Enterprise ids: an id in float or scientific form (``9.137021147327054e+16``, ``913702114732705.0``) is
what Excel makes of a credit code typed as a number; it is refused with a hint to format the column as
text. An 18-character unified social credit code is checked against GB 32100-2015 (check character:
C18 = 31 − Σ value(c_i)·W_i mod 31, the weights and character set in ``factors/identity/gb32100-2015.toml``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from functools import cache

import numpy as np
import pandas as pd

from carbonkit.datafiles import data_path

PERIOD_EXPECTED = ("a year (2023) or a month (2023-05; also 2023-5, 2023/05, 202305, 2023年5月 or an Excel date), "
                   "years 1901-2199")
ID_FLOAT_HINT = ("the id arrived as a number in float or scientific form (Excel shows a long number that way): "
                 "format the column as text and type the code again")
_PATTERNS = (
    re.compile(r"^(\d{4})\s*年?$"),
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月?$"),
    re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$"),  # an Excel date read as text
)
_FLOAT_ID = re.compile(r"^[+-]?\d+(?:\.\d*)?[eE][+-]?\d+$|^\d+\.\d+$|^\d+\.$")


def _canonical(year: int, month: int | None) -> str | None:
    if not 1900 < year < 2200 or (month is not None and not 1 <= month <= 12):
        return None
    return f"{year:04d}" if month is None else f"{year:04d}-{month:02d}"


def parse_period(value) -> str | None:
    """The canonical period (``YYYY`` or ``YYYY-MM``) of a value, or None when it is not a period."""
    if isinstance(value, (dt.date, pd.Timestamp)) and not pd.isna(value):
        return _canonical(value.year, value.month)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = str(int(value))
    elif isinstance(value, (float, np.floating)):
        if not math.isfinite(value) or value != int(value):
            return None
        value = str(int(value))
    text = str(value).strip()
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if m:
            groups = m.groups()
            return _canonical(int(groups[0]), int(groups[1]) if len(groups) > 1 and groups[1] else None)
    return None


def canonical_periods(series: pd.Series) -> pd.Series:
    """``series`` with every parseable period in canonical form; other values (blank, bad) left as given so
    that validation reports them. Each distinct value is parsed once."""
    if series.empty:
        return series
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = [parse_period(u) or u for u in uniques]
    out = np.array(mapped + [None], dtype=object)[codes]
    return pd.Series(out, index=series.index, name=series.name)


def is_float_id(value) -> bool:
    """True for an id that is a float or a number in scientific form (Excel's rendering of a long number)."""
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value)
    return bool(_FLOAT_ID.match(str(value).strip()))


@cache
def _gb32100() -> dict:
    return tomllib.loads(data_path("identity", "gb32100-2015.toml").read_text(encoding="utf-8"))


def credit_code_status(code) -> str:
    """``valid`` or ``check_failed`` for an 18-character code in the GB 32100-2015 character set; ``""`` for
    any other id (not every id is a credit code)."""
    spec = _gb32100()
    text = str(code).strip().upper() if code is not None else ""
    charset = spec["charset"]
    if len(text) != spec["length"] or any(c not in charset for c in text):
        return ""
    total = sum(charset.index(c) * w for c, w in zip(text[:-1], spec["weights"]))
    check = (spec["modulus"] - total % spec["modulus"]) % spec["modulus"]
    return "valid" if charset[check] == text[-1] else "check_failed"


def credit_code_statuses(ids: np.ndarray) -> np.ndarray:
    """:func:`credit_code_status` per element, each distinct id checked once."""
    codes, uniques = pd.factorize(pd.Series(ids, dtype=object), use_na_sentinel=False)
    return np.array([credit_code_status(u) for u in uniques], dtype=object)[codes]
