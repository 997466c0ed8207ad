from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import select

from api.access import Scope
from api.deps import PrincipalDep, SessionDep
from api.models import Enterprise, EnterprisePublic, Park
from api.paging import page_headers
from api.queries import not_found

router = APIRouter(prefix="/v1/parks", tags=["parks"])


@router.get("", operation_id="list_parks")
def list_parks(session: SessionDep, principal: PrincipalDep, response: Response) -> list[Park]:
    """Every park the key may see (the whole list: ``X-Total-Count`` says how many)."""
    query = select(Park).order_by(Park.id)
    if principal.role == "park":
        query = query.where(Park.id.in_(sorted(principal.parks)))
    elif principal.role == "enterprise":
        query = query.where(Park.id.in_(select(Enterprise.park_id).where(Enterprise.id.in_(sorted(principal.enterprises)))))
    parks = list(session.exec(query).all())
    page_headers(response, None, len(parks), 0, None)
    return parks


@router.get("/{park_id}/enterprises", operation_id="list_park_enterprises", response_model=list[EnterprisePublic])
def park_enterprises(park_id: str, session: SessionDep, principal: PrincipalDep,
                     response: Response) -> list[EnterprisePublic]:
    """Every enterprise of the park (the whole list: ``X-Total-Count`` says how many)."""
    if not Scope(principal).may_read_park(park_id) or session.get(Park, park_id) is None:
        raise not_found(f"park {park_id}")
    rows = session.exec(select(Enterprise).where(Enterprise.park_id == park_id).order_by(Enterprise.id)).all()
    page_headers(response, None, len(rows), 0, None)
    return [EnterprisePublic.of(e) for e in rows]
