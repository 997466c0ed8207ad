"""A PostgreSQL outage (issue 11): every route answers 503 with a JSON problem and Retry-After, /healthz says the
database is down, and the log carries one line per failed request, without a traceback. The server is a
PostgreSQL URL on a loopback port where nothing listens (connection refused), so no real server is needed."""

from __future__ import annotations

import logging
import socket

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings


def dead_url() -> str:
    with socket.socket() as s:  # a free port: nothing listens there once it is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql+psycopg://carbonkit:carbonkit@127.0.0.1:{port}/carbonkit?connect_timeout=2"


def test_database_down_is_503_with_retry_after_and_one_log_line(caplog):
    settings = Settings(database_url=dead_url(), env="test", auto_migrate=False)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            health = client.get("/healthz")
            keyed = client.get("/v1/enterprises", headers={"Authorization": "Bearer ck_0123456789ab_x"})
            posted = client.post("/v1/reports", json={"report": {}}, headers={"X-API-Key": "ck_0123456789ab_x"})
    assert (health.status_code, health.json()) == (503, {"status": "degraded", "database": "down"})
    for r in (health, keyed, posted):
        assert r.status_code == 503, r.text
        assert r.headers["retry-after"].isdigit()
        assert r.headers["content-type"] == "application/json"
    assert "unavailable" in keyed.json()["detail"]
    lines = [rec for rec in caplog.records if rec.name.startswith("carbonkit")]
    assert len(lines) == 3, [rec.getMessage() for rec in lines]
    assert all(rec.exc_info is None for rec in caplog.records)
