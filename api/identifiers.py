"""Identifiers at the service's edge: one validation, so SQLite and PostgreSQL accept and refuse the same input.

An enterprise id, period, park, region or industry is normalised once, when the request is read: Unicode NFC,
leading and trailing white space removed. What cannot be an identifier is refused with 422 naming the field:
a control character (NUL, tab, new line ...), and ``/`` in an enterprise or park id (it could not be addressed in
a URL path such as ``/v1/enterprises/{id}``).
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import ValidationInfo, field_validator

from carbonkit.documents import EnterprisePeriod

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def identifier(value: str | None, field: str | None, *, path_safe: bool) -> str | None:
    """``value`` in NFC without surrounding white space; ValueError naming what is wrong."""
    if value is None:
        return None
    if CONTROL.search(value):
        raise ValueError(f"{field} must not contain control characters (NUL, tab, new line ...)")
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        raise ValueError(f"{field} must not be empty or white space only")
    if path_safe and "/" in text:
        raise ValueError(f"{field} must not contain '/' (it names a URL path segment)")
    return text


class ReportDocument(EnterprisePeriod):
    """An enterprise-period document as the service accepts it: identifiers normalised (see module)."""

    @field_validator("enterprise", "park", mode="after")
    @classmethod
    def _path_ids(cls, value: str | None, info: ValidationInfo) -> str | None:
        return identifier(value, info.field_name, path_safe=True)

    @field_validator("period", "region", "industry", mode="after")
    @classmethod
    def _codes(cls, value: str | None, info: ValidationInfo) -> str | None:
        return identifier(value, info.field_name, path_safe=False)
