"""The catalog of indicators: every figure of a result declared once (column, unit, names, aggregation).

Read from ``carbonkit/indicators.toml``. The CLI tables, the JSON/CSV/Excel headers, the HTML reports, the
dashboard and the API name and unit each figure from here, so a figure carries one name and one unit on
every surface. Electricity at its calorific equivalent (factor gbt2589-2020-a.electricity) gives the *equivalent value*
(当量值); at the coal rate of power supply, the *equal value* (等价值) (GB/T 2589-2020 §3).

An aggregate of a ``ratio`` indicator is recomputed from summed numerator and denominator, never averaged:
I_g = Σ num / Σ den.

Where a figure takes part is declared on its entry too, and the modules' lists derive from it
(:func:`view`): the group sums, the sums over the enterprise-periods with value added and the group
intensities of :mod:`carbonkit.aggregation`, the stored result columns of the service, the indicators of
the target profiles (:data:`carbonkit.targets.INDICATORS`) and of the decomposition. Adding an indicator is
one entry here plus its formula (and, for a stored column, the field on ``api.models.Result`` and a
migration).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from carbonkit.errors import FactorDataError

AGGREGATES = ("sum", "stock", "ratio")
DIRECTIONS = ("lower", "higher", "")
LEVELS = ("result", "group")
LANGS = ("zh", "en")
# the lists an entry takes part in, by its place in them (1, 2, ...; 0: not in it); see indicators.toml
VIEWS = ("group_sum", "va_sum", "group_ratio", "stored", "target_order", "decomposition_order")
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
    level: str = "result"
    group_sum: int = 0
    va_sum: int = 0
    group_ratio: int = 0
    stored: int = 0
    target: str = ""
    target_order: int = 0
    decomposition: str = ""
    decomposition_order: int = 0
    prepared: str = ""

    def name(self, lang: str = "en") -> str:
        """The name in ``zh`` or ``en``."""
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {', '.join(LANGS)}")
        return self.name_zh if lang == "zh" else self.name_en

    def heading(self, lang: str = "en") -> str:
        """Name and unit, as a table or file header: ``综合能耗（当量值） [tce]``."""
        return f"{self.name(lang)} [{self.unit}]" if self.unit and self.unit != "1" else self.name(lang)

    def to_dict(self) -> dict[str, str | None]:
        """The entry as the API and the JSON answers show it (names, unit, aggregation, direction)."""
        return {"column": self.column, "unit": self.unit, "name_zh": self.name_zh, "name_en": self.name_en,
                "aggregate": self.aggregate, "numerator": self.numerator or None,
                "denominator": self.denominator or None, "direction": self.direction or None}


def _check_entry(e: Indicator, where: str, columns: list[str]) -> None:
    """The problems of one entry on its own: its words, its aggregation, its numerator and denominator."""
    if columns.count(e.column) > 1:
        raise FactorDataError(f"{where}: column declared twice")
    if e.aggregate not in AGGREGATES:
        raise FactorDataError(f"{where}, field 'aggregate': '{e.aggregate}' is not one of {', '.join(AGGREGATES)}")
    if e.direction not in DIRECTIONS:
        raise FactorDataError(f"{where}, field 'direction': '{e.direction}' is not lower, higher or empty")
    if e.level not in LEVELS:
        raise FactorDataError(f"{where}, field 'level': '{e.level}' is not one of {', '.join(LEVELS)}")
    if not (e.unit and e.name_zh and e.name_en):
        raise FactorDataError(f"{where}: unit, name_zh and name_en are required")
    _check_links(e, where, columns)


def _check_links(e: Indicator, where: str, columns: list[str]) -> None:
    """A ratio's numerator and denominator are columns of the catalog; view places are 1, 2, ...; a target or
    decomposition flag comes with its order."""
    if e.aggregate == "ratio" and not e.formula:
        for side in ("numerator", "denominator"):
            if getattr(e, side) not in columns:
                raise FactorDataError(f"{where}, field '{side}': '{getattr(e, side)}' is not a column of the catalog")
    for name in VIEWS:
        if getattr(e, name) < 0:
            raise FactorDataError(f"{where}, field '{name}': a place in a list is 1, 2, ... (or left out)")
    for name, order in (("target", "target_order"), ("decomposition", "decomposition_order")):
        if bool(getattr(e, name)) != bool(getattr(e, order)):
            raise FactorDataError(f"{where}: '{name}' and '{order}' go together")


def _check_view(entries: list[Indicator], name: str, path: Path) -> None:
    """The places of a list are 1, 2, ..., n, each taken once."""
    places = sorted(getattr(e, name) for e in entries if getattr(e, name))
    if places != list(range(1, len(places) + 1)):
        raise FactorDataError(f"{path}, field '{name}': the places {places} are not 1 to {len(places)}, each once")


def _check_sides(table: dict[str, Indicator], path: Path) -> None:
    """Group intensities, targets and decompositions sum their numerator over the rows with value added and
    divide by a prepared sum: the numerator must be a ``va_sum`` and the denominator prepared."""
    for n, e in enumerate(table.values(), start=1):
        where = f"{path}, indicator {n} ({e.column})"
        if not (e.group_ratio or e.decomposition or (e.target and e.aggregate == "ratio")):
            continue
        num, den = table.get(e.numerator), table.get(e.denominator)
        if num is None or not num.va_sum:
            raise FactorDataError(f"{where}, field 'numerator': '{e.numerator}' is not summed over the rows with "
                                  "value added (va_sum)")
        if den is None or not (den.prepared or den.va_sum):
            raise FactorDataError(f"{where}, field 'denominator': '{e.denominator}' has no prepared sum "
                                  "(prepared or va_sum)")


def _check(entries: list[Indicator], path: Path) -> None:
    columns = [e.column for e in entries]
    for n, e in enumerate(entries, start=1):
        _check_entry(e, f"{path}, indicator {n} ({e.column})", columns)
    for name in VIEWS:
        _check_view(entries, name, path)
    for name in ("target", "decomposition"):
        names = [getattr(e, name) for e in entries if getattr(e, name)]
        if len(names) != len(set(names)):
            raise FactorDataError(f"{path}, field '{name}': a name is given to two entries")
    _check_sides({e.column: e for e in entries}, path)


@cache
def catalog(path: str | Path | None = None) -> dict[str, Indicator]:
    """Every indicator, in file order, read and checked once.

    Parameters
    ----------
    path : str or Path, optional
        A catalog file; default ``carbonkit/indicators.toml``.

    Returns
    -------
    dict of str to Indicator
        Column -> entry. A problem raises :class:`~carbonkit.errors.FactorDataError` naming the file, the
        entry and the field.
    """
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
    """The catalog entry of ``column``; KeyError naming the column when it is not declared.

    Parameters
    ----------
    column : str
        A catalog column.

    Returns
    -------
    Indicator
        Its entry (unit, names, aggregation, where it takes part).
    """
    try:
        return catalog()[column]
    except KeyError:
        raise KeyError(f"'{column}' is not in the indicator catalog (carbonkit/indicators.toml)") from None


def unit_of(column: str) -> str | None:
    """The unit of a column, or None when the catalog does not declare it.

    Parameters
    ----------
    column : str
        A result column.

    Returns
    -------
    str or None
        Its unit in the one notation (``tce``, ``tCO2``, ``m3``, ``10^4 CNY``, ``tce/10^4 CNY`` ...).
    """
    entry = catalog().get(column)
    return entry.unit if entry else None


def name_of(column: str, lang: str = "en") -> str:
    """The name of a column in ``lang``, or the column itself when the catalog does not declare it.

    Parameters
    ----------
    column : str
        A result column.
    lang : str
        ``zh`` or ``en``.

    Returns
    -------
    str
        Its name (no unit).
    """
    entry = catalog().get(column)
    return entry.name(lang) if entry else column


def columns(aggregate: str) -> tuple[str, ...]:
    """The columns that aggregate as ``aggregate`` (sum, stock or ratio), in catalog order.

    Parameters
    ----------
    aggregate : str
        ``sum``, ``stock`` or ``ratio``.

    Returns
    -------
    tuple of str
        The columns, each in the unit of its entry.
    """
    return tuple(c for c, e in catalog().items() if e.aggregate == aggregate)


def ratios(*cols: str) -> tuple[tuple[str, str, str], ...]:
    """(column, numerator, denominator) of the given ratio columns.

    Parameters
    ----------
    *cols : str
        Ratio columns; none: every ratio of an enterprise's result that is a plain quotient (level
        ``result``, no other formula), in catalog order.

    Returns
    -------
    tuple of (str, str, str)
        Column, numerator column and denominator column, each ratio in the unit of its entry.
    """
    chosen = cols or tuple(c for c, e in catalog().items()
                           if e.aggregate == "ratio" and not e.formula and e.level == "result")
    return tuple((c, indicator(c).numerator, indicator(c).denominator) for c in chosen)


def view(name: str, path: str | Path | None = None) -> tuple[Indicator, ...]:
    """The entries that take part in the list ``name``, in their places.

    Parameters
    ----------
    name : str
        One of :data:`VIEWS`: ``group_sum``, ``va_sum``, ``group_ratio``, ``stored``, ``target_order``,
        ``decomposition_order``.
    path : str or Path, optional
        A catalog file; default ``carbonkit/indicators.toml``.

    Returns
    -------
    tuple of Indicator
        The entries whose field ``name`` is set, ordered by it.
    """
    if name not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}")
    return tuple(sorted((e for e in catalog(path).values() if getattr(e, name)), key=lambda e: int(getattr(e, name))))


def prepared_name(column: str, path: str | Path | None = None) -> str:
    """The name of a sum in the prepared results of :func:`carbonkit.aggregation.prepare`.

    Parameters
    ----------
    column : str
        A catalog column: value added (``va``, ``vac`` [10^4 CNY]) or a ``va_sum`` (``iv_<column>``).

    Returns
    -------
    str
        ``va``, ``vac`` or ``iv_<column>``: the sum over the enterprise-periods with value added.
    """
    entry = catalog(path)[column]
    return entry.prepared or f"iv_{column}"


def group_sum_columns(path: str | Path | None = None) -> tuple[str, ...]:
    """The columns summed per group and period (:data:`carbonkit.aggregation.SUM_COLUMNS`), each in its unit.

    Parameters
    ----------
    path : str or Path, optional
        A catalog file; default ``carbonkit/indicators.toml``.

    Returns
    -------
    tuple of str
        The columns with field ``group_sum``, in its order.
    """
    return tuple(e.column for e in view("group_sum", path))


def value_added_sum_columns(path: str | Path | None = None) -> tuple[str, ...]:
    """The columns summed over the enterprise-periods with value added, as ``iv_<column>``, each in its unit
    (:data:`carbonkit.aggregation.NUMERATORS`).

    Parameters
    ----------
    path : str or Path, optional
        A catalog file; default ``carbonkit/indicators.toml``.

    Returns
    -------
    tuple of str
        The columns with field ``va_sum``, in its order.
    """
    return tuple(e.column for e in view("va_sum", path))


def group_intensities(path: str | Path | None = None) -> tuple[tuple[str, str, str], ...]:
    """(column, numerator, prepared denominator) of the group intensities (:data:`carbonkit.aggregation.INTENSITIES`).

    Parameters
    ----------
    path : str or Path, optional
        A catalog file; default ``carbonkit/indicators.toml``.

    Returns
    -------
    tuple of (str, str, str)
        The intensity column (in the unit of its entry, e.g. [tce/10^4 CNY]), its numerator column (summed as
        ``iv_<numerator>``) and the prepared name of its denominator (``va``: value added at current prices,
        ``vac``: at comparable prices [10^4 CNY]).
    """
    return tuple((e.column, e.numerator, prepared_name(e.denominator, path)) for e in view("group_ratio", path))


def stored_columns(path: str | Path | None = None) -> tuple[str, ...]:
    """The result columns the service keeps as columns of its ``result`` table (``api.models.RESULT_COLUMNS``).

    Parameters
    ----------
    path : str or Path, optional
        A catalog file; default ``carbonkit/indicators.toml``.

    Returns
    -------
    tuple of str
        The columns with field ``stored``, in its order; each is a float column of ``api.models.Result``.
    """
    return tuple(e.column for e in view("stored", path))


def target_indicators(path: str | Path | None = None) -> dict[str, tuple[str, str | None, str]]:
    """The indicators a target profile may name (``factors/targets/``).

    Parameters
    ----------
    path : str or Path, optional
        A catalog file; default ``carbonkit/indicators.toml``.

    Returns
    -------
    dict of str to (str, str or None, str)
        Indicator name -> (numerator column, prepared denominator or None for a total, unit). An intensity
        divides ``iv_<numerator>`` by the denominator (``vac`` [10^4 CNY], or ``iv_energy_equivalent_tce``
        [tce]); a total is the level sum of its column [its unit, tCO2 or tce].
    """
    out: dict[str, tuple[str, str | None, str]] = {}
    for e in view("target_order", path):
        if e.aggregate == "ratio":
            out[e.target] = (e.numerator, prepared_name(e.denominator, path), e.unit)
        else:
            out[e.target] = (e.column, None, e.unit)
    return out


def decomposition_numerators(path: str | Path | None = None) -> dict[str, tuple[str, str]]:
    """The intensities the LMDI decomposition takes (:data:`carbonkit.decomposition.NUMERATORS`).

    Parameters
    ----------
    path : str or Path, optional
        A catalog file; default ``carbonkit/indicators.toml``.

    Returns
    -------
    dict of str to (str, str)
        Indicator name -> (prepared numerator ``iv_<column>``, unit of the intensity, e.g. [tce/10^4 CNY]),
        over value added at comparable prices.
    """
    return {e.decomposition: (prepared_name(e.numerator, path), e.unit) for e in view("decomposition_order", path)}


def labels(lang: str) -> dict[str, str]:
    """Column -> name in ``lang``, for every indicator.

    Parameters
    ----------
    lang : str
        ``zh`` or ``en``.

    Returns
    -------
    dict of str to str
        Column -> name (no unit).
    """
    return {c: e.name(lang) for c, e in catalog().items()}


def indicators_of(cols: Iterable[Any]) -> dict[str, dict[str, str | None]]:
    """Column -> {unit, name_zh, name_en, ...} for the catalogued ones among ``cols`` (for JSON answers).

    Parameters
    ----------
    cols : iterable
        Column names (the uncatalogued ones are left out).

    Returns
    -------
    dict of str to dict
        Column -> :meth:`Indicator.to_dict` (unit, names, aggregation, numerator, denominator, direction).
    """
    table = catalog()
    return {c: table[c].to_dict() for c in cols if c in table}
