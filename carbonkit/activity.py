"""Activity data: the long table (one row per enterprise, period and item) validated into arrays (its JSON
document form is :mod:`carbonkit.documents`).

Validation is vectorised: each distinct item name, unit, flow, period and region is resolved once and
mapped back onto the rows. Every problem found is collected with its row, enterprise, period and field,
and the batch is refused whole.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Literal, cast, overload

import numpy as np
import numpy.typing as npt
import pandas as pd


from carbonkit.documents import MAX_AMOUNT, REQUIRED, SMALL_ROWS, Columns
from carbonkit.codes import (categories_are_labels, item_flow_cells, item_unit_pairs, label_codes_small, label_text,
                             python_values, rank_groups, repeated_cells, trimmed_sorted)
from carbonkit.errors import InvalidInput, MissingFactor, Problem, UnitMismatch, UnknownItem
from carbonkit.identity import ID_FLOAT_HINT, PERIOD_EXPECTED, canonical_labels, float_ids
from carbonkit.units import multiplier
from carbonkit.vocabulary import FLOWS, Item, Vocabulary, flow_of, vocabulary

MAX_PROBLEMS = 10_000

_PERIOD = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")
Long = pd.DataFrame | Columns  # the long table: a frame, or a few documents' columns (built into a frame on demand)


def _frame(long: Long) -> pd.DataFrame:
    """The long table as a frame (a few documents' :class:`~carbonkit.documents.Columns` build theirs now)."""
    return long.frame if isinstance(long, Columns) else long


@dataclass
class Activities:
    """A validated batch: per-row arrays and the per-group (enterprise, period) table.

    The table is kept as its columns (``group_columns``: enterprise, period, year, month, region, industry,
    park, name, province), which is what the engine reads; :attr:`groups` builds the frame on first use.
    A small batch keeps the columns as built (texts as object arrays, None where missing): typing them as a
    frame costs more than accounting a report (about 0.4 ms), and the summary types them once, together.
    """

    group: np.ndarray  # group index of each row
    item: np.ndarray  # index into vocabulary().items
    flow: np.ndarray  # index into FLOWS
    amount: np.ndarray  # in the item's canonical unit
    enthalpy: np.ndarray  # kJ/kg, NaN where not given
    unit_code: np.ndarray  # index into ``units``
    units: list[str]
    rows: np.ndarray  # row numbers for messages
    group_columns: dict[str, Any]  # the per-group table's columns, in order (arrays, numpy or pandas)
    first_row: np.ndarray  # first input row of each group
    _groups: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def groups(self) -> pd.DataFrame:
        """The per-group table: enterprise, period, year, month, region, industry, park, name, province."""
        if self._groups is None:
            self._groups = pd.DataFrame(self.group_columns)
        return self._groups

    @property
    def n_groups(self) -> int:
        return len(self.first_row)


def _codes(series: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Integer codes (-1 for missing) and the distinct values, resolving each distinct value once (read by
    Arrow or numpy at once: iterating an Arrow index costs 0.6 us a value)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), series.cat.categories.tolist()
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, uniques.tolist()


def _labels(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes over the distinct trimmed texts, sorted; -1 where the value is missing or blank."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        if categories_are_labels(series.cat.categories):
            return series.cat.codes.to_numpy(), series.cat.categories.tolist()  # already what the remapping gives
    elif len(series) <= SMALL_ROWS:
        return label_codes_small(series.tolist())
    codes, uniques = _codes(series)
    remap, lab_uniques = trimmed_sorted([*uniques, ""])  # row codes in 4 bytes (an index into the distinct values)
    blank = np.flatnonzero(lab_uniques == "")
    if len(blank):
        remap = np.where(remap == blank[0], -1, remap - (remap > blank[0]))
        lab_uniques = np.delete(lab_uniques, blank[0])
    return remap[codes], [str(x) for x in lab_uniques]


class _Table:
    """The long table as the stages read it: each column's text codes (:func:`_labels`) and numbers.

    A small table (up to :data:`SMALL_ROWS` rows) is read from its column arrays, taken at once: a column
    look-up through pandas costs about 10 us, more than coding a column of a dozen texts in Python.
    """

    def __init__(self, frame: Long):
        self.source = frame  # a frame, or a few documents' columns (their frame is built only for a message)
        if isinstance(frame, Columns):
            self.arrays: dict[str, Any] | None = frame.arrays
        else:
            self.arrays = column_arrays(frame) if len(frame) <= SMALL_ROWS and frame.columns.is_unique else None

    @property
    def frame(self) -> pd.DataFrame:
        """The long table as a frame."""
        return _frame(self.source)

    def __len__(self) -> int:
        return len(self.source)

    def has(self, col: str) -> bool:
        """Whether the table has the column ``col``."""
        return col in self.arrays if self.arrays is not None else col in self.frame.columns

    def labels(self, col: str) -> tuple[np.ndarray, list[str]]:
        """:func:`_labels` of the column ``col``."""
        values = self.arrays[col] if self.arrays is not None else None
        if values is None or isinstance(values.dtype, pd.CategoricalDtype):
            return _labels(self.frame[col])
        return label_codes_small(python_values(values))  # what _labels gives a few values (missing: NaN or None alike)

    def numbers(self, col: str) -> Floats:
        """The column ``col`` as float64, NaN where it is no number (``pd.to_numeric(errors="coerce")``)."""
        values = self.arrays[col] if self.arrays is not None else None
        if isinstance(values, np.ndarray) and values.dtype == np.float64:
            return values.copy()
        if isinstance(values, np.ndarray) and values.dtype == object and all(v is None or type(v) is float for v in values):
            return np.array(values, dtype=np.float64)  # None as NaN, as to_numeric gives (a document's enthalpy)
        numbers: Floats = pd.to_numeric(self.frame[col], errors="coerce").to_numpy(np.float64, na_value=np.nan)
        return numbers


Index = npt.NDArray[np.integer[Any]]  # row positions or codes (int8 / int32 / int64 as the stage makes them)
Mask = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Message = str | Callable[[int], str]


@dataclass(frozen=True)
class Finding:
    """Problems of one kind found by a validation stage: the rows they concern and how to word them.

    A stage returns its findings; :func:`validate` hands them to the :class:`Collector` in stage order, which
    words one :class:`~carbonkit.errors.Problem` per row (``message`` is text, or a function of the row
    position) up to :data:`MAX_PROBLEMS`.
    """

    index: Index  # row positions (0-based) in the frame
    code: str
    field: str
    message: Message
    expected: str | None = None
    kind: type[InvalidInput] = InvalidInput


def find(mask_or_index: Mask | Index, code: str, field: str, message: Message, expected: str | None = None,
         kind: type[InvalidInput] = InvalidInput) -> list[Finding]:
    """One :class:`Finding` for the rows in ``mask_or_index`` (a boolean mask or row positions); none if empty.

    Parameters
    ----------
    mask_or_index : ndarray of bool or int
        The rows concerned: a mask over the frame's rows, or their positions [-].
    code, field : str
        The problem's stable code and the column it concerns.
    message : str or callable
        The text, or a function of a row position giving it.
    expected : str, optional
        What a valid value looks like.
    kind : type
        The :class:`~carbonkit.errors.InvalidInput` subclass raised when only this kind is found.

    Returns
    -------
    list of Finding
        Empty when no row is concerned, else one finding.
    """
    values = np.asarray(mask_or_index)
    index: Index
    if values.dtype == bool:  # the method, not np.flatnonzero's wrapper (1 us; validation calls this ~16 times)
        index = values.nonzero()[0] if values.ndim == 1 else np.flatnonzero(values)
    else:
        index = cast(Index, values)
    return [Finding(index, code, field, message, expected, kind)] if len(index) else []


class Collector:
    """Collects problems with the context of their rows.

    :func:`validate` fills it from its stages' findings; the accounting engine adds the problems it finds
    later (missing factors) so that all of them are reported at once.
    """

    def __init__(self, frame: Long, rows: Index):
        self.frame = frame
        self.rows = rows
        self.problems: list[Problem] = []
        self.kinds: set[type[InvalidInput]] = set()
        self.paths = _column(frame, "path")
        self.sheets = _column(frame, "sheet")  # workbook sheet of each row

    def add(self, mask_or_index: Mask | Index, code: str, field: str, message: Message, expected: str | None = None,
            kind: type[InvalidInput] = InvalidInput) -> None:
        """Add one problem per row in ``mask_or_index`` (a mask or row positions), up to :data:`MAX_PROBLEMS`.

        Parameters
        ----------
        mask_or_index : ndarray of bool or int
            The rows concerned.
        code, field : str
            The problem's stable code and the column.
        message : str or callable
            The text, or a function of the row position giving it.
        expected : str, optional
            What a valid value looks like.
        kind : type
            The :class:`~carbonkit.errors.InvalidInput` subclass for this kind.
        """
        for finding in find(mask_or_index, code, field, message, expected, kind):
            self.add_finding(finding)

    def add_finding(self, finding: Finding) -> None:
        """Word ``finding`` as one problem per row, up to :data:`MAX_PROBLEMS` in all.

        Parameters
        ----------
        finding : Finding
            Rows, code, field, message, expected value and kind.
        """
        self.kinds.add(finding.kind)
        ent, per = _values(self.frame, "enterprise"), _values(self.frame, "period")
        message = finding.message
        for i in finding.index[: max(0, MAX_PROBLEMS - len(self.problems))]:
            text = message(i) if callable(message) else message
            path = f"{self.paths[i]}.{finding.field}" if self.paths is not None and isinstance(self.paths[i], str) else None
            index = int(path[1:path.index("]")]) if path and path.startswith("[") else None
            self.problems.append(Problem(finding.code, text, field=finding.field, row=int(self.rows[i]),
                                         enterprise=_text(ent[i]), period=_text(per[i]), expected=finding.expected,
                                         path=path, index=index,
                                         sheet=_text(self.sheets[i]) if self.sheets is not None else None))

    def raise_if_any(self) -> None:
        """Raise every problem collected: as the one kind found, else as :class:`InvalidInput`.

        Raises
        ------
        InvalidInput
            (or the one subclass found) with every problem collected.
        """
        if not self.problems:
            return
        kind = self.kinds.pop() if len(self.kinds) == 1 else InvalidInput
        raise kind(self.problems)


def _column(frame: Long, col: str) -> np.ndarray | None:
    """The values of ``col`` as an array (None where the table has no such column)."""
    if isinstance(frame, Columns):
        return frame.arrays.get(col)
    return frame[col].to_numpy() if col in frame.columns else None


def _values(frame: Long, col: str) -> np.ndarray:
    """The values of the column ``col`` as an array (KeyError where there is none)."""
    values: np.ndarray = frame.arrays[col] if isinstance(frame, Columns) else frame[col].to_numpy()
    return values


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


@overload
def validate(frame: Long, vocab: Vocabulary | None = None, *, raise_now: Literal[True] = True) -> Activities: ...
@overload
def validate(frame: Long, vocab: Vocabulary | None = None, *,
             raise_now: Literal[False]) -> tuple[Activities, Collector]: ...
def validate(frame: Long, vocab: Vocabulary | None = None, *,
             raise_now: bool = True) -> Activities | tuple[Activities, Collector]:
    """Check the long table and resolve it into arrays. Raises :class:`InvalidInput` with every problem.

    Stages: required columns, identities (enterprise, period, item), items, flows, units, amounts, steam
    enthalpy, periods, groups, duplicates, the per-group table (regions); each returns its findings.

    Parameters
    ----------
    frame : DataFrame or Columns
        The long table: columns :data:`REQUIRED`, optionally :data:`OPTIONAL` and :data:`MEASURED` (a few
        documents' :class:`~carbonkit.documents.Columns` are read without a frame).
    vocab : Vocabulary, optional
        Items and regions; the shipped vocabulary by default.
    raise_now : bool
        With False, return ``(activities, collector)`` so the caller can add the problems it finds later
        (missing factors) and report all of them at once.

    Returns
    -------
    Activities or (Activities, Collector)
        The rows as arrays: amounts in each item's canonical unit [t, m3, kWh, MJ, 10^4 CNY ...], steam
        enthalpy [kJ/kg]; rows with a problem carry item -1 and amount 0.
    """
    vocab = vocab or vocabulary()
    _require_columns(frame)
    table = _Table(frame)
    ids = _identities(table)
    item, items_found = _resolve_items(frame, vocab, ids.item_codes, ids.item_names)
    flow, flows_found = _resolve_flows(table, vocab, item)
    unit_codes, unit_names, factor, units_found = _resolve_units(table, vocab, item)
    converted, usable, amounts_found = _check_amounts(table, factor)
    resolved_unit = np.isfinite(factor)
    del factor  # ``converted`` holds amount x factor
    enthalpy, enthalpy_found = _check_enthalpy(table, vocab, item)
    years, months, periods_found = _check_periods(frame, ids.per_codes, ids.per_names)
    grouping = _group_rows(ids.ent_codes, ids.per_codes, len(ids.per_names), len(frame))
    duplicates_found = _duplicates(vocab, grouping, item, flow, enthalpy, resolved_unit)
    groups, groups_found = _group_table(table, vocab, ids, grouping, years, months)
    rows = _row_numbers(frame)
    out = Collector(frame, rows)
    for finding in (*ids.findings(frame), *items_found, *flows_found, *units_found, *amounts_found, *enthalpy_found,
                    *periods_found, *duplicates_found, *groups_found):
        out.add_finding(finding)  # worded now, in stage order: the messages read ``item``, which the next lines change
    not_usable = ~usable
    converted[not_usable] = 0.0  # rejected rows (inf, 1e300) may have overflowed
    item[not_usable] = -1
    acts = Activities(group=grouping.group, item=item, flow=flow, amount=converted, enthalpy=enthalpy,
                      unit_code=unit_codes, units=unit_names, rows=rows, group_columns=groups, first_row=grouping.first)
    if raise_now:
        out.raise_if_any()
        return acts
    return acts, out


def _require_columns(frame: Long) -> None:
    """Refuse a table without the :data:`REQUIRED` columns (nothing else can be checked without them)."""
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InvalidInput([Problem("column_missing", f"the table has no column '{c}'", field=c,
                                    expected="columns " + ", ".join(REQUIRED)) for c in missing])


def _row_numbers(frame: Long) -> Index:
    """The row number of each row for messages: the ``row`` column, else 1, 2, ... (4 bytes each if they fit)."""
    n = len(frame)
    if isinstance(frame, Columns):
        numbers: Index = frame.arrays["row"]  # int64: 1, 2, ... (carbonkit.documents)
        return numbers
    if "row" in frame.columns:
        return frame["row"].to_numpy(np.int64)
    return np.arange(1, n + 1, dtype=np.int32 if n < 2**31 - 1 else np.int64)


@dataclass(frozen=True)
class _Identities:
    """Codes of each row's enterprise, canonical period and item text over their distinct values (-1: blank)."""

    ent_codes: Index
    ent_names: list[str]
    per_codes: Index
    per_names: list[str]
    item_codes: Index
    item_names: list[str]

    def findings(self, frame: Long) -> list[Finding]:
        """Blank enterprise, period or item; an enterprise id that was read as a number."""
        found: list[Finding] = []
        for col, codes in (("enterprise", self.ent_codes), ("period", self.per_codes), ("item", self.item_codes)):
            found += find(codes < 0, f"{col}_missing", col, f"no {col} given")
        float_id = np.append(float_ids(self.ent_names), False)
        return found + find(float_id[self.ent_codes], "enterprise_id_number", "enterprise",
                            _cell_message(frame, "enterprise", f"'{{}}': {ID_FLOAT_HINT}"),
                            "the id as text, e.g. 91370211473270545N")


def _identities(table: _Table) -> _Identities:
    """Each distinct enterprise, period and item text coded once."""
    ent_codes, ent_names = table.labels("enterprise")
    per_codes, per_names = canonical_labels(*table.labels("period"))
    item_codes, item_names = table.labels("item")
    return _Identities(ent_codes, ent_names, per_codes, per_names, item_codes, item_names)


def _cell_message(frame: Long, col: str, template: str) -> Callable[[int], str]:
    """A message naming the row's cell of ``col``: ``template`` with ``{}`` for the cell's text."""
    return lambda i: template.format(_frame(frame)[col].iat[i])


def _resolve_items(frame: Long, vocab: Vocabulary, item_codes: Index,
                   item_names: list[str]) -> tuple[Index, list[Finding]]:
    """The vocabulary index of each row's item (-1: blank or unknown), each distinct name resolved once."""
    item_map = np.array([_item_index(vocab, str(name)) for name in item_names] + [-1], dtype=np.int64)
    item = item_map[item_codes]
    unknown = (item < 0) & (item_codes >= 0)

    def unknown_message(i: int) -> str:
        name = _frame(frame)["item"].iat[i]
        hints = vocab.suggest(str(name))
        return f"'{name}' is not a known item" + (f"; did you mean {', '.join(hints)}?" if hints else "")

    return item, find(unknown, "item_unknown", "item", unknown_message, "an item id or name from factors/items.csv",
                      kind=UnknownItem)


@lru_cache(maxsize=4096)
def _item_index(vocab: Vocabulary, name: str) -> int:
    """The vocabulary index of the item a name means (-1: unknown), each spelling resolved once (about 1 us each)."""
    resolved = vocab.resolve(name)
    return vocab.index[resolved.item] if resolved else -1


@cache
def _of_kinds(vocab: Vocabulary, kinds: tuple[str, ...]) -> Mask:
    """True for the vocabulary's items of these kinds, with a trailing False for unknown (-1); built once, read only."""
    mask = np.array([it.kind in kinds for it in vocab.items] + [False])
    mask.flags.writeable = False
    return mask


def _resolve_flows(table: _Table, vocab: Vocabulary, item: Index) -> tuple[Index, list[Finding]]:
    """The index into :data:`FLOWS` of each row's flow (0, consumption, where blank or unknown)."""
    found: list[Finding] = []
    frame = table.source
    if table.has("flow"):
        flow_codes, flow_names = table.labels("flow")
        flow_map = np.array([FLOWS.index(f) if (f := flow_of(name)) else -1 for name in flow_names] + [0], dtype=np.int8)
        flow = flow_map[flow_codes]
        found += find(flow < 0, "flow_unknown", "flow", _cell_message(frame, "flow", "'{}' is not a flow"),
                      "consumption, feedstock or export (消费, 原料用能, 外销)")
        flow = np.where(flow < 0, 0, flow)
    else:
        flow = np.zeros(len(frame), dtype=np.int8)
    consumption_only = _of_kinds(vocab, ("water", "economic"))
    only_consumption = consumption_only[item] & (flow != 0)
    found += find(only_consumption, "flow_not_allowed", "flow",
                  lambda i: f"{vocab.items[item[i]].label} is counted as used; flow '{FLOWS[flow[i]]}' does not apply",
                  "consumption (or leave the flow empty)")
    return flow, found


def _resolve_units(table: _Table, vocab: Vocabulary,
                   item: Index) -> tuple[Index, list[str], Floats, list[Finding]]:
    """Unit codes and names, and each row's factor to its item's canonical unit (NaN: not convertible).

    Each distinct (item, unit) pair is converted once.
    """
    unit_codes, unit_names = table.labels("unit")
    pairs, pair_inv = item_unit_pairs(item, unit_codes, len(vocab), len(unit_names))
    pair_factor = np.full(len(pairs), np.nan)
    found: list[Finding] = []
    for k, key in enumerate(pairs):
        it_idx, u_idx = divmod(int(key), len(unit_names) + 1)
        if it_idx >= len(vocab):
            continue
        unit = unit_names[u_idx].strip() if u_idx < len(unit_names) else ""
        pair_factor[k], problem = _item_unit_factor(vocab, it_idx, unit)
        if problem is not None:
            found += find(pair_inv == k, problem.code, "unit", problem.message, problem.expected, kind=UnitMismatch)
    return unit_codes, unit_names, pair_factor[pair_inv], found


@lru_cache(maxsize=4096)
def _item_unit_factor(vocab: Vocabulary, it_idx: int, unit: str) -> tuple[float, Problem | None]:
    """:func:`_unit_factor` of the vocabulary's item ``it_idx``, each (item, unit) worked out once (read only)."""
    return _unit_factor(vocab.items[it_idx], unit)


def _unit_factor(it: Item, unit: str) -> tuple[float, Problem | None]:
    """The factor from ``unit`` to the item's canonical unit [-], or NaN and the problem."""
    if it.unit == "any" or (it.unit == "dimensionless" and unit in ("", "1", "-")):
        return 1.0, None
    try:
        return multiplier(unit, "dimensionless" if it.unit == "dimensionless" else it.unit), None
    except UnitMismatch as exc:
        p = exc.problems[0]
        msg = (f"'{unit}' is not a unit of {it.label}, which is measured in units like {it.unit}"
               if p.code == "unit_dimension" else p.message)
        return np.nan, Problem(p.code, msg, expected=f"a unit convertible to {it.unit}")


def _check_amounts(table: _Table, factor: Floats) -> tuple[Floats, Mask, list[Finding]]:
    """Each row's amount in its item's canonical unit, and which rows are usable (unit, finite, in range)."""
    frame = table.source
    amount = table.numbers("amount")
    found = find(np.isnan(amount) & ~np.isinf(amount), "amount_missing", "amount",
                 _cell_message(frame, "amount", "'{}' is not a number"), "a finite number")
    found += find(np.isinf(amount), "amount_nonfinite", "amount", "the amount is infinite", "a finite number")
    with np.errstate(over="ignore", invalid="ignore"):
        converted = amount * factor  # in the item's canonical unit; rows not usable are set to 0 by validate
        too_large = np.isfinite(amount) & np.isfinite(factor) & ((converted > MAX_AMOUNT) | (converted < -MAX_AMOUNT))
    found += find(too_large, "amount_out_of_range", "amount",
                  lambda i: f"{amount[i]:g} {_frame(frame)['unit'].iat[i]} is beyond any enterprise",
                  f"at most {MAX_AMOUNT:g} in the item's unit (t, m3, kWh, MJ, 万元)")
    found += find((amount < 0) & np.isfinite(amount), "amount_negative", "amount", lambda i: f"{amount[i]} is negative",
                  "an amount of 0 or more; give energy sold or sent out as a positive amount with flow 'export'")
    usable = np.isfinite(factor) & np.isfinite(amount) & (amount >= 0) & ~too_large
    return converted, usable, found


def _check_enthalpy(table: _Table, vocab: Vocabulary, item: Index) -> tuple[Floats, list[Finding]]:
    """Each row's steam enthalpy [kJ/kg] (NaN where not given): positive, and on steam rows only."""
    if not table.has("enthalpy"):
        return np.broadcast_to(np.nan, len(table)), []  # read-only, no memory: none given
    frame = table.source
    enthalpy = table.numbers("enthalpy")
    given = table.labels("enthalpy")[0] >= 0
    steam_item = _of_kinds(vocab, ("steam",))
    found = find(given & ~(enthalpy > 0) | given & np.isinf(enthalpy), "enthalpy_invalid", "enthalpy",
                 _cell_message(frame, "enthalpy", "'{}' is not a positive enthalpy"), "a steam enthalpy in kJ/kg")
    found += find(given & ~steam_item[item] & (item >= 0), "enthalpy_not_allowed", "enthalpy",
                  "an enthalpy applies to steam only", "an empty enthalpy")
    return enthalpy, found


def _check_periods(frame: Long, per_codes: Index,
                   per_names: list[str]) -> tuple[Index, Index, list[Finding]]:
    """Year and month (0: a year) of each distinct period, with a trailing 0 for blank; invalid periods found."""
    years = np.zeros(len(per_names) + 1, dtype=np.int64)
    months = np.zeros(len(per_names) + 1, dtype=np.int64)
    bad_period = np.zeros(len(per_names) + 1, dtype=bool)
    for k, name in enumerate(per_names):
        m = _PERIOD.match(name.strip())
        if m and 1900 < int(m.group(1)) < 2200 and (m.group(2) is None or 1 <= int(m.group(2)) <= 12):
            years[k], months[k] = int(m.group(1)), int(m.group(2) or 0)
        else:
            bad_period[k] = True
    return years, months, find(bad_period[per_codes] & (per_codes >= 0), "period_invalid", "period",
                               _cell_message(frame, "period", "'{}' is not a period"), PERIOD_EXPECTED)


@dataclass(frozen=True)
class _Grouping:
    """Rows grouped by (enterprise, period), groups sorted: each row's group and each group's keys."""

    group: Index  # group of each row
    first: Index  # first row of each group
    g_ent: Index  # enterprise code of each group
    g_per: Index  # period code of each group

    @property
    def n_groups(self) -> int:
        return len(self.first)


def _group_rows(ent_codes: Index, per_codes: Index, n_periods: int, n: int) -> _Grouping:
    """Group the ``n`` rows by (enterprise, period), sorted by enterprise then period code."""
    key = ent_codes.astype(np.int64) * (n_periods + 1) + per_codes
    group, key_uniques = rank_groups(key)
    first = np.empty(len(key_uniques), dtype=np.int64)
    first[group[::-1]] = np.arange(n)[::-1]  # the last write wins: each group's first row
    g_ent, g_per = np.divmod(key_uniques, n_periods + 1)
    return _Grouping(group, first, g_ent, g_per)


def _duplicates(vocab: Vocabulary, grouping: _Grouping, item: Index, flow: Index, enthalpy: Floats,
                resolved_unit: Mask) -> list[Finding]:
    """The same item and flow (and steam enthalpy) twice in one group."""
    group = grouping.group
    dup = repeated_cells(group, grouping.n_groups, item_flow_cells(item, flow, (item >= 0) & resolved_unit))
    if dup.any() and not np.isnan(enthalpy[dup]).all():
        dup_key = (group * (len(vocab) + 1) + item) * len(FLOWS) + flow
        idx = np.flatnonzero(dup)
        again = pd.DataFrame({"k": dup_key[idx], "h": np.nan_to_num(enthalpy[idx], nan=-1.0)}).duplicated(keep=False)
        dup[idx[~again.to_numpy()]] = False
    return find(dup, "duplicate_item", "item",
                lambda i: f"{vocab.items[item[i]].label} with flow {FLOWS[flow[i]]} appears more than once for this "
                          "enterprise and period",
                "one row per item and flow; add the amounts up")


def _group_table(table: _Table, vocab: Vocabulary, ids: _Identities, grouping: _Grouping, years: Index,
                 months: Index) -> tuple[dict[str, Any], list[Finding]]:
    """One row per group, as columns: enterprise, period, year, month, the first given region, industry, park and
    name, and the region's province; a region that is no region code is found (on the group's first row).

    A batch's columns come typed as ``pd.DataFrame`` types them; a small batch's as built (:class:`Activities`)."""
    g_per = grouping.g_per
    columns = {
        "enterprise": np.array(ids.ent_names + [""], dtype=object)[grouping.g_ent],
        "period": np.array(ids.per_names + [""], dtype=object)[g_per],
        "year": years[g_per], "month": months[g_per],
    }
    for col in ("region", "industry", "park", "name"):
        columns[col] = _first_per_group(table, col, grouping.group, grouping.first)
    province = {r: vocab.province_of(r) for r in dict.fromkeys(columns["region"])}  # None: national
    province[None] = vocab.province_of("CN")
    columns["province"] = np.array([province[r] for r in columns["region"]], dtype=object)  # None: unknown
    if table.arrays is not None:  # a few groups: province_of gives a code or None
        bad_region = np.array([p is None for p in columns["province"]], dtype=bool)
    else:
        bad_region = pd.isna(columns["province"])
    found = find(grouping.first[bad_region], "region_unknown", "region",
                 _cell_message(table.source, "region", "'{}' is not a region code"),
                 "a 6-digit administrative code (370211), a 2-digit province code (37) or CN", kind=MissingFactor)
    if table.arrays is None:  # a batch: the columns typed as a frame types them (texts as strings, NaN missing)
        columns = column_arrays(pd.DataFrame(columns))
    return columns, found


def column_arrays(frame: pd.DataFrame) -> dict[str, Any]:
    """The columns of ``frame`` as arrays (numpy or pandas), without building a Series for each.

    Parameters
    ----------
    frame : DataFrame
        Any frame.

    Returns
    -------
    dict of str to array
        Column name -> its values, in column order.
    """
    try:
        # the labels as one list: iterating a text Index yields its labels one by one, at about 1 us each
        return dict(zip(frame.columns.tolist(), frame._iter_column_arrays()))  # type: ignore[operator]  # pandas' own iterator
    except AttributeError:  # another pandas: the public way
        return {c: frame[c].array for c in frame.columns}


def _first_per_group(table: _Table, col: str, group: np.ndarray, first: np.ndarray) -> np.ndarray:
    """The first non-blank value of ``col`` in each group (None where the column or value is absent).

    ``first`` is each group's first row: where that row has a value, it is the group's. A small table
    (:class:`_Table` with its arrays) is scanned in Python, a batch's through its codes.
    """
    if not table.has(col):
        return np.full(len(first), None, dtype=object)
    if table.arrays is not None and not isinstance(table.arrays[col].dtype, pd.CategoricalDtype):
        picked: list[str | None] = [None] * len(first)  # a few rows: each group's first label, scanned in Python
        for g, value in zip(group.tolist(), python_values(table.arrays[col])):
            if picked[g] is None:
                picked[g] = label_text(value)
        return np.array(picked, dtype=object)
    codes, labels = table.labels(col)
    chosen = codes[first]
    blank = chosen < 0
    if blank.any():  # those groups take their first row with a value, if any
        idx = np.flatnonzero(blank[group] & (codes >= 0))[::-1]  # reversed: the first occurrence is written last
        chosen[group[idx]] = codes[idx]
    values: npt.NDArray[np.object_] = np.array([*labels, None], dtype=object)[chosen]
    return values
