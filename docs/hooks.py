"""MkDocs hooks: the factor library page and the HTTP API page are generated at build time, from ``factors/`` and
from the service's OpenAPI schema and error catalogue, so the manual cannot drift from the data and the code."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
FACTORS = ROOT / "factors"


def on_files(files, config):
    for name, build in (("factors.md", factor_library), ("http-api.md", http_api)):
        files.append(File.generated(config, name, content=build()))
    return files


def _cell(value) -> str:
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(frame: pd.DataFrame, columns: list[str]) -> str:
    cols = [c for c in columns if c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame[cols].itertuples(index=False)]
    return "\n".join(lines)


def _meta_lines(meta: dict) -> list[str]:
    keys = ("title", "source", "edition", "issuing_body", "published", "region", "status")
    return [f"- **{k}**: {_cell(meta[k])}" for k in keys if meta.get(k)]


def factor_library() -> str:
    """Every factor table of factors/tables with every value, its unit, source and status; then the names and
    forms data."""
    out = ["# 因子库 Factor library", "",
           "Generated from `factors/` when the manual is built: every value, its unit, source and status mark.",
           "Status marks: verified (seen in a cited public page), corroborated (third-party transcriptions), "
           "unconfirmed (consistent, wording not seen), unverified (check before relying on it).", ""]
    for toml in sorted((FACTORS / "tables").glob("*.toml")):
        meta = tomllib.loads(toml.read_text(encoding="utf-8"))
        rows = pd.read_csv(toml.with_suffix(".csv"), dtype=str, keep_default_na=False)
        out += [f"## {meta.get('id', toml.stem)}", "", *_meta_lines(meta), "",
                _table(rows, ["id", "item", "constant", "region", "year", "purpose", "value", "unit", "ncv", "ncv_unit",
                              "carbon_content", "oxidation", "status", "note"]), ""]
    for folder in ("names", "forms"):
        for csv in sorted((FACTORS / folder).glob("*.csv")):
            meta = tomllib.loads(csv.with_suffix(".toml").read_text(encoding="utf-8"))
            rows = pd.read_csv(csv, dtype=str, keep_default_na=False)
            out += [f"## {meta.get('id', csv.stem)}", "", *_meta_lines(meta), "", _table(rows, list(rows.columns)), ""]
    return "\n".join(out)


EXAMPLES = {"get": "curl -H 'Authorization: Bearer $KEY' http://127.0.0.1:8000{path}",
            "post": "curl -X POST -H 'Authorization: Bearer $KEY' -H 'Content-Type: application/json' "
                    "-d @body.json http://127.0.0.1:8000{path}",
            "put": "curl -X PUT -H 'Authorization: Bearer $KEY' -d @body.json http://127.0.0.1:8000{path}",
            "delete": "curl -X DELETE -H 'Authorization: Bearer $KEY' http://127.0.0.1:8000{path}"}


def _example_path(path: str) -> str:
    samples = {"enterprise_id": "91370211473270545N", "period": "2023", "park_id": "P01", "key_id": "1",
               "release": "cn-2026.11", "factor_id": "gbt2589-2020-a.raw_coal"}
    return re.sub(r"\{(\w+)\}", lambda m: samples.get(m.group(1), m.group(1).upper()), path)


def http_api() -> str:
    """Every route of the service with its summary and an example call; then the error catalogue."""
    from api.main import create_app
    from api.settings import Settings

    schema = create_app(Settings(database_url="sqlite://", env="test", auto_migrate=False)).openapi()
    out = ["# HTTP API", "", "Generated from the service's OpenAPI schema when the manual is built. Every route but "
           "`/health` and the documentation needs a key: `Authorization: Bearer KEY`. Errors answer with a JSON "
           "problem body (below), never a 500 for bad input.", ""]
    for path, methods in sorted(schema["paths"].items()):
        for method, op in methods.items():
            summary = (op.get("summary") or "").strip()
            doc = (op.get("description") or "").strip().split("\n\n")[0].replace("\n", " ")
            params = [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"]
            out += [f"## `{method.upper()} {path}`", "", f"**{summary}** — {doc}" if doc else f"**{summary}**", ""]
            if params:
                out += ["Query: " + ", ".join(f"`{p}`" for p in params), ""]
            out += ["```bash", EXAMPLES.get(method, EXAMPLES["get"]).format(path=_example_path(path)), "```", ""]
    return "\n".join(out + error_catalogue())


def error_catalogue() -> list[str]:
    """The problem codes carbonkit raises (from its sources) and the HTTP statuses the service answers with."""
    codes: dict[str, set[str]] = {}
    for source in sorted((ROOT / "carbonkit").rglob("*.py")):
        for code in re.findall(r'Problem\(\s*"([a-z_]+)"', source.read_text(encoding="utf-8")):
            codes.setdefault(code, set()).add(str(source.relative_to(ROOT)))
    out = ["# 错误目录 Error catalogue", "",
           "An input problem answers **422** with `{\"detail\": ..., \"problems\": [{code, message, field, row, sheet, "
           "expected}, ...]}`; a missing or wrong key **401**; a role that may not see a resource **403**, and a record "
           "of another tenant **404** (never revealing that it exists); a body too large **413**; PDF without a browser "
           "**503**.", "", "| code | raised in |", "|---|---|"]
    out += [f"| `{code}` | {', '.join(sorted(where))} |" for code, where in sorted(codes.items())]
    return out
