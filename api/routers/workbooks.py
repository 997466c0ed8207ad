"""Excel workbooks from the service: the fill-in template (``GET /v1/template``). Filled workbooks are
submitted to ``POST /v1/reports/bulk`` with the .xlsx media type."""

from __future__ import annotations

import io
from typing import Literal

from fastapi import APIRouter, Response

from api.deps import ScopeDep
from reports.excel import XLSX_MEDIA_TYPE, write_template

router = APIRouter(prefix="/v1", tags=["workbooks"])


@router.get("/template", operation_id="get_template", response_class=Response,
            responses={200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "the .xlsx template"}})
def template(_scope: ScopeDep, lang: Literal["zh", "en"] = "zh") -> Response:
    """The Excel fill-in template (energy, water and economic sheets with drop-down lists), headers in
    Chinese or English. Any key may download it."""
    buffer = io.BytesIO()
    write_template(buffer, lang)
    return Response(buffer.getvalue(), media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="carbonkit-template-{lang}.xlsx"'})
