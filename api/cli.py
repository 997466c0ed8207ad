"""The ``carbonkit`` console script: the core commands plus the service ones (db, keys, serve, demo).

The core CLI (carbonkit.cli) knows nothing of the service; this module adds the service commands to it.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.console import Console

from carbonkit.cli import app, demo_cmd as core_demo

out = Console()
db_app = typer.Typer(help="The service database.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys of the service.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")


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
    enterprise: Annotated[Optional[list[str]], typer.Option(help="enterprise id (repeatable; enterprise keys)")] = None,
    park: Annotated[Optional[list[str]], typer.Option(help="park id (repeatable; park keys)")] = None,
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


@app.command("serve")
def serve(host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="port")] = 8000,
          workers: Annotated[int, typer.Option(help="worker processes")] = 1) -> None:
    """Start the service (uvicorn). Settings come from CARBONKIT_* environment variables."""
    import os

    import uvicorn

    from api.db import upgrade

    settings = _settings()
    if settings.auto_migrate:  # once, here, so that several workers do not race to migrate
        upgrade(settings.database_url)
        os.environ["CARBONKIT_AUTO_MIGRATE"] = "false"
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")


app.registered_commands = [c for c in app.registered_commands if c.name != "demo"]


@app.command("demo")
def demo(store: Annotated[bool, typer.Option(help="also store the examples in the default database")] = True) -> None:
    """Account the bundled examples, store them in the embedded database, and print what is stored."""
    core_demo()
    if not store:
        return
    from api.demo import run_demo

    run_demo(_settings(), out)


def main() -> None:  # pragma: no cover - console entry
    app()
