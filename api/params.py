"""The query parameters several routes share, defined once as ``Annotated`` aliases.

A region is an administrative code prefix (GB/T 2260: province 37, city 3702, county 370211; the statistical
division code's township and village levels add 3 digits each); a period is ``YYYY`` or ``YYYY-MM``, as reports
are stored (:func:`carbonkit.identity.parse_period` writes the month with two digits).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

REGION_PATTERN = r"^\d{2}(\d{2}){0,2}(\d{3}){0,2}$"
PERIOD_PATTERN = r"^\d{4}(-\d{2})?$"
SHIPPED_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"  # a shipped document's id (never a path)

Region = Annotated[str | None, Query(pattern=REGION_PATTERN, description="administrative code prefix: 37, 3702 or 370211")]
# the enterprise list takes any text as a literal prefix of the registered region (``%`` and ``_`` match themselves)
RegionPrefix = Annotated[str | None, Query(description="administrative code prefix, e.g. 37 or 3702")]
Period = Annotated[str, Query(pattern=PERIOD_PATTERN, description="'YYYY' or 'YYYY-MM'")]
ParkId = Annotated[str | None, Query(min_length=1, max_length=64, description="one park (a park key: one of its own)")]
Year = Annotated[int, Query(ge=1990, le=2100, description="the year (annual reports)")]
LatestYear = Annotated[int | None, Query(ge=1990, le=2100, description="default: the latest annual period")]
