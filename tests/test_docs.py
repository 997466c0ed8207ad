"""The manual: `mkdocs build --strict` (warnings are errors) from the repository, with the factor library and the
HTTP API pages generated, no external resource in any page, and served by the service at /manual."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
mkdocs = pytest.importorskip("mkdocs", reason="the docs extra (pip install -e '.[docs]') builds the manual")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=600, env={**__import__("os").environ,
                                                                          "NO_MKDOCS_2_WARNING": "1"})
    assert r.returncode == 0, r.stdout + r.stderr
    return out


def test_every_page_is_built(site):
    for page in ("index", "getting-started.zh", "getting-started.en", "methods", "factors", "http-api", "python-api",
                 "changelog"):
        assert (site / f"{page}.html").is_file(), page
    assert not (site / "hooks.py").exists()


def test_no_page_loads_anything_from_outside(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html), page.name


def test_the_factor_library_lists_every_value_with_its_status(site):
    html = (site / "factors.html").read_text(encoding="utf-8")
    # GB/T 2589-2020 App. A raw coal 0.7143 kgce/kg, verified; the 205-1 energy codes are there too
    row = re.search(r"<tr>\s*<td>gbt2589-2020-a\.raw_coal</td>(.*?)</tr>", html, re.S).group(1)
    assert "0.7143" in row and "kgce/kg" in row and "verified" in row
    assert "nbs205-1" in html and "gbt4754-2017" in html


def test_the_http_page_has_an_example_per_route_and_the_error_catalogue(site):
    html = (site / "http-api.html").read_text(encoding="utf-8")
    from api.main import create_app
    from api.settings import Settings

    paths = create_app(Settings(database_url="sqlite://", env="test", auto_migrate=False)).openapi()["paths"]
    routes = sum(len(m) for m in paths.values())
    assert html.count("curl ") >= routes
    assert "stock_balance" in html and "period_invalid" in html


def test_the_service_serves_the_manual(site, monkeypatch):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from api.settings import Settings

    monkeypatch.setenv("CARBONKIT_MANUAL_DIR", str(site))
    client = TestClient(create_app(Settings(database_url="sqlite://", env="test", auto_migrate=False)))
    r = client.get("/manual/")
    assert r.status_code == 200 and "carbonkit" in r.text  # no key needed, like /docs
    assert client.get("/manual/factors.html").status_code == 200


def test_without_a_built_manual_a_404_says_how(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from api.settings import Settings

    monkeypatch.setenv("CARBONKIT_MANUAL_DIR", str(tmp_path))
    r = TestClient(create_app(Settings(database_url="sqlite://", env="test", auto_migrate=False))).get("/manual")
    assert r.status_code == 404 and "mkdocs build" in r.json()["detail"]
