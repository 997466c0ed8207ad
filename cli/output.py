"""Output and options shared by every ``carbonkit`` command: the consoles, the output formats, number formatting,
the one way a command fails (problems listed, exit code 2), and the options several commands share, whose
defaults are the library's (``AccountingOptions``), so every entry point accounts the same data the same way."""

from __future__ import annotations

import math
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from carbonkit.accounting import AccountingOptions
from carbonkit.errors import InvalidInput

out = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class GridLevel(str, Enum):
    """Where the grid-factor chain starts (AccountingOptions.grid_level)."""

    province = "province"
    grid = "grid"
    national = "national"


# options several commands share
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, json or csv")]
ReleaseOpt = Annotated[str | None, typer.Option(help="factor release for the accounting (default: the current one)")]
FactorsOpt = Annotated[list[Path] | None, typer.Option("--factors", help="your own factor table (CSV with a TOML beside it)")]
RegionOpt = Annotated[str | None, typer.Option(help="administrative code prefix: 37, 3702 or 370211")]
ParkOpt = Annotated[str | None, typer.Option(help="only this park")]
DeflatorOpt = Annotated[str | None, typer.Option(help="deflator table: a shipped id (nbs-ppi-cn) or a CSV path "
                                                    "with its TOML beside it")]
OverrideOpt = Annotated[bool, typer.Option(help="deflate every enterprise-period with the table, not only those "
                                           "without comparable value added")]
FallbackOpt = Annotated[str, typer.Option(help="nearest or earlier: the grid-factor year for years without a factor")]
FALLBACK = AccountingOptions.model_fields["year_fallback"].default  # one default on every path (the library's)
DesignationsOpt = Annotated[Path | None, typer.Option(help="CSV of green designations (subject_kind, subject, kind, "
                                                         "level, year, batch[, revoked_year, region, park]): count "
                                                         "targets naming a designation kind are counted from it")]
DEFAULTS = AccountingOptions()
LocationPurposeOpt = Annotated[str, typer.Option(help="grid factor for location-based scope 2: average, fossil or "
                                                      "carbon_market")]


def _fmt(value, unit: str = "", decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "%":
        return f"{value * 100:,.{decimals}f} %"
    return f"{value:,.{decimals}f}"


def fail(exc: Exception) -> NoReturn:
    if isinstance(exc, InvalidInput):
        err.print(f"[bold red]Refused:[/] {len(exc.problems)} problem(s); nothing was accounted, written or stored.")
        for p in exc.problems[:200]:
            err.print("  • " + p.describe(), markup=False, highlight=False)
        if len(exc.problems) > 200:
            err.print(f"  ... and {len(exc.problems) - 200} more")
    else:
        err.print(f"[bold red]Error:[/] {exc}", highlight=False)
    raise typer.Exit(2)
