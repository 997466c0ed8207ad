"""CLI commands: ``carbonkit screen`` (low-efficiency capacity screen) and ``carbonkit grade`` (亩产效益 grading)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.table import Table
from rich.console import JustifyMethod

from carbonkit.accounting import AccountingOptions
from carbonkit.benefit import grade, load_scheme, load_screen_data, read_benefit, screen
from carbonkit.benefit.grading import GradeResult
from carbonkit.benefit.screen import ScreenResult
from cli.output import Format, FormatOpt, ReleaseOpt, fail, _fmt, err, out
from carbonkit.errors import CarbonkitError
from reports.excel import csv_text
from carbonkit.factors import load_release

_RESULT_STYLE = {"pass": "green", "fail": "bold red", "missing": "yellow", "incomplete": "yellow",
                 "not_applicable": "dim", "industry_missing": "yellow"}


def _s(value) -> str:
    """Text of a cell: '' for None and NaN."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _styled(text: str | None) -> str:
    style = _RESULT_STYLE.get(text or "")
    return f"[{style}]{text}[/]" if style else str(text or "")


Input = Annotated[Path, typer.Argument(help="activity documents (.json/.jsonl, each may carry a 'benefit' member) or a CSV long table")]
ProfilesOpt = Annotated[Path | None, typer.Option("--profiles", help="JSON list of benefit profiles (equipment, "
                                                                     "pollutants, facts) per enterprise")]


def screen_cmd(
    input: Input,
    profiles: ProfilesOpt = None,
    format: FormatOpt = Format.table,
    benefit_standards: Annotated[str | None, typer.Option(help="benefit standards: shipped id or your TOML file")] = None,
    technical_standards: Annotated[str | None, typer.Option(help="technical standards: shipped id or your TOML file")] = None,
    industry_map: Annotated[str | None, typer.Option(help="GB/T 4754 industry map: shipped id or your TOML file")] = None,
    release: ReleaseOpt = None,
) -> None:
    """Screen enterprises against the low-efficiency capacity standards (Shandong 14th FYP, 专栏1)."""
    try:
        data = load_screen_data(benefit_standards, technical_standards, industry_map)
        result = screen(read_benefit(input, profiles), standards=data, release=load_release(release))
    except (CarbonkitError, FileNotFoundError) as exc:
        fail(exc)
    if format is Format.csv:
        frame = result.checks.merge(result.verdicts[["enterprise", "period", "screen_industry", "verdict"]],
                                    on=["enterprise", "period"], how="left")
        sys.stdout.write(csv_text(frame))
        return
    if format is Format.json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    _print_screen(result)


def grade_cmd(
    input: Input,
    profiles: ProfilesOpt = None,
    format: FormatOpt = Format.table,
    scheme: Annotated[str | None, typer.Option(help="grading scheme: shipped id or your TOML file (default: the "
                                                    "example county scheme)")] = None,
    region: Annotated[str | None, typer.Option(help="only enterprises whose region code starts with this")] = None,
    park: Annotated[str | None, typer.Option(help="only the enterprises of this park")] = None,
    by: Annotated[str | None, typer.Option("--by", help="rank within park, region or industry (default: all together)")] = None,
    release: ReleaseOpt = None,
) -> None:
    """Grade enterprises A-D by output per mu (亩产效益): score = Σ weight × indicator ÷ benchmark."""
    try:
        chosen = load_scheme(scheme)
        result = grade(read_benefit(input, profiles), chosen, region=region, park=park, group_by=by,
                       release=load_release(release), options=AccountingOptions())
    except (CarbonkitError, FileNotFoundError) as exc:
        fail(exc)
    if format is Format.csv:
        sys.stdout.write(csv_text(result.grades))
        return
    if format is Format.json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if chosen.example:
        err.print(f"[yellow]Note:[/] scheme {chosen.id} is an example ({chosen.issuing_body}), not Shandong's: "
                  "pass your county's scheme with --scheme FILE.", highlight=False)
    _print_grades(result)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("screen")(screen_cmd)
    app.command("grade")(grade_cmd)


def _print_screen(result: ScreenResult) -> None:
    checks = result.checks
    for v in result.verdicts.to_dict("records"):
        title = f"{v['enterprise']}" + (f" {v['name']}" if v.get("name") else "") + f" — {v['period']}"
        head = (f"industry {_s(v.get('industry')) or '—'}: {_s(v['screen_industry_name']) or _s(v['reason'])}; "
                f"verdict {_styled(v['verdict'])}")
        mine = checks[(checks["enterprise"] == v["enterprise"]) & (checks["period"] == v["period"])]
        if mine.empty:
            out.print(f"[bold]{title}[/]  {head}", highlight=False)
            continue
        table = Table(title=f"{title}  ({head})", title_justify="left", header_style="bold")
        for col, justify in (("Standard", "left"), ("Level", "left"), ("Value", "right"), ("Limit", "right"),
                             ("Unit", "left"), ("Result", "left"), ("Margin", "right"), ("Why / unit / note", "left")):
            table.add_column(col, justify=cast(JustifyMethod, justify), overflow="fold")
        for c in mine.to_dict("records"):
            shaky = " [yellow](unverified)[/]" if c["status"] == "unverified" else ""
            table.add_row(f"{c['indicator']}{shaky}", c["level"], _fmt(c["value"], decimals=4), _fmt(c["limit"], decimals=4),
                          _s(c["unit"]), _styled(c["result"]), _fmt(c["margin"], decimals=4),
                          _s(c["missing"]) or _s(c["unit_id"]) or _s(c["note"]))
        out.print(table)
    ids = ", ".join(f"{k} {v}" for k, v in result.documents.items())
    out.print(f"Data: {ids}; accounting release {result.release}.", highlight=False)
    if result.unverified:
        out.print(f"[yellow]Note:[/] {len(result.unverified)} standard(s) used are marked unverified: "
                  + ", ".join(result.unverified) + ".", highlight=False)


def _print_grades(result: GradeResult) -> None:
    g = result.grades.sort_values(["period", "rank"], na_position="last", kind="stable")
    table = Table(title=f"亩产效益 grades, scheme {result.scheme.id}", title_justify="left", header_style="bold")
    for col, justify in (("Rank", "right"), ("Enterprise", "left"), ("Period", "left"), ("Score", "right"),
                         ("Class", "left"), ("Held back most by", "left"), ("Missing", "left")):
        table.add_column(col, justify=cast(JustifyMethod, justify), overflow="fold")
    for r in g.to_dict("records"):
        rank = "—" if r["rank"] is None or r["rank"] != r["rank"] else f"{int(r['rank'])}/{r['graded']}"
        table.add_row(rank, _s(r.get("name")) or r["enterprise"], str(r["period"]), _fmt(r["score"], decimals=2),
                      _s(r["grade"]) or "—", (_s(r["holding_back_name"]) or "—") if r["status"] == "graded" else "—",
                      _s(r["missing"]))
    out.print(table)
    if result.unverified:
        out.print(f"[yellow]Note:[/] values marked unverified in the scheme: {', '.join(result.unverified)}.",
                  highlight=False)
