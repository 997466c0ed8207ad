"""The error answers in the OpenAPI document: the real body (``detail``, ``problems[]``) and the statuses each
route can give, so that a generated client and a schema fuzzer agree with the service (see api/errors.py)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

PROBLEM = {
    "title": "Problem", "type": "object", "required": ["code", "message"],
    "properties": {k: {"type": ["string", "null"]} for k in
                   ("code", "message", "field", "enterprise", "period", "expected", "path", "sheet")}
    | {"row": {"type": ["integer", "null"]}, "index": {"type": ["integer", "null"]}},
}
ERROR = {
    "title": "Error", "type": "object", "required": ["detail"],
    "description": "every refusal: `detail` (a sentence, or pydantic's list of errors for a malformed request) and, "
                   "for bad data, `problems[]` naming record, field and what was expected",
    "properties": {"detail": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}]},
                   "problems": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
                   "original": {"type": "object", "description": "409: the submission the id already names"}},
}
WHY = {"400": "an API key in the query string (refused, never logged)",
       "401": "no valid API key", "403": "the key may not do this", "404": "not found, or not visible to this key",
       "409": "a submission id already used for another enterprise-period", "413": "the body or a batch is too large",
       "422": "the input is invalid; nothing was stored", "503": "the database is unavailable (with Retry-After)",
       "500": "the service's own data (a shipped factor table) is broken; not a fault of the request"}
WRITES = {"submit_report", "submit_reports_bulk"}


def statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses of one operation."""
    out = ["400", "422", "500", "503"]
    if operation.get("security"):
        out += ["401", "403"]
    if "{" in path or any(p["name"] == "park" for p in operation.get("parameters", [])):
        out.append("404")
    if operation.get("operationId") in WRITES:
        out.append("409")
    if method in ("post", "put", "patch"):
        out.append("413")
    return sorted(out)


def install(app: FastAPI) -> None:
    """Wrap ``app.openapi`` so that the document carries the error answers."""
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = plain()
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        schemas["Problem"], schemas["Error"] = PROBLEM, ERROR
        schemas.pop("HTTPValidationError", None)
        for path, ops in doc.get("paths", {}).items():
            for method, op in ops.items():
                answers = op.setdefault("responses", {})
                for code in statuses(path, method, op):
                    answers[code] = {"description": WHY[code], "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}}}
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the document
