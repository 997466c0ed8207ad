"""CLI: ``carbonkit report enterprise|region|park`` writes a self-contained HTML report (one file, inline SVG
charts, no external resources), Chinese or English."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

import typer

from cli.output import (
    FALLBACK,
    DeflatorOpt,
    DesignationsOpt,
    FactorsOpt,
    FallbackOpt,
    GridLevel,
    OverrideOpt,
    ParkOpt,
    RegionOpt,
    ReleaseOpt,
    fail,
    out,
)
from cli.status import progress_bar, working
from cli.targets import InputArg, _counts, _register
from cli.workbooks import Lang
from carbonkit.designations import read_designations
from carbonkit.errors import CarbonkitError, InvalidInput, Problem


def _statements(path: Path | None) -> dict | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(InvalidInput(Problem("assessment_unreadable", f"{path}: {exc}", field="--assessment",
                                   expected="a JSON file as for carbonkit assess factory")))
    if not isinstance(data, dict):
        fail(InvalidInput(Problem("assessment_invalid", f"{path}: not a JSON object", field="--assessment")))
    return data


def _write(html: str, path: Path, force: bool) -> None:
    if path.suffix.lower() not in (".html", ".htm"):
        fail(InvalidInput(Problem("format_unknown", f"{path.name}: a report is an .html file", field="--output",
                                   expected="a file name ending in .html")))
    if path.exists() and not force:
        fail(CarbonkitError(f"{path} exists; give another --output or --force to overwrite it"))
    try:
        path.write_text(html, encoding="utf-8")
    except OSError as exc:
        fail(exc)


def _safe(name: str) -> str:
    """A file-name-safe form of an enterprise id or period."""
    return re.sub(r"[^0-9A-Za-z_.-]", "_", name)[:80] or "_"


def _write_all(input: Path, folder: Path, lang: str, period: str | None, base_year: int | None, release: str | None,
               options: dict | None, force: bool, quiet: bool) -> None:
    """Every enterprise's report into ``folder``, with a progress bar on a terminal. Existing files are refused
    before any is written (unless --force)."""
    from reports import enterprise_reports
    from reports.enterprise import Accounted

    try:
        with working("Reading and accounting…", quiet):
            acc = Accounted.of(input, release, options)
        names = acc.picks(period)
        if not names:
            raise InvalidInput(Problem("period_unknown", f"no enterprise has period '{period}'", field="--period"))
        paths = {e: folder / f"report-{_safe(e)}-{_safe(p)}-{lang}.html" for e, p in names.items()}
        if len(set(paths.values())) < len(paths):
            raise InvalidInput(Problem("file_names_clash", "two enterprise ids give the same file name once "
                                       "characters outside 0-9 A-Z a-z _ . - are replaced", field="enterprise"))
        existing = [p for p in paths.values() if p.exists()]
        if existing and not force:
            raise CarbonkitError(f"{len(existing)} report(s) exist in {folder} (e.g. {existing[0].name}); "
                                 "give --force to overwrite them or another --output-dir")
        folder.mkdir(parents=True, exist_ok=True)
        written = 0
        with progress_bar(len(paths), "Writing reports", quiet, unit="reports") as advance:
            for enterprise, _, html in enterprise_reports(acc, lang=lang, period=period, base_year=base_year):
                paths[enterprise].write_text(html, encoding="utf-8")
                written += 1
                advance(1)
    except (CarbonkitError, OSError, ValueError) as exc:
        fail(exc)
    out.print(f"Wrote {written} enterprise reports to {folder}/.", highlight=False)


report_app = typer.Typer(help="Self-contained HTML reports (one file, charts embedded), Chinese or English.",
                         no_args_is_help=True)


@report_app.command("enterprise")
def enterprise_cmd(
    input: Annotated[Path, typer.Argument(help="activity data (.csv, .json, .xlsx); several years for trends")],
    lang: Annotated[Lang, typer.Option("--lang", help="zh or en")] = Lang.zh,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="the .html to write "
                                                   "(default: report-ENTERPRISE-PERIOD-LANG.html)")] = None,
    enterprise: Annotated[str | None, typer.Option(help="the enterprise (needed if the input has several)")] = None,
    period: Annotated[str | None, typer.Option(help="the period reported (default: the latest)")] = None,
    base_year: Annotated[int | None, typer.Option(help="base year of the comparison (default: the first year)")] = None,
    assessment: Annotated[Path | None, typer.Option(help="green-factory statements (JSON as for carbonkit "
                                                       "assess factory; 'document' may be left out) for the gap list")] = None,
    criteria: Annotated[str | None, typer.Option(help="criteria set id or TOML file for the gap list")] = None,
    release: ReleaseOpt = None,
    year_fallback: Annotated[str | None, typer.Option(help="earlier or nearest: grid factor of a year "
                                                         "without one")] = None,
    grid_level: Annotated[GridLevel | None, typer.Option(help="province (default), grid or national: where "
                                                            "the grid-factor chain starts")] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing file")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress display")] = False,
    all_: Annotated[bool, typer.Option("--all", help="one report per enterprise of the input, into --output-dir")] = False,
    output_dir: Annotated[Path, typer.Option(help="folder of the reports of --all")] = Path("reports"),
) -> None:
    """Enterprise report: energy by carrier, CO2 by scope, intensities against earlier years and the base year,
    the green-factory gap list (with --assessment). With --all, one report per enterprise."""
    from reports import enterprise_report

    statements = _statements(assessment)
    options = {k: v for k, v in (("year_fallback", year_fallback),
                                 ("grid_level", grid_level.value if grid_level else None)) if v} or None
    if all_:
        if enterprise or statements is not None or output is not None:
            fail(InvalidInput(Problem("option_conflict", "--all writes every enterprise's report: leave out "
                                       "--enterprise, --assessment and --output (use --output-dir)", field="--all")))
        _write_all(input, output_dir, lang.value, period, base_year, release, options, force, quiet)
        return
    try:
        with working("Accounting and drawing the report…", quiet):
            html = enterprise_report(input, lang=lang.value, enterprise=enterprise, period=period,
                                     base_year=base_year, assessment=statements, criteria=criteria,
                                     release=release, options=options)
    except (CarbonkitError, FileNotFoundError, ValueError) as exc:
        fail(exc)
    path = output or Path(f"report-{enterprise or input.stem}-{period or 'latest'}-{lang.value}.html")
    _write(html, path, force)
    out.print(f"Wrote the enterprise report to {path} ({len(html):,} bytes).", highlight=False)


@report_app.command("region")
def region_cmd(
    input: InputArg,
    lang: Annotated[Lang, typer.Option("--lang", help="zh or en")] = Lang.zh,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="the .html to write "
                                                   "(default: report-REGION-YEAR-LANG.html)")] = None,
    region: RegionOpt = None,
    park: ParkOpt = None,
    year: Annotated[int | None, typer.Option(help="the year reported (default: the latest annual period)")] = None,
    profile: Annotated[str | None, typer.Option("--profile", "--targets", help="target profile: a shipped id or "
                                                   "a TOML path (default: the region's)")] = None,
    by: Annotated[str, typer.Option(help="sectors of the decomposition: division, section, city, county, park")] = "division",
    top: Annotated[int, typer.Option(help="largest contributors to list per decomposition")] = 10,
    register: Annotated[Path | None, typer.Option(help="CSV of the enterprises expected to report")] = None,
    count: Annotated[list[str] | None, typer.Option(help="a count for a count target, NAME=N")] = None,
    designations: DesignationsOpt = None,
    deflators: DeflatorOpt = None, override_deflators: OverrideOpt = False,
    release: ReleaseOpt = None,
    factors: FactorsOpt = None,
    year_fallback: FallbackOpt = FALLBACK,
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing file")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress display")] = False,
) -> None:
    """Province, city or park report: progress toward the targets against the required pace, the LMDI
    waterfall of each intensity change, the largest contributors and the coverage of reports."""
    from carbonkit.aggregation import load_results
    from reports import region_report

    try:
        with working("Reading and accounting…", quiet) as step:
            data = load_results(input, release, factors, year_fallback)
            step("Progress, decomposition and coverage…")
            html = region_report(data, lang=lang.value, region=region, park=park, year=year, profile=profile,
                                 by=by, top=top, register=_register(register), counts=_counts(count),
                                 deflators=deflators, override=override_deflators,
                                 designations=read_designations(designations) if designations else None)
    except (CarbonkitError, OSError, ValueError) as exc:
        fail(exc)
    where = park or region or "region"
    path = output or Path(f"report-{where}-{year or 'latest'}-{lang.value}.html")
    _write(html, path, force)
    out.print(f"Wrote the region report to {path} ({len(html):,} bytes).", highlight=False)


@report_app.command("park")
def park_cmd(
    input: Annotated[Path, typer.Argument(help="the park's statements: JSON as for carbonkit assess park")],
    activities: Annotated[Path | None, typer.Option(help="the park's enterprises' activity data (.csv, .json, "
                                                       ".xlsx), instead of 'enterprises' in INPUT")] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="zh or en")] = Lang.zh,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="the .html to write "
                                                   "(default: report-park-PARK-YEAR-LANG.html)")] = None,
    criteria: Annotated[str | None, typer.Option(help="criteria set id or a TOML file of the same schema")] = None,
    release: ReleaseOpt = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing file")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress display")] = False,
) -> None:
    """Park report: the green-park assessment indicator by indicator, the verdict, what is missing, the gap
    list and the park figures computed from its enterprises' accounting."""
    from reports import park_report
    from reports.park import read_statements

    try:
        statements = read_statements(input)
        with working("Accounting the enterprises and assessing the park…", quiet):
            html = park_report(statements, lang=lang.value, criteria=criteria, activities=activities,
                               release=release)
    except (CarbonkitError, OSError, ValueError) as exc:
        fail(exc)
    path = output or Path(f"report-park-{statements.get('park', 'park')}-{statements.get('year', '')}-{lang.value}.html")
    _write(html, path, force)
    out.print(f"Wrote the park report to {path} ({len(html):,} bytes).", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``carbonkit report`` to the root app."""
    app.add_typer(report_app, name="report")
