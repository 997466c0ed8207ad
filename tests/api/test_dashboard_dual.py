"""The dashboard for a 2026-2030 profile (carbon dual control) in headless Chromium: CO2 intensity first, energy
intensity below, the carbon budget computed by the API, the screenshot kept as an artefact.

Seeded (electricity only, region 370211 / 370305, so Shandong's 2026-2030 profile, base year 2025):
  A (Qingdao, P01) 2025: 10,000 MWh, VA 10,000;  2026: 9,000 MWh, VA 10,000 (comparable 10,000)
  B (Zibo, P02)    2025:  5,000 MWh, VA  5,000;  2026: 5,000 MWh, VA  5,000 (comparable 5,000)
Energy 2025: 15,000 MWh x 0.1229 tce/MWh = 1,843.5 tce; 2026: 14,000 MWh -> 1,720.6 tce; VA 15,000 both years:
the energy intensity changes by 1,720.6 / 1,843.5 - 1 = -6.67 %; the CO2 intensity by the same ratio 14/15 when
both years use one grid factor (the API's numbers are compared, not a factor typed here).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from test_dashboard_browser import CHROMIUM, ENT_A, ENT_B, _doc, _key, _show, browser, page, uvicorn_service  # noqa: F401
from test_dashboard_views import _shot

pytestmark = pytest.mark.slow

DOCS = [_doc(ENT_A, "2025", 10_000, 10_000), _doc(ENT_A, "2026", 9_000, 10_000, va_comp=10_000),
        _doc(ENT_B, "2025", 5_000, 5_000, region="370305", park="P02", industry="C2614"),
        _doc(ENT_B, "2026", 5_000, 5_000, va_comp=5_000, region="370305", park="P02", industry="C2614")]


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """uvicorn on a free loopback port with the 2025/2026 reports; yields (base url, keys, database url)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    pytest.importorskip("playwright.sync_api")
    with uvicorn_service(tmp_path_factory, "dual", timeout=30) as (base, db, client):
        keys = {"province": _key(db, "province")}
        r = client.post("/v1/reports/bulk", json=[{"report": d} for d in DOCS],
                        headers={"Authorization": f"Bearer {keys['province']}"})
        assert r.status_code == 200, r.text
        yield base, keys, db


def test_co2_intensity_and_the_budget_come_first(page, service):
    base, keys, _db = service
    key = keys["province"]
    _show(page, service, key)
    page.wait_for_selector("#area-table tbody tr", timeout=30_000)
    progress = httpx.get(base + "/v1/progress", headers={"Authorization": f"Bearer {key}"}, trust_env=False,
                         timeout=30).json()
    assert progress["profile"]["id"] == "shandong-15fyp-2026-2030" and progress["year"] == 2026
    targets = page.locator("#progress-table tbody tr").evaluate_all("rs => rs.map(r => r.getAttribute('data-target'))")
    assert targets[0].startswith("co2_intensity")
    assert targets.index("energy_intensity") > max(i for i, t in enumerate(targets) if t.startswith("co2"))
    assert page.locator("#indicator").input_value() == "co2_intensity_comparable_tco2_per_10k_cny"
    energy = next(i for i in progress["indicators"] if i["target"] == "energy_intensity" and i["variant"] == "total")
    assert f"{energy['cumulative_change'] * 100:.2f} %" == "-6.67 %"  # 1,720.6 / 1,843.5 - 1
    # the carbon budget: 10,000 tCO2 for Shandong 2026-2030, as POST /v1/budgets computes it
    assert page.locator("#budget-section").is_visible()
    assert page.locator("#budget-start").input_value() == "2026" and page.locator("#budget-end").input_value() == "2030"
    page.fill("#budget-value", "10000")
    page.click("#budget-show")
    page.wait_for_selector("#budget-table tbody tr", timeout=30_000)
    body = {"year": 2026, "budgets": [{"scope": "37", "kind": "region", "start_year": 2026, "end_year": 2030,
                                       "budget_tco2": 10_000}]}
    answer = httpx.post(base + "/v1/budgets", json=body, headers={"Authorization": f"Bearer {key}"},
                        trust_env=False, timeout=30).json()["budgets"][0]
    row = "#budget-table tr[data-scope='37']"
    assert page.locator(f"{row} td[data-field='used_tco2']").inner_text() == f"{answer['used_tco2']:.1f}"
    assert page.locator(f"{row} td[data-field='remaining_tco2']").inner_text() == f"{answer['remaining_tco2']:.1f}"
    assert answer["used_tco2"] + answer["remaining_tco2"] == pytest.approx(10_000)  # R = B - U
    _shot(page, "dual-control")
