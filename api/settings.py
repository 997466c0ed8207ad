"""Service settings, read from the environment (prefix CARBONKIT_). Unsafe defaults are refused outside development."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./carbonkit.sqlite"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CARBONKIT_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = Field(DEFAULT_DATABASE_URL, description="SQLAlchemy URL; SQLite file by default, "
                              "postgresql+psycopg://user:password@host/db for PostgreSQL")
    max_body_bytes: int = Field(20 * 1024 * 1024, gt=0, description="request bodies above this answer 413")
    max_bulk_reports: int = Field(5000, gt=0, description="reports per bulk submission; more answer 413")
    max_csv_columns: int = Field(64, gt=0, le=10_000, description="a CSV upload with a wider header answers 413 "
                                 "before it is parsed (the long format has a dozen columns)")
    max_xlsx_unpacked_bytes: int = Field(100 * 1024 * 1024, gt=0, description="an uploaded .xlsx whose members "
                                         "unpack to more bytes than this (a zip bomb) answers 413 before it is opened")
    auto_migrate: bool = Field(True, description="apply Alembic migrations when the service starts")
    year_fallback: Literal["earlier", "nearest"] = Field(
        "nearest", description="grid factors for years before the earliest published (the 2020 base year uses 2021's); "
        "the factor ids of every stored result show which year was used")
    key_cache_seconds: float = Field(5.0, ge=0, le=300, description="how long a worker trusts a key it has checked; "
                                     "a key revoked through another worker stays valid this long (0: check every request)")
    docs: bool = Field(True, description="serve /docs and /openapi.json")
    tls_proxy: bool = Field(False, description="a TLS-terminating proxy stands in front of the service; without it, "
                            "`carbonkit serve` on a non-loopback address warns (development) or refuses (production)")

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        if self.env == "production" and self.database_url == DEFAULT_DATABASE_URL:
            raise ValueError("CARBONKIT_DATABASE_URL must be set explicitly in production "
                             "(the default is a SQLite file in the working directory)")
        if self.env == "production" and self.database_url.startswith("sqlite"):
            raise ValueError("SQLite is refused in production (one writer at a time, no server): set "
                             "CARBONKIT_DATABASE_URL to postgresql+psycopg://user:password@host/db")
        return self

    def bind_refusal(self, host: str) -> str | None:
        """Why serving on ``host`` is unsafe with these settings (None when it is not): a non-loopback address
        speaks plain HTTP unless a TLS-terminating proxy is declared (``CARBONKIT_TLS_PROXY=true``)."""
        import ipaddress

        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if loopback or self.tls_proxy:
            return None
        return (f"--host {host} serves API keys and data over plain HTTP to the network; put a TLS-terminating proxy "
                "in front and set CARBONKIT_TLS_PROXY=true (or bind 127.0.0.1)")
