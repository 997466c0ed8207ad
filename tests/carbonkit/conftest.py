"""Shared builders for the accounting-core tests.

The tests build their inputs as small long tables (one row per enterprise, period and item) and
read one summary row back through ``AccountingResult.record``. Expected values in the test modules
are worked out by hand from /work/shared/reference/energy_carbon_factors.md and the API spec, never
copied from the engine's output.
"""

from __future__ import annotations

import math
import numbers
from types import SimpleNamespace

import pandas as pd
import pytest

import carbonkit as ck

E1 = "91370200MA3C5XXXX1"  # a Qingdao tyre maker, the spec's example enterprise
E2 = "91370100MA3D6YYYY2"

_COLUMN_ORDER = ("enterprise", "period", "item", "amount", "unit", "flow", "enthalpy", "region")


def build_frame(rows, *, enterprise: str = E1, period: str = "2022", region: str | None = "CN") -> pd.DataFrame:
    """A long table from short row specs.

    Each row is ``(item, amount, unit)``, ``(item, amount, unit, flow)`` or a dict of columns.
    ``enterprise``, ``period``, ``flow`` ("consumption") and ``region`` (when given) fill what a row
    leaves out. The ``region`` column is only present when some row has a region; the default is ``CN``
    (the national grid factor, on purpose: electricity without a region is refused).
    """
    records = []
    for spec in rows:
        record = dict(spec) if isinstance(spec, dict) else dict(zip(("item", "amount", "unit", "flow"), spec))
        record.setdefault("enterprise", enterprise)
        record.setdefault("period", period)
        record.setdefault("flow", "consumption")
        if region is not None:
            record.setdefault("region", region)
        records.append(record)
    df = pd.DataFrame.from_records(records)
    ordered = [c for c in _COLUMN_ORDER if c in df.columns]
    return df[ordered + [c for c in df.columns if c not in ordered]]


def options(**kwargs):
    """``ck.AccountingOptions`` from keyword arguments (None when there are none)."""
    return ck.AccountingOptions(**kwargs) if kwargs else None


def account_one(rows, *, enterprise: str = E1, period: str = "2022", region: str | None = "CN", **opts) -> dict:
    """Account one enterprise-period and return its summary row as a dict."""
    data = build_frame(rows, enterprise=enterprise, period=period, region=region)
    result = ck.account(data, options=options(**opts))
    return result.record(enterprise, period)


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def assert_rows_equal(left: dict, right: dict, rel: float = 1e-9, abs_: float = 1e-9) -> None:
    """Two summary rows agree: same columns; numbers within ``rel``/``abs_``; missing matches missing."""
    assert set(left) == set(right)
    for key in left:
        a, b = left[key], right[key]
        if is_missing(a) or is_missing(b):
            assert is_missing(a) and is_missing(b), f"{key}: {a!r} != {b!r}"
        elif isinstance(a, numbers.Real) and isinstance(b, numbers.Real) and not isinstance(a, bool):
            assert math.isclose(a, b, rel_tol=rel, abs_tol=abs_), f"{key}: {a!r} != {b!r}"
        else:
            assert a == b, f"{key}: {a!r} != {b!r}"


@pytest.fixture(scope="session")
def kit():
    """The builders above, as one session-scoped fixture (safe to use inside hypothesis tests)."""
    return SimpleNamespace(
        E1=E1,
        E2=E2,
        frame=build_frame,
        options=options,
        one=account_one,
        is_missing=is_missing,
        assert_rows_equal=assert_rows_equal,
    )
