"""CLI commands: ``carbonkit account`` and ``carbonkit factors list|show|releases|validate``, and the examples' printout
that ``carbonkit demo`` starts with."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from carbonkit.accounting import AccountingOptions, AccountingResult, account
from carbonkit.catalog import indicator, indicators_of
from carbonkit.grid import grid_used
from cli.output import DEFAULTS, FALLBACK, FallbackOpt, Format, GridLevel, LocationPurposeOpt, _fmt, fail, out
from cli.dataset import Engine, account_to_folder
from cli.status import working
from cli.workbooks import check_output, write_results
from carbonkit.datafiles import examples_dir
from carbonkit.errors import CarbonkitError, FactorDataError
from reports.excel import csv_text
from carbonkit.factors import load_release, read_table, release_names
from carbonkit.intensity import changes
from carbonkit.readers import read_activities

factors_app = typer.Typer(help="Browse and check the factor library.", no_args_is_help=True)


# (column, decimals, indent) of the readable views; names and units from the indicator catalog
ENERGY_VIEW = [
    ("energy_equivalent_tce", 2, 0), ("energy_equal_tce", 2, 0), ("feedstock_equivalent_tce", 2, 1),
    ("renewable_electricity_equivalent_tce", 2, 1), ("exported_equivalent_tce", 2, 1),
    ("energy_equivalent_excl_feedstock_renewables_tce", 2, 0), ("electricity_kwh", 0, 0),
]
CO2_VIEW = [(c, 2, 0) for c in ("co2_combustion_tco2", "co2_electricity_location_tco2", "co2_electricity_market_tco2",
                                "co2_heat_tco2", "co2_location_tco2", "co2_market_tco2")]
WATER_VIEW = [("water_withdrawal_m3", 0, 0), ("fresh_water_m3", 0, 1), ("nonconventional_water_m3", 0, 1),
              ("nonconventional_share", 1, 0), ("water_reuse_rate", 1, 0)]
INTENSITY_VIEW = [("value_added_10k_cny", 1, 0), ("value_added_comparable_10k_cny", 1, 0),
                  ("energy_intensity_tce_per_10k_cny", 4, 0), ("energy_intensity_comparable_tce_per_10k_cny", 4, 0),
                  ("water_intensity_m3_per_10k_cny", 3, 0), ("co2_intensity_tco2_per_10k_cny", 4, 0),
                  ("energy_per_product_tce", 6, 0)]
WIDE_VIEW = ("energy_equivalent_tce", "co2_location_tco2", "water_withdrawal_m3", "energy_intensity_tce_per_10k_cny",
             "co2_intensity_tco2_per_10k_cny")


CHANGE_VIEW = [("energy_intensity_comparable_tce_per_10k_cny", "energy/VA (comp.)"),
               ("energy_intensity_tce_per_10k_cny", "energy/VA"), ("water_intensity_m3_per_10k_cny", "water/VA"),
               ("co2_intensity_tco2_per_10k_cny", "CO2/VA")]


def _print_result(result: AccountingResult, fmt: Format, change: pd.DataFrame | None = None) -> None:
    summary = result.summary
    if fmt is Format.csv:
        frame = summary if change is None else summary.merge(change.assign(change_base_year=change.attrs.get("base_year")),
                                                              on=["enterprise", "period"], how="left")
        sys.stdout.write(csv_text(frame))
        return
    if fmt is Format.json:
        payload: dict[str, Any] = {"release": result.release, "options": result.options.model_dump(), "results": result.records(),
                   "factors": result.factor_records(), "indicators": indicators_of(summary.columns)}
        if change is not None:
            payload["changes"] = json.loads(change.to_json(orient="records", force_ascii=False))
            payload["changes_base_year"] = change.attrs.get("base_year")  # stated: the default comes from the profile
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if len(summary) <= 3:
        for rec in result.records():
            _print_detail(rec)
    else:
        _print_wide(summary)
    if change is not None:
        _print_changes(change)
    out.print(f"Factor release [bold]{result.release}[/]; electricity CO2 by the grid factor "
              f"({result.options.location_purpose}) {grid_used(summary)}; market-based uses the residual factor.",
              highlight=False)
    shaky = result.unverified_factors
    if shaky:
        out.print(f"[yellow]Note:[/] {len(shaky)} factor(s) used are marked unverified: "
                  + ", ".join(f.id for f in shaky) + ". See `carbonkit factors show ID`.", highlight=False)


def _print_detail(rec: dict) -> None:
    title = f"{rec['enterprise']}" + (f" {rec['name']}" if rec.get("name") else "") + f" — {rec['period']}"
    table = Table(title=title, show_header=True, header_style="bold", title_justify="left")
    table.add_column("Indicator")
    table.add_column("Value", justify="right")
    table.add_column("Unit")
    for section, view in (("Energy (GB/T 2589-2020)", ENERGY_VIEW), ("CO2", CO2_VIEW), ("Water", WATER_VIEW),
                          ("Intensities", INTENSITY_VIEW)):
        table.add_section()
        table.add_row(f"[bold]{section}[/]", "", "")
        for col, dec, indent in view:
            entry = indicator(col)
            unit = entry.unit.replace("product unit", rec.get("product_unit") or "unit")
            label = "  " * indent + entry.name_en
            table.add_row(label, _fmt(rec.get(col), "%" if unit == "1" else "", dec), "" if unit == "1" else unit)
    out.print(table)


def _print_wide(summary: pd.DataFrame, limit: int = 60) -> None:
    table = Table(show_header=True, header_style="bold", caption="10^4 CNY = 万元; value added at current prices",
                  caption_justify="left")
    table.add_column("Enterprise", no_wrap=True, max_width=22)
    table.add_column("Period", no_wrap=True)
    for column in WIDE_VIEW:
        table.add_column(indicator(column).heading("en"), justify="right")
    shown = ["enterprise", "period", *(c for c in ("name",) if c in summary.columns), *WIDE_VIEW]
    for rec in summary.head(limit)[shown].to_dict("records"):  # the rows first: no copy of the whole columns
        label = rec.get("name") or rec["enterprise"]
        table.add_row(str(label), str(rec["period"]),
                      *[_fmt(rec[c], decimals=3 if "per" in c else 0) for c in WIDE_VIEW])
    out.print(table)
    if len(summary) > limit:
        out.print(f"... {len(summary) - limit} more rows; use --format csv for all of them.")


def _print_changes(change: pd.DataFrame, limit: int = 60) -> None:
    base = change.attrs.get("base_year", "?")
    table = Table(title=f"Change of intensities: against the previous period / against the base year {base}",
                  title_justify="left")
    table.add_column("Enterprise", no_wrap=True, max_width=22)
    table.add_column("Period")
    for _, head in CHANGE_VIEW:
        table.add_column(head, justify="right", no_wrap=True)
    for rec in change.head(limit).to_dict("records"):
        cells = [f"{_fmt(rec[c + '_change_prev'], '%', 1)} / {_fmt(rec[c + '_change_base'], '%', 1)}" for c, _ in CHANGE_VIEW]
        table.add_row(str(rec["enterprise"]), str(rec["period"]), *cells)
    out.print(table)


def account_cmd(
    input: Annotated[Path, typer.Argument(help="activity data: .csv (long table), .xlsx (the template), .json or .jsonl documents")],
    format: Annotated[Format, typer.Option("--format", "-f", help="table, json or csv")] = Format.table,
    release: Annotated[str | None, typer.Option(help="factor release name (default: the current one)")] = None,
    factors: Annotated[list[Path] | None, typer.Option("--factors", help="your own factor table (CSV with a TOML "
                                                                         "beside it); wins over the release")] = None,
    power_coal_rate: Annotated[float | None, typer.Option(help="coal rate of power supply for the equal value [kgce/kWh]")] = None,
    location_purpose: LocationPurposeOpt = DEFAULTS.location_purpose,
    grid_level: Annotated[GridLevel, typer.Option(help="where the grid-factor chain starts: province (default), grid "
                                                       "or national")] = GridLevel.province,
    year_fallback: FallbackOpt = FALLBACK,
    require_value_added: Annotated[bool, typer.Option(help="refuse enterprise-periods without value added")] = False,
    show_changes: Annotated[bool, typer.Option("--changes", help="also show each intensity's change against the "
                                                                 "previous period and the base year")] = False,
    base_year: Annotated[int | None, typer.Option(help="base year of the cumulative change (default: the default "
                                                      "target profile's, stated with the table)")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write the results to FILE.xlsx or FILE.csv")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress indicator")] = False,
    more: Annotated[list[Path] | None, typer.Argument(help="more Parquet files or folders (with --engine)")] = None,
    engine: Annotated[Engine | None, typer.Option(help="account a Parquet dataset partition by partition: local or dask")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="results folder of --engine (results/, "
                                                               "factors.parquet, manifest.json)")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (default: a local cluster)")] = None,
    workers: Annotated[int, typer.Option(help="worker processes of the local Dask cluster")] = 2,
    memory_limit: Annotated[str | None, typer.Option(help="memory limit per Dask worker, e.g. 2GiB")] = "2GiB",
) -> None:
    """Account energy, water and CO2 for every enterprise and period in INPUT."""
    if engine is not None or out_dir is not None or more:
        return account_to_folder([input, *(more or [])], out_dir, engine, scheduler=scheduler, workers=workers,
                                 memory_limit=memory_limit, release=release, factors=factors,
                                 options={"power_coal_rate": power_coal_rate, "location_purpose": location_purpose,
                                          "year_fallback": year_fallback, "require_value_added": require_value_added})
    check_output(output)
    try:
        with working(f"Reading {input.name}", quiet) as step:
            rel = load_release(release, extra=factors)
            options = AccountingOptions(power_coal_rate=power_coal_rate, location_purpose=location_purpose,
                                        grid_level=grid_level.value, year_fallback=year_fallback,
                                        require_value_added=require_value_added)
            frame = read_activities(input)
            step(f"Accounting {len(frame):,} rows of {input.name}")
            result = account(frame, release=rel, options=options)
    except (CarbonkitError, FileNotFoundError) as exc:
        fail(exc)
    except ValueError as exc:  # pydantic validation of the options
        fail(exc)
    if output is not None:
        return write_results(result, output)
    _print_result(result, format, changes(result.summary, base_year) if show_changes else None)


def demo_cmd(format: Annotated[Format, typer.Option("--format", "-f")] = Format.table) -> None:
    """Account the bundled example enterprises (a Shandong tyre maker and a park of ten) and print them."""
    folder = examples_dir()
    for name, title in (("tyre_maker.json", "A Shandong tyre maker, 2023"), ("park.json", "A park of ten enterprises, 2023")):
        if format is Format.table:
            out.rule(f"[bold]{title}[/]  ({folder / name})")
        _print_result(account(read_activities(folder / name)), format)


@factors_app.command("list")
def factors_list(
    release: Annotated[str | None, typer.Option(help="release name")] = None,
    kind: Annotated[str | None, typer.Option(help="only this kind (standard_coal, fuel_parameters, grid_emission, ...)")] = None,
    status: Annotated[str | None, typer.Option(help="only this status (verified, corroborated, unconfirmed, unverified)")] = None,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """List the factors of a release."""
    try:
        rel = load_release(release)
    except CarbonkitError as exc:
        fail(exc)
    frame = rel.frame()
    if kind:
        frame = frame[frame["kind"] == kind]
    if status:
        frame = frame[frame["status"] == status]
    if format is Format.csv:
        sys.stdout.write(csv_text(frame))
        return
    if format is Format.json:
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"Release {rel.name}: {len(frame)} factors", title_justify="left")
    for col in ("id", "value", "unit", "year", "status"):
        table.add_column(col, justify="right" if col == "value" else "left")
    for rec in frame.to_dict("records"):
        year = "" if rec.get("year") is None or pd.isna(rec.get("year")) else str(int(rec["year"]))
        style = {"unverified": "yellow", "unconfirmed": "cyan"}.get(rec["status"], "")
        table.add_row(rec["id"], f"{rec['value']:g}", rec["unit"], year, f"[{style}]{rec['status']}[/]" if style else rec["status"])
    out.print(table)


@factors_app.command("show")
def factors_show(factor_id: Annotated[str, typer.Argument(help="factor id, e.g. gbt2589-2020-a.raw_coal")],
                 release: Annotated[str | None, typer.Option()] = None) -> None:
    """Show one factor with its source, edition and status."""
    rel = load_release(release)
    try:
        factor = rel.get(factor_id)
    except KeyError:
        import difflib
        close = difflib.get_close_matches(factor_id, list(rel.factors), n=3, cutoff=0.5)
        fail(CarbonkitError(f"no factor '{factor_id}' in release {rel.name}" + (f"; did you mean {', '.join(close)}?" if close else "")))
    table = rel.table(factor.table)
    view = Table(show_header=False, title=factor.id, title_justify="left")
    view.add_column("field", style="bold")
    view.add_column("value")
    rows = [("value", f"{factor.value:g} {factor.unit}"), ("status", factor.status), ("kind", factor.kind),
            ("key", factor.key), ("year", "" if factor.year is None else str(factor.year)), ("purpose", factor.purpose or ""),
            *[(k, f"{v:g}" if isinstance(v, float) else str(v)) for k, v in factor.extra], ("note", factor.note),
            ("table", f"{table.id}: {table.meta.get('title', '')}"), ("source", table.meta["source"]),
            ("edition", str(table.meta["edition"])), ("issuing body", table.meta["issuing_body"]),
            ("published", str(table.meta["published"])), ("urls", ", ".join(table.meta.get("urls", []))),
            ("release", rel.name)]
    for k, v in rows:
        if v:
            view.add_row(k, v)
    out.print(view)


@factors_app.command("releases")
def factors_releases() -> None:
    """List the shipped factor releases."""
    for name in release_names():
        rel = load_release(name)
        out.print(f"{rel.name}: {len(rel.tables)} tables, {len(rel.factors)} factors. {rel.description}", highlight=False)


@factors_app.command("validate")
def factors_validate(paths: Annotated[list[Path] | None, typer.Argument(help="tables to check (default: the shipped "
                                                                             "releases)")] = None) -> None:
    """Check factor tables: ids, items, regions, units and dimensions, values, provenance."""
    try:
        if paths:
            for path in paths:
                table = read_table(path, user=True)
                out.print(f"[green]ok[/] {path}: {len(table.rows)} rows, kind {table.kind}", highlight=False)
        else:
            for name in release_names():
                rel = load_release(name)
                out.print(f"[green]ok[/] release {rel.name}: {len(rel.tables)} tables, {len(rel.factors)} factors", highlight=False)
    except (FactorDataError, FileNotFoundError) as exc:
        fail(exc)


def register(app: typer.Typer) -> None:
    """Add ``carbonkit account`` and ``carbonkit factors ...`` to the root app (``demo`` is composed in cli.service)."""
    app.command("account")(account_cmd)
    app.add_typer(factors_app, name="factors")
