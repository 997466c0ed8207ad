"""SQLModel tables (one family per resource) and the public models the routes answer with."""

from __future__ import annotations

from datetime import datetime, UTC
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, select
from sqlmodel import Field, SQLModel

from carbonkit.catalog import stored_columns

# Result columns kept as real columns (for aggregation in the database); the full summary row is JSON. The catalog
# marks them (carbonkit/indicators.toml, field `stored`); each is a field of `Result` below, added by a migration
# (electricity_kwh ... co2_heat_tco2: 0002_progress), which tests/carbonkit/test_catalog_views.py checks.
RESULT_COLUMNS: tuple[str, ...] = stored_columns()


def utcnow() -> datetime:
    return datetime.now(UTC)


class Park(SQLModel, table=True):
    __tablename__ = "park"
    id: str = Field(primary_key=True, max_length=64)
    name: str | None = Field(default=None, max_length=200)
    region: str | None = Field(default=None, max_length=12)


class EnterpriseBase(SQLModel):
    id: str = Field(primary_key=True, max_length=64, description="unified social credit code or other id")
    name: str | None = Field(default=None, max_length=200)
    region: str | None = Field(default=None, max_length=12, index=True, description="administrative code")
    industry: str | None = Field(default=None, max_length=16, index=True, description="GB/T 4754 code")
    park_id: str | None = Field(default=None, foreign_key="park.id", index=True, max_length=64)


class Enterprise(EnterpriseBase, table=True):
    __tablename__ = "enterprise"
    created_at: datetime = Field(default_factory=utcnow)


class EnterprisePublic(SQLModel):
    """An enterprise as the API shows it."""

    id: str
    name: str | None = None
    region: str | None = None
    industry: str | None = None
    park: str | None = None

    @classmethod
    def of(cls, ent: Enterprise) -> EnterprisePublic:
        return cls(id=ent.id, name=ent.name, region=ent.region, industry=ent.industry, park=ent.park_id)


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"
    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(max_length=16, unique=True, index=True, description="public part, used to find the key")
    key_hash: str = Field(max_length=64, description="SHA-256 of the whole key; the key itself is never stored")
    role: str = Field(max_length=16)
    name: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class ApiKeyEnterprise(SQLModel, table=True):
    __tablename__ = "api_key_enterprise"
    key_id: int = Field(foreign_key="api_key.id", primary_key=True)
    enterprise_id: str = Field(primary_key=True, max_length=64)


class ApiKeyPark(SQLModel, table=True):
    __tablename__ = "api_key_park"
    key_id: int = Field(foreign_key="api_key.id", primary_key=True)
    park_id: str = Field(primary_key=True, max_length=64)


class Report(SQLModel, table=True):
    """One revision of one enterprise's report for one period. The latest revision counts."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "period", "revision", name="uq_report_revision"),
        Index("ix_report_latest", "enterprise_id", "period", "is_latest"),
    )
    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: str = Field(foreign_key="enterprise.id", max_length=64)
    period: str = Field(max_length=7, index=True)
    revision: int
    is_latest: bool = Field(default=True, index=True)
    content_hash: str = Field(max_length=64)
    submission_id: str | None = Field(default=None, max_length=200, unique=True,
                                      description="before migration 0004 only; submission ids live in `submission`")
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    submitted_by: int | None = Field(default=None, foreign_key="api_key.id")
    submitted_at: datetime = Field(default_factory=utcnow)


class Submission(SQLModel, table=True):
    """A client's submission id, scoped to the enterprise it was sent for, and the revision it answered with
    (the one it created, or the one it found unchanged). Migration 0004_submission."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("enterprise_id", "submission_id", name="uq_submission"),)
    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: str = Field(foreign_key="enterprise.id", max_length=64)
    submission_id: str = Field(max_length=200, index=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    created: bool = Field(description="the submission created this revision (else it found it unchanged)")
    key_id: int | None = Field(default=None, foreign_key="api_key.id")
    submitted_at: datetime = Field(default_factory=utcnow)


def _report_year(context: Any) -> int:
    """The default of ``result.year`` for a row written without it: the year of its report's period (one query;
    the service's writers give the year: :func:`api.ingest.result_row`)."""
    report_id = context.get_current_parameters()["report_id"]
    period = context.connection.execute(select(Report.period).where(Report.id == report_id)).scalar_one()  # type: ignore[call-overload]
    return int(period[:4])


class Result(SQLModel, table=True):
    """The accounting of one report revision with one factor release and options.

    ``year`` is the year of the report's period (``2024`` of ``2024-03``), written with the row. On PostgreSQL the
    table is partitioned by it (migration 0007_result_by_year): one partition per year, created when a year is first
    written (:mod:`api.partitions`), and a default partition; a query with a year condition reads one partition.
    A partitioned table's keys must hold the partition key, so there the primary key is (id, year) and the unique
    key (report_id, year, release, options_hash); ``id`` alone still names a row (one sequence for all partitions),
    and is the key the ORM uses (SQLite keeps a plain table whose ``id`` is its integer primary key). The year is
    the report's, so the unique key means what (report_id, release, options_hash) meant.
    """

    __tablename__ = "result"
    __table_args__ = (UniqueConstraint("report_id", "year", "release", "options_hash", name="uq_result_release"),
                      {"postgresql_partition_by": "RANGE (year)"})
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    year: int | None = Field(default=None, sa_column_kwargs={"default": _report_year, "nullable": False},
                             description="the year of the report's period; the partition key on PostgreSQL")
    release: str = Field(max_length=100)
    options_hash: str = Field(max_length=64)
    options: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    computed_at: datetime = Field(default_factory=utcnow)
    summary: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    energy_equivalent_tce: float | None = None
    energy_equal_tce: float | None = None
    feedstock_equivalent_tce: float | None = None
    renewable_electricity_equivalent_tce: float | None = None
    co2_location_tco2: float | None = None
    co2_market_tco2: float | None = None
    water_withdrawal_m3: float | None = None
    fresh_water_m3: float | None = None
    value_added_10k_cny: float | None = None
    value_added_comparable_10k_cny: float | None = None
    electricity_kwh: float | None = None
    co2_combustion_tco2: float | None = None
    co2_electricity_location_tco2: float | None = None
    co2_heat_tco2: float | None = None


class Designation(SQLModel, table=True):
    """A green designation (绿色制造名单) of an enterprise or a park, recorded by the province: an administrative act
    (MIIT or the provincial department, published in batches), never a self-assessment. Migration 0003_designations."""

    __tablename__ = "designation"
    __table_args__ = (UniqueConstraint("subject_kind", "subject_id", "kind", "level", name="uq_designation"),)
    id: int | None = Field(default=None, primary_key=True)
    subject_kind: str = Field(max_length=16, description="enterprise or park")
    subject_id: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=32, index=True, description="a kind of factors/designations (green_factory ...)")
    level: str = Field(max_length=16, description="national or provincial")
    year: int = Field(description="the year designated")
    batch: str = Field(max_length=300, description="the list or document it was published in")
    revoked_year: int | None = Field(default=None, description="the year it was removed from the list")
    recorded_by: int | None = Field(default=None, foreign_key="api_key.id")
    recorded_at: datetime = Field(default_factory=utcnow)
