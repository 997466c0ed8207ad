"""CLI commands: ``aggregate``, ``progress`` and ``decompose``.

Each takes activity data (accounted first, as ``carbonkit account`` does) or a results CSV written by
``carbonkit account --format csv`` (recognised by its ``energy_equivalent_tce`` column).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from collections.abc import Sequence
from typing import Annotated, Any, Literal, cast

import pandas as pd
import typer
from rich.table import Table

from carbonkit.aggregation import LEVELS, RESULT_TEXT_COLUMNS, aggregate, load_results, results_frame
from carbonkit.assess.zero_carbon import assess_zero_carbon_park
from cli.output import (
    FALLBACK,
    DeflatorOpt,
    DesignationsOpt,
    FactorsOpt,
    FallbackOpt,
    Format,
    FormatOpt,
    OverrideOpt,
    ParkOpt,
    RegionOpt,
    ReleaseOpt,
    _fmt,
    fail,
    out,
)
from carbonkit.budgets import budget_use
from carbonkit.decomposition import NUMERATORS, decompose
from carbonkit.designations import read_designations
from carbonkit.errors import CarbonkitError, InvalidInput, Problem
from reports.excel import csv_text
from carbonkit.evaluation import final_evaluation
from carbonkit.targets import progress
from carbonkit.target_profiles import load_profile, profiles

InputArg = Annotated[Path, typer.Argument(help="activity data (.csv, .json, .jsonl) or a results CSV of `carbonkit account --format csv`")]


def _register(path: Path | None) -> pd.DataFrame | None:
    if path is None:
        return None
    return pd.read_csv(path, dtype=RESULT_TEXT_COLUMNS, keep_default_na=False, na_values=[""], encoding="utf-8-sig")


def _json(payload: dict) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


def _notes(notes: list[str], unverified: Sequence[str] = ()) -> None:
    for note in notes:
        out.print(f"[dim]Note:[/] {note}", highlight=False)
    if unverified:
        out.print("[yellow]Resting on values marked unverified:[/] " + ", ".join(unverified), highlight=False)


AGG_VIEW = [("n_expected", "expected", 0), ("n_reporting", "reporting", 0), ("n_missing", "missing", 0),
            ("energy_equivalent_tce", "energy tce", 0), ("value_added_10k_cny", "VA 10^4 CNY (current)", 0),
            ("energy_intensity_comparable_tce_per_10k_cny", "energy/VA comp.", 4),
            ("water_intensity_comparable_m3_per_10k_cny", "water/VA comp.", 3),
            ("co2_intensity_comparable_tco2_per_10k_cny", "CO2/VA comp.", 4), ("price_basis", "price basis", None)]


def aggregate_cmd(
    input: InputArg,
    level: Annotated[list[str], typer.Option("--by", "-b", help=f"level(s): {', '.join(LEVELS)}; repeat to cross, "
                                                               "e.g. --by city --by section")] = ["province"],  # noqa: B006
    period: Annotated[list[str] | None, typer.Option(help="period(s) to show (default: all)")] = None,
    region: RegionOpt = None, park: ParkOpt = None,
    industry: Annotated[str | None, typer.Option(help="GB/T 4754 prefix: C, C26")] = None,
    register: Annotated[Path | None, typer.Option(help="CSV of the enterprises expected to report (enterprise, "
                                                       "region, industry, park, name); default: every enterprise of the input")] = None,
    deflators: DeflatorOpt = None, override_deflators: OverrideOpt = False,
    base_year: Annotated[int | None, typer.Option(help="price base year of deflated value added (default: the "
                                                      "default target profile's)")] = None,
    missing: Annotated[int, typer.Option(help="missing enterprises to list")] = 20,
    release: ReleaseOpt = None,
    factors: FactorsOpt = None,
    year_fallback: FallbackOpt = FALLBACK,
    format: FormatOpt = Format.table,
) -> None:
    """Roll enterprise results up to province, city, county, park or industry: sums, intensities, coverage."""
    try:
        data = load_results(input, release, factors, year_fallback)
        answer = aggregate(data, tuple(level), periods=period, register=_register(register), deflators=deflators,
                           base_year=base_year, override=override_deflators, region=region, park=park, industry=industry)
    except (CarbonkitError, OSError, ValueError) as exc:
        fail(exc)
    _aggregate_out(answer, format, missing)


def _aggregate_out(answer: Any, format: Format, missing: int) -> None:
    """Print an :class:`carbonkit.aggregation.Aggregate` as CSV, JSON or a table with its base year and notes."""
    if format is Format.csv:
        sys.stdout.write(csv_text(answer.table))
        return
    if format is Format.json:
        _json(answer.to_dict(missing))
        return
    table = Table(title=f"Aggregate by {' x '.join(answer.keys)}", title_justify="left")
    for key in (*answer.keys, "period"):
        table.add_column(key, no_wrap=True)
    for _, head, _ in AGG_VIEW:
        table.add_column(head, justify="right")
    for rec in answer.records()[:200]:
        cells = [str(rec[k]) if rec[k] is not None else "—" for k in (*answer.keys, "period")]
        cells += [str(rec.get(c) or "—") if d is None else _fmt(rec.get(c), decimals=d) for c, _, d in AGG_VIEW]
        table.add_row(*cells)
    out.print(table)
    if len(answer.table) > 200:
        out.print(f"... {len(answer.table) - 200} more groups; use --format csv for all of them.")
    out.print(f"Comparable value added at {answer.base_year} prices (price basis: {answer.price_basis or '—'}).",
              highlight=False)
    _missing_lines(answer.missing, missing)
    _notes(answer.notes, [i for i, s in answer.deflator_rows.items() if s == "unverified"])


def _missing_lines(missing_frame: pd.DataFrame, limit: int) -> None:
    if len(missing_frame):
        shown = missing_frame.head(limit)
        out.print(f"Missing reports: {len(missing_frame)} (enterprise-periods expected but not reported)"
                  + (f"; first {len(shown)}:" if len(shown) else ""), highlight=False)
        for miss in shown.to_dict("records"):
            out.print(f"  {miss['period']}  {miss['enterprise']}  {miss.get('name') or ''}", highlight=False)


def _counts(items: list[str] | None) -> dict[str, int]:
    result, problems = {}, []
    for item in items or []:
        name, _, number = item.replace("=", ":").partition(":")
        if not name or not number.strip().isdigit():
            problems.append(Problem("count_invalid", f"'{item}' is not NAME=N (a whole number)", field="count"))
        else:
            result[name.strip()] = int(number)
    if problems:
        raise InvalidInput(problems)
    return result


def progress_cmd(
    input: Annotated[Path | None, typer.Argument(help="activity data or a results CSV (not needed with --list)")] = None,
    year: Annotated[int | None, typer.Option(help="the year to assess (default: the latest annual period)")] = None,
    profile: Annotated[str | None, typer.Option("--profile", "--targets", help="target profile: a shipped id or a "
                                                                               "TOML path (default: the region's)")] = None,
    region: RegionOpt = None, park: ParkOpt = None,
    count: Annotated[list[str] | None, typer.Option(help="a count for a count target, NAME=N, e.g. green_factories=120")] = None,
    designations: DesignationsOpt = None,
    register: Annotated[Path | None, typer.Option(help="CSV of the enterprises expected to report")] = None,
    deflators: DeflatorOpt = None, override_deflators: OverrideOpt = False,
    panel: Annotated[str, typer.Option(help="balanced (enterprises with value added in both years; the default) or "
                                       "all (every enterprise of each year)")] = "balanced",
    final: Annotated[bool, typer.Option("--final", help="the final evaluation of the period: the target year "
                                        "against the base year, achieved or not and by how much")] = False,
    list_profiles: Annotated[bool, typer.Option("--list", help="list the shipped target profiles and stop")] = False,
    release: ReleaseOpt = None,
    factors: FactorsOpt = None,
    year_fallback: FallbackOpt = FALLBACK,
    format: FormatOpt = Format.table,
) -> None:
    """Progress toward the region's intensity targets (e.g. Shandong −17 % energy, −5 % water by 2025)."""
    if list_profiles:
        _list_profiles()
        return
    try:
        if input is None:
            raise InvalidInput(Problem("input_missing", "give the input data (or --list)", field="input"))
        if panel not in ("all", "balanced"):
            raise InvalidInput(Problem("panel_invalid", f"'{panel}' is not all or balanced", field="panel"))
        chosen = load_profile(profile) if profile else None
        data = load_results(input, release, factors, year_fallback)
        options: dict[str, Any] = dict(region=region, park=park, register=_register(register), counts=_counts(count),
                                       deflators=deflators, override=override_deflators, panel=panel,
                                       designations=read_designations(designations) if designations else None)
        if final:
            if chosen is None:
                raise InvalidInput(Problem("profile_missing", "--final needs --profile (the period to close)",
                                           field="profile"))
            _final_out(final_evaluation(data, chosen, year=year, **options), format)
            return
        answer = progress(data, chosen, year, **options)
    except (CarbonkitError, OSError, ValueError) as exc:
        fail(exc)
    _progress_out(answer, format)


