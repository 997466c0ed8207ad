"""Output shared by every ``carbonkit`` command: the consoles, the output formats, number formatting and
the one way a command fails (problems listed, exit code 2)."""

from __future__ import annotations

import math
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

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


def _fmt(value, unit: str = "", decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "%":
        return f"{value * 100:,.{decimals}f} %"
    return f"{value:,.{decimals}f}"


def fail(exc: Exception) -> None:
    if isinstance(exc, InvalidInput):
        err.print(f"[bold red]Refused:[/] {len(exc.problems)} problem(s); nothing was accounted, written or stored.")
        for p in exc.problems[:200]:
            err.print("  • " + p.describe(), markup=False, highlight=False)
        if len(exc.problems) > 200:
            err.print(f"  ... and {len(exc.problems) - 200} more")
    else:
        err.print(f"[bold red]Error:[/] {exc}", highlight=False)
    raise typer.Exit(2)
