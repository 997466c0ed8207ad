"""The dashboard page in a real headless browser (Debian's chromium driven by Playwright).

The service runs under uvicorn in a subprocess on a free loopback port with a temporary SQLite database;
reports are seeded through the API with a province key made in-process with ``api.keys.create_key``. The
test fetches the same ``/v1`` answers itself and compares them with the text the page shows.

Seeded data (as in test_progress.py; electricity 0.1229 kgce/kWh, so 1 MWh = 0.1229 tce):
  A (Qingdao, park P01, C29) 2020: 10,000 MWh -> 1,229.0 tce, VA 10,000;  2023: 9,000 MWh -> 1,106.1 tce, comparable VA 10,500
  B (Zibo, park P02, C26)    2020:  5,000 MWh ->   614.5 tce, VA  5,000;  2023: 4,000 MWh ->   491.6 tce, comparable VA  5,500
  D (Zibo, park P02)         2020:  1,000 MWh ->   122.9 tce, VA  1,000;  no 2023 report
  province 2020: 1,966.4 tce / 16,000 = 0.1229;  2023: 1,597.7 / 16,000 = 0.09985625
  cumulative change = 0.09985625 / 0.1229 - 1 = -0.1875 -> "-18.75 %"
  park P02 2020: 737.4 / 6,000 = 0.1229;  2023: 491.6 / 5,500 = 0.0893818 -> "0.0894"; change -27.27 %
"""

from __future__ import annotations

import re
from contextlib import contextmanager
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from servers import free_port, service_env, stop
from service_kit import PARK_B

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INSTALL = "install it with: apt-get install chromium chromium-driver (and pip install 'playwright>=1.40')"

ENT_A, ENT_B, ENT_D = "91370211473270545N", "91370305552464479B", "91370305552464479X"

pytestmark = pytest.mark.slow


def _doc(enterprise, period, mwh, va, *, va_comp=None, region="370211", park="P01", industry="C2911"):
    items = [{"item": "electricity", "amount": mwh, "unit": "MWh"}, {"item": "value_added", "amount": va, "unit": "万元"}]
    if va_comp is not None:
        items.append({"item": "value_added_comparable", "amount": va_comp, "unit": "万元"})
    return {"enterprise": enterprise, "region": region, "park": park, "industry": industry, "period": period,
            "items": items}


DOCS = [_doc(ENT_A, "2020", 10_000, 10_000), _doc(ENT_A, "2023", 9_000, 11_000, va_comp=10_500),
        _doc(ENT_B, "2020", 5_000, 5_000, region="370305", park=PARK_B, industry="C2614"),
        _doc(ENT_B, "2023", 4_000, 6_000, va_comp=5_500, region="370305", park=PARK_B, industry="C2614"),
        _doc(ENT_D, "2020", 1_000, 1_000, region="370305", park=PARK_B, industry="C2614")]


def _key(url: str, role: str, **scope) -> str:
    from api.db import session_scope
    from api.keys import create_key
    from api.settings import Settings

    with session_scope(Settings(database_url=url)) as session:
        return create_key(session, role, name=f"dashboard-{role}", **scope)[1]


