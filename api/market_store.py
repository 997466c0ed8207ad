"""Storing monthly key parameters of the carbon-market sectors: one submission per enterprise and year.

The same rules as reports: the submission is accounted whole by the core before anything is written (a bad
row refuses it, every problem listed, nothing stored); identical content or a known submission id changes
nothing ("unchanged"); other content becomes a new revision and the latest counts; (enterprise, year,
revision) is unique, and a transaction that loses a race is retried against the winner.

The tenant rules of reports (:mod:`api.revisions`, :class:`api.access.Scope`) hold here too: writers of one
enterprise are serialised; a submission id is scoped to its enterprise and looked up only among the submissions
the key may read (another tenant's id answers as if it were new); the same id for another year of a readable
enterprise is a 409 naming the original; only the province (or the enterprise itself, without a park) registers
an enterprise, and only the province sets park membership.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field as PField, StringConstraints
from sqlalchemy import JSON, Column, UniqueConstraint, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Field, Session, SQLModel, col, select

from api.access import Forbidden, Scope
from api.db import engine_for
from api.revisions import SubmissionConflict, lock_enterprises
from api.keys import Principal
from api.models import Enterprise, Park, utcnow
from api.settings import Settings
from carbonkit.market import account_market
from reports.market_workbook import to_json

Text = Annotated[str, StringConstraints(max_length=200)]


class MarketSubmission(SQLModel, table=True):
    """One revision of one enterprise's monthly key parameters for one year, with its account (JSON)."""

    __tablename__ = "market_submission"
    __table_args__ = (UniqueConstraint("enterprise_id", "year", "revision", name="uq_market_revision"),
                      UniqueConstraint("enterprise_id", "submission_id", name="uq_market_submission_id"))
    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: str = Field(foreign_key="enterprise.id", max_length=64, index=True)
    year: int = Field(index=True)
    revision: int
    is_latest: bool = Field(default=True, index=True)
    content_hash: str = Field(max_length=64)
    submission_id: str | None = Field(default=None, max_length=200)  # unique per enterprise (a tenant's own ids)
    rows: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    submitted_by: int | None = Field(default=None, foreign_key="api_key.id")
    submitted_at: datetime = Field(default_factory=utcnow)


class MarketRowIn(BaseModel):
    """One monthly key parameter of one facility (the long table of :mod:`carbonkit.market.monthly`)."""

    model_config = ConfigDict(extra="forbid")
    facility: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    sector: Annotated[str, StringConstraints(max_length=20)]
    route: Annotated[str, StringConstraints(max_length=40)]
    month: int = PField(ge=0, le=12, description="1-12, or 0 for a value of the whole year")
    parameter: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    item: Annotated[str, StringConstraints(max_length=60)] = ""
    value: float
    unit: Annotated[str, StringConstraints(max_length=40)] = ""
    tier: Annotated[str, StringConstraints(max_length=20)] = ""
    standard: Text = ""


class MarketSubmissionIn(BaseModel):
    """An enterprise-year of monthly key parameters; ``submission_id`` makes re-sending safe."""

    model_config = ConfigDict(extra="forbid")
    submission_id: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[\x20-\x7e]+$")] | None = None
    enterprise: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    year: int = PField(ge=2000, le=2100)
    name: Text | None = None
    park: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    rows: list[MarketRowIn] = PField(min_length=1, max_length=20_000)


@dataclass
class MarketOutcome:
    enterprise: str
    year: int
    status: str  # created | revised | unchanged
    revision: int
    submission: int | None


def rows_frame(body: MarketSubmissionIn) -> pd.DataFrame:
    rows = [{"enterprise": body.enterprise, "year": body.year, **r.model_dump()} for r in body.rows]
    return pd.DataFrame(rows)


