"""Storing and reading green designations (绿色制造名单) of enterprises and parks.

A designation is unique by (subject kind, subject, kind, level): recording it again is ``unchanged``; with another
year, batch or revoked_year it is ``updated`` (a ``revoked_year`` left out keeps the stored one). A list is stored
all or nothing, with every problem listed. The count targets of progress are counted from these rows
(:func:`load_designations`, then :func:`carbonkit.designations.count_designations`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from api.access import not_found
from api.models import Designation, Enterprise, Park
from api.public import DesignationIn
from carbonkit.designations import COLUMNS, YEARS, check_designations
from carbonkit.errors import InvalidInput, Problem

CHUNK = 500  # ids per IN (...) list
Row = tuple[Designation, str | None, str | None, str | None]  # (designation, region, park, name)


class DesignationConflict(Exception):
    """Another request recorded a designation of this list meanwhile (409); nothing was stored."""


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(values), CHUNK):
        yield values[i:i + CHUNK]


def _known(session: Session, table: Any, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(ids))):
        found.update(session.execute(select(table.id).where(table.id.in_(chunk))).scalars())
    return found


def park_regions(session: Session, park_ids: list[str]) -> dict[str, str | None]:
    """The region of parks without one in the park table (the service registers a park by id only): the longest
    code prefix (province 37, city 3703, county 370305) shared by all its enterprises' regions; None if none."""
    regions: dict[str, set[str]] = {}
    for chunk in _chunks(sorted(set(park_ids))):
        query = select(col(Enterprise.park_id), col(Enterprise.region)).where(col(Enterprise.park_id).in_(chunk),
                                                                    col(Enterprise.region).is_not(None))
        for park, reg in session.execute(query).all():
            regions.setdefault(park, set()).add(reg)
    out: dict[str, str | None] = {}
    for park in park_ids:
        codes = sorted(regions.get(park, ()))
        shared = [n for n in (12, 9, 6, 4, 2) if codes and all(len(c) >= n for c in codes)
                  and len({c[:n] for c in codes}) == 1]
        out[park] = codes[0][:shared[0]] if shared else None
    return out


def _by_enterprise(parks: list[str] | None, region: str | None, enterprises: list[str] | None, kind: str | None) -> Any:
    query = (select(Designation, col(Enterprise.region), col(Enterprise.park_id), col(Enterprise.name))
             .join(Enterprise, and_(col(Designation.subject_kind) == "enterprise", col(Enterprise.id) == col(Designation.subject_id))))
    if parks is not None:
        query = query.where(col(Enterprise.park_id).in_(parks))
    if region:
        query = query.where(col(Enterprise.region).startswith(region, autoescape=True))
    if enterprises is not None:
        query = query.where(col(Enterprise.id).in_(enterprises))
    if kind is not None:
        query = query.where(col(Designation.kind) == kind)
    return query


def _park_rows(session: Session, parks: list[str] | None, region: str | None, kind: str | None) -> list[Row]:
    query = (select(Designation, col(Park.region), col(Park.id), col(Park.name))
             .join(Park, and_(col(Designation.subject_kind) == "park", col(Park.id) == col(Designation.subject_id))))
    if parks is not None:
        query = query.where(col(Park.id).in_(parks))
    if kind is not None:
        query = query.where(col(Designation.kind) == kind)
    found = session.execute(query).all()
    derived = park_regions(session, [p for _d, reg, p, _n in found if not reg])
    rows: list[Row] = [(d, reg or derived.get(p), p, name) for d, reg, p, name in found]
    return [r for r in rows if not region or (r[1] or "").startswith(region)]


def designation_rows(session: Session, *, parks: list[str] | None = None, region: str | None = None,
                     enterprises: list[str] | None = None, kind: str | None = None) -> list[Row]:
    """(designation, region, park, name) in scope: ``parks`` the parks and their enterprises, ``region`` a code
    prefix of the subject's region (a park's own, else the one its enterprises share: :func:`park_regions`),
    ``enterprises`` those enterprises only (no park designation)."""
    rows: list[Row] = list(session.execute(_by_enterprise(parks, region, enterprises, kind)).all())
    if enterprises is None:
        rows += _park_rows(session, parks, region, kind)
    return sorted(rows, key=lambda r: r[0].id or 0)  # stored rows: never 0


def load_designations(session: Session, parks: list[str] | None, region: str | None) -> pd.DataFrame | None:
    """The designations in scope as :mod:`carbonkit.designations` reads them (subject's region and park from the
    enterprise and park tables); None when none at all is recorded, so counts say they are not available."""
    if not session.execute(select(exists().where(col(Designation.id).is_not(None)))).scalar():
        return None
    rows = designation_rows(session, parks=parks, region=region)
    values: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for d, reg, park, name in rows:
        for column, value in zip(COLUMNS, (d.subject_kind, d.subject_id, d.kind, d.level, d.year, d.batch,
                                           d.revoked_year, reg, park, name)):
            values[column].append(value)
    frame = pd.DataFrame({c: np.array(v, dtype=object) for c, v in values.items()})
    frame["year"] = frame["year"].astype("int64")
    frame["revoked_year"] = pd.array(frame["revoked_year"].tolist(), dtype="Int64")
    return frame


