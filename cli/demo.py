"""The demo's service part: the examples go through the same ingest as the API, into the default database."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlmodel import col, func

import carbonkit as ck
from carbonkit.catalog import indicator
from api.db import session_scope, upgrade
from api.ingest import ReportIn, submit
from api.keys import Principal
from api.models import Enterprise, Report, Result
from api.settings import Settings
from carbonkit.documents import frame_to_documents
from carbonkit.datafiles import examples_dir


def run_demo(settings: Settings, out: Console) -> None:
    upgrade(settings.database_url)
    province = Principal(key_id=None, role="province", name="demo")
    folder = examples_dir()
    docs = [*frame_to_documents(ck.read_activities(folder / "park.csv")),
            *frame_to_documents(ck.read_activities(folder / "tyre_maker_series.csv"))]
    outcomes = submit(settings, province, [ReportIn(report=d) for d in docs])
    counts = {s: sum(o.status == s for o in outcomes) for s in ("created", "revised", "unchanged")}
    out.rule(f"[bold]Stored in {settings.database_url}[/]")
    out.print(f"{len(outcomes)} reports: {counts['created']} created, {counts['revised']} revised, "
              f"{counts['unchanged']} unchanged (run it again: all unchanged).", highlight=False)
    with session_scope(settings) as session:
        rows: list[Any] = list(session.connection().execute(
            select(col(Enterprise.park_id), col(Report.period), func.count(), func.sum(Result.energy_equivalent_tce),
                   func.sum(Result.co2_location_tco2), func.sum(Result.value_added_10k_cny))
            .join(Report, col(Report.enterprise_id) == col(Enterprise.id)).join(Result, col(Result.report_id) == col(Report.id))
            .where(col(Report.is_latest)).group_by(col(Enterprise.park_id), col(Report.period))
            .order_by(col(Enterprise.park_id), col(Report.period))
        ).all())
    table = Table(title="Latest reports in the database, by park and period", title_justify="left")
    for name in ("park", "period", "enterprises"):
        table.add_column(name, justify="left" if name in ("park", "period") else "right")
    for column in ("energy_equivalent_tce", "co2_location_tco2", "energy_intensity_tce_per_10k_cny"):  # catalog names
        table.add_column(indicator(column).heading("en"), justify="right")
    for park, period, n, tce, co2, va in rows:
        table.add_row(park or "(none)", period, str(n), f"{tce:,.0f}", f"{co2:,.0f}", f"{tce / va:.3f}" if va else "—")
    out.print(table)
