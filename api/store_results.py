"""Reading the stored results of a region or park for the regional answers (aggregates, progress, decomposition,
budgets, the dashboard and the region report).

The latest revision of each report counts, with its newest stored result; the numeric result columns of those rows
are loaded in one query and given region, industry, park and name from the enterprise register (loaded once, also
the list of enterprises expected to report), so the core gets one frame.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import distinct, func, select
from sqlmodel import Session, col

from api.models import RESULT_COLUMNS, Enterprise, Park, Report, Result
from api.partitions import year_of

__all__ = ["annual_periods", "load_register", "load_results", "parks_in", "results_query", "scoped"]


def scoped(query: Any, parks: list[str] | None, region: str | None) -> Any:
    """``query`` limited to the enterprises of ``parks`` (None: every park) and of ``region`` (a code prefix)."""
    if parks is not None:
        query = query.where(col(Enterprise.park_id).in_(parks))
    if region:
        query = query.where(col(Enterprise.region).startswith(region, autoescape=True))
    return query


def _frame(rows: list[Any], names: list[str], floats: tuple[str, ...] = ()) -> pd.DataFrame:
    columns = list(zip(*rows)) if rows else [()] * len(names)
    return pd.DataFrame({name: np.array(values, dtype=float if name in floats else object)
                         for name, values in zip(names, columns)})


def load_register(session: Session, parks: list[str] | None, region: str | None) -> pd.DataFrame:
    """The enterprises expected to report: every registered enterprise in scope (enterprise, region, industry,
    park, name)."""
    columns = (col(Enterprise.id), col(Enterprise.region), col(Enterprise.industry), col(Enterprise.park_id),
               col(Enterprise.name))
    query = scoped(select(*columns), parks, region)
    rows = list(session.connection().execute(query).all())
    return _frame(rows, ["enterprise", "region", "industry", "park", "name"])


def load_results(session: Session, parks: list[str] | None, region: str | None, periods: list[str],
                 register: pd.DataFrame) -> pd.DataFrame:
    """The newest result of the latest revision of each report of ``periods`` in scope, numeric columns only,
    with the enterprise's region, industry, park and name taken from ``register`` (see :func:`load_register`)."""
    rows = list(session.connection().execute(results_query(parks, region, periods)).all())
    frame = _frame(rows, ["report_id", "result_id", "enterprise", "period", "release", *RESULT_COLUMNS], RESULT_COLUMNS)
    # a report recomputed with another release has several results: the newest counts (as GET .../reports shows)
    frame = frame.sort_values("result_id", kind="stable").drop_duplicates("report_id", keep="last")
    attrs = register.set_index("enterprise")
    for column in ("region", "industry", "park", "name"):
        frame[column] = frame["enterprise"].map(attrs[column]).to_numpy(dtype=object)
    return frame.drop(columns=["report_id", "result_id"]).reset_index(drop=True)


def results_query(parks: list[str] | None, region: str | None, periods: list[str]) -> Any:
    """The query of :func:`load_results`: the latest reports of ``periods`` in scope joined to their results, with a
    condition on the results' year, so PostgreSQL reads only those years' partitions of ``result``."""
    query = (select(col(Report.id), col(Result.id), col(Report.enterprise_id), col(Report.period), col(Result.release),
                    *(getattr(Result, c) for c in RESULT_COLUMNS))
             .join(Result, col(Result.report_id) == col(Report.id))
             .where(col(Report.is_latest), col(Report.period).in_(sorted(set(periods))),
                    col(Result.year).in_(sorted({year_of(p) for p in periods}))))
    if parks is not None or region:
        query = query.where(col(Report.enterprise_id).in_(scoped(select(col(Enterprise.id)), parks, region)))
    return query


def annual_periods(session: Session, parks: list[str] | None, region: str | None) -> list[str]:
    """The annual periods (``YYYY``) with a latest report in scope, oldest first."""
    query = (select(distinct(col(Report.period))).join(Enterprise, col(Enterprise.id) == col(Report.enterprise_id))
             .where(col(Report.is_latest), func.length(col(Report.period)) == 4))
    return sorted(p for (p,) in session.connection().execute(scoped(query, parks, region)).all())


def parks_in(session: Session, parks: list[str] | None) -> list[Park]:
    """The registered parks of ``parks`` (None: every park), by id."""
    query = select(Park).order_by(col(Park.id))
    if parks is not None:
        query = query.where(col(Park.id).in_(parks))
    return list(session.scalars(query).all())
