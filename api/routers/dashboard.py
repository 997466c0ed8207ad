"""The read-only dashboard page: ``GET /dashboard`` with its script and style sheet.

The page itself needs no key (like ``/docs``) and carries no data. In the browser it asks for a province or
park key, keeps it in ``sessionStorage`` (never in the URL) and calls ``/v1/progress`` and
``/v1/decomposition`` with ``Authorization: Bearer <key>``; a refused key (401/403) shows a refusal and no
numbers. Script and styles are separate files from this router, so the Content-Security-Policy allows
no inline code at all and no connection outside this origin.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter, Response

router = APIRouter(tags=["dashboard"], include_in_schema=False)

STATIC = Path(__file__).resolve().parent.parent / "static"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "X-Frame-Options": "DENY", "Cache-Control": "no-cache"}
FILES = {"dashboard.html": "text/html; charset=utf-8", "dashboard.js": "text/javascript; charset=utf-8",
         "dashboard.css": "text/css; charset=utf-8", "dashboard-views.js": "text/javascript; charset=utf-8"}


@cache
def _read(name: str) -> bytes:
    return (STATIC / name).read_bytes()


def _serve(name: str) -> Response:
    return Response(_read(name), media_type=FILES[name], headers=HEADERS)


@router.get("/dashboard")
def dashboard() -> Response:
    """The dashboard page (no key needed to load it; it shows nothing without one)."""
    return _serve("dashboard.html")


@router.get("/dashboard/dashboard.js")
def dashboard_script() -> Response:
    return _serve("dashboard.js")


@router.get("/dashboard/dashboard.css")
def dashboard_style() -> Response:
    return _serve("dashboard.css")


@router.get("/dashboard/dashboard-views.js")
def dashboard_views_script() -> Response:
    return _serve("dashboard-views.js")
