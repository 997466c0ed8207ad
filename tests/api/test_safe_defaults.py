"""Safe defaults (issue 11): SQLite refused in production, a non-loopback bind refused in production and warned
about in development unless a TLS-terminating proxy is declared, /docs served from the package under a CSP, and
the OpenAPI document stating the real error body and each route's error answers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from api.settings import Settings

PG = "postgresql+psycopg://u:p@db.invalid/x"


def test_production_refuses_sqlite():
    with pytest.raises(ValidationError, match="SQLite is refused in production"):
        Settings(env="production", database_url="sqlite:////srv/carbonkit.sqlite")
    assert Settings(env="production", database_url=PG).env == "production"


@pytest.mark.parametrize("host,unsafe", [("127.0.0.1", False), ("::1", False), ("localhost", False),
                                         ("0.0.0.0", True), ("192.0.2.7", True), ("::", True), ("example.invalid", True)])
def test_bind_refusal(host, unsafe):
    assert (Settings(database_url=PG).bind_refusal(host) is not None) is unsafe
    assert Settings(database_url=PG, tls_proxy=True).bind_refusal(host) is None


def test_serve_refuses_in_production_and_warns_in_development(monkeypatch):
    import api.workers
    from cli.main import app

    started = []
    monkeypatch.setattr(api.workers, "run", lambda *a, **k: started.append(k["host"]))  # what serve starts
    monkeypatch.setenv("CARBONKIT_DATABASE_URL", PG)
    monkeypatch.setenv("CARBONKIT_AUTO_MIGRATE", "false")
    monkeypatch.setenv("CARBONKIT_ENV", "production")
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 2 and started == []
    assert "CARBONKIT_TLS_PROXY" in r.output
    monkeypatch.setenv("CARBONKIT_ENV", "development")
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 0 and started == ["0.0.0.0"]
    assert "WARNING" in r.output
    monkeypatch.setenv("CARBONKIT_ENV", "production")
    monkeypatch.setenv("CARBONKIT_TLS_PROXY", "true")
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 0 and "WARNING" not in r.output


def test_docs_come_from_the_package_under_a_csp(client):
    r = client.get("/docs")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert "cdn" not in r.text and "https://" not in r.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert client.get(f"/docs-assets/{asset}").status_code == 200
    assert client.get("/redoc").status_code == 404


def test_openapi_states_the_error_body_and_answers(client):
    doc = client.get("/openapi.json").json()
    error = doc["components"]["schemas"]["Error"]
    assert set(error["properties"]) >= {"detail", "problems"}
    submit = doc["paths"]["/v1/reports"]["post"]["responses"]
    assert {"401", "403", "409", "413", "422", "503"} <= set(submit)
    get_one = doc["paths"]["/v1/enterprises/{enterprise_id}"]["get"]["responses"]
    assert {"401", "403", "404", "422", "503"} <= set(get_one) and "409" not in get_one
    assert "401" not in doc["paths"]["/healthz"]["get"]["responses"]
