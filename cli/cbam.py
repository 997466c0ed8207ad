"""CLI commands ``carbonkit cbam report`` (embedded emissions of an installation's goods for the EU CBAM: table,
JSON, .xlsx, bilingual HTML) and ``carbonkit cbam defaults`` (the shipped default values and mark-ups)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from carbonkit.cbam import CbamResult, embedded_emissions, load_defaults, read_installation
from cli.output import Format, FormatOpt, fail, _fmt, out
from carbonkit.errors import CarbonkitError

DataOpt = Annotated[str | None, typer.Option("--defaults", help="default values: shipped id or your TOML file (default: China)")]
GoodsOpt = Annotated[str | None, typer.Option("--goods", help="goods categories: shipped id or your TOML file")]


cbam_app = typer.Typer(help="EU CBAM: embedded emissions of exported goods (Regulation (EU) 2023/956).",
                       no_args_is_help=True)


@cbam_app.command("report")
def report_cmd(
    input: Annotated[Path, typer.Argument(help="installation JSON (see carbonkit.cbam.model)")],
    format: FormatOpt = Format.table,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="write the communication workbook here")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="write the bilingual HTML summary here")] = None,
    defaults: DataOpt = None,
    goods: GoodsOpt = None,
) -> None:
    """Attribute an installation's emissions to its goods: SEE per CN code, the default with the year's
    mark-up and the difference, the carbon price paid."""
    try:
        result = embedded_emissions(read_installation(input), goods=goods, defaults=defaults)
    except (CarbonkitError, FileNotFoundError) as exc:
        fail(exc)
    comm = result.to_dict()
    _write_files(comm, xlsx, html)
    if format is Format.json:
        sys.stdout.write(json.dumps(comm, ensure_ascii=False, indent=2) + "\n")
    elif format is Format.csv:
        import pandas as pd
        sys.stdout.write(pd.DataFrame(comm["goods"]).to_csv(index=False))
    else:
        _print(result)


@cbam_app.command("defaults")
def defaults_cmd(
    cn: Annotated[str | None, typer.Argument(help="a CN code (digits): its default value")] = None,
    year: Annotated[int, typer.Option(help="year of import, for the mark-up")] = 2026,
    defaults: DataOpt = None,
) -> None:
    """List the shipped default values [tCO2e/t] with their status, or the one of a CN code."""
    try:
        data = load_defaults(defaults)
    except CarbonkitError as exc:
        fail(exc)
    rows = data.default if cn is None else [r for r in [data.default_for(cn.replace(" ", ""))] if r]
    if cn is not None and not rows:
        out.print(f"No default value shipped for CN {cn} in {data.id} (left out: not found in a source).")
        raise typer.Exit(1)
    table = Table(title=f"{data.id} ({data.country}), import year {year}", title_justify="left", header_style="bold")
    for col in ("CN", "Description", "Direct", "Indirect", "Mark-up", "Status"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r.cn_code, r.description, _fmt(r.direct, decimals=4), _fmt(r.indirect, decimals=4),
                      _markup(data, year, r.cn_code), r.status)
    out.print(table)
    out.print(f"Source: {data.source}. {data.notes}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``carbonkit cbam ...`` to the root app."""
    app.add_typer(cbam_app, name="cbam")


def _markup(data, year: int, cn: str) -> str:
    from carbonkit.cbam import load_goods

    cat = load_goods().category_of(cn.ljust(8, "0")) or load_goods().category_of(cn)
    m = data.markup_for(year, cat.sector) if cat else None
    return "—" if m is None else f"{m.value * 100:.0f} % ({m.status})"


def _write_files(comm: dict, xlsx: Path | None, html: Path | None) -> None:
    from reports.cbam import html_summary, write_xlsx

    if xlsx is not None:
        write_xlsx(comm, xlsx)
        out.print(f"Wrote {xlsx}", highlight=False)
    if html is not None:
        html.write_text(html_summary(comm), encoding="utf-8")
        out.print(f"Wrote {html}", highlight=False)


def _print(result: CbamResult) -> None:
    inst = result.installation
    table = Table(title=f"CBAM {inst.id} {inst.name} — {inst.period_start}..{inst.period_end}, import year "
                        f"{inst.import_year}", title_justify="left", header_style="bold")
    for col in ("CN", "Process", "t", "SEE dir", "SEE ind", "SEE charged", "Default+mark-up", "Difference",
                "Carbon price/t"):
        table.add_column(col, justify="left" if col in ("CN", "Process") else "right")
    for g in result.goods:
        table.add_row(g.cn_code, g.process, _fmt(g.quantity_t, decimals=0), _fmt(g.see_direct, decimals=4),
                      _fmt(g.see_indirect, decimals=4), _fmt(g.see_charged, decimals=4),
                      _fmt(g.default_marked_up, decimals=4), _fmt(g.difference, decimals=4),
                      _fmt(g.carbon_price_per_t, decimals=2))
    out.print(table)
    out.print("SEE and defaults in tCO2e/t; carbon price in the stated currency per tonne. Direct emissions "
              f"{result.direct_emissions:,.1f} tCO2e, attributed {result.attributed_direct:,.1f} tCO2e.", highlight=False)
    for note in result.notes:
        out.print(f"[yellow]Note:[/] {note}", highlight=False)