def _list_profiles() -> None:
    try:
        for p in profiles():
            targets = ", ".join(f"{t.id} {'no value' if t.value is None else f'{t.value:g}'} "
                                f"({t.form}, {t.status})" for t in p.targets)
            out.print(f"[bold]{p.id}[/] region {p.region}, {p.base_year}->{p.target_year}: {targets}", highlight=False)
    except (CarbonkitError, OSError, ValueError) as exc:
        fail(exc)


def _progress_out(answer: Any, format: Format) -> None:
    """Print a :class:`carbonkit.targets.Progress` as JSON, CSV or the readable table with its notes."""
    if format is Format.json:
        _json(answer.to_dict())
        return
    if format is Format.csv:
        sys.stdout.write(csv_text(answer.frame()))
        return
    p = answer.profile
    where = f"park {', '.join(answer.park)}" if answer.park else f"region {answer.region}"
    table = Table(title=f"{p.id}: {where}, {answer.year} against {p.base_year} (target {p.target_year})",
                  title_justify="left")
    for head in ("target (variant)", f"{p.base_year}", f"{answer.year}", "change", "required/yr", "achieved/yr",
                 "on track", "needed/yr", f"proj. {p.target_year}", "other panel", "status"):
        table.add_column(head, justify="left" if head in ("target (variant)", "status") else "right",
                         no_wrap=head != "target (variant)")
    for r in answer.indicators:
        on = {True: "[green]yes[/]", False: "[red]no[/]", None: "—"}[r.get("on_track")]
        table.add_row(f"{r['target']} ({r['variant']})", _fmt(r.get("base_value"), decimals=4),
                      _fmt(r.get("value"), decimals=4), _fmt(r.get("cumulative_change"), "%", 2),
                      _fmt(r.get("required_annual_pace"), "%", 2), _fmt(r.get("achieved_annual_pace"), "%", 2), on,
                      _fmt(r.get("needed_annual_pace"), "%", 2), _fmt(r.get("projected_cumulative_change"), "%", 2),
                      _fmt((r.get("other_panel") or {}).get("cumulative_change"), "%", 2), r["status"])
    out.print(table)
    _progress_lines(answer)


