"""The HTML reports served from the stored data: figures worked out by hand, the role boundaries, the headers.

Data (GB/T 2589-2020 App. A: electricity 0.1229 kgce/kWh, so 1 MWh = 0.1229 tce):
  A (Qingdao 370211, park P01, C29) 2020: 10,000 MWh -> 1,229.0 tce, VA 10,000 万元
                                    2023:  9,000 MWh -> 1,106.1 tce, VA 11,000 (comparable 10,500)
  B (Zibo 370305, park P02, C26)    2020:  5,000 MWh ->   614.5 tce, VA  5,000
                                    2023:  4,000 MWh ->   491.6 tce, VA  6,000 (comparable  5,500)
Province: 2020 I = 1,843.5 / 15,000 = 0.1229 tce/万元; 2023 I = 1,597.7 / 16,000 = 0.09985625;
  change 0.09985625 / 0.1229 - 1 = 0.8125 - 1 = -18.75 %; required path 2023 = 0.1229 x 0.83^(3/5)
  = 0.1229 x 0.8942251 = 0.10990 (so the province is below its path: -9.14 %, 0.09985625 / 0.1099003 - 1).
Park P01 alone: 2020 0.1229; 2023 1,106.1 / 10,500 = 0.1053429 -> -14.29 % (0.8571429 - 1).
"""

from __future__ import annotations

import re

import pytest
from service_kit import ENT_A, ENT_B, PARK_A, PARK_B, auth

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def doc(enterprise, period, mwh, va, *, va_comp=None, region="370211", park=PARK_A, industry="C2911") -> dict:
    items = [{"item": "electricity", "amount": mwh, "unit": "MWh"}, {"item": "value_added", "amount": va, "unit": "万元"}]
    if va_comp is not None:
        items.append({"item": "value_added_comparable", "amount": va_comp, "unit": "万元"})
    return {"enterprise": enterprise, "region": region, "park": park, "industry": industry, "period": period,
            "items": items}


@pytest.fixture
def stored(client, province_key):
    # A states its 2020 value added at comparable (2020) prices too, so its own trend has a base value
    docs = [doc(ENT_A, "2020", 10_000, 10_000, va_comp=10_000), doc(ENT_A, "2023", 9_000, 11_000, va_comp=10_500),
            doc(ENT_B, "2020", 5_000, 5_000, region="370305", park=PARK_B, industry="C2614"),
            doc(ENT_B, "2023", 4_000, 6_000, va_comp=5_500, region="370305", park=PARK_B, industry="C2614")]
    r = client.post("/v1/reports/bulk", json=[{"report": d} for d in docs], headers=auth(province_key))
    assert r.status_code == 200, r.text


def text_of(html: str, selector: str) -> str:
    m = re.search(rf"<tr {selector}>(.*?)</tr>", html, re.S)
    assert m, selector
    return " ".join(re.sub(r"<[^>]+>", " ", m.group(1)).split())


def assert_page(r) -> str:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in r.text and "https://" not in r.text
    return r.text


def test_province_report_numbers(client, keys, stored):
    html = assert_page(client.get("/v1/progress/report?year=2023&lang=en", headers=auth(keys.province)))
    row = text_of(html, 'data-target="energy_intensity.total"')
    assert "0.1229" in row and "0.0999" in row and "-18.75 %" in row
    assert "3.66 %" in row  # required pace 1 - 0.83^(1/5) = 3.658 %
    path_2023 = text_of(html, 'data-year="2023"')  # the first curve table is the energy intensity's
    assert "0.0999" in path_2023 and "0.1099" in path_2023 and "-9.14 %" in path_2023
    assert 'id="release">cn-' in html
    assert "Coverage of reports" in html


def test_park_key_sees_its_park_only(client, keys, stored):
    html = assert_page(client.get("/v1/progress/report?year=2023&lang=en", headers=auth(keys.park)))
    row = text_of(html, 'data-target="energy_intensity.total"')
    assert "0.1053" in row and "-14.29 %" in row
    assert client.get(f"/v1/progress/report?year=2023&park={PARK_B}", headers=auth(keys.park)).status_code == 404


