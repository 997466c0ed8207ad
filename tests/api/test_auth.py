"""Authentication and the role boundaries: enterprise, park and province keys.

Spec (service.md, "Auth"): ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``; no, invalid or revoked
key -> 401 JSON ``{"detail": ...}`` with ``WWW-Authenticate: Bearer``; /healthz, /docs and /openapi.json
are open. Another tenant's enterprise reads as 404 (existence must not leak); a submission naming an
enterprise outside the key's scope is 403. Only the province manages keys.
"""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, Table, create_engine, inspect, select

from conftest import new_key
from service_kit import (ENT_A, ENT_B, ENT_C, PARK_A, PARK_B, RELEASE, as_list, auth, doc_a, doc_b, ids_of,
                         simple_doc)

# (method, path, JSON body) of every /v1 route; bodies are valid so only the key decides the answer.
ROUTES = [
    ("GET", "/v1/enterprises", None),
    ("GET", f"/v1/enterprises/{ENT_A}", None),
    ("GET", f"/v1/enterprises/{ENT_A}/reports", None),
    ("GET", f"/v1/enterprises/{ENT_A}/reports/2023", None),
    ("GET", f"/v1/enterprises/{ENT_A}/reports/2023/revisions", None),
    ("GET", f"/v1/enterprises/{ENT_A}/results?period=2023", None),
    ("POST", f"/v1/enterprises/{ENT_A}/reports/2023/recompute?release={RELEASE}", None),
    ("GET", "/v1/parks", None),
    ("GET", f"/v1/parks/{PARK_A}/enterprises", None),
    ("GET", "/v1/factors/releases", None),
    ("GET", f"/v1/factors?release={RELEASE}", None),
    ("GET", "/v1/factors/gbt2589-2020-a.raw_coal", None),
    ("POST", "/v1/calculate", doc_a()),
    ("POST", "/v1/reports", {"report": doc_a(coal_t=2000)}),
    ("POST", "/v1/reports/bulk", [{"report": doc_a(coal_t=3000)}, {"report": simple_doc(ENT_C)}]),
    ("POST", "/v1/keys", {"role": "province", "enterprises": [], "parks": [], "name": "intruder"}),
    ("GET", "/v1/keys", None),
    ("DELETE", "/v1/keys/1", None),
]
ROUTE_IDS = [f"{m} {p.split('?')[0]}" for m, p, _ in ROUTES]

# Reads of one enterprise: another tenant's answer must be the same as for an enterprise that does not exist.
ENTERPRISE_READS = [
    ("GET", "/v1/enterprises/{e}"),
    ("GET", "/v1/enterprises/{e}/reports"),
    ("GET", "/v1/enterprises/{e}/reports/2023"),
    ("GET", "/v1/enterprises/{e}/reports/2023/revisions"),
    ("GET", "/v1/enterprises/{e}/results?period=2023"),
    ("POST", "/v1/enterprises/{e}/reports/2023/recompute?release=" + RELEASE),
]


def call(client, method, path, body=None, headers=None):
    return client.request(method, path, json=body, headers=headers or {})


def assert_401(r) -> None:
    assert r.status_code == 401, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    assert "detail" in r.json()
    assert r.headers.get("www-authenticate", "").lower().startswith("bearer")


def revision_count(client, key, enterprise=ENT_A, period="2023") -> int:
    r = client.get(f"/v1/enterprises/{enterprise}/reports/{period}/revisions", headers=auth(key))
    assert r.status_code == 200, r.text
    return len(as_list(r.json(), "revisions"))


def key_id(client, province_key, name: str):
    r = client.get("/v1/keys", headers=auth(province_key))
    assert r.status_code == 200, r.text
    (entry,) = [k for k in as_list(r.json(), "keys") if k.get("name") == name]
    return entry["id"]


# ------------------------------------------------------------------------------------------ 401


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=ROUTE_IDS)
def test_no_key_is_401_and_changes_nothing(client, seeded, province_key, method, path, body):
    assert_401(call(client, method, path, body))
    # nothing was stored: A still has its one revision, C does not exist, no key called "intruder"
    assert revision_count(client, province_key) == 1
    assert client.get(f"/v1/enterprises/{ENT_C}", headers=auth(province_key)).status_code == 404
    names = [k.get("name") for k in as_list(client.get("/v1/keys", headers=auth(province_key)).json(), "keys")]
    assert "intruder" not in names


