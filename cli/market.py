"""CLI commands ``carbonkit market account FILE`` and ``carbonkit market report FILE -o OUT``.

The input is the monthly key-parameter table of cement, steel and aluminium facilities
(:mod:`carbonkit.market.monthly`); the account prints emissions by facility, the report writes the guideline's
tables as bilingual HTML, ``.xlsx`` or JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.output import FactorsOpt, Format, FormatOpt, ReleaseOpt, fail, _fmt, out
from carbonkit.errors import CarbonkitError
from carbonkit.factors import load_release
from carbonkit.market import account_market, read_monthly
from reports.market_workbook import heading, to_json, write_report

InputArg = Annotated[Path, typer.Argument(help="monthly key parameters (.csv or .json): enterprise, facility, sector, "
                                                "route, year, month, parameter, item, value, unit, tier, standard")]
VIEW = ("combustion_tco2", "process_tco2", "pfc_tco2e", "electricity_tco2", "total_tco2e", "production_t",
        "intensity_tco2e_per_t")


def _account(input: Path, release: str | None, factors: list[Path] | None):
    try:
        return account_market(read_monthly(input), release=load_release(release, extra=factors))
    except (CarbonkitError, FileNotFoundError) as exc:
        fail(exc)


def _print(result, fmt: Format) -> None:
    if fmt is Format.json:
        sys.stdout.write(json.dumps(to_json(result), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if fmt is Format.csv:
        sys.stdout.write(result.facilities.to_csv(index=False))
        return
    table = Table(title="Carbon-market sectors: emissions by facility (碳排放 按设施)", title_justify="left")
    table.add_column(heading("facility", "en"))
    table.add_column(heading("year", "en"))
    for col in VIEW:
        table.add_column(heading(col, "en"), justify="right")
    for rec in result.facilities.to_dict("records"):
        table.add_row(f"{rec['enterprise']} / {rec['facility']}", str(rec["year"]),
                      *[_fmt(rec[c], decimals=4 if "per_t" in c else 1) for c in VIEW])
    out.print(table)
    for rec in result.quality.to_dict("records"):
        out.print(f"[yellow]Data quality:[/] {rec['facility']} {rec['year']}-{rec['month']:02d} {rec['parameter']} "
                  f"{rec['item']}: {rec['problem']}, {rec['handling']}", highlight=False)
    shaky = sorted(k for k, v in result.factors.items() if v.get("status") == "unverified")
    if shaky:
        out.print("[yellow]Resting on values marked unverified:[/] " + ", ".join(shaky), highlight=False)


market_app = typer.Typer(help="Cement, steel and aluminium by the MEE 2024 guidelines, from monthly key parameters.",
                         no_args_is_help=True)


@market_app.command("account")
def account_cmd(input: InputArg, format: FormatOpt = Format.table, release: ReleaseOpt = None,
                factors: FactorsOpt = None) -> None:
    """Account every facility-year of INPUT: combustion, process, PFCs, electricity and heat, per tonne."""
    _print(_account(input, release, factors), format)


@market_app.command("report")
def report_cmd(input: InputArg,
               output: Annotated[Path, typer.Option("--output", "-o", help="report.html, report.xlsx or report.json")],
               title: Annotated[str | None, typer.Option(help="a title for the HTML report")] = None,
               release: ReleaseOpt = None, factors: FactorsOpt = None) -> None:
    """Write the guideline's report tables (facility, sources, parameters, data quality, factors)."""
    result = _account(input, release, factors)
    try:
        if output.suffix.lower() == ".html":
            from reports.market import market_report
            output.write_text(market_report(result, title=title or input.stem), encoding="utf-8")
        else:
            write_report(result, output)
    except CarbonkitError as exc:
        fail(exc)
    out.print(f"Wrote {output}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``carbonkit market`` to the root app."""
    app.add_typer(market_app, name="market")
