"""Green designations (绿色制造名单) of enterprises and parks: recorded by the province, read within a key's scope.

- ``POST /v1/designations`` (province key): a JSON list, stored all or nothing. Every problem is listed (kind,
  level or year not valid, a subject the service does not know, the same designation twice). A designation is
  unique by (subject kind, subject, kind, level): sending it again is ``unchanged``; with another year, batch or
  revoked_year it is ``updated`` (a ``revoked_year`` left out keeps the stored one).
- ``GET /v1/designations?kind=&region=&park=``: the province sees all; a park key its parks and their
  enterprises; an enterprise key its own enterprises.
- ``POST /v1/designations/{id}/revoke`` (province key): body ``{"year": 2024}``, the year it was removed.

The count targets of ``/v1/progress`` and ``/v1/progress/report`` are counted from these rows
(:func:`load_designations`, then :func:`carbonkit.designations.count_designations`), never from assessments.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
import pandas as pd
from fastapi import APIRouter, Body, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.access import Scope
from api.deps import PrincipalDep, ProvinceDep, SessionDep
from api.keys import Principal
from api.models import Designation, Enterprise, Park
from api.queries import not_found
from carbonkit.designations import COLUMNS, YEARS, check_designations
from carbonkit.errors import InvalidInput, Problem

router = APIRouter(prefix="/v1/designations", tags=["designations"])

KindId = Annotated[str | None, Query(pattern=r"^[a-z0-9_]{1,32}$", description="a designation kind, e.g. green_factory")]
Region = Annotated[str | None, Query(pattern=r"^\d{2}(\d{2}){0,2}$", description="administrative code prefix of the "
                                     "subject: 37, 3702 or 370211")]
ParkId = Annotated[str | None, Query(min_length=1, max_length=64, description="a park: the park itself and its "
                                     "enterprises (a park key: one of its own)")]
CHUNK = 500  # ids per IN (...) list


class DesignationIn(BaseModel):
    """One designation as the province records it."""

    model_config = ConfigDict(extra="forbid")
    subject_kind: str = Field(max_length=16, description="enterprise or park")
    subject: str = Field(max_length=64, description="the enterprise id or the park id")
    kind: str = Field(max_length=32, description="green_factory, green_park, green_supply_chain, green_design_product")
    level: str = Field(max_length=16, description="national or provincial")
    year: int = Field(description="the year designated")
    batch: str = Field(max_length=300, description="the list or document, e.g. 工信部 第六批绿色制造名单")
    revoked_year: int | None = Field(default=None, description="the year it was removed from the list")


class Revocation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(description="the year the designation was removed from the list")


def public(d: Designation, region: str | None = None, park: str | None = None, name: str | None = None,
           outcome: str | None = None) -> dict:
    out = {"id": d.id, "subject_kind": d.subject_kind, "subject": d.subject_id, "name": name, "region": region,
           "park": park, "kind": d.kind, "level": d.level, "year": d.year, "batch": d.batch,
           "revoked_year": d.revoked_year, "recorded_at": d.recorded_at}
    if outcome is not None:
        out["outcome"] = outcome
    return out


def _chunks(values: list[str]):
    for i in range(0, len(values), CHUNK):
        yield values[i:i + CHUNK]


def _known(session: Session, table, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(ids))):
        found.update(session.execute(select(table.id).where(table.id.in_(chunk))).scalars())
    return found


def park_regions(session: Session, park_ids: list[str]) -> dict[str, str | None]:
    """The region of parks without one in the park table (the service registers a park by id only): the longest
    code prefix (province 37, city 3703, county 370305) shared by all its enterprises' regions; None if none."""
    regions: dict[str, set[str]] = {}
    for chunk in _chunks(sorted(set(park_ids))):
        query = select(Enterprise.park_id, Enterprise.region).where(Enterprise.park_id.in_(chunk),
                                                                    Enterprise.region.is_not(None))
        for park, reg in session.execute(query).all():
            regions.setdefault(park, set()).add(reg)
    out: dict[str, str | None] = {}
    for park in park_ids:
        codes = sorted(regions.get(park, ()))
        shared = [n for n in (12, 9, 6, 4, 2) if codes and all(len(c) >= n for c in codes)
                  and len({c[:n] for c in codes}) == 1]
        out[park] = codes[0][:shared[0]] if shared else None
    return out


