"""API keys: created once and shown once, stored as SHA-256 hashes, looked up by a public prefix.

A key is ``ck_<prefix>_<secret>``. The secret carries 256 bits of randomness, so a fast unsalted hash is
the right tool (as for GitHub-style tokens); the comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Literal, cast

from sqlmodel import Session, col, select

from api.models import ApiKey, ApiKeyEnterprise, ApiKeyPark, utcnow

Role = Literal["enterprise", "park", "province"]
ROLES = ("enterprise", "park", "province")


class KeyRequestInvalid(ValueError):
    """A key that cannot be made: an unknown role, or a role without its enterprises or parks (422)."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id, role and scope."""

    key_id: int | None  # None: the demo's own writer, no stored key
    role: str
    name: str
    enterprises: frozenset[str] = field(default_factory=frozenset)
    parks: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_province(self) -> bool:
        return self.role == "province"

    def may_see(self, enterprise_id: str, park_id: str | None) -> bool:
        if self.role == "province":
            return True
        if self.role == "park":
            return park_id is not None and park_id in self.parks
        return enterprise_id in self.enterprises


def create_key(session: Session, role: str, *, enterprises: list[str] | None = None, parks: list[str] | None = None,
               name: str = "") -> tuple[int, str]:
    """Create a key; returns (id, plain key). The plain key is not stored and cannot be shown again."""
    if role not in ROLES:
        raise KeyRequestInvalid(f"role must be one of {', '.join(ROLES)}")
    if role == "enterprise" and not enterprises:
        raise KeyRequestInvalid("an enterprise key needs at least one enterprise id")
    if role == "park" and not parks:
        raise KeyRequestInvalid("a park key needs at least one park id")
    prefix = secrets.token_hex(6)
    plain = f"ck_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(prefix=prefix, key_hash=_hash(plain), role=role, name=name)
    session.add(key)
    session.flush()
    key_id = cast(int, key.id)  # assigned by the flush
    for ent in dict.fromkeys(enterprises or []):
        session.add(ApiKeyEnterprise(key_id=key_id, enterprise_id=ent))
    for park in dict.fromkeys(parks or []):
        session.add(ApiKeyPark(key_id=key_id, park_id=park))
    session.flush()
    return key_id, plain


def authenticate(session: Session, plain: str) -> Principal | None:
    """The principal of a valid, unrevoked key, or None."""
    parts = plain.split("_")
    if len(parts) < 3 or parts[0] != "ck":
        return None
    key = session.exec(select(ApiKey).where(ApiKey.prefix == parts[1])).first()
    if key is None or key.revoked_at is not None or not hmac.compare_digest(key.key_hash, _hash(plain)):
        return None
    return principal_of(session, key)


def principal_of(session: Session, key: ApiKey) -> Principal:
    ents = session.exec(select(ApiKeyEnterprise.enterprise_id).where(ApiKeyEnterprise.key_id == key.id)).all()
    parks = session.exec(select(ApiKeyPark.park_id).where(ApiKeyPark.key_id == key.id)).all()
    return Principal(key_id=key.id, role=key.role, name=key.name, enterprises=frozenset(ents), parks=frozenset(parks))


def issue_key(session: Session, role: str, *, enterprises: list[str], parks: list[str], name: str) -> tuple[int, str]:
    """Create a key and commit it: (id, plain key). :class:`KeyRequestInvalid` when it cannot be made."""
    key_id, plain = create_key(session, role, enterprises=enterprises, parks=parks, name=name)
    session.commit()
    return key_id, plain


def revoke_key(session: Session, key_id: int) -> bool:
    """Revoke a key and commit; False when there is no such key."""
    if not revoke(session, key_id):
        return False
    session.commit()
    PRINCIPALS.forget(key_id)  # again after the commit: a request between revoke() and commit may have cached it
    return True


def key_rows(session: Session) -> list[tuple[ApiKey, Principal]]:
    """Every key with its principal (role and scope), by id."""
    return [(key, principal_of(session, key)) for key in session.exec(select(ApiKey).order_by(col(ApiKey.id))).all()]


def revoke(session: Session, key_id: int) -> bool:
    key = session.get(ApiKey, key_id)
    if key is None:
        return False
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
    PRINCIPALS.forget(key_id)
    return True


class PrincipalCache:
    """Principals of recently seen keys, for a few seconds, so that a busy client does not cost two queries
    per request. Keyed by the SHA-256 of the key (the plain key is not kept) and the database URL. A key
    revoked in this process is forgotten at once; in other worker processes it stays valid for at most
    ``CARBONKIT_KEY_CACHE_SECONDS`` (0 turns the cache off)."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: dict[tuple[str, str], tuple[float, Principal]] = {}
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, database_url: str, plain: str) -> Principal | None:
        entry = self._entries.get((database_url, _hash(plain)))
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, database_url: str, plain: str, principal: Principal, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[(database_url, _hash(plain))] = (time.monotonic() + seconds, principal)

    def forget(self, key_id: int | None = None) -> None:
        with self._lock:
            if key_id is None:
                self._entries.clear()
            else:
                for k in [k for k, (_, p) in self._entries.items() if p.key_id == key_id]:
                    del self._entries[k]


PRINCIPALS = PrincipalCache()
