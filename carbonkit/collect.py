"""``account(..., errors="collect")``: the problems of a batch as a frame instead of an exception.

A partition of a large dataset is accounted on its own; its problems must reach the driver, which
gathers those of every partition, applies one cap and refuses the whole run. So nothing is raised for
bad input here: the result carries ``problems`` (schema :func:`carbonkit.schema.problems_schema`) and,
when there are any, an empty summary (a refused batch gives no numbers, not some of them).

``row`` is the input's own ``row`` column (the CSV line, or the global row a dataset reader assigned),
``source`` the input's ``source`` column at that row (the file), when the input has one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from carbonkit.errors import InvalidInput
from carbonkit.schema import empty_summary, problems_frame

if TYPE_CHECKING:
    from carbonkit.accounting import AccountingOptions, AccountingResult
    from carbonkit.factors import Release


def account_collecting(data: Any, release: Release | str | None = None,
                       options: AccountingOptions | dict[str, Any] | None = None) -> AccountingResult:
    """:func:`carbonkit.account` that returns its problems as a frame (module docstring).

    Parameters
    ----------
    data : DataFrame, documents or path
        As :func:`carbonkit.account` takes it.
    release : Release or str, optional
        The factor release.
    options : AccountingOptions or dict, optional
        The accounting options.

    Returns
    -------
    AccountingResult
        With ``problems`` (empty when the batch is accepted) and, when there are any, an empty summary.
    """
    from carbonkit.accounting import AccountingOptions, AccountingResult, account, to_frame
    from carbonkit.factors import Release, load_release

    release = release if isinstance(release, Release) else load_release(release)
    options = options if isinstance(options, AccountingOptions) else AccountingOptions(**(options or {}))
    try:
        frame = to_frame(data)
        result = account(frame, release, options)
    except InvalidInput as exc:
        given = data if isinstance(data, pd.DataFrame) else None
        problems = problems_frame(exc.problems, _sources(given, [p.row for p in exc.problems]))
        return AccountingResult(summary=empty_summary(), release=release.name, options=options, problems=problems)
    result.problems = problems_frame([])
    return result


def _sources(frame: pd.DataFrame | None, rows: list[int | None]) -> list[Any] | None:
    """The ``source`` of each problem's row (None where the input has no source or the row is not known)."""
    if frame is None or "source" not in frame.columns:
        return None
    by_row = frame["source"]
    if "row" in frame.columns:
        by_row = pd.Series(frame["source"].to_numpy(), index=frame["row"].to_numpy())
        by_row = by_row[~by_row.index.duplicated()]
    else:
        by_row = pd.Series(frame["source"].to_numpy(), index=np.arange(1, len(frame) + 1))
    return [by_row.get(r) if r is not None else None for r in rows]
