"""Every report as served, in a real headless browser: the enterprise, province, city and park reports in Chinese
and English are fetched from the service, their key numbers compared with the JSON routes' answers, and each
page is rendered by Debian's chromium into a PNG kept as a test artefact (not committed) under
``$CARBONKIT_TEST_ARTEFACTS`` (default ``.artefacts/screenshots`` in the checkout, ignored by git).

Data as in test_html_reports.py (stored via the API): A (370211, P01, C2911) and B (370305, P02, C2614).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from service_kit import ENT_A, PARK_A, auth
from test_html_reports import GATES, stored, text_of  # noqa: F401  (the fixture is used by name)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)")]


def artefacts() -> Path:
    out = Path(os.environ.get("CARBONKIT_TEST_ARTEFACTS", ROOT / ".artefacts")) / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out


def screenshot(html: str, name: str, height: int = 2400) -> Path:
    """The page rendered at 1000 px wide into ``<artefacts>/name.png``."""
    target = artefacts() / f"{name}.png"
    with tempfile.TemporaryDirectory(prefix="carbonkit-shot-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--hide-scrollbars", f"--user-data-dir={tmp}/profile", f"--window-size=1000,{height}",
                        f"--screenshot={target}", page.as_uri()], capture_output=True, timeout=120, check=False)
    assert target.is_file() and target.stat().st_size > 10_000, f"no screenshot of {name}"
    return target


def number(text: str) -> float:
    return float(text.replace(",", "").replace("%", "").strip())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_province_and_city_reports(client, keys, stored, lang):  # noqa: F811
    h = auth(keys.province)
    answer = client.get("/v1/progress?year=2023", headers=h).json()
    line = next(i for i in answer["indicators"] if i["target"] == "energy_intensity" and i["variant"] == "total")
    for region in ("", "&region=3702"):
        r = client.get(f"/v1/progress/report?year=2023&lang={lang}{region}", headers=h)
        assert r.status_code == 200, r.text
        row = text_of(r.text, 'data-target="energy_intensity.total"')
        if not region:  # the province: the page's change is the JSON's (-18.75 %)
            assert f"{line['cumulative_change'] * 100:.2f} %" in row
            assert f"{line['value']:.4f}" in row
        screenshot(r.text, f"region{region.replace('&region=', '-') or '-37'}-{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_enterprise_report(client, keys, stored, lang):  # noqa: F811
    h = auth(keys.ent_a)
    results = client.get(f"/v1/enterprises/{ENT_A}/results?period=2023", headers=h).json()
    r = client.get(f"/v1/enterprises/{ENT_A}/reports/2023/html?lang={lang}", headers=h)
    assert r.status_code == 200, r.text
    shown = re.search(r'<tr data-key="energy_equivalent_tce">.*?<td class="num">([^<]+)</td>', r.text, re.S).group(1)
    summary = results[-1].get("summary") or results[-1]
    assert number(shown) == pytest.approx(summary["energy_equivalent_tce"], abs=5e-4)  # 1,106.100 tce
    screenshot(r.text, f"enterprise-{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_park_report(client, keys, stored, lang):  # noqa: F811
    body = {"gates": GATES, "values": {"clean_energy_share": 62.0}}
    h = auth(keys.park)
    answer = client.post(f"/v1/assess/parks/{PARK_A}?year=2023", json=body, headers=h).json()
    r = client.post(f"/v1/assess/parks/{PARK_A}/html?year=2023&lang={lang}", json=body, headers=h)
    assert r.status_code == 200, r.text
    assert f'<span id="score">{answer["score"]:,.2f}</span>' in r.text
    screenshot(r.text, f"park-{lang}")