def _progress_lines(answer: Any) -> None:
    """The lines under the progress table: annual steps, the panel, reasons, counts, coverage and notes."""
    _steps(answer.indicators)
    _panel_line(answer.panel_coverage)
    for r in (r for r in answer.indicators if r.get("reason")):
        out.print(f"{r['target']} ({r['variant']}): {r['reason']}", highlight=False)
    for c in answer.counts:
        got = (f"count not available ({c['reason']})" if c["count"] is None
               else f"{c['count']} ({c['share'] * 100:.1f} %), {c['remaining']} to go, from {c['source']}")
        out.print(f"{c['target']}: target {c['target_count']}, {got}", highlight=False)
    for y, cov in answer.coverage.items():
        out.print(f"coverage {y}: {cov['n_reporting']} of {cov['n_expected']} enterprises reported, "
                  f"{cov['n_value_added']} with value added", highlight=False)
    _notes(answer.notes, answer.unverified)


def _steps(lines: list[dict]) -> None:
    for r in (r for r in lines if r["form"] == "annual_step"):
        for st in r.get("steps", []):
            met = {True: "met", False: "missed", None: "no verdict"}[st["met"]]
            out.print(f"{r['target']} ({r['variant']}) step {st['year']}: {_fmt(st['step_change'], '%', 2)} against "
                      f"-{_fmt(st['required_step'], '%', 2)}: {met}", highlight=False)


def _panel_line(cover: dict) -> None:
    if cover:
        out.print(f"panel {cover['panel']}: {cover['n_panel']} of {cover['n_with_value_added']} enterprises with value "
                  f"added in {cover['year']}, {_fmt(cover['share_value_added'], '%', 1)} of value added, "
                  f"{_fmt(cover['share_energy'], '%', 1)} of energy", highlight=False)


