"""Unknown query parameters on ``/v1`` routes answer 422, never silently ignored.

``/v1/calculate?grid_level=national`` used to be ignored when the route did not declare ``grid_level``; a
misspelt option changes no number and says nothing. This app-wide dependency compares the query string
with the parameters the matched route (and its dependencies) declare.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

_ACCEPTED: dict[int, frozenset[str]] = {}


def _names(dependant: Any) -> set[str]:
    names: set[str] = set()
    for field in dependant.query_params:
        model = getattr(field.field_info, "annotation", None)
        if isinstance(model, type) and issubclass(model, BaseModel):
            names.update(f.alias or n for n, f in model.model_fields.items())
        else:
            names.add(field.alias)
    for sub in dependant.dependencies:
        names |= _names(sub)
    return names


def accepted(route: Any) -> frozenset[str]:
    """The query parameter names a route accepts (cached per route)."""
    key = id(route)
    if key not in _ACCEPTED:
        dependant = getattr(route, "dependant", None)
        _ACCEPTED[key] = frozenset(_names(dependant)) if dependant is not None else frozenset()
    return _ACCEPTED[key]


async def reject_unknown_query(request: Request) -> None:
    """422 listing each query parameter of a ``/v1`` request that its route does not declare."""
    if not request.url.path.startswith("/v1/"):
        return
    route = request.scope.get("route")
    if route is None:
        return
    allowed = accepted(route)
    unknown = sorted(set(request.query_params.keys()) - allowed)
    if unknown:
        expected = ", ".join(sorted(allowed)) or "none"
        raise RequestValidationError([{"loc": ("query", name), "type": "extra_forbidden",
                                       "msg": f"unknown query parameter '{name}'; this route accepts: {expected}"}
                                      for name in unknown])