def test_bad_keys_are_401(client, seeded, province_key):
    tampered = province_key[:-1] + ("A" if province_key[-1] != "A" else "B")  # right prefix, wrong secret
    bad_headers = [
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": "Bearer ck_000000000000_" + "x" * 43},  # well-formed, unknown
        {"Authorization": f"Bearer {tampered}"},
        {"Authorization": "Bearer "},
        {"Authorization": f"Basic {province_key}"},  # wrong scheme
        {"X-API-Key": "not-a-key"},
        {"X-API-Key": tampered},
        {"X-API-Key": ""},
    ]
    for headers in bad_headers:
        for method, path, body in ROUTES:
            r = call(client, method, path, body, headers)
            assert r.status_code == 401, (headers, method, path, r.status_code, r.text)
            assert_401(r)
    assert revision_count(client, province_key) == 1


def test_revoked_key_is_401(client, seeded, province_key):
    r = client.post("/v1/keys", json={"role": "enterprise", "enterprises": [ENT_A], "parks": [], "name": "temp"},
                    headers=auth(province_key))
    assert r.status_code == 201, r.text
    made = r.json()
    assert set(made) >= {"id", "key"}
    assert client.get(f"/v1/enterprises/{ENT_A}", headers=auth(made["key"])).status_code == 200
    assert client.get(f"/v1/enterprises/{ENT_A}", headers={"X-API-Key": made["key"]}).status_code == 200

    r = client.delete(f"/v1/keys/{made['id']}", headers=auth(province_key))
    assert 200 <= r.status_code < 300, r.text
    for method, path, body in ROUTES:
        assert_401(call(client, method, path, body, auth(made["key"])))
        assert_401(call(client, method, path, body, {"X-API-Key": made["key"]}))


def test_revoking_a_fixture_key_locks_it_out(client, seeded, province_key, park_key):
    assert client.get("/v1/parks", headers=auth(park_key)).status_code == 200
    r = client.delete(f"/v1/keys/{key_id(client, province_key, 'park-P01')}", headers=auth(province_key))
    assert 200 <= r.status_code < 300, r.text
    assert_401(client.get("/v1/parks", headers=auth(park_key)))
    # the province key is untouched
    assert client.get("/v1/parks", headers=auth(province_key)).status_code == 200


def test_both_header_forms_authenticate(client, seeded, ent_a_key):
    assert client.get(f"/v1/enterprises/{ENT_A}", headers=auth(ent_a_key)).status_code == 200
    assert client.get(f"/v1/enterprises/{ENT_A}", headers={"X-API-Key": ent_a_key}).status_code == 200


# ------------------------------------------------------------------------------------------ open routes


def test_open_routes_need_no_key(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}
    r = client.get("/openapi.json")
    assert r.status_code == 200
    assert "/v1/reports" in r.json()["paths"]
    r = client.get("/docs")
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]


def test_operation_ids_are_unique_and_present(client):
    # STYLE rule 11: stable OpenAPI operation ids
    paths = client.get("/openapi.json").json()["paths"]
    ids = [op.get("operationId") for item in paths.values() for op in item.values() if isinstance(op, dict)]
    assert all(ids), ids
    assert len(ids) == len(set(ids))


# ------------------------------------------------------------------------------------------ enterprise keys


def test_enterprise_key_sees_its_enterprise(client, seeded, ent_a_key):
    r = client.get(f"/v1/enterprises/{ENT_A}", headers=auth(ent_a_key))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == ENT_A
    assert body["name"] == "青岛示例轮胎有限公司"
    assert body["region"] == "370211"
    assert body["industry"] == "C2911"
    assert body["park"] == PARK_A
    r = client.get("/v1/enterprises", headers=auth(ent_a_key))
    assert r.status_code == 200
    assert ids_of(r.json(), "enterprises") == {ENT_A}


def test_enterprise_key_cannot_read_another_enterprise(client, seeded, ent_a_key):
    missing = "91370000000000000X"  # an enterprise nobody submitted
    for method, template in ENTERPRISE_READS:
        other = client.request(method, template.format(e=ENT_B), headers=auth(ent_a_key))
        absent = client.request(method, template.format(e=missing), headers=auth(ent_a_key))
        assert other.status_code == 404, (template, other.status_code, other.text)
        assert absent.status_code == 404, (template, absent.status_code, absent.text)
        # existence must not leak: the answer for B is the answer for an enterprise that does not exist
        assert other.text.replace(ENT_B, "<id>") == absent.text.replace(missing, "<id>"), template
    listed = ids_of(client.get("/v1/enterprises", headers=auth(ent_a_key)).json(), "enterprises")
    assert ENT_B not in listed


