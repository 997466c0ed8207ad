"""One error hierarchy for carbonkit.

Every error a user can cause by bad input is a :class:`CarbonkitError`. Input problems are collected
as :class:`Problem` records (record, field, what was expected) so a batch reports all of them at once;
the service maps each class to an HTTP status in one place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input record.

    ``row`` is the 1-based data row of the input table (CSV: the line number when read from a file),
    ``field`` the column or JSON field name, ``path`` its place in a JSON input (``[0].items[2].unit``),
    ``index`` the position of the document in a list of documents, ``code`` a stable machine-readable kind,
    ``sheet`` the workbook sheet the row is on (``row`` is then the row number as Excel shows it).
    """

    code: str
    message: str
    field: str | None = None
    row: int | None = None
    enterprise: str | None = None
    period: str | None = None
    expected: str | None = None
    path: str | None = None
    index: int | None = None
    sheet: str | None = None

    def describe(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}" if self.sheet is None else f"sheet {self.sheet} row {self.row}")
        elif self.sheet is not None:
            where.append(f"sheet {self.sheet}")
        if self.enterprise is not None:
            where.append(f"enterprise {self.enterprise}")
        if self.period is not None:
            where.append(f"period {self.period}")
        if self.path is not None:
            where.append(f"at {self.path}")
        elif self.field is not None:
            where.append(f"field '{self.field}'")
        text = (", ".join(where) + ": " if where else "") + self.message
        if self.expected:
            text += f" (expected {self.expected})"
        return text

    def to_dict(self) -> dict[str, object]:
        """The problem's fields that are set, by name (for JSON)."""
        return {k: v for k, v in asdict(self).items() if v is not None}


class CarbonkitError(Exception):
    """Base class of every carbonkit error."""


class InvalidInput(CarbonkitError, ValueError):
    """Input that cannot be accounted. Carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | Problem, message: str | None = None):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        if message is None:
            shown = "\n".join("  - " + p.describe() for p in self.problems[:50])
            more = len(self.problems) - 50
            message = f"{len(self.problems)} problem(s) in the input:\n{shown}"
            if more > 0:
                message += f"\n  ... and {more} more"
        super().__init__(message)


class UnknownItem(InvalidInput):
    """An energy carrier, water source or economic item carbonkit does not know."""


class UnitMismatch(InvalidInput):
    """A unit that does not parse, or has the wrong dimension for its item."""


class MissingFactor(InvalidInput):
    """No factor in the release for this item, region or year (after the documented fallback)."""


class FactorDataError(CarbonkitError):
    """A factor table or release file is malformed. The message names the file, row and column."""
