"""CLI commands of the service: ``carbonkit db|keys|ingest|serve|export|demo``.

The only CLI module that imports ``api``; :mod:`cli.main` composes it with the core's commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.account import demo_cmd as core_demo

out = Console()
db_app = typer.Typer(help="The service database.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys of the service.", no_args_is_help=True)


def _settings():
    from api.settings import Settings

    return Settings()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the schema migrations to CARBONKIT_DATABASE_URL (default: ./carbonkit.sqlite)."""
    from api.db import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    out.print(f"database at {settings.database_url} is at the latest schema", highlight=False)


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option(help="enterprise, park or province")],
    enterprise: Annotated[list[str] | None, typer.Option(help="enterprise id (repeatable; enterprise keys)")] = None,
    park: Annotated[list[str] | None, typer.Option(help="park id (repeatable; park keys)")] = None,
    name: Annotated[str, typer.Option(help="who holds the key")] = "",
) -> None:
    """Create an API key and print it once. It is stored hashed and cannot be shown again."""
    from api.db import session_scope, upgrade
    from api.keys import create_key

    settings = _settings()
    upgrade(settings.database_url)
    try:
        with session_scope(settings) as session:
            key_id, plain = create_key(session, role, enterprises=enterprise, parks=park, name=name)
    except ValueError as exc:
        Console(stderr=True).print(f"[bold red]Error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    out.print(f"key {key_id} ({role}); keep it now, it will not be shown again:", highlight=False)
    print(plain)


def ingest_file(settings, path: Path, *, chunk: int = 2000, quiet: bool = False) -> list:
    """Store every report of an activity file as the province (a local administrator), all or nothing.

    The whole file is read, validated and accounted first (a spinner meanwhile), so a bad file stores nothing and
    every problem is raised at once, named by its row; then it is stored ``chunk`` reports at a time in one
    transaction (a progress bar), committed at the end. Returns the outcomes (created / revised / unchanged).
    """
    import carbonkit as ck
    from api.ingest import options_for, prepare, reports_of, store
    from api.keys import Principal
    from cli.status import progress_bar, working
    from carbonkit.errors import InvalidInput
    from carbonkit.readers import read_activities, read_excel

    province = Principal(key_id=None, role="province", name="cli")
    with working(f"Reading {path.name}", quiet) as step:
        if path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file():
            frame = read_excel(path, max_unpacked_bytes=settings.max_xlsx_unpacked_bytes)
        else:
            frame = read_activities(path)
        reports = reports_of(frame)
        step(f"Accounting {len(reports):,} reports of {path.name}")
        try:
            batch = prepare(settings, reports, path_prefix="")
        except InvalidInput:
            ck.account(frame, options=options_for(settings))  # the same problems, named by the rows of the file
            raise
    with progress_bar(len(reports), f"Storing {path.name}", quiet, unit="reports") as advance:
        return store(settings, province, batch, chunk=chunk, progress=advance)


def ingest(
    file: Annotated[Path, typer.Argument(help="activity data: .csv (long table), .xlsx (the template), .json or .jsonl")],
    chunk: Annotated[int, typer.Option(min=1, help="reports stored per step (the whole file is one transaction)")] = 2000,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress display")] = False,
) -> None:
    """Store every report of FILE in CARBONKIT_DATABASE_URL as the province, all or nothing; the same file again
    changes nothing."""
    import time

    from api.db import upgrade
    from cli.output import fail
    from carbonkit.errors import CarbonkitError

    settings = _settings()
    upgrade(settings.database_url)
    started = time.perf_counter()
    try:
        outcomes = ingest_file(settings, file, chunk=chunk, quiet=quiet)
    except (CarbonkitError, FileNotFoundError) as exc:
        fail(exc)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("created", "revised", "unchanged")}
    out.print(f"{len(outcomes):,} reports: {counts['created']:,} created / {counts['revised']:,} revised / "
              f"{counts['unchanged']:,} unchanged in {time.perf_counter() - started:.1f} s", highlight=False)