def test_enterprise_key_cannot_submit_for_another(client, seeded, ent_a_key, province_key):
    r = client.post("/v1/reports", json={"report": doc_b(gas_10k_m3=999)}, headers=auth(ent_a_key))
    assert r.status_code == 403, r.text
    assert "detail" in r.json()
    # a bulk batch with one foreign report is refused whole: A's own corrected report is not stored either
    batch = [{"report": doc_a(coal_t=1500)}, {"report": doc_b(gas_10k_m3=999)}]
    r = client.post("/v1/reports/bulk", json=batch, headers=auth(ent_a_key))
    assert r.status_code == 403, r.text
    assert revision_count(client, province_key, ENT_A) == 1
    assert revision_count(client, province_key, ENT_B) == 1
    # a report for an enterprise that does not exist yet is outside the key's scope as well
    r = client.post("/v1/reports", json={"report": simple_doc(ENT_C)}, headers=auth(ent_a_key))
    assert r.status_code == 403, r.text
    assert client.get(f"/v1/enterprises/{ENT_C}", headers=auth(province_key)).status_code == 404


def test_enterprise_key_calculates_only_for_itself(client, ent_a_key):
    assert client.post("/v1/calculate", json=doc_a(), headers=auth(ent_a_key)).status_code == 200
    # the spec: "for an enterprise key, only its own enterprise id"; a document naming another
    # enterprise is a request outside the key's scope, answered like a submission (403)
    r = client.post("/v1/calculate", json=doc_b(), headers=auth(ent_a_key))
    assert r.status_code == 403, r.text


# ------------------------------------------------------------------------------------------ park keys


def test_park_key_sees_its_parks_enterprises_only(client, seeded, park_key, park_b_key):
    for key, mine, other, park, other_park in ((park_key, ENT_A, ENT_B, PARK_A, PARK_B),
                                              (park_b_key, ENT_B, ENT_A, PARK_B, PARK_A)):
        r = client.get("/v1/enterprises", headers=auth(key))
        assert r.status_code == 200
        assert ids_of(r.json(), "enterprises") == {mine}
        assert client.get(f"/v1/enterprises/{mine}", headers=auth(key)).status_code == 200
        assert client.get(f"/v1/enterprises/{mine}/reports/2023", headers=auth(key)).status_code == 200
        for method, template in ENTERPRISE_READS:
            r = client.request(method, template.format(e=other), headers=auth(key))
            assert r.status_code == 404, (template, r.status_code, r.text)
        # filtering by the other park shows nothing of it
        r = client.get(f"/v1/enterprises?park={other_park}", headers=auth(key))
        assert r.status_code == 200, r.text
        assert other not in ids_of(r.json(), "enterprises")
        # parks: its own only
        r = client.get("/v1/parks", headers=auth(key))
        assert r.status_code == 200
        assert ids_of(r.json(), "parks") == {park}
        r = client.get(f"/v1/parks/{park}/enterprises", headers=auth(key))
        assert r.status_code == 200
        assert ids_of(r.json(), "enterprises") == {mine}
        assert client.get(f"/v1/parks/{other_park}/enterprises", headers=auth(key)).status_code == 404


def test_park_key_submits_for_its_park_only(client, seeded, park_key, province_key):
    r = client.post("/v1/reports", json={"report": doc_a(coal_t=1100)}, headers=auth(park_key))
    assert r.status_code == 201, r.text
    assert r.json()["revision"] == 2
    r = client.post("/v1/reports", json={"report": doc_b(gas_10k_m3=999)}, headers=auth(park_key))
    assert r.status_code == 403, r.text
    assert revision_count(client, province_key, ENT_B) == 1


# ------------------------------------------------------------------------------------------ province


def test_province_sees_everything(client, seeded, province_key):
    r = client.get("/v1/enterprises", headers=auth(province_key))
    assert r.status_code == 200
    assert ids_of(r.json(), "enterprises") == {ENT_A, ENT_B}
    r = client.get("/v1/parks", headers=auth(province_key))
    assert ids_of(r.json(), "parks") == {PARK_A, PARK_B}
    for ent in (ENT_A, ENT_B):
        for method, template in ENTERPRISE_READS:
            r = client.request(method, template.format(e=ent), headers=auth(province_key))
            assert r.status_code < 300, (template, r.status_code, r.text)
    r = client.get(f"/v1/parks/{PARK_B}/enterprises", headers=auth(province_key))
    assert ids_of(r.json(), "enterprises") == {ENT_B}


def test_region_filter(client, seeded, province_key):
    # A is in Qingdao (3702..), B in Zibo (3703..)
    r = client.get("/v1/enterprises?region=3702", headers=auth(province_key))
    assert r.status_code == 200
    assert ids_of(r.json(), "enterprises") == {ENT_A}
    r = client.get("/v1/enterprises?region=37", headers=auth(province_key))
    assert ids_of(r.json(), "enterprises") == {ENT_A, ENT_B}