def _final_out(answer, format: Format) -> None:
    if format is Format.json:
        _json(answer.to_dict())
        return
    if format is Format.csv:
        sys.stdout.write(pd.DataFrame(answer.rows).to_csv(index=False))
        return
    p, prog = answer.progress.profile, answer.progress
    table = Table(title=f"Final evaluation {p.id}: {p.target_year} against {p.base_year} ({prog.panel} panel)",
                  title_justify="left")
    for head in ("target (variant)", f"{p.base_year}", f"{p.target_year}", "achieved", "target", "margin", "met",
                 "all enterprises", "status"):
        table.add_column(head, justify="left" if head in ("target (variant)", "status") else "right")
    for r in answer.rows:
        met = {True: "[green]yes[/]", False: "[red]no[/]", None: "—"}[r["met"]]
        table.add_row(f"{r['target']} ({r['variant']})", _fmt(r["base_value"], decimals=4), _fmt(r["value"], decimals=4),
                      _fmt(r["achieved_decline"], "%", 2), _fmt(r["target_decline"], "%", 2),
                      _fmt(r["margin"], "%", 2), met, _fmt(r["other_achieved_decline"], "%", 2), r["status"])
    out.print(table)
    _panel_line(prog.panel_coverage)
    _notes(prog.notes, prog.unverified)


def decompose_cmd(
    input: InputArg,
    start: Annotated[str, typer.Option("--from", help="the first period, e.g. 2020")],
    end: Annotated[str, typer.Option("--to", help="the last period, e.g. 2023")],
    by: Annotated[str, typer.Option(help=f"sectors: {', '.join(LEVELS)}")] = "division",
    indicator: Annotated[str, typer.Option(help=", ".join(NUMERATORS))] = "energy",
    region: RegionOpt = None, park: ParkOpt = None,
    industry: Annotated[str | None, typer.Option(help="GB/T 4754 prefix")] = None,
    deflators: DeflatorOpt = None, override_deflators: OverrideOpt = False,
    zero: Annotated[str, typer.Option(help="limit (analytical limits) or delta (replace zeros by 1e-20)")] = "limit",
    top: Annotated[int, typer.Option(help="contributions to list, largest first")] = 15,
    total: Annotated[bool, typer.Option("--total", help="decompose the total (tce, tCO2) with an activity effect, "
                                        "not the intensity")] = False,
    release: ReleaseOpt = None,
    factors: FactorsOpt = None,
    year_fallback: FallbackOpt = FALLBACK,
    format: FormatOpt = Format.table,
) -> None:
    """LMDI-I decomposition of an intensity change into structure and intensity (CO2: mix, factor) effects."""
    try:
        if zero not in ("limit", "delta"):
            raise InvalidInput(Problem("zero_invalid", f"'{zero}' is not limit or delta", field="zero"))
        data = load_results(input, release, factors, year_fallback)
        answer = decompose(data, start, end, by, indicator=indicator, region=region, park=park, industry=industry,
                           deflators=deflators, override=override_deflators,
                           zero=cast(Literal["limit", "delta"], zero), total=total)
    except (CarbonkitError, OSError, ValueError) as exc:
        fail(exc)
    _decomposition_out(answer, format, top, total)


def _decomposition_out(answer: Any, format: Format, top: int, total: bool) -> None:
    """Print a decomposition as JSON, CSV or the effects and the largest contributions."""
    if format is Format.json:
        _json(answer.to_dict(top))
        return
    if format is Format.csv:
        sys.stdout.write(csv_text(answer.contributions))
        return
    out.print(f"[bold]{answer.indicator}[/] {'total' if total else 'intensity'} {answer.start} -> {answer.end}: "
              f"{_fmt(answer.I0, decimals=4)} -> "
              f"{_fmt(answer.IT, decimals=4)} {answer.unit} (change {_fmt(answer.change, decimals=4)}, "
              f"ratio {_fmt(answer.IT / answer.I0 if answer.I0 else None, decimals=4)})", highlight=False)
    summary = Table(title="Effects (LMDI-I)", title_justify="left")
    for head in ("effect", "additive", "multiplicative"):
        summary.add_column(head, justify="left" if head == "effect" else "right")
    for name in (*answer.effects, "total"):
        summary.add_row(name, _fmt(answer.additive[name], decimals=5), _fmt(answer.multiplicative[name], decimals=5))
    out.print(summary)
    table = Table(title=f"Largest contributions by {' x '.join(answer.keys)}", title_justify="left")
    for key in answer.keys:
        table.add_column(key)
    for head in (*answer.effects, "total", "share"):
        table.add_column(head, justify="right")
    for rec in answer.contributions.head(top).to_dict("records"):
        table.add_row(*[str(rec[k]) if rec[k] is not None else "—" for k in answer.keys],
                      *[_fmt(rec[e], decimals=5) for e in (*answer.effects, "total")],
                      _fmt(rec["share_of_change"], "%", 1))
    out.print(table)
    _notes(answer.notes)


