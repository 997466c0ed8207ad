"""The cross-tenant matrix, generated from the OpenAPI document: every route x every role (province, park,
enterprise, no key) x own / foreign / missing ids, on SQLite and PostgreSQL.

A route added later is covered without editing this file: its path parameters (``enterprise_id``, ``park_id``,
``period``, ...), its ``park`` query parameter and a JSON body (an example below, else ``{}``) are filled in
from the role's own tenant, another tenant, or an id that does not exist. The rules:

- no key: 401 on every route the document marks as keyed; a route without a key is one of ``OPEN``;
- never a 5xx;
- a foreign id answers exactly as a missing one (same status, same body once the id is swapped), so no answer
  tells whether another tenant's record exists;
- no answer to a park or enterprise key carries the other tenant's stored data (enterprise B's name).
"""

from __future__ import annotations

import json
import re

from service_kit import ENT_A, ENT_B, ENT_C, PARK_A, PARK_B, auth, doc_a

OPEN = {"health"}  # operations that need no key
MISSING_PARK = "P99"
FOREIGN_MARK = "淄博示例石化有限公司"  # enterprise B's stored name: in no request, so only a leak can show it

# the tenant ids each role calls "own" and "foreign"; "missing" ids exist nowhere
TENANTS = {"park": {"own": (ENT_A, PARK_A), "foreign": (ENT_B, PARK_B), "missing": (ENT_C, MISSING_PARK)},
           "enterprise": {"own": (ENT_A, PARK_A), "foreign": (ENT_B, PARK_B), "missing": (ENT_C, MISSING_PARK)},
           "province": {"own": (ENT_A, PARK_A), "foreign": (ENT_B, PARK_B), "missing": (ENT_C, MISSING_PARK)}}

QUERY = {"period": "2023", "year": "2023", "start": "2022", "end": "2023"}  # required query parameters
PATH = {"period": "2023", "year": "2023", "factor_id": "gbt2589-2020-a.raw_coal", "designation_id": "1", "key_id": "999999"}


def _document(ent: str, park: str) -> dict:
    return {**doc_a(), "enterprise": ent, "park": park, "name": None}


def _bodies(ent: str, park: str) -> dict:
    """Example bodies by operation id; an operation not named here gets ``{}``."""
    doc = {k: v for k, v in _document(ent, park).items() if v is not None}
    return {"calculate": doc, "submit_report": {"report": doc}, "submit_reports_bulk": [{"report": doc}],
            "assess_factory": {"document": doc}, "screen_document": doc,
            "grade_stored_with_profiles": {"period": "2023", "park": park},
            "create_key": {"role": "enterprise", "enterprises": [ent]},
            "record_designations": [{"subject_kind": "enterprise", "subject_id": ent, "kind": "green_factory",
                                     "level": "provincial", "year": 2023, "batch": "matrix"}],
            "revoke_designation": {"year": 2024}}


def operations(app) -> list[tuple[str, str, dict]]:
    return [(method.upper(), path, op) for path, ops in app.openapi()["paths"].items() for method, op in ops.items()]


def request_for(method: str, path: str, op: dict, ent: str, park: str) -> tuple[str, dict, object]:
    values = {**PATH, "enterprise_id": ent, "park_id": park}
    url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
    params = {}
    for p in op.get("parameters", []):
        if p["in"] == "query" and p["name"] == "park":
            params["park"] = park
        elif p["in"] == "query" and p.get("required"):
            params[p["name"]] = QUERY[p["name"]]
    body = _bodies(ent, park).get(op["operationId"], {}) if "requestBody" in op else None
    return url, params, body


def call(client, method, url, params, body, key):
    headers = auth(key) if key else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    return client.request(method, url, params=params, headers=headers,
                          content=None if body is None else json.dumps(body))


def _same(foreign, missing, swaps) -> bool:
    def norm(text: str) -> str:
        for old, new in swaps:
            text = text.replace(old, new)
        return text
    kind = foreign.headers.get("content-type", "")
    if foreign.status_code != missing.status_code or kind != missing.headers.get("content-type", ""):
        return False
    if not (kind.startswith("application/json") or kind.startswith("text/")):
        return True  # a generated file (an .xlsx template) carries its own time stamps
    return norm(foreign.text) == norm(missing.text)


def test_cross_tenant_matrix(client, seeded, keys):
    failures, count = [], 0
    roles = {"province": keys.province, "park": keys.park, "enterprise": keys.ent_a}
    for method, path, op in operations(client.app):
        name = op["operationId"]
        url, params, body = request_for(method, path, op, ENT_A, PARK_A)
        r = call(client, method, url, params, body, None)
        count += 1
        if op.get("security") and r.status_code != 401:
            failures.append(f"{name} without a key: {r.status_code}")
        if not op.get("security") and name not in OPEN:
            failures.append(f"{name} needs no key and is not one of OPEN")
        for role, key in roles.items():
            answers = {}
            for kind in ("foreign", "missing", "own"):  # foreign and missing first: refused, nothing changes
                ent, park = TENANTS[role][kind]
                url, params, body = request_for(method, path, op, ent, park)
                answers[kind] = r = call(client, method, url, params, body, key)
                count += 1
                if r.status_code >= 500:
                    failures.append(f"{name} {role} {kind}: {r.status_code} {r.text[:200]}")
                if role != "province" and kind != "own" and FOREIGN_MARK in r.text:
                    failures.append(f"{name} {role} {kind}: the answer carries enterprise B's data")
            if role != "province":
                swaps = [(ENT_B, "<ent>"), (ENT_C, "<ent>"), (PARK_B, "<park>"), (MISSING_PARK, "<park>")]
                if not _same(answers["foreign"], answers["missing"], swaps):
                    failures.append(f"{name} {role}: foreign {answers['foreign'].status_code} "
                                    f"{answers['foreign'].text[:160]} != missing {answers['missing'].status_code} "
                                    f"{answers['missing'].text[:160]}")
    assert not failures, "\n".join(failures)
    assert count >= 4 * len(operations(client.app))