# ------------------------------------------------------------------------------------------ key management


def test_only_province_manages_keys(client, seeded, keys):
    target = key_id(client, keys.province, "ent-B")
    for key in (keys.ent_a, keys.park, keys.park_b):
        r = client.post("/v1/keys", json={"role": "province", "enterprises": [], "parks": [], "name": "escalate"},
                        headers=auth(key))
        assert r.status_code == 403, r.text
        assert client.get("/v1/keys", headers=auth(key)).status_code == 403
        assert client.delete(f"/v1/keys/{target}", headers=auth(key)).status_code == 403
    # nothing happened: B's key still works and no "escalate" key exists
    assert client.get(f"/v1/enterprises/{ENT_B}", headers=auth(keys.ent_b)).status_code == 200
    names = [k.get("name") for k in as_list(client.get("/v1/keys", headers=auth(keys.province)).json(), "keys")]
    assert "escalate" not in names


def test_province_creates_a_scoped_park_key(client, seeded, province_key):
    r = client.post("/v1/keys", json={"role": "park", "enterprises": [], "parks": [PARK_B], "name": "zibo"},
                    headers=auth(province_key))
    assert r.status_code == 201, r.text
    key = r.json()["key"]
    assert ids_of(client.get("/v1/enterprises", headers=auth(key)).json(), "enterprises") == {ENT_B}
    assert client.get(f"/v1/enterprises/{ENT_A}", headers=auth(key)).status_code == 404


def test_key_listing_shows_no_secret(client, seeded, keys):
    r = client.post("/v1/keys", json={"role": "enterprise", "enterprises": [ENT_A], "parks": [], "name": "api-made"},
                    headers=auth(keys.province))
    assert r.status_code == 201
    plain = [keys.province, keys.park, keys.park_b, keys.ent_a, keys.ent_b, r.json()["key"]]
    r = client.get("/v1/keys", headers=auth(keys.province))
    assert r.status_code == 200
    listed = as_list(r.json(), "keys")
    assert {k["name"] for k in listed} >= {"province", "park-P01", "park-P02", "ent-A", "ent-B", "api-made"}
    for k in listed:
        assert "id" in k and "role" in k
    for key in plain:
        assert key not in r.text


def test_plain_keys_are_not_stored(client, seeded, keys, settings):
    r = client.post("/v1/keys", json={"role": "park", "enterprises": [], "parks": [PARK_A], "name": "api-made"},
                    headers=auth(keys.province))
    assert r.status_code == 201
    plain = [keys.province, keys.park, keys.park_b, keys.ent_a, keys.ent_b, r.json()["key"]]
    engine = create_engine(settings.database_url)
    try:
        tables = inspect(engine).get_table_names()
        assert "api_key" in tables
        with engine.connect() as conn:
            for name in tables:  # every table, not only api_key
                table = Table(name, MetaData(), autoload_with=conn)
                for row in conn.execute(select(table)):
                    for value in row:
                        text = str(value)
                        for key in plain:
                            assert key not in text, f"plain key stored in {name}"
    finally:
        engine.dispose()


def test_key_revoked_in_another_process_is_refused_after_the_cache_time(make_client, make_settings):
    """A key revoked outside this worker (here: straight in the database, as another worker or the CLI
    would) stays valid for at most CARBONKIT_KEY_CACHE_SECONDS; with 0 it is refused at once."""
    from sqlmodel import Session

    from api.db import engine_for
    from api.keys import revoke
    from api.models import ApiKey, utcnow

    for seconds, refused_at_once in ((0, True), (300, False)):
        client = make_client(key_cache_seconds=seconds)
        settings = make_settings()
        key = new_key(settings, "province", name=f"cache-{seconds}")
        assert client.get("/v1/parks", headers=auth(key)).status_code == 200  # checked once, maybe cached
        kid = key_id(client, key, f"cache-{seconds}")
        with Session(engine_for(settings.database_url)) as session:
            session.get(ApiKey, kid).revoked_at = utcnow()
            session.commit()
        status_after = client.get("/v1/parks", headers=auth(key)).status_code
        assert (status_after == 401) is refused_at_once, (seconds, status_after)
        with Session(engine_for(settings.database_url)) as session:
            assert revoke(session, kid)  # revoking in this process forgets the cached principal
            session.commit()
        assert client.get("/v1/parks", headers=auth(key)).status_code == 401