def designation_rows(session: Session, *, parks: list[str] | None = None, region: str | None = None,
                     enterprises: list[str] | None = None, kind: str | None = None) -> list[tuple]:
    """(designation, region, park, name) in scope: ``parks`` the parks and their enterprises, ``region`` a code
    prefix of the subject's region (a park's own, else the one its enterprises share: :func:`park_regions`),
    ``enterprises`` those enterprises only (no park designation)."""
    by_enterprise = (select(Designation, Enterprise.region, Enterprise.park_id, Enterprise.name)
                     .join(Enterprise, and_(Designation.subject_kind == "enterprise",
                                            Enterprise.id == Designation.subject_id)))
    by_park = (select(Designation, Park.region, Park.id, Park.name)
               .join(Park, and_(Designation.subject_kind == "park", Park.id == Designation.subject_id)))
    if parks is not None:
        by_enterprise = by_enterprise.where(Enterprise.park_id.in_(parks))
        by_park = by_park.where(Park.id.in_(parks))
    if region:
        by_enterprise = by_enterprise.where(Enterprise.region.startswith(region, autoescape=True))
    if enterprises is not None:
        by_enterprise = by_enterprise.where(Enterprise.id.in_(enterprises))
    if kind is not None:
        by_enterprise = by_enterprise.where(Designation.kind == kind)
        by_park = by_park.where(Designation.kind == kind)
    rows = list(session.execute(by_enterprise).all())
    if enterprises is None:
        park_rows = session.execute(by_park).all()
        derived = park_regions(session, [p for _d, reg, p, _n in park_rows if not reg])
        park_rows = [(d, reg or derived.get(p), p, name) for d, reg, p, name in park_rows]
        rows += [r for r in park_rows if not region or (r[1] or "").startswith(region)]
    return sorted(rows, key=lambda r: r[0].id)


def load_designations(session: Session, parks: list[str] | None, region: str | None) -> pd.DataFrame | None:
    """The designations in scope as :mod:`carbonkit.designations` reads them (subject's region and park from the
    enterprise and park tables); None when none at all is recorded, so counts say they are not available."""
    if not session.execute(select(exists().where(Designation.id.is_not(None)))).scalar():
        return None
    rows = designation_rows(session, parks=parks, region=region)
    values = {c: [] for c in COLUMNS}
    for d, reg, park, name in rows:
        for col, value in zip(COLUMNS, (d.subject_kind, d.subject_id, d.kind, d.level, d.year, d.batch,
                                        d.revoked_year, reg, park, name)):
            values[col].append(value)
    frame = pd.DataFrame({c: np.array(v, dtype=object) for c, v in values.items()})
    frame["year"] = frame["year"].astype("int64")
    frame["revoked_year"] = pd.array(frame["revoked_year"].tolist(), dtype="Int64")
    return frame


def _scope(session: Session, principal: Principal, park: str | None) -> dict:
    """The scope of a read: the province all; a park key its parks (404 for another); an enterprise key its own."""
    if principal.role == "enterprise":
        if park is not None:
            raise not_found(f"park {park}")
        return {"enterprises": sorted(principal.enterprises)}
    return {"parks": Scope(principal).parks_for(park)}


@router.get("", operation_id="list_designations")
def list_designations(session: SessionDep, principal: PrincipalDep, kind: KindId = None, region: Region = None,
                      park: ParkId = None) -> list[dict]:
    """The designations the key may see, optionally of one kind, region (prefix) or park."""
    rows = designation_rows(session, region=region, kind=kind, **_scope(session, principal, park))
    return [public(d, reg, p, name) for d, reg, p, name in rows]


