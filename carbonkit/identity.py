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
from typing import Any

import numpy as np
import pandas as pd

from carbonkit.datafiles import data_path
from carbonkit.schema import text_take

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


def parse_period(value: object) -> str | None:
    """The canonical period (``YYYY`` or ``YYYY-MM``) of a value (text, number, date), or None when it is not a period."""
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


def canonical_labels(codes: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[str]]:
    """Codes over sorted distinct period texts (-1 for blank) recoded over their canonical forms: '2023-5' and
    '2023-05' get one code. Texts that are no period keep their own (validation names them)."""
    canon = [parse_period(n) or n for n in names]
    merged = sorted(set(canon))
    index = {n: i for i, n in enumerate(merged)}
    remap = np.array([index[c] for c in canon] + [-1], dtype=np.int64)
    return remap[codes], merged


def is_float_id(value: object) -> bool:
    """True for an id that is a float or a number in scientific form (Excel's rendering of a long number)."""
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value)
    return bool(_FLOAT_ID.match(str(value).strip()))


def float_ids(names: list[str]) -> np.ndarray:
    """:func:`is_float_id` over distinct id texts; only those holding a '.' or an 'e' go through the pattern."""
    text = names if isinstance(names, list) else [str(t) for t in names]
    maybe = [i for i, t in enumerate(text) if "." in t or "e" in t or "E" in t]
    out = np.zeros(len(text), dtype=bool)
    out[maybe] = [is_float_id(text[i]) for i in maybe]
    return out


@cache
def _gb32100() -> dict[str, Any]:
    """The GB 32100-2015 check: code length, character set, weights and modulus (factors/identity)."""
    return tomllib.loads(data_path("identity", "gb32100-2015.toml").read_text(encoding="utf-8"))


def credit_code_status(code: object) -> str:
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


SMALL = 64  # up to this many ids, each distinct one is checked in Python (pandas' hashing costs more)


def credit_code_statuses(ids: np.ndarray, as_text: bool = False) -> Any:
    """:func:`credit_code_status` per element, vectorised over the distinct ids (a province has 10^5 of them).

    Parameters
    ----------
    ids : numpy.ndarray or pandas array
        Enterprise ids (text; None or NaN allowed).

    as_text : bool
        Return the schema's text (built from codes, :func:`carbonkit.schema.text_take`) instead of objects, for
        more than ``SMALL`` ids.

    Returns
    -------
    numpy.ndarray or pandas ExtensionArray
        ``valid``, ``check_failed`` (GB 32100-2015 check character) or ``""`` per id, as objects (or text).
    """
    if len(ids) <= SMALL:
        items = list(ids)
        status = {v: credit_code_status(v) for v in dict.fromkeys(items)}
        return np.array([status[v] for v in items], dtype=object)
    codes, uniques = pd.factorize(pd.Series(ids, dtype=object), use_na_sentinel=False)
    spec = _gb32100()
    text = np.array([str(u).strip().upper() for u in uniques], dtype=object)
    out = np.full(len(text), "", dtype=object)
    sized = np.array([len(t) == spec["length"] for t in text], dtype=bool)
    if sized.any():
        raw = "".join(text[sized]).encode("ascii", "replace")  # one byte per character ('?' outside ASCII)
        chars = np.frombuffer(raw, dtype=np.uint8).reshape(-1, spec["length"])
        lookup = np.full(256, -1, dtype=np.int64)
        lookup[[ord(c) for c in spec["charset"]]] = np.arange(len(spec["charset"]))
        values = lookup[chars]
        in_set = (values >= 0).all(axis=1)
        modulus = spec["modulus"]
        check = (modulus - (values[:, :-1] * np.asarray(spec["weights"])).sum(axis=1) % modulus) % modulus
        out[sized] = np.where(in_set, np.where(check == values[:, -1], "valid", "check_failed"), "")
    if as_text:
        kinds = ("valid", "check_failed", "")
        kind = np.select([out == kinds[0], out == kinds[1]], [0, 1], 2)  # per distinct id
        return text_take(kinds, kind[codes])
    statuses: np.ndarray = out[codes]
    return statuses
