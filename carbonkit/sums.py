"""Work from sums: roll-ups, LMDI and progress from partial sums of partitions, equal to the
enterprise-level functions.

A partition of enterprise results (every enterprise in exactly one partition, as in an
enterprise-hashed dataset) is reduced to its :class:`PartialSums`: per group and period the level sums,
the intensity sums over the enterprise-periods with value added (Σ E_e, Σ VA_e, Σ VA_comp,e), the counts
and the price-basis counts of :func:`carbonkit.aggregation.group_sums`, plus its register (the enterprises
expected) and the enterprises missing. Every one of these adds over partitions, so

    combine([partial_sums(p) for p in partitions])  ==  partial_sums(all results)

and the total-over-total intensities I_g = Σ E / Σ VA follow from the combined sums exactly as from the
enterprise rows. Value added at comparable prices is worked out per enterprise row before summing, so
``deflators`` and ``base_year`` are chosen when the partial sums are made.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, cast

import pandas as pd

from carbonkit.aggregation import (
    SUM_COLUMNS, Aggregate, add_intensities, coverage_table, group_keys, group_sums,
    key_columns, prepare, register_of, results_frame, select,
)
from carbonkit.deflators import Deflators, basis_notes, resolve_base_year
from carbonkit.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from collections.abc import Iterable

    from carbonkit.accounting import AccountingResult
    from carbonkit.decomposition import Decomposition

# columns whose group sum is NaN where no row has a value (the others are plain sums)
LEVEL_COLUMNS = SUM_COLUMNS


@dataclass
class PartialSums:
    """Additive sums of a partition of enterprise results (module docstring)."""

    by: tuple[str, ...]
    keys: tuple[str, ...]
    cells: pd.DataFrame  # keys, period and the sums of group_sums
    register: pd.DataFrame  # enterprise, the attributes and the keys of the register of the selection
    missing: pd.DataFrame  # period, keys, enterprise: registered, not reporting in a period of ``periods``
    periods: list[str]
    base_year: int
    deflators: str | None = None
    deflator_rows: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    selection: dict[str, Any] = field(default_factory=dict)  # region, park, industry
    n_enterprises: int = 0  # enterprises with a result in the selection
    # further additive tables: name -> (key columns, sums by those keys and period), combined as ``cells``
    tables: dict[str, tuple[tuple[str, ...], pd.DataFrame]] = field(default_factory=dict)


def partial_sums(results: AccountingResult | pd.DataFrame, by: str | Iterable[str] = "province", *,
                 periods: list[str] | None = None, deflators: Deflators | str | None = None, base_year: int | None = None,
                 override: bool = False, region: str | None = None, park: str | list[str] | None = None,
                 industry: str | None = None, co2_split: bool = False) -> PartialSums:
    """The additive sums of one partition of enterprise results, by ``by`` and period.

    ``results``: an :class:`~carbonkit.AccountingResult` or a summary frame. The register is every enterprise
    of the partition (as :func:`carbonkit.aggregate` without a register). ``co2_split`` adds the sums the CO2
    decomposition needs (electricity at the equivalent value of each result's release [tce]).
    """
    from carbonkit.decomposition import with_co2_split

    keys = group_keys(by) if by else ()
    frame = results_frame(results)
    register = select(register_of(frame), region, park, industry)
    frame = select(frame, region, park, industry)
    if periods is not None:
        frame = frame[frame["period"].isin([str(p) for p in periods])]
    base_year = resolve_base_year(base_year)  # carried by the parts: combine() refuses parts of other base years
    prepared = prepare(frame, deflators, base_year, override)
    notes: list[str] = []
    if co2_split:
        prepared = with_co2_split(prepared, notes)
    cells = group_sums(prepared, keys) if len(frame) else pd.DataFrame(columns=[*keys, "period"])
    reg = register.reset_index(drop=True)
    for key, values in key_columns(reg, keys).items():
        reg[key] = values
    seen = sorted(frame["period"].unique()) if periods is None else [str(p) for p in periods]
    missing = _missing(reg, frame, seen, keys)
    return PartialSums((by,) if isinstance(by, str) else tuple(by), keys, cells, reg, missing, seen, base_year,
                       prepared.deflators, prepared.deflator_rows, notes,
                       {"region": region, "park": park, "industry": industry}, int(frame["enterprise"].nunique()))


def _missing(reg: pd.DataFrame, frame: pd.DataFrame, periods: list[str], keys: tuple[str, ...]) -> pd.DataFrame:
    """The registered enterprises without a result in each of ``periods`` (with their register keys)."""
    cols = ["period", *keys, "enterprise"]
    if not periods or reg.empty:
        return pd.DataFrame(columns=cols)
    grid = reg[[*keys, "enterprise"]].merge(pd.DataFrame({"period": periods}), how="cross")
    grid = grid.merge(frame[["enterprise", "period"]], on=["enterprise", "period"], how="left", indicator=True)
    return grid.loc[grid["_merge"] == "left_only", cols].reset_index(drop=True)


def combine(parts: list[PartialSums]) -> PartialSums:
    """The partial sums of the union of partitions that share no enterprise.

    Parameters
    ----------
    parts : list of PartialSums
        Made with the same ``by``, base year, deflator table, selection and kind.

    Returns
    -------
    PartialSums
        Sums [their units: tce, tCO2, m3, 10^4 CNY] and counts [1] added cell by cell; registers and missing
        enterprises united.

    Raises
    ------
    InvalidInput
        ``sums_missing`` (no parts), ``sums_incompatible``, ``enterprise_in_two_partitions``.
    """
    if not parts:
        raise InvalidInput(Problem("sums_missing", "no partial sums to combine", field="parts"))
    first = parts[0]
    for p in parts[1:]:
        if (p.keys, p.base_year, p.deflators, p.selection, _table_keys(p)) != \
                (first.keys, first.base_year, first.deflators, first.selection, _table_keys(first)):
            raise InvalidInput(Problem("sums_incompatible", "partial sums of different levels, base years, deflator "
                                       "tables, selections or kinds cannot be combined", field="parts"))
    keys = first.keys
    periods = sorted(set().union(*(p.periods for p in parts)))
    register = pd.concat([p.register for p in parts], ignore_index=True)
    if register["enterprise"].duplicated().any():
        dup = register.loc[register["enterprise"].duplicated(), "enterprise"].iloc[0]
        raise InvalidInput(Problem("enterprise_in_two_partitions", f"enterprise {dup} is in two partitions: its sums "
                                   "would count twice", enterprise=str(dup), expected="partitions by enterprise"))
    missing = [p.missing for p in parts]
    for p in parts:  # a partition without a period: all of its register is missing then
        extra = [q for q in periods if q not in p.periods]
        if extra and not p.register.empty:
            missing.append(p.register[[*keys, "enterprise"]].merge(pd.DataFrame({"period": extra}), how="cross"))
    return PartialSums(first.by, keys, _add_cells([p.cells for p in parts], keys), register,
                       pd.concat(missing, ignore_index=True)[["period", *keys, "enterprise"]], periods,
                       first.base_year, first.deflators, {k: v for p in parts for k, v in p.deflator_rows.items()},
                       list(dict.fromkeys(n for p in parts for n in p.notes)), first.selection,
                       sum(p.n_enterprises for p in parts), _add_tables(parts))


def _table_keys(sums: PartialSums) -> dict[str, tuple[str, ...]]:
    """The further tables of ``sums`` by name, with their key columns."""
    return {name: keys for name, (keys, _) in sums.tables.items()}


def _add_tables(parts: list[PartialSums]) -> dict[str, tuple[tuple[str, ...], pd.DataFrame]]:
    """The further tables of ``parts`` (the same names and keys in each), added cell by cell.

    Parameters
    ----------
    parts : list of PartialSums
        Partial sums of partitions that share no enterprise.

    Returns
    -------
    dict
        name -> (key columns, the sums of every part by those keys and period).
    """
    return {name: (keys, _add_cells([p.tables[name][1] for p in parts], keys))
            for name, keys in _table_keys(parts[0]).items()}


def _add_cells(cells: list[pd.DataFrame], keys: tuple[str, ...]) -> pd.DataFrame:
    """Group sums added cell by cell: level sums stay NaN where no part had a value, the rest add up."""
    frame = pd.concat([c for c in cells if len(c)], ignore_index=True) if any(len(c) for c in cells) else cells[0]
    names = [*keys, "period"]
    if frame.empty:
        return frame
    none = "\x00none"
    labels = frame[names].astype(object).where(frame[names].notna(), none)
    values = frame.drop(columns=names)
    level = [c for c in values.columns if c in LEVEL_COLUMNS]
    other = [c for c in values.columns if c not in LEVEL_COLUMNS]
    grouped = pd.concat([labels, values], axis=1).groupby(names, sort=False, dropna=False)
    out = pd.concat([grouped[level].sum(min_count=1), grouped[other].sum()], axis=1).reset_index()
    out[names] = out[names].astype(object).where(out[names] != none, None)
    for c in other:
        if c.startswith("n_"):
            out[c] = out[c].astype(int)
    out = out[list(frame.columns)]
    return out.sort_values(names, na_position="last", kind="stable").reset_index(drop=True)


def _totals(sums: PartialSums, periods: list[str] | None = None) -> pd.DataFrame | None:
    """The sums over every group (of ``periods``) with their intensities and price basis: one row."""
    cells = sums.cells if periods is None else sums.cells[sums.cells["period"].isin(periods)]
    if cells.empty:
        return None
    values = cells.drop(columns=[*sums.keys, "period"])
    row = pd.DataFrame([{c: (values[c].sum(min_count=1) if c in LEVEL_COLUMNS else values[c].sum())
                         for c in values.columns}])
    return add_intensities(row)


def aggregate_sums(sums: PartialSums) -> Aggregate:
    """:func:`carbonkit.aggregate` from (combined) partial sums.

    Parameters
    ----------
    sums : PartialSums
        :func:`partial_sums` of the partitions, combined by :func:`combine`.

    Returns
    -------
    Aggregate
        Sums [tce, tCO2, m3, 10^4 CNY], total-over-total intensities (e.g. [tce/10^4 CNY]) and coverage per
        group and period, equal to the enterprise-level function.
    """
    keys, periods = sums.keys, sums.periods
    table = add_intensities(sums.cells.copy()) if len(sums.cells) else pd.DataFrame(columns=[*keys, "period"])
    reg = sums.register
    expected = reg.groupby(list(keys), dropna=False).size().rename("n_expected").reset_index() if len(reg) else \
        pd.DataFrame(columns=[*keys, "n_expected"])
    grid = expected.merge(pd.DataFrame({"period": periods}), how="cross")
    miss = sums.missing
    n_missing = miss.groupby([*keys, "period"], dropna=False).size().rename("n_missing").reset_index()
    table, missing = coverage_table(grid, n_missing, table, keys, reg, miss)
    totals = _totals(sums)
    overall = None if totals is None else totals["price_basis"].iloc[0]
    notes = basis_notes(totals, sums.deflators, sums.deflator_rows)
    return Aggregate(table, missing, sums.by, keys, periods, overall, base_year=sums.base_year, deflators=sums.deflators,
                     deflator_rows=sums.deflator_rows, notes=notes)


def decompose_sums(sums: PartialSums, start: str | int, end: str | int, *, indicator: str = "energy",
                   zero: Literal["limit", "delta"] = "limit") -> Decomposition:
    """:func:`carbonkit.decompose` (LMDI-I) from (combined) partial sums.

    Parameters
    ----------
    sums : PartialSums
        Made with ``periods=[start, end]``, ``base_year`` the start year (or the one wanted) and, for
        ``indicator="co2"``, ``co2_split=True``.
    start, end : str or int
        The two periods compared.
    indicator : str
        ``"energy"`` [tce], ``"co2"`` [tCO2] or another of :data:`carbonkit.decomposition.NUMERATORS`.
    zero : {"limit", "delta"}
        How a zero level is handled in the logarithmic mean.

    Returns
    -------
    Decomposition
        The effects [the indicator's unit], equal to the enterprise-level function.
    """
    from carbonkit.decomposition import NUMERATORS, decompose_sums as from_sums

    if indicator not in NUMERATORS:
        raise InvalidInput(Problem("indicator_unknown", f"'{indicator}' is not an indicator", field="indicator",
                                   expected=", ".join(NUMERATORS)))
    start, end = str(start), str(end)
    if indicator == "co2" and "iv_elec_tce" not in sums.cells.columns:
        raise InvalidInput(Problem("sums_incomplete", "the CO2 decomposition needs partial sums made with "
                                   "co2_split=True", field="co2_split"))
    for p in dict.fromkeys((start, end)):
        if not (sums.cells["period"] == p).any():
            raise InvalidInput(Problem("period_missing", f"no results for period {p} in the selection", field="period",
                                       period=p))
    totals = cast(pd.DataFrame, _totals(sums, [start, end]))  # not None: both periods have cells (checked above)
    return from_sums(sums.cells, totals, sums.keys, start, end, indicator=indicator, zero=zero,
                     deflators=sums.deflators, deflator_rows=sums.deflator_rows, notes=sums.notes)


def with_periods(sums: PartialSums, periods: list[str]) -> PartialSums:
    """The partial sums restricted to some periods.

    Parameters
    ----------
    sums : PartialSums
        Partial sums of any kind.
    periods : list of str
        The periods kept.

    Returns
    -------
    PartialSums
        Cells, further tables and missing enterprises of those periods only.
    """
    periods = [str(p) for p in periods]
    tables = {name: (keys, t[t["period"].isin(periods)].reset_index(drop=True))
              for name, (keys, t) in sums.tables.items()}
    return replace(sums, cells=sums.cells[sums.cells["period"].isin(periods)].reset_index(drop=True),
                   missing=sums.missing[sums.missing["period"].isin(periods)].reset_index(drop=True),
                   periods=[p for p in sums.periods if p in periods], tables=tables)


__all__ = ["PartialSums", "partial_sums", "combine", "aggregate_sums", "decompose_sums", "with_periods"]
