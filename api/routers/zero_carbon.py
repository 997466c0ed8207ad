"""Zero-carbon park assessment (零碳园区, 发改环资〔2025〕910号 indicator set) of a stored park.

The same roles as the green-park assessment (``api.routers.assess``): the province and a park key of this
park; anyone else, and a park that does not exist, get the same 404.
"""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import ScopeDep, SessionDep
from api.params import Year
from api.public import AssessmentPublic, ZeroCarbonSetPublic
from api.queries import park_summaries
from api.store_register import visible_park
from carbonkit.assess.zero_carbon import (
    ZeroCarbonStatements,
    assess_zero_carbon_park,
    load_zero_carbon_criteria,
    shipped_zero_carbon,
)
from carbonkit.errors import InvalidInput, Problem

router = APIRouter(prefix="/v1/assess", tags=["assess"])
SetId = Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$",
                                    description="a shipped zero-carbon park set (GET /v1/assess/zero-carbon/criteria)")]


def _criteria(criteria: str | None) -> str | None:
    if criteria is not None and criteria not in shipped_zero_carbon():
        raise InvalidInput(Problem("criteria_unknown", f"no shipped zero-carbon park set '{criteria}'",
                                   field="criteria", expected=", ".join(shipped_zero_carbon())))
    return criteria


@router.get("/zero-carbon/criteria", operation_id="list_zero_carbon_criteria", response_model=list[ZeroCarbonSetPublic])
def list_sets(_scope: ScopeDep) -> list[dict[str, Any]]:
    """The shipped zero-carbon park indicator sets with their provenance and status marks."""
    out = []
    for name in shipped_zero_carbon():
        c = load_zero_carbon_criteria(name)
        out.append({"id": c.id, "title": c.title, "source": c.source, "edition": c.edition,
                    "published": str(c.published), "indicators": [i.model_dump(by_alias=True) for i in c.indicators]})
    return out


@router.post("/parks/{park_id}/zero-carbon", operation_id="assess_zero_carbon_park", response_model=AssessmentPublic)
def zero_carbon_park(park_id: str, year: Year, statements: ZeroCarbonStatements, session: SessionDep,
                     scope: ScopeDep, criteria: SetId = None) -> JSONResponse:
    """CO2 per tce against the threshold of the park's energy tier, and the guiding indicators with their gaps,
    from the park's enterprises' latest annual reports of ``year`` and the park's statements."""
    visible_park(session, scope, park_id)
    rows = park_summaries(session, park_id, [str(year)])
    frame = pd.DataFrame([summary for _ent, summary in rows])
    answer = assess_zero_carbon_park(frame, statements, _criteria(criteria), park=park_id, year=year)
    return JSONResponse(answer.to_dict())
