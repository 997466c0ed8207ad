"""Settings refuse unsafe defaults; the service commands of the CLI work against a database."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlmodel import select
from typer.testing import CliRunner

from cli.main import app
from api.db import session_scope
from api.keys import authenticate
from api.models import ApiKey
from api.settings import Settings

runner = CliRunner()


def test_production_refuses_the_default_database(monkeypatch):
    monkeypatch.delenv("CARBONKIT_DATABASE_URL", raising=False)
    with pytest.raises(ValidationError, match="CARBONKIT_DATABASE_URL must be set"):
        Settings(env="production")
    assert Settings(env="production", database_url="postgresql+psycopg://u:p@db/x").env == "production"


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("CARBONKIT_MAX_BULK_REPORTS", "7")
    monkeypatch.setenv("CARBONKIT_MAX_BODY_BYTES", "1234")
    s = Settings()
    assert (s.max_bulk_reports, s.max_body_bytes) == (7, 1234)


def test_keys_create_prints_a_working_key_once(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("CARBONKIT_DATABASE_URL", url)
    result = runner.invoke(app, ["keys", "create", "--role", "park", "--park", "P01", "--name", "park office"])
    assert result.exit_code == 0, result.output
    plain = result.stdout.strip().splitlines()[-1]
    assert plain.startswith("ck_")
    with session_scope(Settings(database_url=url)) as session:
        principal = authenticate(session, plain)
        assert principal is not None and principal.role == "park" and principal.parks == {"P01"}
        stored = session.exec(select(ApiKey)).all()
        assert all(plain not in (k.key_hash, k.prefix, k.name) for k in stored)


def test_keys_create_refuses_a_park_key_without_parks(tmp_path, monkeypatch):
    monkeypatch.setenv("CARBONKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    result = runner.invoke(app, ["keys", "create", "--role", "park"])
    assert result.exit_code == 2 and "needs at least one park" in result.stderr


def test_db_upgrade_and_demo_store_the_examples(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    monkeypatch.setenv("CARBONKIT_DATABASE_URL", url)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert "14 reports: 14 created" in first.stdout  # 10 park enterprises (2023) + the tyre maker 2020-2023
    again = runner.invoke(app, ["demo"])
    assert "0 created, 0 revised, 14 unchanged" in again.stdout
