"""Carbon budgets over the stored results: used, remaining and run-out year per region and park, rolled up.

Budgets are posted with the request (a province's or city's own figures; nothing is stored). The province
key may give region and park budgets; a park key park budgets of its own parks only (another park answers
404, as ``/v1/parks`` does; a region budget 403); an enterprise key is refused (403).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from api.routers.progress import RegionalDep, _parks, annual_periods, load_register, load_results
from api.deps import SessionDep
from carbonkit.budgets import budget_use

router = APIRouter(prefix="/v1", tags=["progress"])


class BudgetRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scope: str = Field(min_length=1, max_length=64, description="a region code prefix (37, 3702) or a park id")
    kind: Literal["region", "park"]
    start_year: int = Field(ge=1990, le=2100)
    end_year: int = Field(ge=1990, le=2100)
    budget_tco2: float = Field(gt=0, allow_inf_nan=False, description="[tCO2]")
    source: str | None = Field(None, max_length=500)


class BudgetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int | None = Field(None, ge=1990, le=2100, description="default: the latest annual period")
    budgets: list[BudgetRow] = Field(min_length=1, max_length=10_000)


@router.post("/budgets", operation_id="get_budget_use")
def budgets(body: BudgetRequest, session: SessionDep, principal: RegionalDep) -> dict:
    """Used, remaining, the even share, the run-out year at the current pace, and each parent's children."""
    if not principal.is_province:
        if any(b.kind == "region" for b in body.budgets):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "region budgets need a province key")
        for b in body.budgets:
            _parks(principal, b.scope)  # 404 for a park that is not the key's
    parks = _parks(principal, None)
    register = load_register(session, parks, None)
    last = body.year or max([int(p) for p in annual_periods(session, parks, None)] or [max(b.end_year for b in body.budgets)])
    first = min(b.start_year for b in body.budgets)
    frame = load_results(session, parks, None, [str(y) for y in range(first, last + 1)], register)
    table = pd.DataFrame([b.model_dump() for b in body.budgets])
    answer = budget_use(frame, table, last)
    return {"scope": {"role": principal.role, "parks": parks}, **answer.to_dict()}
