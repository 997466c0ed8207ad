"""The models the routes read and answer with, beside the tables of :mod:`api.models`: Create (``...In``) and
Public families. A Public model names the keys every answer carries; answers that carry more (the core's result
dictionaries) allow the extra keys, so the JSON bodies are what the core wrote."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.models import Designation


class Public(BaseModel):
    """An answer: the keys named here, and any further key the core's result carries (in the core's order)."""

    model_config = ConfigDict(extra="allow")


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


def designation_public(d: Designation, region: str | None = None, park: str | None = None, name: str | None = None,
                       outcome: str | None = None) -> dict[str, Any]:
    """A designation as the API shows it (with ``outcome`` after a write)."""
    out = {"id": d.id, "subject_kind": d.subject_kind, "subject": d.subject_id, "name": name, "region": region,
           "park": park, "kind": d.kind, "level": d.level, "year": d.year, "batch": d.batch,
           "revoked_year": d.revoked_year, "recorded_at": d.recorded_at}
    if outcome is not None:
        out["outcome"] = outcome
    return out


class DesignationPublic(Public):
    id: int
    subject_kind: str
    subject: str
    name: str | None = None
    region: str | None = None
    park: str | None = None
    kind: str
    level: str
    year: int
    batch: str
    revoked_year: int | None = None
    recorded_at: datetime


class DesignationsRecorded(Public):
    created: int
    updated: int
    unchanged: int
    designations: list[DesignationPublic]


Timestamp = datetime  # written as ISO 8601 in UTC (``...Z``), as the service always wrote it


class ScopedAnswer(Public):
    """A regional answer: the key's scope (role, parks, region), then the core's result."""

    scope: dict[str, Any]


class HealthPublic(Public):
    status: str
    database: str


class CalculationPublic(Public):
    release: str
    options: dict[str, Any]
    result: dict[str, Any]
    factors: list[dict[str, Any]]
    indicators: Any


class IndicatorPublic(Public):
    """An indicator of the catalog (``carbonkit/indicators.toml``)."""


class StoredResultPublic(Public):
    release: str
    options: dict[str, Any]
    computed_at: Timestamp
    summary: dict[str, Any]


class SubmissionOutcome(Public):
    enterprise: str
    period: str
    status: str
    revision: int
    report_id: int
    result: StoredResultPublic | None


class BulkOutcome(Public):
    created: int
    revised: int
    unchanged: int
    reports: list[dict[str, Any]]


class RevisionPublic(Public):
    enterprise: str
    period: str
    revision: int
    is_latest: bool
    submitted_at: Timestamp
    content_hash: str
    submission_id: str | None
    submitted_by: dict[str, Any] | None


class ReportPublic(RevisionPublic):
    document: dict[str, Any]
    result: StoredResultPublic | None


class ResultListed(Public):
    period: str
    revision: int
    release: str
    options: dict[str, Any]
    computed_at: Timestamp
    summary: dict[str, Any]


class RecomputePublic(Public):
    created: bool
    period: str
    revision: int
    release: str
    options: dict[str, Any]
    computed_at: Timestamp
    summary: dict[str, Any]


class FactorPublic(Public):
    """A factor with its provenance (and, read one at a time, its release and table)."""


class ReleasePublic(Public):
    name: str
    description: Any
    tables: list[dict[str, Any]]


class KeyCreated(Public):
    id: int
    key: str
    role: str


class KeyListed(Public):
    id: int
    role: str
    name: str
    prefix: str
    created_at: Timestamp
    revoked_at: Timestamp | None
    enterprises: list[str]
    parks: list[str]


class KeyRevoked(Public):
    id: int
    revoked: bool


class CriteriaPublic(Public):
    """A shipped criteria set: its provenance, kind and counts."""


class ZeroCarbonSetPublic(Public):
    """A shipped zero-carbon park indicator set with its provenance."""


class AssessmentPublic(Public):
    """An assessment as the core writes it (:meth:`to_dict`)."""


class SchemePublic(Public):
    """A shipped grading scheme with its provenance."""


class StandardsPublic(Public):
    """The documents the screen uses (benefit, technical, industries) with their provenance."""


class ScreenPublic(Public):
    """A low-efficiency capacity screen as the core writes it."""


class GradesPublic(Public):
    """Grades of a region's or park's enterprises: the population, the scheme and the results the key may see."""


class CbamDefaultsPublic(Public):
    """The shipped CBAM default values with mark-ups and provenance."""


class DashboardContext(Public):
    scope: dict[str, Any]
    years: list[int]
    indicators: list[dict[str, Any]]


class MarketOutcomePublic(Public):
    enterprise: str
    year: int
    status: str
    revision: int
    submission: int


class MarketReportPublic(Public):
    enterprise: str
    year: int
    revision: int
    submitted_at: Timestamp


class MarketRevisionPublic(Public):
    revision: int
    is_latest: bool
    submitted_at: Timestamp
    submission_id: str | None
    content_hash: str


class MarketFacilityListed(Public):
    revision: int
