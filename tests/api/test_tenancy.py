"""Tenant boundaries (issue 11), each reproduction of the issue as a regression test, on SQLite and PostgreSQL:
submission ids scoped to the tenant, park membership as register data, uniform refusals, LIKE patterns
escaped, keys in the query string refused and kept out of the log, security headers on keyed answers."""

from __future__ import annotations

import pytest

from conftest import new_key
from service_kit import ENT_A, ENT_B, ENT_C, PARK_A, PARK_B, auth, doc_a, doc_b, ids_of, simple_doc


def post(client, key, doc, submission_id=None):
    body = {"report": doc} if submission_id is None else {"submission_id": submission_id, "report": doc}
    return client.post("/v1/reports", json=body, headers=auth(key))


def revisions(client, key, enterprise, period="2023") -> list[dict]:
    r = client.get(f"/v1/enterprises/{enterprise}/reports/{period}/revisions", headers=auth(key))
    return r.json() if r.status_code == 200 else []


# ------------------------------------------------------------------------------------------ submission ids

def test_a_foreign_submission_id_answers_as_new_and_echoes_nothing(client, keys):
    assert post(client, keys.ent_a, doc_a(), "batch-2023").status_code == 201
    r = post(client, keys.ent_b, doc_b(), "batch-2023")  # B happens to choose A's id
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["enterprise"], body["status"], body["revision"]) == (ENT_B, "created", 1)
    assert "青岛" not in r.text and ENT_A not in r.text  # nothing of A's report comes back
    assert len(revisions(client, keys.province, ENT_B)) == 1  # B's report was stored
    assert len(revisions(client, keys.province, ENT_A)) == 1  # A's untouched


def test_submission_id_recorded_on_unchanged_so_a_retry_creates_no_revision(client, keys):
    assert post(client, keys.ent_a, doc_a(), "first").status_code == 201
    r = post(client, keys.ent_a, doc_a(), "second")  # same content: unchanged, "second" -> revision 1
    assert (r.status_code, r.json()["status"], r.json()["revision"]) == (200, "unchanged", 1)
    assert post(client, keys.ent_a, doc_a(coal_t=2000), "third").json()["revision"] == 2
    retry = post(client, keys.ent_a, doc_a(), "second")  # the client retries "second" (content of revision 1)
    assert (retry.status_code, retry.json()["status"], retry.json()["revision"]) == (200, "unchanged", 1)
    assert len(revisions(client, keys.province, ENT_A)) == 2


def test_submission_id_reused_for_another_period_is_409_naming_the_original(client, keys):
    assert post(client, keys.ent_a, doc_a("2023"), "sub-1").status_code == 201
    r = post(client, keys.ent_a, doc_a("2022"), "sub-1")
    assert r.status_code == 409, r.text
    assert r.json()["original"] == {"submission_id": "sub-1", "enterprise": ENT_A, "period": "2023"}
    assert "2023" in r.json()["detail"]
    assert revisions(client, keys.province, ENT_A, "2022") == []


def test_duplicate_submission_id_in_one_batch_is_422_naming_both(client, keys):
    batch = [{"submission_id": "dup", "report": doc_a()}, {"submission_id": "dup", "report": doc_b()}]
    r = client.post("/v1/reports/bulk", json=batch, headers=auth(keys.province))
    assert r.status_code == 422, r.text
    (problem,) = [p for p in r.json()["problems"] if p["code"] == "submission_id_duplicate"]
    assert problem["index"] == 1 and "[0]" in problem["message"] and "[1]" in problem["message"]
    assert revisions(client, keys.province, ENT_A) == []


# ------------------------------------------------------------------------------------------ park membership

def test_enterprise_key_cannot_move_into_another_park(client, keys):
    r = post(client, keys.ent_a, doc_a(park=PARK_B))  # A is registered in P01
    assert r.status_code == 403, r.text
    r = client.get(f"/v1/parks/{PARK_B}/enterprises", headers=auth(keys.province))
    assert ids_of(r.json(), "enterprises") == {ENT_B}


