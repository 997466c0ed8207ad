from __future__ import annotations

from functools import cache
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool

import carbonkit as ck
from api.deps import ScopeDep, SettingsDep
from api.identifiers import ReportDocument
from api.ingest import options_for
from api.public import CalculationPublic, IndicatorPublic
from carbonkit.catalog import catalog, indicators_of
from carbonkit.documents import SMALL_ROWS

router = APIRouter(prefix="/v1", tags=["calculate"])
_DOC = {name: f.description for name, f in ck.AccountingOptions.model_fields.items()}  # documented once


@router.post("/calculate", operation_id="calculate", response_model=CalculationPublic)
async def calculate(document: ReportDocument, scope: ScopeDep, settings: SettingsDep,
              release: str | None = Query(None, description="factor release (default: the current one)"),
              power_coal_rate: float | None = Query(None, gt=0, le=1, allow_inf_nan=False,
                                                    description=_DOC["power_coal_rate"]),
              year_fallback: Literal["earlier", "nearest"] | None = Query(None, description=_DOC["year_fallback"]),
              grid_level: Literal["province", "grid", "national"] | None = Query(None, description=_DOC["grid_level"]),
              location_purpose: Literal["average", "fossil", "carbon_market"] | None = Query(
                  None, description=_DOC["location_purpose"]),
              require_value_added: bool | None = Query(None, description=_DOC["require_value_added"]),
              ) -> Response:
    """Account one enterprise-period without storing anything. Every accounting option can be set.

    A report of up to :data:`carbonkit.documents.SMALL_ROWS` items is accounted on the event loop: it reads no
    database and does about a millisecond of CPU work, which in the thread pool would contend for the GIL with the
    other requests' threads (benchmarks/README.md, bench_latency). A larger one goes to the thread pool, so that
    one large body does not stop the worker's other requests."""
    scope.require_named(document.enterprise, "calculate for")
    overrides = {"power_coal_rate": power_coal_rate, "year_fallback": year_fallback, "grid_level": grid_level,
                 "location_purpose": location_purpose, "require_value_added": require_value_added}
    options = options_for(settings, **{k: v for k, v in overrides.items() if v is not None})
    if len(document.items) <= SMALL_ROWS:
        result = ck.account(document, release=release, options=options)
    else:  # a large document (up to max_body_bytes) would hold the event loop: the thread pool, as other routes
        result = await run_in_threadpool(ck.account, document, release=release, options=options)
    # plain JSON types already (records() cleans NaN and numpy values): orjson instead of the generic encoder and
    # json.dumps (the response_model documents the body)
    body = {"release": result.release, "options": options.model_dump(), "result": result.records()[0],
            "factors": result.factor_records(), "indicators": _indicators(tuple(result.summary.columns.tolist()))}
    return Response(orjson.dumps(body), media_type="application/json")


@cache
def _indicators(columns: tuple[str, ...]) -> dict[str, dict[str, str | None]]:
    """The catalog entries of a summary's columns (every summary has the same columns: built once, read only)."""
    return indicators_of(columns)


@router.get("/indicators", operation_id="list_indicators", response_model=dict[str, IndicatorPublic])
def list_indicators(_scope: ScopeDep) -> dict[str, Any]:
    """The indicator catalog: each figure's column, unit, Chinese and English name, aggregation and direction
    (``carbonkit/indicators.toml``); every surface names figures from it."""
    return {column: entry.to_dict() for column, entry in catalog().items()}