@contextmanager
def uvicorn_service(tmp_path_factory, name: str, *, timeout: float = 5):
    """uvicorn in a subprocess on a free loopback port with a fresh SQLite database; yields (base url, database
    url, an httpx client on it) once /healthz answers, and stops the server afterwards."""
    db = f"sqlite:///{tmp_path_factory.mktemp(name) / 'd.sqlite'}"
    port = free_port()
    env = service_env(db)
    log = tmp_path_factory.mktemp(f"{name}-log") / "uvicorn.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory", "--host",
                                 "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=base, timeout=timeout, trust_env=False) as client:
            while True:
                assert proc.poll() is None, log.read_text()
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "uvicorn did not answer /healthz:\n" + log.read_text()
                time.sleep(0.2)
            yield base, db, client
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """uvicorn on a free loopback port; yields (base url, keys) after seeding the reports."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: {INSTALL}")
    pytest.importorskip("playwright.sync_api", reason=f"playwright is missing: {INSTALL}")
    with uvicorn_service(tmp_path_factory, "dashboard") as (base, db, client):
        keys = {"province": _key(db, "province"), "park_b": _key(db, "park", parks=[PARK_B]),
                "enterprise": _key(db, "enterprise", enterprises=[ENT_A])}
        r = client.post("/v1/reports/bulk", json=[{"report": d} for d in DOCS],
                        headers={"Authorization": f"Bearer {keys['province']}"})
        assert r.status_code == 200, r.text
        yield base, keys, db


@pytest.fixture(scope="module")
def browser(service):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, service):
    context = browser.new_context()
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    outside: list[str] = []
    pg.on("request", lambda req: outside.append(req.url) if not req.url.startswith(service[0]) else None)
    yield pg
    context.close()
    assert not outside, f"the page asked for something outside the service: {outside}"
    # a refused key (401/403) or a progress the data cannot give (422) makes the browser log the fetch's status;
    # no script error may occur
    assert not [e for e in errors if not any(code in e for code in ("401", "403", "422"))], errors


def _get(service, path: str, key: str) -> dict:
    r = httpx.get(service[0] + path, headers={"Authorization": f"Bearer {key}"}, trust_env=False, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def _show(page, service, key: str | None) -> None:
    page.goto(service[0] + "/dashboard")
    if key is not None:
        page.fill("#key", key)
        page.click("#show")
        page.wait_for_selector("#status.ok, #status.refused, #status.error", timeout=30_000)


def _cell(page, row: str, field: str) -> str:
    return page.locator(f"{row} td[data-field='{field}']").inner_text().strip()


def _pct(x: float) -> str:
    return f"{x * 100:.2f} %"


def test_page_loads_without_a_key_and_shows_no_numbers(page, service):
    _show(page, service, None)
    assert "carbonkit" in page.title()
    assert page.locator("#results").is_hidden()
    assert not re.search(r"\d", page.locator("body").inner_text())


def test_province_key_shows_the_numbers_the_api_returns(page, service):
    key = service[1]["province"]
    _show(page, service, key)
    assert page.locator("#status").get_attribute("class") == "ok", page.locator("#status").inner_text()
    assert key not in page.url and "key" not in page.url
    assert page.evaluate("sessionStorage.getItem('carbonkit.dashboard.key')") == key
    progress = _get(service, "/v1/progress?series=true", key)
    line = next(i for i in progress["indicators"] if i["target"] == "energy_intensity" and i["variant"] == "total")
    row = "tr[data-target='energy_intensity'][data-variant='total']"
    assert _cell(page, row, "cumulative_change") == _pct(line["cumulative_change"]) == "-18.75 %"
    assert _cell(page, row, "base_value") == f"{line['base_value']:.4f}" == "0.1229"
    assert _cell(page, row, "value") == f"{line['value']:.4f}" == "0.0999"  # 0.09985625
    assert _cell(page, row, "required_annual_pace") == _pct(line["required_annual_pace"])
    assert _cell(page, row, "achieved_annual_pace") == _pct(line["achieved_annual_pace"])
    assert "on track" in _cell(page, row, "on_track") and line["on_track"] is True
    # coverage 2023: A, B and D expected, D missing
    assert [_cell(page, "tr[data-year='2023']", f) for f in ("n_expected", "n_reporting", "n_missing")] == ["3", "2", "1"]
    assert _cell(page, "tr[data-year='2023']", "missing") == ENT_D
    decomposition = _get(service, "/v1/decomposition?start=2020&end=2023&top=10", key)
    for field in ("I0", "IT", "change", "structure", "intensity"):
        value = decomposition[field] if field in ("I0", "IT", "change") else decomposition["additive"][field]
        assert _cell(page, "#decomposition-table", field) == f"{value:.4f}"
    assert _cell(page, "#decomposition-table", "change") == "-0.0230"  # 0.09985625 - 0.1229 = -0.02304375
    contributors = decomposition["contributions"]
    assert page.locator("#contributors-table tbody tr").count() == len(contributors) == 2
    for c in contributors:
        group = f"tr[data-group='{c['section']}/{c['division']}']"
        assert _cell(page, group, "total") == f"{c['total']:.4f}"
        assert _cell(page, group, "share_of_change") == _pct(c["share_of_change"])
    assert page.locator("#progress-chart svg polyline[data-series='actual']").count() == 1
    assert page.locator("#decomposition-chart svg rect").count() == 4


def test_park_key_sees_its_own_park(page, service):
    _show(page, service, service[1]["park_b"])
    row = "tr[data-target='energy_intensity'][data-variant='total']"
    assert _cell(page, row, "value") == "0.0894"  # 491.6 / 5,500
    assert _cell(page, row, "cumulative_change") == "-27.27 %"  # 0.0893818 / 0.1229 - 1
    assert PARK_B in page.locator("#progress-scope").inner_text()


def test_the_report_downloads_as_one_html_file(page, service):
    _show(page, service, service[1]["province"])
    with page.expect_download(timeout=30_000) as info:
        page.click("#report-en")
    download = info.value
    assert download.suggested_filename.endswith("-en.html")
    html = Path(download.path()).read_text(encoding="utf-8")
    # the same province numbers as the page: 2020 0.1229, 2023 0.09985625 -> -18.75 %
    row = re.search(r'<tr data-target="energy_intensity.total">(.*?)</tr>', html, re.S).group(1)
    assert "0.1229" in row and "0.0999" in row and "-18.75 %" in row
    assert page.locator("#status").get_attribute("class") == "ok"


@pytest.mark.parametrize("which", ["wrong", "enterprise"])
def test_refused_keys_show_a_refusal_and_no_numbers(page, service, which):
    key = "ck_000000000000_not-a-real-key" if which == "wrong" else service[1]["enterprise"]
    _show(page, service, key)
    status = page.locator("#status")
    assert status.get_attribute("class") == "refused"
    assert "refused" in status.inner_text()
    assert page.locator("#results").is_hidden()
    assert not re.search(r"\d", page.locator("body").inner_text())
    assert page.locator("#progress-table td").count() == 0


def test_page_headers_forbid_inline_code_and_other_origins(tmp_path):
    """Without a browser too: the page, script and style load without a key, under a strict policy."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from api.settings import Settings

    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path}/t.sqlite", env="test"))) as client:
        r = client.get("/dashboard")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert "connect-src 'self'" in csp
        assert not re.search(r"(src|href)=\"(https?:)?//", r.text)
        assert "<script>" not in r.text and " style=" not in r.text  # nothing inline for the policy to block
        for name, kind in (("dashboard.js", "text/javascript"), ("dashboard.css", "text/css")):
            r = client.get(f"/dashboard/{name}")
            assert r.status_code == 200 and r.headers["content-type"].startswith(kind)
            assert r.headers["content-security-policy"] == csp
        assert "/dashboard" not in client.get("/openapi.json").json()["paths"]


