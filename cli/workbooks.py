"""CLI commands for Excel workbooks: ``carbonkit template`` (the fill-in template) and the results file of
``carbonkit account --output FILE.xlsx|FILE.csv``."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from cli.output import fail, out
from carbonkit.errors import CarbonkitError, InvalidInput, Problem
from reports.excel import export_results, write_template

RESULT_SUFFIXES = (".xlsx", ".csv")


class Lang(str, Enum):
    zh = "zh"
    en = "en"


def check_output(path: Path | None) -> None:
    """Refuse a results file carbonkit cannot write, before any work is done."""
    if path is not None and path.suffix.lower() not in RESULT_SUFFIXES:
        fail(InvalidInput(Problem("format_unknown", f"{path.name}: cannot write '{path.suffix}' files",
                                   field="--output", expected=" or ".join(RESULT_SUFFIXES))))


def write_results(result, path: Path) -> None:
    """Write an AccountingResult to ``path`` and say so in one line."""
    try:
        export_results(result, path)
    except (CarbonkitError, OSError) as exc:
        fail(exc)
    out.print(f"Wrote {len(result.summary)} result(s) to {path} (factor release {result.release}"
              + (f"; {len(result.unverified_factors)} unverified factor(s) marked" if result.unverified_factors else "")
              + ").", highlight=False)


def template_cmd(
    lang: Annotated[Lang, typer.Option("--lang", help="language of the headers and lists: zh or en")] = Lang.zh,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="where to write the .xlsx "
                                                   "(default: carbonkit-template-LANG.xlsx)")] = None,
    units: Annotated[Path | None, typer.Option(help="your own units list (CSV: kind, unit, note) instead of "
                                                  "factors/template_units.csv")] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing file")] = False,
    form: Annotated[str | None, typer.Option("--form", help="205-1: the NBS form 205-1 workbook (能源购进、消费与库存) "
                                                "instead of the long template")] = None,
) -> None:
    """Write the Excel fill-in template: energy, water and economic sheets with drop-down lists."""
    path = output or Path(f"carbonkit-template-{form or lang.value}.xlsx")
    if path.suffix.lower() != ".xlsx":
        fail(InvalidInput(Problem("format_unknown", f"{path.name}: the template is an .xlsx workbook",
                                   field="--output", expected="a file name ending in .xlsx")))
    if path.exists() and not force:
        fail(CarbonkitError(f"{path} exists; give another --output or --force to overwrite it"))
    if form not in (None, "205-1"):
        fail(InvalidInput(Problem("form_unknown", f"'{form}' is not a form carbonkit writes", field="--form",
                                   expected="205-1")))
    try:
        if form:
            from reports.form205 import write_template as write_form_template

            write_form_template(path)
        else:
            write_template(path, lang.value, units=units)
    except (CarbonkitError, OSError) as exc:
        fail(exc)
    then = (f"carbonkit form205 {path}" if form else f"carbonkit account {path}")
    out.print(f"Wrote the template to {path}. Fill it in, then: {then}", highlight=False)


def form205_cmd(
    input: Annotated[Path, typer.Argument(help="a filled NBS 205-1 workbook (carbonkit template --form 205-1)")],
    release: Annotated[str | None, typer.Option(help="factor release name (default: the current one)")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write the results to FILE.xlsx or "
                                                   "FILE.csv")] = None,
) -> None:
    """Account a filled 205-1 form (能源购进、消费与库存): every row checked (stock balance, consumption split),
    industrial use only, a row's own coefficient where given (factor nbs205-own.<item>)."""
    from cli.account import _print_result
    from cli.output import Format
    from carbonkit.forms import account_form, read_form

    check_output(output)
    try:
        form = read_form(input)
        result = account_form(form, release=release)
    except (CarbonkitError, FileNotFoundError, OSError) as exc:
        fail(exc)
    if not form.non_industrial.empty:
        kept = ", ".join(f"{r.name_zh} {r.amount:g} {r.unit}" for r in form.non_industrial.itertuples())
        out.print(f"Non-industrial use kept out of industrial energy: {kept}", highlight=False)
    if output is not None:
        return write_results(result, output)
    _print_result(result, Format.table, None)


def register(app: typer.Typer) -> None:
    app.command("template")(template_cmd)
    app.command("form205")(form205_cmd)
