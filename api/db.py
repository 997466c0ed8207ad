"""Engines, sessions and migrations. One engine per database URL, created on first use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, create_engine

from api.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@cache
def engine_for(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:  # a DBAPI hook
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


@contextmanager
def session_scope(settings: Settings) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine_for(settings.database_url)) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


def reachable(session: Session) -> str | None:
    """None when the database answers ``SELECT 1``; else the kind of error (the class name, never the URL)."""
    try:
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    except SQLAlchemyError as exc:
        return type(exc).__name__
    return None


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply the Alembic migrations to ``url``."""
    from alembic import command

    from api.partitions import forget

    command.upgrade(alembic_config(url), revision)
    forget(url)  # a database migrated again may be a new one: its result partitions are looked up afresh
