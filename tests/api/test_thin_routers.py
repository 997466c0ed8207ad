"""The shape of the service (issue 13 §4): routers parse, call one function and serialise.

- no router builds SQL (no sqlalchemy import, no ``select``): loaders and upserts live in the storage layer;
- no router tests roles or builds a :class:`api.access.Scope` itself: every keyed route takes ``ScopeDep`` (or an
  alias built on it), so the access policy is in one place;
- ``region`` and ``period`` query parameters are defined once (``api.params``): the same schema on every route;
- every JSON operation documents its body (a response model), every other one its content type.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROUTERS = Path(__file__).resolve().parents[2] / "api" / "routers"


def _imports(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.module or "", alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            for alias in node.names]


def test_routers_build_no_sql_and_no_scope():
    offences = []
    for path in sorted(ROUTERS.glob("*.py")):
        for module, name in _imports(path):
            if module.startswith("sqlalchemy") or (module.startswith("sqlmodel") and name != "Session"):
                offences.append(f"{path.name}: from {module} import {name}")
            if (module, name) in (("api.keys", "Principal"), ("api.deps", "PrincipalDep")):
                offences.append(f"{path.name}: {name} (take ScopeDep: the policy is api.access.Scope)")
        text = path.read_text(encoding="utf-8")
        offences += [f"{path.name}: {needle}" for needle in ("select(", "Scope(", "session.exec", "session.commit")
                     if needle in text]
    assert not offences, "\n".join(offences)


def _query_schemas(app, name: str) -> dict[str, str]:
    out = {}
    for path, ops in app.openapi()["paths"].items():
        for method, op in ops.items():
            for p in op.get("parameters", []):
                if p["in"] == "query" and p["name"] == name:
                    schema = dict(p["schema"])
                    schema.pop("title", None)
                    out[f"{method.upper()} {path}"] = repr(schema)
    return out


def test_region_and_period_are_defined_once(client):
    regions = _query_schemas(client.app, "region")
    periods = _query_schemas(client.app, "period")
    # the enterprise list alone takes any text as a literal prefix (tests/api/test_tenancy.py)
    regions.pop("GET /v1/enterprises")
    periods = {k: v for k, v in periods.items() if "array" not in v}  # /v1/aggregates: a list of periods
    periods.pop("GET /v1/enterprises/{enterprise_id}/results")  # an optional filter, any stored period
    assert len(regions) >= 5 and len(set(regions.values())) == 1, regions
    assert len(periods) >= 1 and len(set(periods.values())) == 1, periods


def test_every_json_operation_has_a_response_model(client):
    missing = []
    for path, ops in client.app.openapi()["paths"].items():
        for method, op in ops.items():
            ok = next((op["responses"][c] for c in ("200", "201") if c in op["responses"]), None)
            content = (ok or {}).get("content", {})
            json_schema = content.get("application/json", {}).get("schema")
            others = [k for k in content if k != "application/json"]
            if not others and not json_schema:
                missing.append(f"{method.upper()} {path}")
            elif json_schema == {} and not others:
                missing.append(f"{method.upper()} {path} (an empty schema)")
    assert not missing, "\n".join(missing)
