"""A progress indicator for long work (reading, accounting, writing): a rich spinner on stderr while the
work runs, shown only when stdout and stderr are terminals and ``--quiet`` is not given, so piped or
redirected output carries no progress noise."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from cli.output import err


def showing(quiet: bool = False) -> bool:
    """Whether a progress indicator may be drawn now."""
    return not quiet and sys.stdout.isatty() and err.is_terminal


@contextmanager
def working(message: str, quiet: bool = False) -> Iterator[Callable[[str], None]]:
    """Show ``message`` with a spinner while the block runs; yields ``update(text)`` for the next step."""
    if not showing(quiet):
        yield lambda text: None
        return
    with err.status(message) as status:
        yield lambda text: status.update(text)


@contextmanager
def progress_bar(total: int, description: str, quiet: bool = False, *, unit: str = "") -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (description, bar, M/N ``unit``, elapsed, remaining) while the block runs; yields
    ``advance(n)`` (a negative ``n`` moves it back). Drawn only when :func:`showing`; otherwise ``advance`` does
    nothing and nothing is written."""
    if not showing(quiet):
        yield lambda n: None
        return
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
               TextColumn("elapsed"), TimeElapsedColumn(), TextColumn("remaining"), TimeRemainingColumn()]
    with Progress(*columns, console=err) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)
