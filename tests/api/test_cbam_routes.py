"""CBAM routes: the communication of a posted installation for a visible enterprise (JSON, xlsx, HTML), the
roles (a foreign enterprise answers exactly like a missing one), bad input as a 422 problem body, and the
default values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from service_kit import ENT_A, ENT_B, auth

INSTALLATION = json.loads((Path(__file__).resolve().parents[2] / "examples" / "cbam_cement.json").read_text("utf-8"))
URL = "/v1/cbam/enterprises/{}/communication"


def test_enterprise_key_gets_its_own_communication(client, keys, seeded):
    r = client.post(URL.format(ENT_A), json=INSTALLATION, headers=auth(keys.ent_a))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["installation"]["enterprise"] == ENT_A
    other = {g["cn_code"]: g for g in body["goods"]}["25239000"]
    # (5 000 + 3 500 + 700 000 x 0.818 + 50 000 x 0.85) / 1e6 + 51 200 / 1e6 = 0.6236 + 0.0512 (see test_cbam.py)
    assert other["see_charged_tco2e_per_t"] == pytest.approx(0.6748)
    assert other["difference_tco2e_per_t"] == pytest.approx(0.9422)


@pytest.mark.parametrize("fmt,media", [("xlsx", "spreadsheetml"), ("html", "text/html")])
def test_other_formats(client, keys, seeded, fmt, media):
    r = client.post(URL.format(ENT_A) + f"?format={fmt}", json=INSTALLATION, headers=auth(keys.province))
    assert r.status_code == 200 and media in r.headers["content-type"]
    if fmt == "html":
        assert "隐含排放" in r.text and "embedded emissions" in r.text


def test_foreign_and_missing_enterprises_answer_alike(client, keys, seeded):
    foreign = client.post(URL.format(ENT_B), json=INSTALLATION, headers=auth(keys.ent_a))
    missing = client.post(URL.format("NOPE0000000000000X"), json=INSTALLATION, headers=auth(keys.ent_a))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["detail"].replace(ENT_B, "X") == missing.json()["detail"].replace("NOPE0000000000000X", "X")
    assert client.post(URL.format(ENT_B), json=INSTALLATION, headers=auth(keys.park)).status_code == 404
    assert client.post(URL.format(ENT_B), json=INSTALLATION, headers=auth(keys.park_b)).status_code == 200


def test_a_key_is_required(client, seeded):
    assert client.post(URL.format(ENT_A), json=INSTALLATION).status_code == 401
    assert client.get("/v1/cbam/defaults").status_code == 401


def test_bad_installation_is_a_422_problem_body(client, keys, seeded):
    doc = json.loads(json.dumps(INSTALLATION))
    doc["processes"][1]["goods"][0]["cn_code"] = "72083900"
    r = client.post(URL.format(ENT_A), json=doc, headers=auth(keys.ent_a))
    assert r.status_code == 422
    assert "processes[1].goods[0].cn_code" in r.text
    doc = json.loads(json.dumps(INSTALLATION))
    doc["processes"][0]["production_t"] = -1
    assert client.post(URL.format(ENT_A), json=doc, headers=auth(keys.ent_a)).status_code == 422


def test_defaults(client, keys):
    r = client.get("/v1/cbam/defaults?cn=72083900", headers=auth(keys.ent_a))
    assert r.status_code == 200
    body = r.json()
    assert [d["direct"] for d in body["defaults"]] == [3.19] and body["defaults"][0]["status"] == "unverified"
    assert client.get("/v1/cbam/defaults?cn=7201x", headers=auth(keys.ent_a)).status_code == 422