@router.post("", operation_id="record_designations")
def record_designations(items: Annotated[list[DesignationIn], Body(min_length=1, max_length=20_000)],
                        session: SessionDep, principal: ProvinceDep) -> dict:
    """Record designations, all or nothing: every problem is listed and nothing is stored if there is one."""
    records = [i.model_dump() for i in items]
    try:
        frame, problems = check_designations(records), []
    except InvalidInput as exc:  # listed with the unknown subjects below
        frame, problems = pd.DataFrame(records), list(exc.problems)
    for subject_kind, table in (("enterprise", Enterprise), ("park", Park)):
        mine = frame.index[frame["subject_kind"] == subject_kind]
        known = _known(session, table, frame.loc[mine, "subject"].tolist())
        problems += [Problem("subject_unknown", f"{subject_kind} {frame.at[i, 'subject']} is not registered",
                             field="subject", index=int(i), path=f"[{int(i)}].subject",
                             expected=f"a registered {subject_kind} (registered with the first report naming it)")
                     for i in mine if frame.at[i, "subject"] not in known]
    if problems:
        raise InvalidInput(sorted(problems, key=lambda p: p.index))
    stored: dict[tuple, Designation] = {}
    for chunk in _chunks(sorted(set(frame["subject"]))):
        for d in session.execute(select(Designation).where(Designation.subject_id.in_(chunk))).scalars():
            stored[(d.subject_kind, d.subject_id, d.kind, d.level)] = d
    outcomes = []
    for i, item in enumerate(items):
        key = (item.subject_kind, item.subject, item.kind, item.level)
        d = stored.get(key)
        if d is None:
            d = Designation(subject_kind=item.subject_kind, subject_id=item.subject, kind=item.kind, level=item.level,
                            year=item.year, batch=item.batch, revoked_year=item.revoked_year,
                            recorded_by=principal.key_id)
            session.add(d)
            outcomes.append((d, "created"))
            continue
        revoked = item.revoked_year if "revoked_year" in item.model_fields_set else d.revoked_year
        if (d.year, d.batch, d.revoked_year) == (item.year, item.batch, revoked):
            outcomes.append((d, "unchanged"))
            continue
        if revoked is not None and revoked < item.year:
            problems.append(Problem("revoked_before_designated", f"stored as revoked in {revoked}, before the year "
                                    f"sent ({item.year})", field="year", index=i, path=f"[{i}].year",
                                    expected="a year not after revoked_year (or send revoked_year)"))
        d.year, d.batch, d.revoked_year, d.recorded_by = item.year, item.batch, revoked, principal.key_id
        outcomes.append((d, "updated"))
    if problems:
        session.rollback()
        raise InvalidInput(problems)
    try:
        session.commit()
    except IntegrityError:  # another request recorded the same designation meanwhile
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "a designation of this list was recorded by another request "
                            "meanwhile; nothing was stored, send the list again") from None
    counts = {o: sum(1 for _d, x in outcomes if x == o) for o in ("created", "updated", "unchanged")}
    return {**counts, "designations": [public(d, outcome=o) for d, o in outcomes]}


@router.post("/{designation_id}/revoke", operation_id="revoke_designation")
def revoke_designation(designation_id: int, body: Revocation, session: SessionDep, principal: ProvinceDep) -> dict:
    """Record that a designation was removed from the list in ``year`` (it no longer counts from that year)."""
    d = session.get(Designation, designation_id) if 0 < designation_id < 2**31 else None
    if d is None:
        raise not_found(f"designation {designation_id}")
    if body.year < d.year:
        raise InvalidInput(Problem("revoked_before_designated", f"year {body.year} is before the year designated "
                                   f"({d.year})", field="year", expected=f"a year from {d.year} on"))
    if not YEARS[0] <= body.year <= YEARS[1]:
        raise InvalidInput(Problem("year_invalid", f"{body.year} is not a year", field="year",
                                   expected=f"a year {YEARS[0]}-{YEARS[1]}"))
    outcome = "unchanged" if d.revoked_year == body.year else "revoked"
    if outcome == "revoked":
        d.revoked_year, d.recorded_by = body.year, principal.key_id
        session.commit()
        session.refresh(d)
    return public(d, outcome=outcome)
