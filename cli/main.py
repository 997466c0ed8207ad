"""The composition root: the ``carbonkit`` console script wires the core, the reports and the service together.

Every command module of :mod:`cli` defines its commands at module level and a ``register(app)`` that adds them;
this module is the one place that builds the root app and decides which modules take part.
"""

from __future__ import annotations

import typer

from cli import account, assess, benefit, cbam, market, reports, service, targets, workbooks

COMMAND_MODULES = (account, assess, targets, benefit, workbooks, reports, cbam, market, service)


def build_app() -> typer.Typer:
    """The root ``carbonkit`` app with every command module registered, in the order of ``--help``."""
    app = typer.Typer(help="Energy (tce), water and CO2 accounting for Chinese manufacturing enterprises.",
                      no_args_is_help=True, add_completion=False)
    for module in COMMAND_MODULES:
        module.register(app)
    return app


app = build_app()


def main() -> None:  # pragma: no cover - console entry
    """Run the ``carbonkit`` command."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
