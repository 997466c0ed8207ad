"""The one place where errors become HTTP answers. Nothing reaches a client as a traceback or a 500 for bad input.

:data:`STATUS` maps each exception class to its status (the most specific class of an exception's MRO wins);
:data:`BODY` writes the body of the classes that carry more than their message. A :class:`FactorDataError` naming
a file of the shipped data (``factors/``) is the server's data, not the request: 500 with a problem saying so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.access import Forbidden
from api.keys import KeyRequestInvalid
from api.revisions import SubmissionConflict
from api.store_designations import DesignationConflict
from carbonkit.datafiles import data_dir
from carbonkit.errors import CarbonkitError, FactorDataError, InvalidInput
from reports.pdf import PdfUnavailable

log = logging.getLogger("carbonkit.api")

RETRY_AFTER_SECONDS = 5  # what a 503 asks the client to wait [s]

# exception -> HTTP status; the most specific class of an exception's MRO wins
STATUS: dict[type[Exception], int] = {
    CarbonkitError: 422, InvalidInput: 422, FactorDataError: 422, Forbidden: 403, SubmissionConflict: 409,
    DesignationConflict: 409, KeyRequestInvalid: 422, RecursionError: 422, OverflowError: 422, DataError: 422, PdfUnavailable: 503,
    OperationalError: 503, InterfaceError: 503, Exception: 500,
}
SHIPPED_DATA_BROKEN = 500  # a FactorDataError in our own factors/: the server's data, never the request's
# problem code -> HTTP status where it is not the exception's: a resource limit, not bad data
CODE_STATUS = {"xlsx_too_large": 413, "csv_too_wide": 413, "too_many_reports": 413}
HEADERS: dict[int, dict[str, str]] = {503: {"Retry-After": str(RETRY_AFTER_SECONDS)}}


def _shipped_data_broken(exc: BaseException) -> bool:
    """A FactorDataError naming a file of the shipped data (an unknown id or a wrong choice names none)."""
    return isinstance(exc, FactorDataError) and str(data_dir()) in str(exc)


def status_of(exc: BaseException) -> int:
    """The HTTP status of an exception, from :data:`STATUS` (and :data:`CODE_STATUS` for input problems)."""
    if isinstance(exc, InvalidInput):
        limit = next((CODE_STATUS[p.code] for p in exc.problems if p.code in CODE_STATUS), None)
        if limit is not None:
            return limit
    if _shipped_data_broken(exc):
        return SHIPPED_DATA_BROKEN
    return next(STATUS[k] for k in type(exc).__mro__ if k in STATUS)


def _invalid_input(exc: InvalidInput) -> dict[str, Any]:
    return {"detail": f"{len(exc.problems)} problem(s) in the input; nothing was stored",
            "problems": [p.to_dict() for p in exc.problems]}


def _broken_data(exc: BaseException) -> dict[str, Any]:
    message = str(exc).replace(str(data_dir()), "factors")  # the file, not where the server keeps it
    return {"detail": "the service's shipped factor data is broken; this is not a fault of the request and nothing "
                      "was stored (the operators have it in the log)",
            "problems": [{"code": "shipped_data_invalid", "message": message}]}


def _database(exc: BaseException) -> str:
    orig = getattr(exc, "orig", exc)
    return f"a value was refused by the database: {orig.__class__.__name__}"


# exception -> the body of its answer (others: {"detail": str(exc)})
BODY: dict[type[BaseException], Callable[[Any], dict[str, Any]]] = {
    InvalidInput: _invalid_input,
    SubmissionConflict: lambda exc: {"detail": str(exc), "original": exc.original},
    RecursionError: lambda _exc: {"detail": "the body is nested too deeply"},
    OverflowError: lambda _exc: {"detail": "a number is out of range"},
    DataError: lambda exc: {"detail": _database(exc)},
    PdfUnavailable: lambda exc: {"detail": f"PDF output is not available on this server: {exc}"},
    OperationalError: lambda _exc: {"detail": "the database is unavailable; nothing was stored; try again later"},
    InterfaceError: lambda _exc: {"detail": "the database is unavailable; nothing was stored; try again later"},
    Exception: lambda _exc: {"detail": "internal error; it has been logged"},
    CarbonkitError: lambda exc: {"detail": str(exc)},
    Forbidden: lambda exc: {"detail": str(exc)},
    DesignationConflict: lambda exc: {"detail": str(exc)},
    KeyRequestInvalid: lambda exc: {"detail": str(exc)},
}


def answer(request: Request, exc: BaseException) -> JSONResponse:
    """The JSON answer to an exception a route raised: status from :data:`STATUS`, body from :data:`BODY`."""
    code = status_of(exc)
    if _shipped_data_broken(exc):
        log.error("%s on %s %s: the shipped factor data is broken: %s", code, request.method, request.url.path, exc)
        body = _broken_data(exc)
    else:
        body = next(BODY[k] for k in type(exc).__mro__ if k in BODY)(exc)
    if isinstance(exc, (OperationalError, InterfaceError)):  # one line in the log, no traceback
        first = str(getattr(exc, "orig", exc)).splitlines()
        log.warning("503 on %s %s: database unavailable (%s)", request.method, request.url.path,
                    first[0][:200] if first else type(exc).__name__)
    elif code == 500 and not isinstance(exc, FactorDataError):
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(body, status_code=code, headers=HEADERS.get(code))


async def _handle(request: Request, exc: Exception) -> JSONResponse:
    return answer(request, exc)


async def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
    return JSONResponse({"detail": errors}, status_code=422)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))


def install(app: FastAPI) -> None:
    """Register the handlers: every class of :data:`STATUS`, request validation and HTTP exceptions."""
    for kind in STATUS:
        app.add_exception_handler(kind, _handle)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http_error)