def _checked(session: Session, items: list[DesignationIn]) -> pd.DataFrame:
    """The list as a frame, every problem listed (422): values the core refuses, subjects not registered."""
    records = [i.model_dump() for i in items]
    try:
        frame, problems = check_designations(records), []
    except InvalidInput as exc:  # listed with the unknown subjects below
        frame, problems = pd.DataFrame(records), list(exc.problems)
    for subject_kind, table in (("enterprise", Enterprise), ("park", Park)):
        mine = frame.index[frame["subject_kind"] == subject_kind]
        known = _known(session, table, frame.loc[mine, "subject"].tolist())
        problems += [Problem("subject_unknown", f"{subject_kind} {frame.at[i, 'subject']!s} is not registered",
                             field="subject", index=int(i), path=f"[{int(i)}].subject",
                             expected=f"a registered {subject_kind} (registered with the first report naming it)")
                     for i in mine if frame.at[i, "subject"] not in known]
    if problems:
        raise InvalidInput(sorted(problems, key=lambda p: p.index if p.index is not None else -1))
    return frame


def _stored(session: Session, subjects: list[str]) -> dict[tuple[str, str, str, str], Designation]:
    stored = {}
    for chunk in _chunks(sorted(set(subjects))):
        for d in session.execute(select(Designation).where(col(Designation.subject_id).in_(chunk))).scalars():
            stored[(d.subject_kind, d.subject_id, d.kind, d.level)] = d
    return stored


def _apply(d: Designation, item: DesignationIn, i: int, key_id: int | None) -> tuple[str, Problem | None]:
    """Update a stored designation with ``item`` (list position ``i``): the outcome and a problem, if any."""
    revoked = item.revoked_year if "revoked_year" in item.model_fields_set else d.revoked_year
    if (d.year, d.batch, d.revoked_year) == (item.year, item.batch, revoked):
        return "unchanged", None
    problem = None
    if revoked is not None and revoked < item.year:
        problem = Problem("revoked_before_designated", f"stored as revoked in {revoked}, before the year sent "
                          f"({item.year})", field="year", index=i, path=f"[{i}].year",
                          expected="a year not after revoked_year (or send revoked_year)")
    d.year, d.batch, d.revoked_year, d.recorded_by = item.year, item.batch, revoked, key_id
    return "updated", problem


def record_designations(session: Session, items: list[DesignationIn], key_id: int | None) -> list[tuple[Designation, str]]:
    """Record designations, all or nothing: (designation, created | updated | unchanged) of each item. Every
    problem is listed (422) and nothing is stored if there is one; a race with another request is a
    :class:`DesignationConflict`."""
    frame = _checked(session, items)
    stored = _stored(session, list(frame["subject"]))
    outcomes, problems = [], []
    for i, item in enumerate(items):
        d = stored.get((item.subject_kind, item.subject, item.kind, item.level))
        if d is None:
            d = Designation(subject_kind=item.subject_kind, subject_id=item.subject, kind=item.kind, level=item.level,
                            year=item.year, batch=item.batch, revoked_year=item.revoked_year, recorded_by=key_id)
            session.add(d)
            outcomes.append((d, "created"))
            continue
        outcome, problem = _apply(d, item, i, key_id)
        outcomes.append((d, outcome))
        problems += [problem] if problem is not None else []
    if problems:
        session.rollback()
        raise InvalidInput(problems)
    try:
        session.commit()
    except IntegrityError:  # another request recorded the same designation meanwhile
        session.rollback()
        raise DesignationConflict("a designation of this list was recorded by another request meanwhile; nothing "
                                  "was stored, send the list again") from None
    return outcomes


def revoke_designation(session: Session, designation_id: int, year: int, key_id: int | None) -> tuple[Designation, str]:
    """Record that a designation was removed from the list in ``year``: (designation, revoked | unchanged)."""
    d = session.get(Designation, designation_id) if 0 < designation_id < 2**31 else None
    if d is None:
        raise not_found(f"designation {designation_id}")
    if year < d.year:
        raise InvalidInput(Problem("revoked_before_designated", f"year {year} is before the year designated "
                                   f"({d.year})", field="year", expected=f"a year from {d.year} on"))
    if not YEARS[0] <= year <= YEARS[1]:
        raise InvalidInput(Problem("year_invalid", f"{year} is not a year", field="year",
                                   expected=f"a year {YEARS[0]}-{YEARS[1]}"))
    if d.revoked_year == year:
        return d, "unchanged"
    d.revoked_year, d.recorded_by = year, key_id
    session.commit()
    session.refresh(d)
    return d, "revoked"
