from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.deps import ProvinceDep, SessionDep
from api.keys import issue_key, key_rows, revoke_key
from api.public import KeyCreated, KeyListed, KeyRevoked
from api.queries import not_found

router = APIRouter(prefix="/v1/keys", tags=["keys"])


ScopeId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")]
KeyId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["enterprise", "park", "province"]
    enterprises: list[ScopeId] = Field(default_factory=list, max_length=10000)
    parks: list[ScopeId] = Field(default_factory=list, max_length=1000)
    name: Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00-\x1f]*$")] = ""


@router.post("", operation_id="create_key", status_code=status.HTTP_201_CREATED, response_model=KeyCreated)
def create(body: KeyCreate, session: SessionDep, _scope: ProvinceDep) -> dict[str, Any]:
    """Create a key. The key is in this answer only; it is stored hashed."""
    key_id, plain = issue_key(session, body.role, enterprises=body.enterprises, parks=body.parks, name=body.name)
    return {"id": key_id, "key": plain, "role": body.role}


@router.get("", operation_id="list_keys", response_model=list[KeyListed])
def list_keys(session: SessionDep, _scope: ProvinceDep) -> list[dict[str, Any]]:
    """Every key (never the key itself): role, name, prefix, when created and revoked, its enterprises and parks."""
    return [{"id": key.id, "role": key.role, "name": key.name, "prefix": key.prefix, "created_at": key.created_at,
             "revoked_at": key.revoked_at, "enterprises": sorted(p.enterprises), "parks": sorted(p.parks)}
            for key, p in key_rows(session)]


@router.delete("/{key_id}", operation_id="revoke_key", response_model=KeyRevoked)
def delete(key_id: KeyId, session: SessionDep, _scope: ProvinceDep) -> dict[str, Any]:
    """Revoke a key (it answers 401 from now on; other workers forget it within the key cache's seconds)."""
    if not revoke_key(session, key_id):
        raise not_found(f"key {key_id}")
    return {"id": key_id, "revoked": True}