def budgets_cmd(
    input: InputArg,
    budgets: Annotated[Path, typer.Option(help="CSV of budgets: scope, kind (region or park), start_year, end_year, "
                                          "budget_tco2[, source, note]")],
    year: Annotated[int | None, typer.Option(help="the year of use (default: the latest annual period)")] = None,
    release: ReleaseOpt = None,
    factors: FactorsOpt = None,
    year_fallback: FallbackOpt = FALLBACK,
    format: FormatOpt = Format.table,
) -> None:
    """Carbon budgets: used, remaining, the run-out year at the current pace, per region and park, rolled up."""
    try:
        answer = budget_use(load_results(input, release, factors, year_fallback), budgets, year)
    except (CarbonkitError, OSError, ValueError) as exc:
        fail(exc)
    if format is Format.json:
        _json(answer.to_dict())
        return
    if format is Format.csv:
        sys.stdout.write(answer.table.to_csv(index=False))
        return
    table = Table(title=f"Carbon budgets, use to {answer.year} [tCO2]", title_justify="left")
    for head in ("scope", "kind", "period", "budget", "used", "remaining", "used %", "even %", "run-out", "parent",
                 "children budget"):
        table.add_column(head, justify="left" if head in ("scope", "kind", "period", "parent") else "right")
    for r in answer.records():
        table.add_row(r["scope"], r["kind"], f"{r['start_year']}-{r['end_year']}", _fmt(r["budget_tco2"], decimals=0),
                      _fmt(r["used_tco2"], decimals=0), _fmt(r["remaining_tco2"], decimals=0),
                      _fmt(r["share_used"], "%", 1), _fmt(r["even_share"], "%", 1),
                      str(r["run_out_year"] or "lasts"), r["parent"] or "—",
                      _fmt(r["children_budget_tco2"], decimals=0))
    out.print(table)
    _notes(answer.notes)


def zero_carbon_cmd(
    input: InputArg,
    park: Annotated[str, typer.Option(help="the park assessed (its enterprises' results of the year)")],
    year: Annotated[int, typer.Option(help="the year assessed")],
    values: Annotated[str | None, typer.Option(help='the park\'s statements as JSON, e.g. \'{"solid_waste_use_rate": 85}\'')] = None,
    criteria: Annotated[str | None, typer.Option(help="a zero-carbon park set: a shipped id or a TOML path")] = None,
    release: ReleaseOpt = None,
    factors: FactorsOpt = None,
    year_fallback: FallbackOpt = FALLBACK,
    format: FormatOpt = Format.table,
) -> None:
    """Zero-carbon park (零碳园区): CO2 per tce against the threshold of the park's energy tier, and the guiding indicators."""
    try:
        frame = results_frame(load_results(input, release, factors, year_fallback), [str(year)])
        frame = frame[frame["park"].astype(str) == park] if "park" in frame else frame.iloc[:0]
        if frame.empty:
            raise InvalidInput(Problem("park_missing", f"no results of park {park} in {year}", field="park"))
        stated = {"values": json.loads(values)} if values else {}
        answer = assess_zero_carbon_park(frame, stated, criteria, park=park, year=year)
    except json.JSONDecodeError as exc:
        fail(InvalidInput(Problem("values_invalid", f"--values is not JSON: {exc}", field="values")))
    except (CarbonkitError, OSError, ValueError) as exc:
        fail(exc)
    if format is not Format.table:
        _json(answer.to_dict())
        return
    _zero_carbon_table(answer, park, year)


def _zero_carbon_table(answer: Any, park: str, year: int) -> None:
    table = Table(title=f"Zero-carbon park {park}, {year} ({answer.criteria.id})", title_justify="left")
    for head in ("indicator", "role", "value", "threshold", "gap", "met", "source", "status"):
        table.add_column(head, justify="right" if head in ("value", "threshold", "gap") else "left")
    for r in answer.indicators:
        met = {True: "[green]yes[/]", False: "[red]no[/]", None: "—"}[r["met"]]
        value = r["value"] if isinstance(r["value"], bool) else _fmt(r["value"], decimals=4)
        table.add_row(f"{r['name_zh']} {r['unit'] or ''}", r["role"], str(value), _fmt(r["threshold"], decimals=4),
                      _fmt(r["gap"], decimals=4), met, r["source"] or "—", r["status"])
    out.print(table)
    for r in (r for r in answer.indicators if r["reason"]):
        out.print(f"{r['id']}: {r['reason']}", highlight=False)
    _notes(answer.notes, answer.unverified)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("aggregate")(aggregate_cmd)
    app.command("progress")(progress_cmd)
    app.command("decompose")(decompose_cmd)
    app.command("budgets")(budgets_cmd)
    app.command("zero-carbon")(zero_carbon_cmd)