def content_hash(body: MarketSubmissionIn) -> str:
    """SHA-256 of the rows in a canonical order: the same parameters sent in any order hash the same."""
    rows = sorted(json.dumps(r.model_dump(), sort_keys=True, ensure_ascii=False) for r in body.rows)
    text = json.dumps({"enterprise": body.enterprise, "year": body.year, "rows": rows}, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def submit_market(settings: Settings, principal: Principal, body: MarketSubmissionIn) -> MarketOutcome:
    """Account the submission (refused whole on any problem), then store it as a revision, all or nothing."""
    result = account_market(rows_frame(body))
    payload = json.loads(json.dumps(to_json(result), default=str))
    digest = content_hash(body)
    for attempt in range(5):
        try:
            with Session(engine_for(settings.database_url)) as session:
                outcome = _store(session, principal, body, digest, payload)
                session.commit()
                return outcome
        except (IntegrityError, OperationalError):
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _store(session: Session, principal: Principal, body: MarketSubmissionIn, digest: str,
           payload: dict[str, Any]) -> MarketOutcome:
    scope = Scope(principal)
    lock_enterprises(session, [body.enterprise])
    ent = session.get(Enterprise, body.enterprise)
    why = scope.write_refusal(0, body.enterprise, None if ent is None else (ent.park_id,), body.park)
    if why is not None:
        raise Forbidden(why)
    seen = _resent(session, scope, body)
    if seen is not None:
        return MarketOutcome(seen.enterprise_id, seen.year, "unchanged", seen.revision, seen.id)
    if ent is None:
        _register(session, body)
    latest = session.exec(select(MarketSubmission).where(MarketSubmission.enterprise_id == body.enterprise,
                                                         MarketSubmission.year == body.year,
                                                         MarketSubmission.is_latest)).first()
    if latest is not None and latest.content_hash == digest:
        return MarketOutcome(body.enterprise, body.year, "unchanged", latest.revision, latest.id)
    if latest is not None:
        session.execute(update(MarketSubmission).where(col(MarketSubmission.id) == latest.id).values(is_latest=False))
    row = MarketSubmission(enterprise_id=body.enterprise, year=body.year, revision=(latest.revision + 1) if latest else 1,
                           content_hash=digest, submission_id=body.submission_id,
                           rows=[r.model_dump() for r in body.rows], result=payload, submitted_by=principal.key_id)
    session.add(row)
    session.flush()
    return MarketOutcome(body.enterprise, body.year, "revised" if latest else "created", row.revision, row.id)


def _resent(session: Session, scope: Scope, body: MarketSubmissionIn) -> MarketSubmission | None:
    """The submission a known submission id already answered (409 when it names another enterprise-year)."""
    if not body.submission_id:
        return None
    seen = _known_submission(session, scope, body.submission_id)
    if seen is not None and (seen.enterprise_id, seen.year) != (body.enterprise, body.year):
        raise SubmissionConflict(0, body.submission_id, seen.enterprise_id, str(seen.year))
    return seen


def _register(session: Session, body: MarketSubmissionIn) -> None:
    """Register the enterprise of a first submission (and its park, by id, when it is new)."""
    if body.park and session.get(Park, body.park) is None:
        session.add(Park(id=body.park))
        session.flush()
    session.add(Enterprise(id=body.enterprise, name=body.name, park_id=body.park))
    session.flush()


def _known_submission(session: Session, scope: Scope, submission_id: str) -> MarketSubmission | None:
    """The first submission with this id among those the key may read (another tenant's is not seen)."""
    rows = session.exec(select(MarketSubmission, Enterprise.park_id)
                        .join(Enterprise, col(Enterprise.id) == col(MarketSubmission.enterprise_id))
                        .where(MarketSubmission.submission_id == submission_id).order_by(col(MarketSubmission.id))).all()
    return next((row for row, park in rows if scope.may_read(row.enterprise_id, park)), None)


def latest_submission(session: Session, enterprise: str, year: int) -> MarketSubmission | None:
    return session.exec(select(MarketSubmission).where(MarketSubmission.enterprise_id == enterprise,
                                                       MarketSubmission.year == year,
                                                       MarketSubmission.is_latest)).first()


def revisions_of(session: Session, enterprise: str, year: int) -> list[MarketSubmission]:
    """Every revision of an enterprise-year, oldest first."""
    return list(session.exec(select(MarketSubmission).where(MarketSubmission.enterprise_id == enterprise,
                                                            MarketSubmission.year == year)
                             .order_by(col(MarketSubmission.revision))).all())


def latest_rows(session: Session, scope: Scope, year: int) -> list[MarketSubmission]:
    """The latest revisions of ``year`` of the enterprises the key may see, by enterprise."""
    query = select(MarketSubmission).join(Enterprise, col(Enterprise.id) == col(MarketSubmission.enterprise_id)).where(
        MarketSubmission.year == year, MarketSubmission.is_latest)
    where = scope.enterprise_filter(Enterprise.id, Enterprise.park_id)
    if where is not None:
        query = query.where(where)
    return list(session.exec(query.order_by(col(MarketSubmission.enterprise_id))).all())
