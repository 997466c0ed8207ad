"""The catalog of indicators: every figure of a result declared once (column, unit, names, aggregation).

Read from ``carbonkit/indicators.toml``. The CLI tables, the JSON/CSV/Excel headers, the HTML reports, the
dashboard and the API name and unit each figure from here, so a figure carries one name and one unit on
every surface. Electricity at its calorific equivalent (0.1229 kgce/kWh) gives the *equivalent value*
(当量值); at the coal rate of power supply, the *equal value* (等价值) (GB/T 2589-2020 §3).

An aggregate of a ``ratio`` indicator is recomputed from summed numerator and denominator, never averaged:
I_g = Σ num / Σ den.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from carbonkit.errors import FactorDataError

AGGREGATES = ("sum", "stock", "ratio")
DIRECTIONS = ("lower", "higher", "")
LANGS = ("zh", "en")
CATALOG_PATH = Path(__file__).with_name("indicators.toml")


@dataclass(frozen=True)
class Indicator:
    """One figure: its column, unit (one notation: tce, tCO2, m3, 10^4 CNY ...), names and aggregation."""

    column: str
    unit: str
    name_zh: str
    name_en: str
    aggregate: str
    numerator: str = ""
    denominator: str = ""
    direction: str = ""
    formula: str = ""

    def name(self, lang: str = "en") -> str:
        """The name in ``zh`` or ``en``."""
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {', '.join(LANGS)}")
        return self.name_zh if lang == "zh" else self.name_en

    def heading(self, lang: str = "en") -> str:
        """Name and unit, as a table or file header: ``综合能耗（当量值） [tce]``."""
        return f"{self.name(lang)} [{self.unit}]" if self.unit and self.unit != "1" else self.name(lang)

    def to_dict(self) -> dict:
        return {"column": self.column, "unit": self.unit, "name_zh": self.name_zh, "name_en": self.name_en,
                "aggregate": self.aggregate, "numerator": self.numerator or None,
                "denominator": self.denominator or None, "direction": self.direction or None}


def _check(entries: list[Indicator], path: Path) -> None:
    columns = [e.column for e in entries]
    for n, e in enumerate(entries, start=1):
        where = f"{path}, indicator {n} ({e.column})"
        if columns.count(e.column) > 1:
            raise FactorDataError(f"{where}: column declared twice")
        if e.aggregate not in AGGREGATES:
            raise FactorDataError(f"{where}, field 'aggregate': '{e.aggregate}' is not one of {', '.join(AGGREGATES)}")
        if e.direction not in DIRECTIONS:
            raise FactorDataError(f"{where}, field 'direction': '{e.direction}' is not lower, higher or empty")
        if not (e.unit and e.name_zh and e.name_en):
            raise FactorDataError(f"{where}: unit, name_zh and name_en are required")
        if e.aggregate == "ratio" and not e.formula:
            for side in ("numerator", "denominator"):
                if getattr(e, side) not in columns:
                    raise FactorDataError(f"{where}, field '{side}': '{getattr(e, side)}' is not a column of the catalog")


@cache
def catalog(path: str | Path | None = None) -> dict[str, Indicator]:
    """Column -> :class:`Indicator`, in file order, read and checked once."""
    path = Path(path) if path is not None else CATALOG_PATH
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FactorDataError(f"{path}: not a readable indicator catalog: {exc}") from None
    try:
        entries = [Indicator(**entry) for entry in raw.get("indicator", [])]
    except TypeError as exc:
        raise FactorDataError(f"{path}: {exc}") from None
    _check(entries, path)
    return {e.column: e for e in entries}


def indicator(column: str) -> Indicator:
    """The catalog entry of ``column``; KeyError naming the column when it is not declared."""
    try:
        return catalog()[column]
    except KeyError:
        raise KeyError(f"'{column}' is not in the indicator catalog (carbonkit/indicators.toml)") from None


def unit_of(column: str) -> str | None:
    """The unit of a column, or None when the catalog does not declare it."""
    entry = catalog().get(column)
    return entry.unit if entry else None


def name_of(column: str, lang: str = "en") -> str:
    """The name of a column in ``lang``, or the column itself when the catalog does not declare it."""
    entry = catalog().get(column)
    return entry.name(lang) if entry else column


def columns(aggregate: str) -> tuple[str, ...]:
    """The columns that aggregate as ``aggregate`` (sum, stock or ratio), in catalog order."""
    return tuple(c for c, e in catalog().items() if e.aggregate == aggregate)


def ratios(*cols: str) -> tuple[tuple[str, str, str], ...]:
    """(column, numerator, denominator) of the given ratio columns (all computable ratios when none given)."""
    chosen = cols or tuple(c for c, e in catalog().items() if e.aggregate == "ratio" and not e.formula)
    return tuple((c, indicator(c).numerator, indicator(c).denominator) for c in chosen)


def labels(lang: str) -> dict[str, str]:
    """Column -> name in ``lang``, for every indicator."""
    return {c: e.name(lang) for c, e in catalog().items()}


def indicators_of(cols) -> dict[str, dict]:
    """Column -> {unit, name_zh, name_en, ...} for the catalogued ones among ``cols`` (for JSON answers)."""
    table = catalog()
    return {c: table[c].to_dict() for c in cols if c in table}