def test_enterprise_key_creates_no_park_and_joins_none(client, settings, keys):
    key_c = new_key(settings, "enterprise", enterprises=[ENT_C])
    for park in ("P-NEW", PARK_B):
        r = post(client, key_c, simple_doc(ENT_C, park=park))
        assert r.status_code == 403, r.text
    parks = ids_of(client.get("/v1/parks", headers=auth(keys.province)).json(), "parks")
    assert parks == {PARK_A, PARK_B}
    r = post(client, key_c, simple_doc(ENT_C, park=None))  # without a park: registered, in no park
    assert r.status_code == 201, r.text
    assert client.get(f"/v1/enterprises/{ENT_C}", headers=auth(keys.province)).json()["park"] is None


def test_province_sets_park_membership(client, keys):
    r = post(client, keys.province, simple_doc(ENT_C, park="P-NEW"))
    assert r.status_code == 201, r.text
    assert client.get(f"/v1/enterprises/{ENT_C}", headers=auth(keys.province)).json()["park"] == "P-NEW"


# ------------------------------------------------------------------------------------------ uniform refusals

def test_park_key_bulk_answers_foreign_and_missing_alike(client, seeded, keys):
    foreign = client.post("/v1/reports/bulk", json=[{"report": doc_b(park=PARK_A)}], headers=auth(keys.park))
    missing = client.post("/v1/reports/bulk", json=[{"report": simple_doc(ENT_C, park=PARK_A)}],
                          headers=auth(keys.park))
    assert foreign.status_code == missing.status_code == 403
    assert foreign.json()["detail"].replace(ENT_B, "X") == missing.json()["detail"].replace(ENT_C, "X")


@pytest.mark.parametrize("path", ["/v1/enterprises/{e}", "/v1/enterprises/{e}/reports",
                                  "/v1/enterprises/{e}/reports/2023", "/v1/enterprises/{e}/results"])
def test_reads_answer_foreign_and_missing_alike(client, seeded, keys, path):
    foreign = client.get(path.format(e=ENT_B), headers=auth(keys.ent_a))
    missing = client.get(path.format(e=ENT_C), headers=auth(keys.ent_a))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["detail"].replace(ENT_B, "X") == missing.json()["detail"].replace(ENT_C, "X")


@pytest.mark.parametrize("pattern", ["%", "_", "37%", "3_", "\\"])
def test_region_patterns_are_literal(client, seeded, keys, pattern):
    r = client.get("/v1/enterprises", params={"region": pattern}, headers=auth(keys.province))
    assert r.status_code == 200, r.text
    assert r.json() == []


# ------------------------------------------------------------------------------------------ keys and headers

@pytest.mark.parametrize("name", ["api_key", "key", "token", "x"])
def test_key_in_query_string_is_refused_and_redacted(client, keys, name):
    from api.edge import QueryKeyGuard

    seen = {}

    async def app(scope, receive, send):  # pragma: no cover - never reached
        seen["reached"] = True

    guard = QueryKeyGuard(app)
    r = client.get("/v1/enterprises", params={name: keys.province}, headers=auth(keys.province))
    assert r.status_code == 400 and keys.province not in r.text
    scope = {"type": "http", "query_string": f"{name}={keys.province}&region=37".encode()}
    sent = []

    async def send(message):
        sent.append(message)

    import asyncio
    asyncio.run(guard(scope, None, send))
    assert "reached" not in seen and sent[0]["status"] == 400
    assert keys.province.encode() not in scope["query_string"]  # the access log prints the scope's query
    assert b"region=37" in scope["query_string"]


def test_keyed_answers_carry_nosniff_and_no_store(client, seeded, keys):
    r = client.get("/v1/enterprises", headers=auth(keys.province))
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    assert client.get("/healthz").headers["x-content-type-options"] == "nosniff"
