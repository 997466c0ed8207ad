from __future__ import annotations

import difflib

from fastapi import APIRouter

from api.deps import PrincipalDep
from api.queries import not_found
from carbonkit.factors import load_release, release_names

router = APIRouter(prefix="/v1/factors", tags=["factors"])


@router.get("/releases", operation_id="list_releases")
def releases(_principal: PrincipalDep) -> list[dict]:
    out = []
    for name in release_names():
        rel = load_release(name)
        out.append({"name": rel.name, "description": rel.description, "tables": [
            {"id": t.id, "kind": t.kind, **{k: t.meta.get(k) for k in ("title", "source", "edition", "issuing_body", "published")}}
            for t in rel.tables]})
    return out


@router.get("", operation_id="list_factors")
def factors(_principal: PrincipalDep, release: str | None = None, kind: str | None = None,
            status: str | None = None) -> list[dict]:
    return [f.to_dict() for f in load_release(release).factors.values()
            if (kind is None or f.kind == kind) and (status is None or f.status == status)]


@router.get("/{factor_id}", operation_id="get_factor")
def factor(factor_id: str, _principal: PrincipalDep, release: str | None = None) -> dict:
    rel = load_release(release)
    if factor_id not in rel.factors:
        close = difflib.get_close_matches(factor_id, list(rel.factors), n=3, cutoff=0.5)
        raise not_found(f"factor {factor_id}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
    f = rel.get(factor_id)
    table = rel.table(f.table)
    return {**f.to_dict(), "release": rel.name, "table_meta": {k: v for k, v in table.meta.items()}}
