"""The FastAPI application: ``create_app(settings)``. Run it with ``carbonkit serve``."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from api import docs, edge, errors, manual, openapi_errors
from api.db import upgrade
from api.routers import (assess, benefit, calculate, dashboard, designations, enterprises, factors, health,
                         html_reports, keys, parks, progress, reports, workbooks)
from api.routers import cbam  # issue 17: EU CBAM
from api.query import reject_unknown_query
from api.routers import budgets, zero_carbon  # issue 15: carbon budgets, zero-carbon parks
from api.routers import dashboard_data  # issue 18: the dashboard's selectors and downloads
from api.settings import Settings
from carbonkit import __version__


class BodyLimit:
    """Pure ASGI middleware: a request body over ``limit`` bytes answers 413 before it is read whole."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await self._refuse(send)
        seen = 0
        started = refused = False

        async def counted_receive():
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:  # a body streamed without (or beyond) its Content-Length
                    refused = True
                    if not started:
                        await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            nonlocal started
            if refused:
                return  # the 413 has been sent; the application's answer is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not refused:
                raise

    async def _refuse(self, send):
        body = json.dumps({"detail": f"request body larger than {self.limit} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.auto_migrate:
            upgrade(settings.database_url)
        yield

    app = FastAPI(title="carbonkit", version=__version__, lifespan=lifespan,
                  dependencies=[Depends(reject_unknown_query)],
                  description="Energy (tce, GB/T 2589-2020), water and CO2 accounting for enterprises, parks and provinces.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json" if settings.docs else None)
    app.state.settings = settings
    errors.install(app)
    if settings.docs:
        docs.install(app, "/openapi.json")
    openapi_errors.install(app)
    for module in (health, calculate, reports, enterprises, parks, factors, keys, assess, progress, benefit,
                   workbooks, html_reports, dashboard, designations, zero_carbon, budgets):
        app.include_router(module.router)
    app.include_router(cbam.router)  # issue 17: EU CBAM
    app.include_router(dashboard_data.router)  # issue 18: the dashboard's selectors and downloads
    manual.mount(app)
    from api.routers import market  # issue 16: carbon-market sectors (monthly key parameters, sector report)

    app.include_router(market.router)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(edge.ControlCharacters)
    app.add_middleware(edge.SecurityHeaders)
    app.add_middleware(edge.QueryKeyGuard)
    return app
