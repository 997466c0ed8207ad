from __future__ import annotations

import difflib
from typing import Any

from fastapi import APIRouter

from api.deps import ScopeDep
from api.public import FactorPublic, ReleasePublic
from api.queries import not_found
from carbonkit.factors import load_release, release_names

router = APIRouter(prefix="/v1/factors", tags=["factors"])


@router.get("/releases", operation_id="list_releases", response_model=list[ReleasePublic])
def releases(_scope: ScopeDep) -> list[dict[str, Any]]:
    """The shipped factor releases with their tables' provenance."""
    out = []
    for name in release_names():
        rel = load_release(name)
        out.append({"name": rel.name, "description": rel.description, "tables": [
            {"id": t.id, "kind": t.kind, **{k: t.meta.get(k) for k in ("title", "source", "edition", "issuing_body", "published")}}
            for t in rel.tables]})
    return out


@router.get("", operation_id="list_factors", response_model=list[FactorPublic])
def factors(_scope: ScopeDep, release: str | None = None, kind: str | None = None,
            status: str | None = None) -> list[dict[str, Any]]:
    """The factors of a release (default: the current one), optionally of one kind or status."""
    return [f.to_dict() for f in load_release(release).factors.values()
            if (kind is None or f.kind == kind) and (status is None or f.status == status)]


@router.get("/{factor_id}", operation_id="get_factor", response_model=FactorPublic)
def factor(factor_id: str, _scope: ScopeDep, release: str | None = None) -> dict[str, Any]:
    """One factor with its table's provenance; an unknown id answers 404 with the closest ids."""
    rel = load_release(release)
    if factor_id not in rel.factors:
        close = difflib.get_close_matches(factor_id, list(rel.factors), n=3, cutoff=0.5)
        raise not_found(f"factor {factor_id}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
    f = rel.get(factor_id)
    table = rel.table(f.table)
    return {**f.to_dict(), "release": rel.name, "table_meta": {k: v for k, v in table.meta.items()}}