def serve(host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="port")] = 8000,
          workers: Annotated[int | None, typer.Option(
              help="worker processes (default: one per CPU this process may use, within a container's CPU quota)")] = None,
          access_log: Annotated[bool, typer.Option(help="log every request")] = True) -> None:
    """Start the service (uvicorn). Settings come from CARBONKIT_* environment variables.

    With several workers each listens on its own socket of the port (``SO_REUSEPORT``, :mod:`api.workers`), so
    that the kernel spreads connections over them instead of giving a burst of them to one."""
    import os

    workers = workers or default_workers()

    from api.db import upgrade

    settings = _settings()
    unsafe = settings.bind_refusal(host)
    if unsafe and settings.env == "production":
        Console(stderr=True).print(f"[red]refused:[/red] {unsafe}", highlight=False)
        raise typer.Exit(2)
    if unsafe:
        Console(stderr=True).print(f"[bold red]WARNING:[/bold red] {unsafe}", highlight=False)
    if settings.auto_migrate:  # once, here, so that several workers do not race to migrate
        upgrade(settings.database_url)
        os.environ["CARBONKIT_AUTO_MIGRATE"] = "false"
    from api.workers import run

    run("api.main:create_app", host=host, port=port, workers=workers, log_level="info", access_log=access_log)


def default_workers(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """One worker process per CPU this process may use: the CPUs it may run on (``os.sched_getaffinity``;
    ``os.cpu_count`` where there is none), fewer where a CPU quota allows less (a container's ``--cpus``:
    :func:`cpu_quota`, rounded up). A calculation is CPU-bound, so more workers than CPUs only queue on them
    and add memory (each worker loads the release and the unit registry); benchmarks/README.md (bench_latency)."""
    import math
    import os

    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    quota = cpu_quota(cgroup)
    if quota is not None:
        cpus = min(cpus, math.ceil(quota))
    return max(1, cpus)


def cpu_quota(cgroup: Path = Path("/sys/fs/cgroup")) -> float | None:
    """The CPUs the cgroup's CPU quota allows [CPUs], or None without a quota: cgroup v2 ``cpu.max`` (``200000
    100000`` is 2 CPUs, ``max 100000`` none), else cgroup v1 ``cpu/cpu.cfs_quota_us`` / ``cpu/cpu.cfs_period_us``
    (a quota of -1 is none)."""
    try:
        limit, window = (cgroup / "cpu.max").read_text().split()[:2]
        return int(limit) / int(window) if limit != "max" and int(window) > 0 else None
    except (OSError, ValueError):
        pass
    try:
        quota = int((cgroup / "cpu" / "cpu.cfs_quota_us").read_text())
        period = int((cgroup / "cpu" / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return quota / period if quota > 0 and period > 0 else None


def demo(store: Annotated[bool, typer.Option(help="also store the examples in the default database")] = True) -> None:
    """Account the bundled examples, store them in the embedded database, and print what is stored."""
    core_demo()
    if not store:
        return
    from cli.demo import run_demo

    run_demo(_settings(), out)


export_app = typer.Typer(help="Export the stored reports.", no_args_is_help=True)


@export_app.command("parquet")
def export_parquet_cmd(
    out_dir: Annotated[Path, typer.Argument(help="the dataset folder to write (part-00000.parquet ...)")],
    buckets: Annotated[int, typer.Option(min=1, help="files; each enterprise is in exactly one")] = 16,
    year: Annotated[int | None, typer.Option(help="only the periods of this year")] = None,
    province: Annotated[str | None, typer.Option(help="only enterprises of this region code prefix, e.g. 37")] = None,
) -> None:
    """Write the latest reports as an enterprise-hashed Parquet dataset for `carbonkit account --engine`."""
    from api.db import upgrade
    from api.export import export_parquet

    settings = _settings()
    upgrade(settings.database_url)
    done = export_parquet(settings, out_dir, buckets, year=year, province=province)
    out.print(f"{done['reports']:,} reports, {done['rows']:,} activity rows in {buckets} files under {out_dir}",
              highlight=False)


def register(app: typer.Typer) -> None:
    """Add the service's commands to the root app."""
    app.add_typer(db_app, name="db")
    app.add_typer(keys_app, name="keys")
    app.command("ingest")(ingest)
    app.command("serve")(serve)
    app.command("demo")(demo)
    app.add_typer(export_app, name="export")
