"""Dependencies of the routes, as Annotated aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from api.access import Scope
from api.db import engine_for
from api.keys import PRINCIPALS, Principal, authenticate
from api.settings import Settings


async def get_settings(request: Request) -> Settings:  # async: no thread-pool hand-off for an attribute read
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(settings: SettingsDep) -> Iterator[Session]:
    with Session(engine_for(settings.database_url)) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <key>")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="X-API-Key: <key>")


def _look_up(settings: Settings, plain: str) -> Principal | None:
    """The key's principal from the database (remembered for ``key_cache_seconds``), or None."""
    with Session(engine_for(settings.database_url)) as session:
        principal = authenticate(session, plain)
    if principal is not None:
        PRINCIPALS.put(settings.database_url, plain, principal, settings.key_cache_seconds)
    return principal


async def get_principal(settings: SettingsDep, bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
                        header: Annotated[str | None, Depends(_header)]) -> Principal:
    """The calling key's principal: from the cache on the event loop, else looked up in the thread pool (401 if none)."""
    plain = bearer.credentials if bearer is not None else header
    principal = None
    if plain:
        principal = PRINCIPALS.get(settings.database_url, plain)
        if principal is None:
            principal = await run_in_threadpool(_look_up, settings, plain)
    if principal is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a valid API key is required (Authorization: Bearer <key>)",
                            headers={"WWW-Authenticate": "Bearer"})
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_scope(principal: PrincipalDep) -> Scope:
    """The access policy of the calling key (:class:`api.access.Scope`)."""
    return Scope(principal)


ScopeDep = Annotated[Scope, Depends(get_scope)]


async def require_province(scope: ScopeDep) -> Scope:
    """Only a province key (403 otherwise)."""
    if not scope.is_province:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only a province key may do this")
    return scope


ProvinceDep = Annotated[Scope, Depends(require_province)]


async def require_regional(scope: ScopeDep) -> Scope:
    """Province and park keys; an enterprise key is refused (403)."""
    if not scope.is_regional:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "aggregates, progress and decomposition need a province or a park key")
    return scope


RegionalDep = Annotated[Scope, Depends(require_regional)]
