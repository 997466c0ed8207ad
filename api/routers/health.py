from __future__ import annotations

import logging

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from api.db import reachable
from api.deps import SessionDep
from api.errors import RETRY_AFTER_SECONDS
from api.public import HealthPublic

router = APIRouter(tags=["health"])
log = logging.getLogger("carbonkit.api")


@router.get("/healthz", operation_id="health", response_model=HealthPublic,
            responses={503: {"model": HealthPublic, "description": "the database is down (with Retry-After)"}})
def health(session: SessionDep) -> Response | dict[str, str]:
    """Liveness and database reachability. No key needed."""
    down = reachable(session)
    if down is not None:
        log.warning("503 on GET /healthz: database down (%s)", down)
        return JSONResponse({"status": "degraded", "database": "down"}, status_code=503,
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return {"status": "ok", "database": "ok"}
