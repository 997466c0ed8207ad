"""Totals and next links of list routes: ``X-Total-Count`` and an RFC 8288 ``Link: <...>; rel="next"`` header.

A list route answers a page (``limit`` rows from ``offset``) as a JSON array, as before; the headers say how many
rows the whole list has and where the next page starts, so a client never takes a first page for the whole
list. The body is unchanged (backwards compatible). The last page has no ``next`` link.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from sqlalchemy import func, select
from sqlmodel import Session


def count_of(session: Session, query: Any) -> int:
    """The number of rows ``query`` selects (before offset and limit)."""
    return int(session.connection().execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one())


def page_headers(response: Response, request: Request | None, total: int, offset: int, limit: int | None) -> None:
    """Set ``X-Total-Count`` and, when rows remain after this page, ``Link: <next>; rel="next"``."""
    response.headers["X-Total-Count"] = str(total)
    if request is not None and limit is not None and offset + limit < total:
        url = request.url.include_query_params(offset=offset + limit, limit=limit)
        response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