def test_park_without_base_year_shows_what_it_has_and_keeps_the_key(page, service):
    """Park P03 reported only 2023 (2,000 MWh × 0.1229 = 245.8 tce; VA 5,000 → 245.8 / 5,000 = 0.04916): progress
    needs the 2020 base year, so the page shows the park's reported figures instead of an empty page. Changing
    the year (key field empty) keeps the stored key. Runs last: it adds a report to the seeded data."""
    base, keys, db = service
    province = keys["province"]
    r = httpx.post(base + "/v1/reports", json={"report": _doc("91370211000000003E", "2023", 2_000, 5_000, park="P03")},
                   headers={"Authorization": f"Bearer {province}"}, trust_env=False, timeout=30)
    assert r.status_code == 201, r.text
    park_key = _key(db, "park", parks=["P03"])
    _show(page, service, park_key)
    page.wait_for_selector("#progress-table tr[data-period='2023']", timeout=30_000)
    assert page.locator("#results").is_visible()
    row = "tr[data-period='2023']"
    assert _cell(page, row, "n_reporting") == "1"
    assert _cell(page, row, "energy_equivalent_tce") == "245.8"
    assert _cell(page, row, "energy_intensity_tce_per_10k_cny") == "0.0492"
    assert "当量值" in page.locator("#progress-table thead").inner_text()
    page.select_option("#year", "2023")
    page.click("#show")
    page.wait_for_selector("#status.ok, #status.refused, #status.error", timeout=30_000)
    assert page.evaluate("sessionStorage.getItem('carbonkit.dashboard.key')") == park_key
