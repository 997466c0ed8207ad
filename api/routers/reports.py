from __future__ import annotations

import io
import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

import carbonkit as ck
from api import csv_gate
from api.access import Scope
from api.deps import ScopeDep, SessionDep, SettingsDep
from api.ingest import ReportIn, options_for, submit
from api.public import BulkOutcome, SubmissionOutcome
from api.queries import stored_result
from api.settings import Settings
from carbonkit.documents import frame_to_documents, validation_problems
from carbonkit.errors import InvalidInput, Problem
from reports.excel import XLSX_MEDIA_TYPE
from carbonkit.readers import read_csv, read_excel

router = APIRouter(prefix="/v1/reports", tags=["reports"])
_batch = TypeAdapter(list[ReportIn])


@router.post("", operation_id="submit_report", status_code=status.HTTP_201_CREATED, response_model=SubmissionOutcome)
def submit_report(body: ReportIn, scope: ScopeDep, settings: SettingsDep, session: SessionDep,
                  response: Response) -> dict[str, Any]:
    """Store one report. Identical content or a known submission id changes nothing (200, "unchanged")."""
    outcome = submit(settings, scope.principal, [body])[0]
    if outcome.status == "unchanged":
        response.status_code = status.HTTP_200_OK
    return {**outcome.__dict__, "result": stored_result(session, outcome.report_id, outcome.period)}


def _parse_bulk(raw: bytes, content_type: str, settings: Settings, scope: Scope,
                options: ck.AccountingOptions | None = None) -> list[ReportIn]:
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("text/csv", "application/csv", XLSX_MEDIA_TYPE):
        if kind == XLSX_MEDIA_TYPE:
            frame = read_excel(io.BytesIO(raw), max_unpacked_bytes=settings.max_xlsx_unpacked_bytes)
        else:
            text = csv_gate.precheck(raw, scope, settings.max_bulk_reports, settings.max_csv_columns)
            frame = read_csv(io.StringIO(text))  # decoded once by the gate: UTF-8 (BOM or not) or GB18030
        # every problem with its CSV line (or sheet and Excel row), before anything else; the service's options,
        # so a file is refused or accepted as the same reports sent as JSON would be
        ck.account(frame, options=options)
        return [ReportIn(report=doc) for doc in frame_to_documents(frame)]
    try:
        text = raw.decode("utf-8-sig")
        if kind in ("application/x-ndjson", "application/jsonl", "application/x-jsonlines"):
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            items = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(Problem("json_invalid", f"the body is not valid JSON: {exc}")) from None
    except RecursionError:
        raise InvalidInput(Problem("json_invalid", "the body is nested too deeply")) from None
    if isinstance(items, list) and len(items) > settings.max_bulk_reports:
        raise _too_many(len(items), settings)
    try:
        return _batch.validate_python(items)
    except ValidationError as exc:
        raise InvalidInput(validation_problems(exc)) from None


def _too_many(count: int, settings: Settings) -> HTTPException:
    return HTTPException(413, f"{count} reports in one submission; the limit is {settings.max_bulk_reports}")


@router.post("/bulk", operation_id="submit_reports_bulk",
             openapi_extra={"requestBody": {"content": {
                 "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/ReportIn"}}},
                 "application/x-ndjson": {"schema": {"type": "string"}},
                 "text/csv": {"schema": {"type": "string"}},
                 XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}, "required": True}},
             response_model=BulkOutcome)
async def submit_bulk(request: Request, scope: ScopeDep, settings: SettingsDep) -> dict[str, Any]:
    """Store many reports at once: a JSON array, JSON lines, a CSV of the long format or a filled Excel template
    (.xlsx). All or nothing."""
    raw = await request.body()
    reports = await run_in_threadpool(_parse_bulk, raw, request.headers.get("content-type", "application/json"),
                                      settings, scope, options_for(settings))
    if len(reports) > settings.max_bulk_reports:
        raise _too_many(len(reports), settings)
    outcomes = await run_in_threadpool(submit, settings, scope.principal, reports)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("created", "revised", "unchanged")}
    return {**counts, "reports": [{"enterprise": o.enterprise, "period": o.period, "revision": o.revision,
                                   "status": o.status} for o in outcomes]}

