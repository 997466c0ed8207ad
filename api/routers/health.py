from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import SessionDep
from api.errors import RETRY_AFTER_SECONDS

router = APIRouter(tags=["health"])
log = logging.getLogger("carbonkit.api")


@router.get("/healthz", operation_id="health")
def health(session: SessionDep) -> dict:
    """Liveness and database reachability. No key needed."""
    try:
        session.exec(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("503 on GET /healthz: database down (%s)", type(exc).__name__)
        return JSONResponse({"status": "degraded", "database": "down"}, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return {"status": "ok", "database": "ok"}
