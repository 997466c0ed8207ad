"""The dashboard's views in headless Chromium: selectors, city tiles, the drill-down, sorting and downloads.

Uses the service and browser of ``test_dashboard_browser`` (the same seeded reports; electricity 0.1229 kgce/kWh):
  A (Qingdao 370211, park P01, C2911)  2020: 1,229.0 tce, VA 10,000;  2023: 1,106.1 tce, comparable VA 10,500
  B (Zibo 370305, park P02, C2614)     2020:   614.5 tce, VA  5,000;  2023:   491.6 tce, comparable VA  5,500
  D (Zibo 370305, park P02, C2614)     2020:   122.9 tce, VA  1,000;  no 2023 report
Qingdao's progress (balanced panel: A): 1,106.1 / 10,500 = 0.105343; / 0.1229 - 1 = -14.29 %
Zibo's progress (balanced panel: B):      491.6 /  5,500 = 0.089382; / 0.1229 - 1 = -27.27 %
Each view is screenshotted into ``<artefacts>/screenshots/dashboard-*.png`` (git-ignored).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import httpx
import pytest
from test_dashboard_browser import ENT_B, ENT_D, ROOT, _cell, _get, _pct, _show, browser, page, service  # noqa: F401

pytestmark = pytest.mark.slow


def _shot(page, name: str) -> None:
    out = Path(os.environ.get("CARBONKIT_TEST_ARTEFACTS", ROOT / ".artefacts")) / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.screenshot(path=str(out / f"dashboard-{name}.png"), full_page=True)


def _areas(page) -> None:
    page.wait_for_selector("#area-table tbody tr", timeout=30_000)


def _province(page, service):
    _show(page, service, service[1]["province"])
    _areas(page)
    page.wait_for_selector("#city-tiles .tile", timeout=30_000)


def test_selectors_are_filled_from_the_data_and_the_catalog(page, service):
    _province(page, service)
    key = service[1]["province"]
    years = page.locator("#year option").evaluate_all("os => os.map(o => o.value)")
    assert years == ["", "2023", "2020"]
    catalog = _get(service, "/v1/indicators", key)
    chosen = page.locator("#indicator").input_value()
    assert chosen == "energy_intensity_comparable_tce_per_10k_cny"  # a 2021-2025 profile: energy intensity first
    entry = catalog[chosen]
    # the unit as the catalog writes it, spelt in Chinese (carbonkit.messages.unit_text): tce/10^4 CNY -> 吨标准煤/万元
    assert entry["unit"] == "tce/10^4 CNY"
    assert page.locator("#indicator option:checked").inner_text() == f"{entry['name_zh']} [吨标准煤/万元]"
    unit = page.locator("#progress-table tr[data-target='energy_intensity'][data-variant='total'] td[data-field='unit']")
    assert unit.inner_text() == "吨标准煤/万元" and unit.get_attribute("title") == "tce/10^4 CNY"
    industries = page.locator("#industry option").all_inner_texts()
    assert "C 制造业" in industries and any("C29 橡胶和塑料制品业" in t for t in industries)
    assert any("C26 化学原料和化学制品制造业" in t for t in industries)
    _shot(page, "province")


def test_city_tiles_show_each_citys_progress_as_the_api_does(page, service):
    _province(page, service)
    key = service[1]["province"]
    for city, expected in (("3702", "-14.29 %"), ("3703", "-27.27 %")):
        p = _get(service, f"/v1/progress?region={city}", key)
        line = next(i for i in p["indicators"] if i["target"] == "energy_intensity" and i["variant"] == "total")
        tile = page.locator(f".tile[data-city='{city}']")
        assert tile.locator("[data-field='cumulative_change']").inner_text() == _pct(line["cumulative_change"]) == expected
        assert ("on" if line["on_track"] else "off") in tile.get_attribute("class").split()
    assert page.locator(".tile[data-city='3702'] .tile-name").inner_text() == "青岛市"
    assert page.locator(".tile[data-city='3703'] .tile-name").inner_text() == "淄博市"


def test_the_city_table_equals_the_aggregates(page, service):
    _province(page, service)
    agg = _get(service, "/v1/aggregates?level=city&period=2023", service[1]["province"])
    column = "energy_intensity_comparable_tce_per_10k_cny"
    for g in agg["groups"]:
        row = f"#area-table tr[data-key='{g['city']}']"
        assert _cell(page, row, column) == f"{g[column]:.4f}"
        assert _cell(page, row, "n_reporting") == str(g["n_reporting"])
        assert _cell(page, row, "n_expected") == str(g["n_expected"])
    assert _cell(page, "#area-table tr[data-key='3702']", column) == "0.1053"  # 1,106.1 / 10,500
    assert _cell(page, "#area-table tr[data-key='3703']", column) == "0.0894"  # 491.6 / 5,500 (D did not report)
    assert [_cell(page, "#area-table tr[data-key='3703']", f) for f in ("n_reporting", "n_expected")] == ["1", "2"]


def test_drill_down_city_park_enterprise_with_a_breadcrumb(page, service):
    _province(page, service)
    page.click(".tile[data-city='3703']")
    page.wait_for_selector("#area-table tr[data-key='370305']", timeout=30_000)
    assert page.locator("#breadcrumb").inner_text().replace("\n", "") == "全省 province › 淄博市"
    assert _cell(page, "#area-table tr[data-key='370305']", "name") == "淄博市临淄区"  # GB/T 2260: 370305
    page.wait_for_selector("#park-table tr[data-key='P02']")
    _shot(page, "city")
    page.click("#park-table tr[data-key='P02']")
    page.wait_for_selector(f"#area-table tr[data-key='{ENT_B}']", timeout=30_000)
    assert "淄博市" in page.locator("#breadcrumb").inner_text()
    agg = _get(service, "/v1/aggregates?level=enterprise&period=2023&park=P02&by_industry=division", service[1]["province"])
    b = next(g for g in agg["groups"] if g["enterprise"] == ENT_B)
    row = f"#area-table tr[data-key='{ENT_B}']"
    assert _cell(page, row, "energy_equivalent_tce") == f"{b['energy_equivalent_tce']:.1f}" == "491.6"
    assert _cell(page, row, "industry") == "化学原料和化学制品制造业"  # C2614 by its GB/T 4754 division C26
    assert [_cell(page, f"#area-table tr[data-key='{ENT_D}']", f) for f in ("n_reporting", "n_expected")] == ["0", "1"]
    _shot(page, "park")
    page.click("#breadcrumb a[data-depth='0']")
    page.wait_for_selector("#area-table tr[data-key='3702']", timeout=30_000)


def test_the_industry_filter_narrows_the_tables(page, service):
    _province(page, service)
    page.select_option("#industry", "C29")
    # the table redrawn: 3703 gone and the rows drawn again (between the two the body is empty)
    page.wait_for_selector("#area-table tr[data-key='3703']", state="detached", timeout=30_000)
    page.wait_for_selector("#area-table tr[data-key='3702']", timeout=30_000)
    agg = _get(service, "/v1/aggregates?level=city&period=2023&industry=C29", service[1]["province"])
    shown = page.locator("#area-table tbody tr").evaluate_all("rs => rs.map(r => r.getAttribute('data-key'))")
    assert shown == [g["city"] for g in agg["groups"] if g["n_expected"] or g["n_reporting"]] == ["3702"]


def test_tables_sort_and_download_as_csv_and_xlsx(page, service):
    from openpyxl import load_workbook

    _province(page, service)
    page.click("#area-table th[data-col='5']")  # name, code, reporting, expected, then the indicator
    keys = page.locator("#area-table tbody tr").evaluate_all("rs => rs.map(r => r.getAttribute('data-key'))")
    assert keys == ["3703", "3702"]  # 0.0894 < 0.1053
    page.click("#area-table th[data-col='5']")
    assert page.locator("#area-table tbody tr").first.get_attribute("data-key") == "3702"
    box = page.locator(".tablebox[data-title='areas']")
    with page.expect_download(timeout=30_000) as info:
        box.locator("button[data-download='csv']").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].startswith("青岛市,3702,1,1,0.105342857")  # the raw value, not the rounded text
    with page.expect_download(timeout=30_000) as info:
        box.locator("button[data-download='xlsx']").click()
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert sheet.cell(2, 1).value == "青岛市" and abs(sheet.cell(2, 5).value - 1106.1 / 10_500) < 1e-9
    csv = page.evaluate("window.CarbonkitViews.csvOf({head: ['a'], rows: [['=1+2'], ['@x'], ['-3 %'], [-3], ['ok']]})")
    assert csv.splitlines()[1:] == ["'=1+2", "'@x", "'-3 %", "-3", "ok"]


def test_the_xlsx_route_neutralises_formulas_and_needs_a_key(service):
    from openpyxl import load_workbook

    base, keys, _db = service
    body = {"title": "t", "head": ["=SUM(A1)"], "rows": [["+1", "-2", "@a", "\tb", "\rc", 5, "ok"]]}
    r = httpx.post(base + "/v1/dashboard/table.xlsx", json=body, trust_env=False, timeout=30)
    assert r.status_code == 401
    r = httpx.post(base + "/v1/dashboard/table.xlsx", json=body, headers={"Authorization": f"Bearer {keys['province']}"},
                   trust_env=False, timeout=30)
    assert r.status_code == 200, r.text
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet.cell(1, 1).value == "'=SUM(A1)"
    values = [c.value for c in sheet[2]]
    assert values[:4] + values[5:] == ["'+1", "'-2", "'@a", "'\tb", 5, "ok"]
    assert values[4] in ("'\rc", "'\nc")  # XML reads a carriage return back as a line feed


def test_a_park_key_sees_its_park_and_its_enterprises(page, service):
    _show(page, service, service[1]["park_b"])
    _areas(page)
    assert page.locator("#city-tiles .tile").count() == 0
    assert page.locator("#area-table tbody tr").evaluate_all("rs => rs.map(r => r.getAttribute('data-key'))") == ["P02"]
    assert page.locator("#park option").evaluate_all("os => os.map(o => o.value)") == ["", "P02"]
    page.click("#area-table tr[data-key='P02']")
    page.wait_for_selector(f"#area-table tr[data-key='{ENT_B}']", timeout=30_000)
    _shot(page, "park-key")
    page.select_option("#year", "2020")
    page.wait_for_selector("#status.ok, #status.refused, #status.error", timeout=30_000)
    _areas(page)
    assert page.evaluate("sessionStorage.getItem('carbonkit.dashboard.key')") == service[1]["park_b"]
    assert _cell(page, "#area-table tr[data-key='P02']", "n_reporting") == "2"  # B and D reported 2020

