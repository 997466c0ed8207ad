"""EU CBAM: the communication of an installation's embedded emissions (JSON, .xlsx or bilingual HTML), and the
shipped default values. Nothing is stored.

Roles as for reports: the province may post for any registered enterprise, a park key for its parks'
enterprises, an enterprise key only for itself. An enterprise the key may not see answers exactly like one
that does not exist (404).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.responses import JSONResponse

from api.deps import ScopeDep, SessionDep
from api.public import CbamDefaultsPublic
from api.queries import visible_enterprise
from carbonkit.cbam import Installation, embedded_emissions, load_defaults
from reports.excel import XLSX_MEDIA_TYPE

router = APIRouter(prefix="/v1/cbam", tags=["cbam"])

Cn = Annotated[str | None, Query(pattern=r"^\d{4,8}$", description="a CN code (digits): only its default value")]
OutFormat = Annotated[Literal["json", "xlsx", "html"], Query(description="json, xlsx or html")]


@router.get("/defaults", operation_id="list_cbam_defaults", response_model=CbamDefaultsPublic)
def list_defaults(_scope: ScopeDep, cn: Cn = None) -> dict[str, Any]:
    """The shipped default values [tCO2e/t] of the country table, with the mark-ups by year and provenance."""
    data = load_defaults()
    rows = data.default if cn is None else [r for r in [data.default_for(cn)] if r]
    return {"id": data.id, "country": data.country, "source": data.source, "edition": data.edition,
            "notes": data.notes, "markups": [m.model_dump() for m in data.markup],
            "defaults": [r.model_dump() for r in rows]}


@router.post("/enterprises/{enterprise_id}/communication", operation_id="cbam_communication",
             responses={200: {"content": {"application/json": {}, XLSX_MEDIA_TYPE: {}, "text/html": {}},
                              "description": "the communication as JSON, .xlsx or HTML (format=)"}})
def communication(enterprise_id: str, installation: Installation, session: SessionDep, scope: ScopeDep,
                  format: OutFormat = "json") -> Response:
    """Attribute the posted installation's emissions to its goods and answer the communication."""
    visible_enterprise(session, scope, enterprise_id)
    if installation.enterprise not in (None, enterprise_id):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                            f"the installation names enterprise {installation.enterprise}, the path {enterprise_id}")
    comm = embedded_emissions(installation.model_copy(update={"enterprise": enterprise_id})).to_dict()
    if format == "xlsx":
        from reports.cbam import xlsx_bytes
        return Response(xlsx_bytes(comm), media_type=XLSX_MEDIA_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="cbam-{installation.id}.xlsx"'})
    if format == "html":
        from reports.cbam import html_summary
        return Response(html_summary(comm), media_type="text/html; charset=utf-8")
    return JSONResponse(comm)
