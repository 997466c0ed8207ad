from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import SessionDep

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="health")
def health(session: SessionDep) -> dict:
    """Liveness and database reachability. No key needed."""
    session.exec(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}
