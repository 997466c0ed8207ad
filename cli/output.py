"""Output and options shared by every ``carbonkit`` command: the consoles, the output formats, number formatting,
the one way a command fails (problems listed, exit code 2), and the options several commands share, whose
defaults are the library's (``AccountingOptions``), so every entry point accounts the same data the same way."""

from __future__ import annotations

import math
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import numpy as np
import pandas as pd
import typer
from rich.console import Console

from carbonkit.accounting import AccountingOptions, AccountingResult
from carbonkit.errors import InvalidInput
from reports.excel import csv_text, formula_safe

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


def csv_text_fast(frame: pd.DataFrame) -> str:
    """:func:`reports.excel.csv_text` of ``frame``, byte for byte, formatted a column at a time: each distinct
    value of a column is formatted once (floats by ``repr``, as pandas writes float64; texts made formula-safe
    and quoted where they hold a comma, a quote or a line feed, as the csv module quotes them) and the rows are
    joined. A frame this does not cover (a text with a carriage return, which ``csv_text`` writes with every
    text quoted; a column of another dtype; no rows) goes to ``csv_text`` itself.

    Parameters
    ----------
    frame : DataFrame
        The table to write (a summary: float64, integer and text columns).

    Returns
    -------
    str
        The CSV text, header line first, each line ended by a line feed.
    """
    plain = len(frame) and len(frame.columns) > 1 and frame.columns.is_unique  # one column: csv quotes an empty cell
    columns = [_csv_cells(frame[c]) for c in frame.columns] if plain else [None]
    if any(cells is None for cells in columns):
        return csv_text(frame)
    header = ",".join(_quoted(formula_safe(str(c))) if isinstance(c, str) else str(c) for c in frame.columns)
    return header + "\n" + "\n".join(map(",".join, zip(*columns))) + "\n"  # type: ignore[arg-type]  # none is None


def _csv_cells(column: pd.Series) -> list[str] | None:
    """The column's cells as csv_text writes them, or None where this formatting does not cover the column."""
    dtype = column.dtype
    if dtype == np.float64:
        codes, bits = pd.factorize(column.to_numpy().view(np.int64))  # by bits: 0.0 and -0.0 apart
        floats = bits.view(np.float64)
        texts = list(map(float.__repr__, floats.tolist()))
        for i in np.flatnonzero(np.isnan(floats)).tolist():
            texts[i] = ""  # NaN: an empty cell
        return _cells(codes, texts)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return column.to_numpy().astype(str).tolist()
    if isinstance(dtype, pd.Int64Dtype):
        codes, values = pd.factorize(column.astype(object), use_na_sentinel=True)
        return _cells(codes, [str(v) for v in values])
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        codes, distinct = pd.factorize(column, use_na_sentinel=True)
        if not all(isinstance(v, str) and "\r" not in v for v in distinct):
            return None  # numbers or other objects in a text column (left to pandas), or a CR (every text quoted)
        return _cells(codes, [_quoted(formula_safe(v)) for v in distinct])
    return None


def _cells(codes: np.ndarray, texts: list[str]) -> list[str]:
    """The text of each row's code (-1: missing, written empty)."""
    cells: list[str] = np.array([*texts, ""], dtype=object)[codes].tolist()
    return cells


def _quoted(text: str) -> str:
    """A field as the csv module writes it (QUOTE_MINIMAL, line feed ending a line): quoted where it holds the
    delimiter, the quote (doubled) or a line feed."""
    return '"' + text.replace('"', '""') + '"' if ("," in text or '"' in text or "\n" in text) else text


def write_summary_csv(result: AccountingResult, path: Path) -> None:
    """Write a result's summary to ``path`` as ``reports.excel.export_results`` writes a .csv (UTF-8 with a BOM,
    :func:`csv_text_fast`, the same bytes) and say so in one line, as ``cli.workbooks.write_results`` does.

    Parameters
    ----------
    result : AccountingResult
        The accounting's result.
    path : Path
        The .csv file to write.
    """
    try:
        path.write_text(csv_text_fast(result.summary), encoding="utf-8-sig", newline="")
    except OSError as exc:
        fail(exc)
    out.print(f"Wrote {len(result.summary)} result(s) to {path} (factor release {result.release}"
              + (f"; {len(result.unverified_factors)} unverified factor(s) marked" if result.unverified_factors else "")
              + ").", highlight=False)
