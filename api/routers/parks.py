from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import ScopeDep, SessionDep
from api.models import EnterprisePublic, Park
from api.paging import page_headers
from api.store_register import park_enterprises as enterprises_of_park
from api.store_register import visible_parks

router = APIRouter(prefix="/v1/parks", tags=["parks"])


@router.get("", operation_id="list_parks", response_model=list[Park])
def list_parks(session: SessionDep, scope: ScopeDep, response: Response) -> list[Park]:
    """Every park the key may see (the whole list: ``X-Total-Count`` says how many)."""
    parks = visible_parks(session, scope)
    page_headers(response, None, len(parks), 0, None)
    return parks


@router.get("/{park_id}/enterprises", operation_id="list_park_enterprises", response_model=list[EnterprisePublic])
def park_enterprises(park_id: str, session: SessionDep, scope: ScopeDep, response: Response) -> list[EnterprisePublic]:
    """Every enterprise of the park (the whole list: ``X-Total-Count`` says how many)."""
    rows = enterprises_of_park(session, scope, park_id)
    page_headers(response, None, len(rows), 0, None)
    return [EnterprisePublic.of(e) for e in rows]
