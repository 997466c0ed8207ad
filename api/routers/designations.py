"""Green designations (绿色制造名单) of enterprises and parks: recorded by the province, read within a key's scope.

- ``POST /v1/designations`` (province key): a JSON list, stored all or nothing. Every problem is listed (kind,
  level or year not valid, a subject the service does not know, the same designation twice). A designation is
  unique by (subject kind, subject, kind, level): sending it again is ``unchanged``; with another year, batch or
  revoked_year it is ``updated`` (a ``revoked_year`` left out keeps the stored one).
- ``GET /v1/designations?kind=&region=&park=``: the province sees all; a park key its parks and their
  enterprises; an enterprise key its own enterprises.
- ``POST /v1/designations/{id}/revoke`` (province key): body ``{"year": 2024}``, the year it was removed.

Storage and the count targets' reading are in :mod:`api.store_designations`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from api.deps import ProvinceDep, ScopeDep, SessionDep
from api.params import ParkId, Region
from api.public import DesignationIn, DesignationPublic, DesignationsRecorded, Revocation, designation_public
from api.store_designations import designation_rows, load_designations, record_designations, revoke_designation

__all__ = ["router", "load_designations"]  # load_designations: kept importable from here

router = APIRouter(prefix="/v1/designations", tags=["designations"])

KindId = Annotated[str | None, Query(pattern=r"^[a-z0-9_]{1,32}$", description="a designation kind, e.g. green_factory")]


@router.get("", operation_id="list_designations", response_model=list[DesignationPublic])
def list_designations(session: SessionDep, scope: ScopeDep, kind: KindId = None, region: Region = None,
                      park: ParkId = None) -> list[dict[str, Any]]:
    """The designations the key may see, optionally of one kind, region (prefix) or park."""
    rows = designation_rows(session, region=region, kind=kind, **scope.subjects_for(park))
    return [designation_public(d, reg, p, name) for d, reg, p, name in rows]


@router.post("", operation_id="record_designations", response_model=DesignationsRecorded)
def record(items: Annotated[list[DesignationIn], Body(min_length=1, max_length=20_000)], session: SessionDep,
           scope: ProvinceDep) -> dict[str, Any]:
    """Record designations, all or nothing: every problem is listed and nothing is stored if there is one."""
    outcomes = record_designations(session, items, scope.key_id)
    counts = {o: sum(1 for _d, x in outcomes if x == o) for o in ("created", "updated", "unchanged")}
    return {**counts, "designations": [designation_public(d, outcome=o) for d, o in outcomes]}


@router.post("/{designation_id}/revoke", operation_id="revoke_designation", response_model=DesignationPublic)
def revoke(designation_id: int, body: Revocation, session: SessionDep, scope: ProvinceDep) -> dict[str, Any]:
    """Record that a designation was removed from the list in ``year`` (it no longer counts from that year)."""
    d, outcome = revoke_designation(session, designation_id, body.year, scope.key_id)
    return designation_public(d, outcome=outcome)
