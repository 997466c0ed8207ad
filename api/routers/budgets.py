"""Carbon budgets over the stored results: used, remaining and run-out year per region and park, rolled up.

Budgets are posted with the request (a province's or city's own figures; nothing is stored). The province
key may give region and park budgets; a park key park budgets of its own parks only (another park answers
404, as ``/v1/parks`` does; a region budget 403); an enterprise key is refused (403).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import RegionalDep, SessionDep
from api.public import ScopedAnswer
from api.regional import budgets_answer

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


@router.post("/budgets", operation_id="get_budget_use", response_model=ScopedAnswer)
def budgets(body: BudgetRequest, session: SessionDep, scope: RegionalDep) -> dict[str, Any]:
    """Used, remaining, the even share, the run-out year at the current pace, and each parent's children."""
    return budgets_answer(session, scope, body.year, [b.model_dump() for b in body.budgets])
