"""What the dashboard's selectors and downloads need: ``GET /v1/dashboard/context`` and ``POST /v1/dashboard/table.xlsx``.

The context is the key's scope described for the page: the annual periods with reports (the year selector), the
indicators the aggregates answer, named and united by the catalog (:mod:`carbonkit.catalog`; the indicator
selector), and names for the codes it will show: cities and counties by GB/T 2260, industries by GB/T 4754-2017
(:mod:`reports.names`), parks and enterprises by their registered names. A park key gets its own parks
and enterprises only (the same scope as ``/v1/aggregates``).

A table the page shows is downloaded as ``.xlsx`` by posting it back; text cells that a spreadsheet would read as a
formula (a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return) are written with a leading apostrophe
(OWASP "CSV injection"), numbers stay numbers.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from fastapi import APIRouter, Response
from openpyxl import Workbook
from pydantic import BaseModel, ConfigDict, Field
from api.deps import RegionalDep, SessionDep
from api.models import Park
from api.params import ParkId
from api.public import DashboardContext
from api.store_results import annual_periods, load_register, parks_in
from carbonkit.aggregation import INTENSITIES, SUM_COLUMNS
from carbonkit.errors import InvalidInput, Problem
from reports.excel import XLSX_MEDIA_TYPE, formula_safe
from carbonkit.catalog import catalog
from carbonkit.messages import unit_text
from reports.names import industry_name, region_name

router = APIRouter(prefix="/v1/dashboard", tags=["dashboard"])



def _short(code: str) -> str:
    """A city or county without its province (青岛市, 青岛市黄岛区); the code when GB/T 2260 does not know it."""
    full, province = region_name(code), region_name(code[:2])
    return full[len(province):] if full != code and full.startswith(province) and full != province else full


def _region_names(register: pd.DataFrame) -> dict[str, list[dict[str, str]]]:
    regions = sorted({str(r) for r in register["region"].dropna() if str(r)[:6].isdigit()})
    return {"cities": [{"code": c, "name": _short(c)} for c in sorted({r[:4] for r in regions})],
            "counties": [{"code": c, "name": _short(c), "city": c[:4]} for c in sorted({r[:6] for r in regions})]}


def _industry_names(register: pd.DataFrame) -> dict[str, list[dict[str, str]]]:
    industries = sorted({str(i).upper() for i in register["industry"].dropna() if str(i)})
    divisions = sorted({i[:3] for i in industries if len(i) >= 3 and i[0].isalpha()})
    return {"sections": [{"code": s, "name": industry_name(s)} for s in sorted({i[0] for i in industries if i[0].isalpha()})],
            "divisions": [{"code": d, "name": industry_name(d), "section": d[0]} for d in divisions]}


def _names(register: pd.DataFrame, parks: list[Park]) -> dict[str, Any]:
    """Names of the scope's cities and counties (GB/T 2260), industry sections and divisions (GB/T 4754), parks
    and enterprises."""
    return {
        **_region_names(register), **_industry_names(register),
        "parks": [{"id": p.id, "name": p.name or p.id, "region": p.region} for p in parks],
        "enterprises": {str(e): (str(n) if n else str(e)) for e, n in zip(register["enterprise"], register["name"])},
    }


def _indicators() -> list[dict[str, Any]]:
    known = catalog()
    wanted = [name for name, _, _ in INTENSITIES] + list(SUM_COLUMNS)
    return [{**known[c].to_dict(), "unit_zh": unit_text(known[c].unit, "zh")} for c in wanted if c in known]


@router.get("/context", operation_id="get_dashboard_context", response_model=DashboardContext)
def context(session: SessionDep, scope: RegionalDep, park: ParkId = None) -> dict[str, Any]:
    """Years with reports, the indicators (catalog names and units, the unit also in Chinese) and the names of the
    scope's codes."""
    parks = scope.parks_for(park)
    return {"scope": {"role": scope.role, "parks": parks},
            "years": [int(p) for p in annual_periods(session, parks, None)],
            "indicators": _indicators(), **_names(load_register(session, parks, None), parks_in(session, parks))}


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field("table", min_length=1, max_length=31, description="the sheet's name")
    head: list[str] = Field(max_length=200)
    rows: list[list[str | float | int | bool | None]] = Field(max_length=200_000)


def _cells(body: Table) -> list[list[str | float | int | bool | None]]:
    return [list(body.head), *body.rows]


def _refuse_unwritable(body: Table) -> None:
    """A control character that an .xlsx cell cannot hold is a 422 naming the cell, not a failed download."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    problems = [Problem("cell_invalid", f"row {r}, column {c + 1}: a control character an .xlsx cell cannot hold",
                        row=r, field=f"column {c + 1}", expected="text without control characters")
                for r, row in enumerate(_cells(body)) for c, v in enumerate(row)
                if isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v)]
    if problems:
        raise InvalidInput(problems[:100])


@router.post("/table.xlsx", operation_id="dashboard_table_xlsx", response_class=Response,
             responses={200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "the table as an .xlsx workbook"}})
def table_xlsx(body: Table, _scope: RegionalDep) -> Response:
    """The table as an .xlsx workbook of one sheet (header row first)."""
    _refuse_unwritable(body)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="".join(ch for ch in body.title if ch not in "[]:*?/\\") or "table")
    sheet.append([formula_safe(h) for h in body.head])
    for row in body.rows:
        sheet.append([formula_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="table.xlsx"'})
