"""The access policy, in one place: what a key may read and write.

Every router asks a :class:`Scope` (``ScopeDep`` in :mod:`api.deps`) instead of testing roles itself:

- the province reads and writes everything, and alone sets park membership (a report's ``park``);
- a park key reads and writes the enterprises registered in its parks; it neither registers an enterprise nor
  moves one between parks (else "does not exist" and "belongs to another park" would answer differently);
- an enterprise key reads and writes its own enterprises; a ``park`` in its report must be the park the
  register already holds for the enterprise (a new enterprise's report carries no park), else 403.

Refusals never reveal whether another tenant's record exists: a read of a foreign record answers exactly as a
read of a missing one (404, the same body), and a write answers the same 403 for a foreign enterprise as for
one the key could not create.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, status

from api.keys import Principal


class Forbidden(Exception):
    """The key may not write this record (403)."""


def not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"{what} not found")


@dataclass(frozen=True)
class Scope:
    """May this key read or write this enterprise or park. Wraps the key's :class:`Principal`."""

    principal: Principal

    @property
    def role(self) -> str:
        return self.principal.role

    @property
    def is_province(self) -> bool:
        return self.principal.is_province

    @property
    def is_regional(self) -> bool:
        """A province or park key: may read aggregates, progress and decompositions."""
        return self.role in ("province", "park")

    @property
    def key_id(self) -> int | None:
        """The id of the calling key (recorded as the writer of what it stores)."""
        return self.principal.key_id

    def may_read(self, enterprise_id: str, park_id: str | None) -> bool:
        """A stored enterprise (with its registered park) is visible to this key."""
        return self.principal.may_see(enterprise_id, park_id)

    def may_read_park(self, park_id: str) -> bool:
        return self.is_province or (self.role == "park" and park_id in self.principal.parks)

    def may_name(self, enterprise_id: str) -> bool:
        """An enterprise id this key may compute for without storing (calculate, screening, assessment)."""
        return self.role != "enterprise" or enterprise_id in self.principal.enterprises

    def write_refusal(self, index: int, enterprise_id: str, registered: tuple[Any, ...] | None,
                      claimed_park: str | None) -> str | None:
        """Why report [index] may not be stored, or None when it may.

        ``registered`` is ``(park_id, ...)`` of the stored enterprise, None when it is not registered yet;
        ``claimed_park`` is the report's ``park``. The same sentence answers a foreign enterprise and one the
        key may not create, so the answer does not tell whether it exists.
        """
        if self.is_province:
            return None
        refused = f"report [{index}]: this key may not submit for enterprise {enterprise_id}"
        if registered is None:  # only the province, or the enterprise itself (without a park), registers it
            ok = self.role == "enterprise" and enterprise_id in self.principal.enterprises and claimed_park is None
            return None if ok else refused + self._park_rule()
        park = registered[0]
        if not self.may_read(enterprise_id, park):
            return refused + self._park_rule()
        if claimed_park is not None and claimed_park != park:
            return (f"report [{index}]: park {claimed_park} differs from the park the register holds for enterprise "
                    f"{enterprise_id}; only the province changes park membership")
        return None

    def _park_rule(self) -> str:
        if self.role == "enterprise":
            return " (an enterprise key submits for its own enterprises; park membership is set by the province)"
        return " (a park key submits for enterprises registered in its own parks)"

    def enterprise_filter(self, column_id: Any, column_park: Any) -> Any:
        """A WHERE clause limiting enterprise rows to the key's tenants (None for the province)."""
        if self.is_province:
            return None
        if self.role == "park":
            return column_park.in_(sorted(self.principal.parks))
        return column_id.in_(sorted(self.principal.enterprises))

    def parks_for(self, park: str | None) -> list[str] | None:
        """The parks a regional read covers: None for the whole province (province key without ``park``);
        a park the key may not read answers 404 like a missing one."""
        if self.is_province:
            return [park] if park else None
        if park is not None and park not in self.principal.parks:
            raise not_found(f"park {park}")
        return [park] if park else sorted(self.principal.parks)

    def park_filter(self, column_park: Any, parks_of_enterprises: Any) -> Any:
        """A WHERE clause limiting park rows to the parks the key may see (None for the province): a park key its
        parks; an enterprise key the parks of its enterprises (``parks_of_enterprises(ids)``: a subquery)."""
        if self.is_province:
            return None
        if self.role == "park":
            return column_park.in_(sorted(self.principal.parks))
        return column_park.in_(parks_of_enterprises(sorted(self.principal.enterprises)))

    def subjects_for(self, park: str | None) -> dict[str, list[str] | None]:
        """The subjects a read of designations covers: the province all (or ``park``); a park key its parks (404 for
        another); an enterprise key its own enterprises (404 for any ``park``)."""
        if self.role == "enterprise":
            if park is not None:
                raise not_found(f"park {park}")
            return {"enterprises": sorted(self.principal.enterprises)}
        return {"parks": self.parks_for(park)}

    def require_named(self, enterprise_id: str, action: str) -> None:
        """403 unless the key may compute for ``enterprise_id`` without storing; ``action`` completes "this key may
        only ... its own enterprise" (``calculate for``, ``assess``, ``screen``)."""
        if not self.may_name(enterprise_id):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this key may only {action} its own enterprise")
