"""The one place where errors become HTTP answers. Nothing reaches a client as a traceback or a 500 for bad input."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.access import Forbidden
from api.revisions import SubmissionConflict
from carbonkit.errors import CarbonkitError, FactorDataError, InvalidInput, MissingFactor, UnitMismatch, UnknownItem

log = logging.getLogger("carbonkit.api")

# core exception -> HTTP status
STATUS = {UnknownItem: 422, UnitMismatch: 422, MissingFactor: 422, InvalidInput: 422, FactorDataError: 422,
          CarbonkitError: 422, Forbidden: 403}
# problem code -> HTTP status where it is not the exception's: a resource limit, not bad data
RETRY_AFTER_SECONDS = 5  # what a 503 asks the client to wait [s]
CODE_STATUS = {"xlsx_too_large": 413, "csv_too_wide": 413, "too_many_reports": 413}


def _problems(exc: InvalidInput) -> list[dict]:
    return [p.to_dict() for p in exc.problems]


def install(app: FastAPI) -> None:
    @app.exception_handler(InvalidInput)
    async def invalid_input(_request: Request, exc: InvalidInput) -> JSONResponse:
        return JSONResponse({"detail": f"{len(exc.problems)} problem(s) in the input; nothing was stored",
                             "problems": _problems(exc)},
                            status_code=next((CODE_STATUS[p.code] for p in exc.problems if p.code in CODE_STATUS),
                                             STATUS[type(exc)]))

    @app.exception_handler(CarbonkitError)
    async def carbonkit_error(_request: Request, exc: CarbonkitError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(Forbidden)
    async def forbidden(_request: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @app.exception_handler(SubmissionConflict)
    async def conflict(_request: Request, exc: SubmissionConflict) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "original": exc.original}, status_code=409)

    @app.exception_handler(RequestValidationError)
    async def validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RecursionError)
    async def too_deep(_request: Request, _exc: RecursionError) -> JSONResponse:
        return JSONResponse({"detail": "the body is nested too deeply"}, status_code=422)

    @app.exception_handler(DataError)
    async def database_refused(_request: Request, exc: DataError) -> JSONResponse:
        # a value the database cannot hold (out-of-range integer, text it refuses); never stored
        return JSONResponse({"detail": f"a value was refused by the database: {exc.orig.__class__.__name__}"},
                            status_code=422)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # the database is down, unreachable or busy beyond the retries: one line in the log, no traceback
        log.warning("503 on %s %s: database unavailable (%s)", request.method, request.url.path,
                    str(getattr(exc, "orig", exc)).splitlines()[0][:200] if str(getattr(exc, "orig", exc)) else type(exc).__name__)
        return JSONResponse({"detail": "the database is unavailable; nothing was stored; try again later"},
                            status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.exception_handler(OverflowError)
    async def overflow(_request: Request, _exc: OverflowError) -> JSONResponse:
        return JSONResponse({"detail": "a number is out of range"}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)
