"""A property-based fuzz of the OpenAPI document (issue 11), with schemathesis: for every operation, a bounded
number of requests generated from the document (valid and not), sent with a province key to the app on a seeded
database; no answer may be a 5xx, and every answer must conform to the document (its status is one the
operation declares, its content type and body match the declared schema). SQLite always; PostgreSQL too when
``CARBONKIT_TEST_POSTGRES_URL`` is set (the backend fixture). ``CARBONKIT_FUZZ_EXAMPLES`` sets the examples per
operation (default 8)."""

from __future__ import annotations

import os
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from service_kit import auth

EXAMPLES = int(os.environ.get("CARBONKIT_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _fuzz_operation(operation, key: str, seen: Counter) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in ("authorization", "x-api-key")}
        case.headers.update(auth(key))  # the generated credentials would only ever meet 401
        response = case.call_and_validate(checks=CHECKS)
        seen[response.status_code] += 1

    run()


def test_no_5xx_and_no_schema_violation(client, seeded, keys):
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: op.method.upper() == "DELETE")  # revoking keys last: it may revoke this one
    assert len(operations) >= 30
    failures, seen = [], Counter()
    for operation in operations:
        try:
            _fuzz_operation(operation, keys.province, seen)
        except Exception as exc:  # noqa: BLE001 - every operation is fuzzed; the failures are listed together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    print(f"fuzz: {len(operations)} operations, {sum(seen.values())} requests, answers {dict(sorted(seen.items()))}")
    assert not failures, "\n\n".join(failures)
    assert sum(seen.values()) >= len(operations)