@pytest.mark.parametrize("path", ["/v1/progress/report?year=2023", f"/v1/enterprises/{ENT_A}/reports/2023/html"])
def test_keys_are_required(client, keys, stored, path):
    assert client.get(path).status_code == 401


def test_enterprise_keys_get_no_province_report(client, keys, stored):
    r = client.get("/v1/progress/report?year=2023", headers=auth(keys.ent_a))
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/json")


def test_enterprise_report_from_stored_documents(client, keys, stored):
    html = assert_page(client.get(f"/v1/enterprises/{ENT_A}/reports/2023/html?lang=en", headers=auth(keys.ent_a)))
    assert "1,106.100" in text_of(html, 'data-item="electricity"')  # 9,000 MWh x 0.1229
    # intensity 2023 at comparable prices 1,106.1 / 10,500 = 0.1053 against 2020 0.1229: -14.29 %
    trend = re.search(r'<table class="trend" data-column="energy_intensity_comparable_tce_per_10k_cny">(.*?)</table>',
                      html, re.S).group(1)
    assert "-14.29 %" in trend
    assert client.get(f"/v1/enterprises/{ENT_A}/reports/2023/html", headers=auth(keys.ent_b)).status_code == 404
    assert client.get(f"/v1/enterprises/{ENT_A}/reports/2019/html", headers=auth(keys.ent_a)).status_code == 404
    assert client.get(f"/v1/enterprises/{ENT_A}/reports/2023/html", headers=auth(keys.park_b)).status_code == 404


GATES = {g: True for g in ("policies_implemented", "no_major_pollution_incident_3y", "environment_meets_standards",
                           "clean_production_audits", "no_phased_out_technology", "green_office_staff")}


def test_park_report_from_stored_results(client, keys, stored):
    body = {"gates": GATES, "values": {"clean_energy_share": 62.0}}
    r = client.post(f"/v1/assess/parks/{PARK_A}/html?year=2023&lang=en", json=body, headers=auth(keys.park))
    html = assert_page(r)
    # energy output rate = comparable VA 10,500 / 1,106.1 tce = 9.4928 万元/tce
    assert "9.4928" in text_of(html, 'data-metric="energy_output_rate"')
    # clean energy share 62 % against lead 75 %, ratio to lead: 4 x 62 / 75 = 3.31 points
    assert "3.31 / 4" in text_of(html, 'data-indicator="clean_energy_share"')
    json_answer = client.post(f"/v1/assess/parks/{PARK_A}?year=2023", json=body, headers=auth(keys.park)).json()
    assert f'<span id="score">{json_answer["score"]:,.2f}</span>' in html
    assert client.post(f"/v1/assess/parks/{PARK_B}/html?year=2023", json=body, headers=auth(keys.park)).status_code == 404
    bad = client.post(f"/v1/assess/parks/{PARK_A}/html?year=2023", json={"gates": {"nope": True}}, headers=auth(keys.park))
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/json")


@pytest.mark.skipif(__import__("reports.pdf", fromlist=["browser"]).browser() is None,
                    reason="PDF output needs headless Chromium (.ci/run installs it)")
def test_enterprise_report_as_pdf(client, keys, stored):
    r = client.get(f"/v1/enterprises/{ENT_A}/reports/2023/html?format=pdf", headers=auth(keys.ent_a))
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-") and len(r.content) > 10_000
    assert 'filename="report-' in r.headers["content-disposition"] and ".pdf" in r.headers["content-disposition"]
    # the scope rules are those of the HTML page: another enterprise's key learns nothing
    assert client.get(f"/v1/enterprises/{ENT_A}/reports/2023/html?format=pdf", headers=auth(keys.ent_b)).status_code == 404


def test_pdf_without_a_browser_is_a_503_problem(client, keys, stored, monkeypatch):
    monkeypatch.setenv("CARBONKIT_CHROMIUM", "/nonexistent/chromium")
    r = client.get("/v1/progress/report?year=2023&format=pdf", headers=auth(keys.province))
    assert r.status_code == 503 and r.headers["content-type"].startswith("application/json")
    assert "Chromium" in r.json()["detail"]


def test_an_unknown_format_is_a_422(client, keys, stored):
    r = client.get("/v1/progress/report?year=2023&format=docx", headers=auth(keys.province))
    assert r.status_code == 422
