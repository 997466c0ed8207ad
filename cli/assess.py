"""CLI commands: ``carbonkit assess factory|park|criteria``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.table import Table
from rich.console import JustifyMethod

from cli.output import Format, ReleaseOpt, fail, out
from carbonkit.errors import CarbonkitError


def _load_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"no such file: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        from carbonkit.errors import InvalidInput, Problem

        raise InvalidInput(Problem("json_invalid", f"{path.name}: not valid JSON: {exc}", field="file")) from None


def _show(value, decimals: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:,.{decimals}f}" if abs(value) >= 0.01 or value == 0 else f"{value:.4g}"


def print_assessment(a: Any, fmt: Format) -> None:
    """Print an Assessment as a readable report (gates, indicators, total, verdict, missing, gaps), or as JSON."""
    if fmt is not Format.table:
        sys.stdout.write(json.dumps(a.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    crit = a.criteria
    who = ", ".join(f"{k} {v}" for k, v in a.subject.items() if v not in (None, [], "") and not isinstance(v, list))
    out.print(f"[bold]{who}[/] against [bold]{crit['id']}[/]: {crit['title']}", highlight=False)
    out.print(_gates_table(a))
    out.print(_indicators_table(a))
    _print_verdict(a)
    _print_missing_and_gaps(a)
    if a.unverified:
        out.print(f"[yellow]Note:[/] this result rests on {len(a.unverified)} value(s) marked unverified in the criteria "
                  f"set ({', '.join(a.unverified[:6])}{', ...' if len(a.unverified) > 6 else ''}). Replace them with "
                  "your own file: --criteria FILE.", highlight=False)
    if a.release:
        out.print(f"Computed indicators use factor release {a.release}.", highlight=False)


def _gates_table(a: Any) -> Table:
    gates = Table(title="Veto gates (基本要求)", title_justify="left", header_style="bold")
    for col in ("Gate", "Met"):
        gates.add_column(col)
    for g in a.gates:
        gates.add_row(f"{g['name_en']} ({g['id']})", {True: "yes", False: "[red]NO[/]", None: "[yellow]not stated[/]"}[g["passed"]])
    return gates


def _indicators_table(a: Any) -> Table:
    table = Table(title="Indicators", title_justify="left", header_style="bold")
    for col, just in (("Group", "left"), ("Indicator", "left"), ("Value", "right"), ("Unit", "left"), ("Source", "left"),
                      ("Base", "right"), ("Lead", "right"), ("Points", "right")):
        table.add_column(col, justify=cast(JustifyMethod, just))
    for r in a.indicators:
        mark = "" if r.counted else " (not counted)"
        flag = " ⚠" if r.status == "unverified" else ""
        table.add_row(r.group, f"{r.name_en}{flag}{mark}", _show(r.value, 3), r.unit if r.unit and r.unit != "dimensionless" else "",
                      r.source or "[yellow]missing[/]", _show(r.base, 3), _show(r.lead, 3),
                      f"{_show(r.points)} / {r.max_points:g}")
    return table


def _print_verdict(a: Any) -> None:
    groups = "; ".join(f"{g['name_en']} {g['points']:.2f}/{g['max_points']:g}" for g in a.groups)
    out.print(f"Groups: {groups}", highlight=False)
    score = "—" if a.score is None else f"{a.score:.2f}"
    out.print(f"Total {a.total:.2f} of {a.max_total:g} points = [bold]{score}[/] of 100; pass score "
              f"{'—' if a.pass_score is None else f'{a.pass_score:g}'}", highlight=False)
    verdict = {True: "[green]PASS[/]", False: "[red]FAIL[/]", None: "[yellow]NOT ASSESSABLE[/]"}[a.passed]
    out.print(f"Result: {verdict}", highlight=False)
    for reason in a.reasons:
        out.print(f"  • {reason}", highlight=False)


def _print_missing_and_gaps(a: Any) -> None:
    if a.missing:
        out.print(f"[yellow]Missing ({len(a.missing)}):[/]", highlight=False)
        for m in a.missing:
            extra = f" (or supply {m['or_instead']})" if "or_instead" in m else ""
            out.print(f"  • {m['kind']} {m['id']}: {m['what']}{extra}", highlight=False)
    if a.gaps:
        gaps = Table(title="Gap to full marks, largest gain first", title_justify="left", header_style="bold")
        for col in ("Indicator", "Now", "For base", "Gain", "For lead", "Gain"):
            gaps.add_column(col, justify="left" if col == "Indicator" else "right")
        for g in a.gaps:
            gaps.add_row(g.name_en, _show(g.value, 3), _show(g.value_for_base, 3), f"+{g.gain_at_base:.2f}",
                         _show(g.value_for_lead, 3), f"+{g.gain_at_lead:.2f}")
        out.print(gaps)


assess_app = typer.Typer(help="Green factory and green park assessment against criteria sets.", no_args_is_help=True)


@assess_app.command("factory")
def factory_cmd(
    input: Annotated[Path, typer.Argument(help="JSON: {document: <enterprise-period>, gates, values, benchmarks, not_applicable}")],
    criteria: Annotated[str | None, typer.Option(help="criteria set id or a TOML file of the same schema")] = None,
    release: ReleaseOpt = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="table or json")] = Format.table,
) -> None:
    """Assess a factory: veto gates, every indicator, the total and the gap list."""
    from carbonkit.assess import assess_factory

    try:
        result = assess_factory(_load_json(input), criteria, release=release)
    except (CarbonkitError, FileNotFoundError) as exc:
        fail(exc)
    print_assessment(result, format)


@assess_app.command("park")
def park_cmd(
    input: Annotated[Path, typer.Argument(help="JSON: {park, year, land_area, gates, values, benchmarks, enterprises}")],
    activities: Annotated[Path | None, typer.Option(help="the park's enterprises' activity data (.csv, .json), "
                                                             "instead of 'enterprises' in INPUT")] = None,
    criteria: Annotated[str | None, typer.Option(help="criteria set id or a TOML file of the same schema")] = None,
    release: ReleaseOpt = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="table or json")] = Format.table,
) -> None:
    """Assess a green industrial park for a year from its enterprises' accounting and the park's statements."""
    from carbonkit.assess import assess_park, park_summaries

    try:
        data = _load_json(input)
        summaries = None if activities is None else park_summaries(activities, data.get("park"), release)
        result = assess_park(data, criteria, summaries=summaries, release=release)
    except (CarbonkitError, FileNotFoundError) as exc:
        fail(exc)
    print_assessment(result, format)


@assess_app.command("criteria")
def criteria_cmd(
    criteria_id: Annotated[str | None, typer.Argument(help="a criteria set id or TOML file to show")] = None,
) -> None:
    """List the shipped criteria sets, or show one indicator by indicator with status marks."""
    from carbonkit.assess.criteria import FOLDER, load_criteria
    from carbonkit.factors.documents import shipped

    try:
        if criteria_id is None:
            table = Table(title="Criteria sets (factors/criteria)", title_justify="left", header_style="bold")
            for col in ("id", "kind", "edition", "indicators", "title"):
                table.add_column(col)
            for path in shipped(FOLDER):
                c = load_criteria(path)
                table.add_row(c.id, c.kind, c.edition, str(len(c.indicator)), c.title)
            out.print(table)
            return
        c = load_criteria(criteria_id)
    except CarbonkitError as exc:
        fail(exc)
    out.print(f"[bold]{c.id}[/] ({c.kind}): {c.title}\nSource: {c.source}; {c.issuing_body}, {c.published}\n{c.notes}",
              highlight=False)
    if c.scoring is not None and c.pass_rule is not None:
        out.print(f"Scoring: {c.scoring.method} ({c.scoring.status}); pass: {c.pass_rule.note} ({c.pass_rule.status})",
                  highlight=False)
    table = Table(header_style="bold")
    for col in ("id", "group", "indicator", "unit", "direction", "base", "lead", "points", "status"):
        table.add_column(col)
    for i in c.indicator:
        table.add_row(i.id, i.group, i.name_zh, i.unit or "", i.direction or i.type, _show(i.base, 3),
                      _show(i.lead, 3) if not i.tiers else "tiered", f"{i.points:g}", i.status)
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add ``carbonkit assess`` to the root app."""
    app.add_typer(assess_app, name="assess")
