"""Fixtures for the service tests: one app per database and keys for every role.

Every test runs twice: against a SQLite file in a temporary directory and against PostgreSQL (the URL in
``CARBONKIT_TEST_POSTGRES_URL``; skipped when unset). A PostgreSQL test starts from an empty ``public``
schema. The app is started through ``TestClient`` as a context manager so its lifespan (migrations) runs.
Documents, expected numbers and response readers live in ``service_kit``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from types import SimpleNamespace

import pytest

from service_kit import ENT_A, ENT_B, PARK_A, PARK_B, POSTGRES_ENV, POSTGRES_SKIP, auth, doc_a, doc_b

# --------------------------------------------------------------------------- app and database

def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SET lock_timeout = '20s'"))
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path) -> str:
    """The database URL: a fresh SQLite file, or PostgreSQL with an empty public schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/t.sqlite"
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(POSTGRES_SKIP)
    _reset_postgres(url)
    return url


@pytest.fixture
def make_settings(backend) -> Callable[..., object]:
    from api.settings import Settings

    def make(**overrides):
        return Settings(database_url=backend, env="test", **overrides)
    return make


@pytest.fixture
def settings(make_settings):
    return make_settings()


@pytest.fixture
def make_client(make_settings) -> Iterator[Callable[..., object]]:
    """Build and start another app on the same database, e.g. with a small ``max_body_bytes``."""
    from fastapi.testclient import TestClient

    from api.main import create_app

    with ExitStack() as stack:
        def make(**overrides):
            return stack.enter_context(TestClient(create_app(make_settings(**overrides))))
        yield make


@pytest.fixture
def client(make_client):
    """A started TestClient for the app with default limits."""
    return make_client()


def new_key(settings, role: str, *, enterprises=(), parks=(), name: str = "") -> str:
    """A key made through ``api.keys.create_key`` (the spec: returns the plain key). The current
    implementation returns ``(id, key)``; both are accepted here so the fixtures keep working."""
    from api.db import session_scope
    from api.keys import create_key

    with session_scope(settings) as session:
        made = create_key(session, role, enterprises=list(enterprises), parks=list(parks), name=name)
    plain = made[1] if isinstance(made, tuple) else made
    assert isinstance(plain, str) and plain
    return plain


@pytest.fixture
def province_key(client, settings) -> str:
    return new_key(settings, "province", name="province")


@pytest.fixture
def park_key(client, settings) -> str:
    """Park P01 (enterprise A's park)."""
    return new_key(settings, "park", parks=[PARK_A], name="park-P01")


@pytest.fixture
def park_b_key(client, settings) -> str:
    """Park P02 (enterprise B's park)."""
    return new_key(settings, "park", parks=[PARK_B], name="park-P02")


def register(settings, enterprise: str, park: str | None) -> None:
    """The province's register: the enterprise (and its park) as the province records them when it issues the
    enterprise's key. Park membership is register data an enterprise key cannot set (api.access)."""
    from api.db import session_scope
    from api.models import Enterprise, Park

    with session_scope(settings) as session:
        if park is not None and session.get(Park, park) is None:
            session.add(Park(id=park))
            session.flush()
        if session.get(Enterprise, enterprise) is None:
            session.add(Enterprise(id=enterprise, park_id=park))


@pytest.fixture
def ent_a_key(client, settings) -> str:
    """Enterprise A's key; A is registered in park P01."""
    register(settings, ENT_A, PARK_A)
    return new_key(settings, "enterprise", enterprises=[ENT_A], name="ent-A")


@pytest.fixture
def ent_b_key(client, settings) -> str:
    """Enterprise B's key; B is registered in park P02."""
    register(settings, ENT_B, PARK_B)
    return new_key(settings, "enterprise", enterprises=[ENT_B], name="ent-B")


@pytest.fixture
def keys(province_key, park_key, park_b_key, ent_a_key, ent_b_key) -> SimpleNamespace:
    return SimpleNamespace(province=province_key, park=park_key, park_b=park_b_key, ent_a=ent_a_key,
                           ent_b=ent_b_key)


@pytest.fixture
def seeded(client, province_key) -> SimpleNamespace:
    """Enterprise A (park P01) and B (park P02), one 2023 report each, submitted by the province."""
    for doc in (doc_a(), doc_b()):
        r = client.post("/v1/reports", json={"report": doc}, headers=auth(province_key))
        assert r.status_code == 201, r.text
    return SimpleNamespace(a=ENT_A, b=ENT_B)
