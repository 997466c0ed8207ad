"""Pure ASGI middleware at the service's edge: what happens before a route runs.

- :class:`QueryKeyGuard`: an API key put in the query string (``?api_key=``, ``?key=``, ``?token=`` ... or any
  value shaped like a carbonkit key) is refused with 400 before the request reaches a route, and the query
  string is replaced by a redacted one in the ASGI scope, which the server's access log prints, so the key is
  never written to the log.
- :class:`ControlCharacters`: a control character (NUL, tab, new line ...) in the URL path or a query value
  answers 422 before any route or database sees it, identically on SQLite and PostgreSQL.
- :class:`SecurityHeaders`: every answer says ``X-Content-Type-Options: nosniff``; answers under ``/v1`` (keyed
  data) say ``Cache-Control: no-store``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

KEY_PARAMETERS = frozenset({"api_key", "apikey", "api-key", "key", "token", "access_token", "authorization",
                            "x-api-key", "bearer"})
KEY_SHAPE = re.compile(r"ck_[0-9a-f]{6,}_")


def _looks_like_key(name: str, value: str) -> bool:
    return name.strip().lower() in KEY_PARAMETERS or bool(KEY_SHAPE.search(value)) or bool(KEY_SHAPE.search(name))


async def _answer(send: Send, status: int, body: dict[str, Any], headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    raw = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": raw})


class QueryKeyGuard:
    """Refuse (400) and redact an API key in the query string."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("query_string"):
            return await self.app(scope, receive, send)
        query = scope["query_string"].decode("latin-1")
        pairs = parse_qsl(query, keep_blank_values=True)
        if not any(_looks_like_key(k, v) for k, v in pairs) and not KEY_SHAPE.search(query):
            return await self.app(scope, receive, send)
        redacted = [(k, "REDACTED" if _looks_like_key(k, v) else v) for k, v in pairs]
        scope["query_string"] = urlencode(redacted or [("REDACTED", "")]).encode("latin-1")
        await _answer(send, 400, {"detail": "an API key in the query string is refused (it would be logged); send it "
                                  "as 'Authorization: Bearer <key>' or 'X-API-Key: <key>' and revoke this key"})


CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ControlCharacters:
    """422 for a control character in the path or a query value (a database would store or refuse it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            where = ("the URL path" if CONTROL.search(scope.get("path", "")) else
                     next((f"query parameter {k}" for k, v in query if CONTROL.search(k + v)), None))
            if where is not None:
                return await _answer(send, 422, {"detail": f"{where} contains a control character (NUL, tab, new "
                                                           "line ...); identifiers never do"})
        return await self.app(scope, receive, send)


class SecurityHeaders:
    """nosniff on every answer, no-store on keyed data (``/v1``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        keyed = scope.get("path", "").startswith("/v1")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() not in
                           (b"x-content-type-options", *((b"cache-control",) if keyed else ()))]
                headers.append((b"x-content-type-options", b"nosniff"))
                if keyed:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
