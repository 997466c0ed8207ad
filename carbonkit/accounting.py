"""The orchestrator: account a batch of enterprise-periods (a single report is a batch of one).

Each distinct item, unit, region-year and factor is resolved once; the arithmetic is on numpy
arrays, summed per (enterprise, period) with ``np.bincount``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
import weakref
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path, PurePath
from types import SimpleNamespace
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from carbonkit import blocks, emissions, energy, grid, measured
from carbonkit.emissions import EmissionFactor
from carbonkit.energy import Coefficient
from carbonkit.activity import Activities, Collector, column_arrays, validate
from carbonkit.codes import python_values
from carbonkit.documents import Columns, EnterprisePeriod, document_table, documents_to_frame
from carbonkit.errors import FactorDataError, MissingFactor
from carbonkit.factors import Factor, Release, load_release
from carbonkit.identity import credit_code_statuses
from carbonkit.intensity import add_intensities
from carbonkit.readers import read_activities
from carbonkit.schema import (TEXT, conform, factor_set_column, summary_columns, summary_schema, text_array, text_take,
                              typed_summary)
from carbonkit.units import multiplier
from carbonkit.vocabulary import FLOWS, Item, Vocabulary, vocabulary
from carbonkit.water import water_columns

CONSUMPTION, FEEDSTOCK, EXPORT = (FLOWS.index(f) for f in ("consumption", "feedstock", "export"))
FUEL, ELECTRICITY, HEAT, STEAM, WATER, ECONOMIC = range(6)
_KIND_CODES = {"fuel": FUEL, "electricity": ELECTRICITY, "heat": HEAT, "steam": STEAM, "water": WATER,
               "economic": ECONOMIC}
ECONOMIC_COLUMNS = {  # item -> (summary column, unit of the column)
    "value_added": ("value_added_10k_cny", "万元"),
    "revenue": ("revenue_10k_cny", "万元"),
    "gross_output": ("gross_output_10k_cny", "万元"),
    "tax": ("tax_10k_cny", "万元"),
    "rd_expense": ("rd_expense_10k_cny", "万元"),
    "land_area": ("land_area_mu", "mu"),
    "employees": ("employees", "person"),
    "product_output": ("product_output", None),
}


class AccountingOptions(BaseModel):
    """The choices an accounting run binds. Echoed in every result."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    location_purpose: Literal["average", "fossil", "carbon_market"] = Field(
        "average", description="grid factor for location-based scope 2")
    grid_level: Literal["province", "grid", "national"] = Field(
        "province", description="where the region fallback starts (province → regional grid → national)")
    year_fallback: Literal["earlier", "nearest"] = Field(
        "nearest", description="for a year with no factor: the nearest earlier year (earlier), or the nearest either way "
        "(nearest, the default: the 2020 base year takes 2021's grid factor; grid_year_* states the year used)")
    power_coal_rate: float | None = Field(
        None, gt=0, le=1, allow_inf_nan=False,
        description="coal rate of power supply for the equal-value method [kgce/kWh] (published values are about "
                    "0.3; 1 kgce/kWh would be 12 % efficiency); default: the release's")
    require_value_added: bool = Field(False, description="refuse an enterprise-period without value added")


@dataclass
class AccountingResult:
    """Summary per (enterprise, period), the release and options used, and the factors used."""

    summary: pd.DataFrame
    release: str
    options: AccountingOptions
    used: list[Factor] = field(repr=False, default_factory=list)
    problems: pd.DataFrame | None = field(repr=False, default=None)  # errors="collect": carbonkit.schema.problems_schema

    @property
    def factors(self) -> pd.DataFrame:
        """The factors used, one row each, with value, unit, status and source."""
        return pd.DataFrame(self.factor_records())

    def factor_records(self) -> list[dict[str, Any]]:
        """The factors used, one dict each (NaN as None)."""
        return [_factor_record(f) for f in self.used]

    def record(self, enterprise: str, period: str) -> dict[str, Any]:
        """One summary row as a dict (NaN as None)."""
        hit = self.summary[(self.summary["enterprise"] == enterprise) & (self.summary["period"] == str(period))]
        if hit.empty:
            raise KeyError(f"no result for enterprise {enterprise}, period {period}")
        return _clean(hit.iloc[0].to_dict())

    def records(self) -> list[dict[str, Any]]:
        """Summary rows as dicts of plain Python values (NaN as None), ready for JSON."""
        columns = {name: python_values(values) for name, values in column_arrays(self.summary).items()}
        return [{name: _plain(values[i]) for name, values in columns.items()} for i in range(len(self.summary))]

    @property
    def unverified_factors(self) -> list[Factor]:
        """The factors used whose status is 'unverified' (results resting on them say so)."""
        return [f for f in self.used if f.status == "unverified"]


def _plain(v: Any) -> Any:
    """``v`` with NaN and NA as None."""
    return None if (isinstance(v, float) and v != v) or v is pd.NA else v


_RECORDS: dict[int, tuple[Factor, dict[str, Any]]] = {}  # id -> (the factor, kept alive, and its record)


def _factor_record(factor: Factor) -> dict[str, Any]:
    """``_clean(factor.to_dict())``, a new dict each time, cleaned once per factor object: a report names about a
    dozen factors, the same objects of the release in every run (a factor is frozen). At most 4,096 are kept
    (measured values make new factor objects per run)."""
    hit = _RECORDS.get(id(factor))
    if hit is None or hit[0] is not factor:
        if len(_RECORDS) >= 4096:
            _RECORDS.clear()
        hit = _RECORDS[id(factor)] = (factor, _clean(factor.to_dict()))
    return dict(hit[1])


def _clean(record: Mapping[Any, Any]) -> dict[str, Any]:
    """A record of plain Python values (numpy scalars unwrapped, NaN as None)."""
    return {k: _plain(v.item() if isinstance(v, np.generic) else v) for k, v in record.items()}


def _refuse_infinite(columns: Mapping[str, Any], row_groups: np.ndarray, problems: Collector) -> None:
    """A figure that overflowed to +-inf (a value added of 1e-320, an enthalpy of 1e300 [kJ/kg]) is a problem
    naming the enterprise-period's rows and the figure, never a result (NaN stays: "not available").

    ``columns``: the summary's columns in order; ``row_groups``: the enterprise-period (group) of each
    input row. Problems come group by group, each group's figures in column order. Each float column is
    checked on its own (no stacked copy of the summary).
    """
    floats = [(j, name, values) for j, (name, values) in enumerate(columns.items())
              if isinstance(values, np.ndarray) and values.dtype.kind == "f"]
    if not floats or len(floats[0][2]) <= SMALL_GROUPS and not np.isinf(np.concatenate([f[2] for f in floats])).any():
        return  # a few rows: one check of all figures at once
    bad = [(j, name, np.flatnonzero(np.isinf(values))) for j, name, values in floats]
    cells = sorted((int(g), j, name) for j, name, groups in bad for g in groups)
    for g, _, name in cells:
        problems.add(row_groups == g, "not_finite", name,
                     f"{name} overflows (it is not a finite number) for this enterprise and period",
                     "amounts and value added within the range of real enterprises")


@cache
def _item_arrays(vocab: Vocabulary) -> dict[str, np.ndarray]:
    """Per-item properties as arrays indexed like vocab.items (plus a trailing entry for unknown = -1)."""
    items = vocab.items
    def of(test: Callable[[Item], object]) -> np.ndarray:
        return np.array([bool(test(it)) for it in items] + [False])

    return {
        "kind": np.array([_KIND_CODES[it.kind] for it in items] + [-1], dtype=np.int8),
        "energy": of(lambda it: it.kind in ("fuel", "electricity", "heat", "steam")),
        "renewable_electricity": of(lambda it: it.kind == "electricity" and it.renewable),
        "grid_delivered": of(lambda it: it.kind == "electricity" and it.delivery == "grid"),
        "market_grid": of(lambda it: it.kind == "electricity" and it.market_scope2 == "grid"),
    }


SMALL_GROUPS = 64  # up to this many enterprise-periods, distinct regions and years are found in Python


def _in_order(out: dict[str, Any]) -> dict[str, Any]:
    """The summary's columns in the published order (:func:`carbonkit.schema.summary_schema`), then any other."""
    ordered = {c: out[c] for c in summary_columns() if c in out}
    if len(ordered) == len(out):  # the usual case: no other column
        return ordered
    return {**ordered, **{c: v for c, v in out.items() if c not in ordered}}


class FactorIds:
    """The id of a factor per group, as a code (-1: none) into the distinct ids: the summary's column is built from
    the codes (:func:`carbonkit.schema.text_take`) instead of converting an id per group."""

    def __init__(self, codes: np.ndarray, labels: list[str]):
        self.codes, self.labels = codes, labels

    def set(self, groups: np.ndarray, fid: str) -> None:
        """``groups`` (a mask) use the factor ``fid``."""
        self.codes[groups] = len(self.labels)
        self.labels.append(fid)

    def texts(self, as_objects: bool) -> Any:
        """The id per group, '' where none: objects (a few groups), else the schema's text."""
        if as_objects:
            return np.array([self.labels[c] if c >= 0 else "" for c in self.codes.tolist()], dtype=object)
        return text_take([*self.labels, ""], np.where(self.codes < 0, len(self.labels), self.codes))


PRICE_BASES = ("comparable", "current")  # price_basis: value added at comparable prices, or at current prices only


def _texts(out: dict[str, Any]) -> None:
    """The summary's text columns still held as objects, as the schema's text (:func:`carbonkit.schema.text_array`:
    each distinct value converted once), so that neither the frame nor a merge of blocks converts them a row at
    a time."""
    schema = summary_schema()
    for name, values in out.items():
        if schema.get(name) == TEXT and isinstance(values, np.ndarray) and values.dtype == object:
            out[name] = text_array(values)


def _summary_frame(out: dict[str, Any]) -> pd.DataFrame:
    """The summary table, in the published schema, from its columns (in order).

    A few rows: each column built in its dtype at once (:func:`carbonkit.schema.typed_summary`; the
    property test of small reports compares both ways). Else without copying the columns: ``copy=False``
    keeps one block per column instead of stacking the float columns into a new block (which would hold
    them twice), and :func:`~carbonkit.schema.conform` casts the few columns that differ.
    """
    rows = len(next(iter(out.values())))
    if 0 < rows <= SMALL_GROUPS:
        frame = typed_summary(out, rows)
        if frame is not None:
            return frame
    return conform(pd.DataFrame(out, copy=False))


def to_frame(data: pd.DataFrame | str | PurePath | Mapping[str, Any] | EnterprisePeriod
             | Iterable[Mapping[str, Any] | EnterprisePeriod]) -> pd.DataFrame:
    """The long table from a DataFrame, a document (dict or model), a list of documents, or a file path
    (.csv, .json, .jsonl)."""
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, (str, PurePath)):
        return read_activities(Path(data))
    if isinstance(data, (dict, EnterprisePeriod)):
        return documents_to_frame([data])
    return documents_to_frame(list(data))  # type: ignore[arg-type]  # documents: dicts or models


def _long_table(data: Any) -> pd.DataFrame | Columns:
    """:func:`to_frame`, except that a few documents stay columns (:func:`carbonkit.documents.document_table`)."""
    if isinstance(data, (pd.DataFrame, str, PurePath)):
        return to_frame(data)
    return document_table([data] if isinstance(data, (dict, EnterprisePeriod)) else list(data))


def account(data: Any, release: Release | str | None = None, options: AccountingOptions | dict[str, Any] | None = None,
            errors: Literal["raise", "collect"] = "raise") -> AccountingResult:
    """Account energy [tce], water [m3] and CO2 [tCO2] with intensities per enterprise and period.

    ``data`` is the long table (see :mod:`carbonkit.activity`) or JSON documents. Raises
    :class:`~carbonkit.errors.InvalidInput` listing every problem; nothing is returned half-way. With
    ``errors="collect"`` the problems come back as ``result.problems`` (a frame of
    :func:`carbonkit.schema.problems_schema`; ``row`` and ``source`` are those of the input rows) and the
    caller refuses the run. The summary always has the columns and dtypes of :func:`carbonkit.summary_schema`.
    An input of more than :data:`carbonkit.blocks.BLOCK_ROWS` rows is accounted in blocks of whole enterprises
    (:mod:`carbonkit.blocks`: the same results, in time and memory linear in the rows).

    Energy by the equivalent value (当量值, GB/T 2589-2020) and the equal value (等价值, electricity at the
    coal rate of power supply); CO2 of fuel combustion, grid electricity (location- and market-based)
    and heat (GB/T 32150-2015); water withdrawal (GB/T 18820); intensities per value added.

    Parameters
    ----------
    data : DataFrame, str, path, dict, EnterprisePeriod or list of documents
        The activity rows: ``enterprise``, ``period``, ``item``, ``amount`` (in ``unit``), ``flow``,
        ``region``, ...; or a file (.csv, .json, .jsonl, .xlsx, .parquet) or documents.
    release : Release, str or None
        The factor release, or its name; None: the default release.
    options : AccountingOptions, dict or None
        The choices of the run (grid factor purpose and level, year fallback, coal rate [kgce/kWh]).
    errors : {"raise", "collect"}
        Raise :class:`~carbonkit.errors.InvalidInput` on bad input, or return the problems.

    Returns
    -------
    AccountingResult
        ``summary`` per (enterprise, period): energy [tce], electricity [kWh], water [m3], CO2 [tCO2],
        economics [10^4 CNY], intensities (e.g. [tce/10^4 CNY]); ``used``: the factors it rests on.
    """
    if errors == "collect":
        from carbonkit.collect import account_collecting
        collected: AccountingResult = account_collecting(data, release, options)
        return collected
    if not isinstance(release, Release):
        release = load_release(release)
    options = options if isinstance(options, AccountingOptions) else AccountingOptions(**(options or {}))
    frame = _long_table(data)
    vocab = vocabulary()
    if isinstance(frame, pd.DataFrame) and len(frame) > blocks.BLOCK_ROWS:  # enterprise-ordered blocks (carbonkit.blocks)
        blocked = blocks.account_blocks(frame, partial(_run, release=release, options=options, vocab=vocab))
        if blocked is not None:
            columns, used = blocked
            return AccountingResult(summary=_summary_frame(columns), release=release.name, options=options, used=used)
    columns, engine, problems = _run(frame, release, options, vocab)
    problems.raise_if_any()
    summary = _summary_frame(columns)
    del columns
    return AccountingResult(summary=summary, release=release.name, options=options, used=list(engine.factor_objs.values()))


def _run(frame: pd.DataFrame | Columns, release: Release, options: AccountingOptions, vocab: Vocabulary,
         block: int | None = None) -> tuple[dict[str, Any], _Engine, Collector]:
    """Validate ``frame`` and account it: the summary's columns, the engine (its factors) and the problems found.

    ``block``: the place of ``frame`` among the blocks of a larger input (:mod:`carbonkit.blocks`); the engine
    then logs where each factor was first used, so that the blocks' factors can be put in the whole run's order.
    """
    acts, problems = validate(frame, vocab, raise_now=False)
    engine = _Engine(acts, release, options, vocab, problems)
    if block is not None:
        engine.block, engine.fid_log = block, []
    if not isinstance(frame, Columns) or frame.measured:  # else none: the engine's default
        engine.measured = measured.read(frame.frame if isinstance(frame, Columns) else frame, acts, vocab, problems)
    row_groups = acts.group  # for naming the rows of a non-finite result (4 bytes a row)
    del acts  # the engine lets the rows go before it builds the summary
    columns = engine.run()
    _refuse_infinite(columns, row_groups, problems)
    return columns, engine, problems


_RESOLVED: weakref.WeakKeyDictionary[Release, dict[AccountingOptions, dict[tuple[Any, ...], Any]]] = \
    weakref.WeakKeyDictionary()


def _memo(release: Release, options: AccountingOptions) -> dict[tuple[Any, ...], Any]:
    """The factors resolved so far with ``release`` and ``options``, by (what, item) or (what, region, year).

    A release does not change once built (:meth:`~carbonkit.factors.Release.with_table` makes a new one), and
    the options are frozen, so each factor and coefficient is resolved once: a report resolves about ten, at
    10-20 us each through the release's tables and the unit registry. Kept while the release lives, for at most
    :data:`MEMO_OPTIONS` sets of options (a service answering arbitrary coal rates does not grow without bound).
    """
    by_options = _RESOLVED.get(release)
    if by_options is None:
        by_options = _RESOLVED.setdefault(release, {})
    if options not in by_options and len(by_options) >= MEMO_OPTIONS:
        by_options.clear()
    return by_options.setdefault(options, {})


MEMO_OPTIONS = 64


class _Engine:
    """One accounting run over validated activities."""

    def __init__(self, acts: Activities, release: Release, options: AccountingOptions, vocab: Vocabulary,
                 problems: Collector):
        self.a, self.release, self.options, self.vocab, self.problems = acts, release, options, vocab, problems
        self.tables = _item_arrays(vocab)
        self.kind = self.tables["kind"][acts.item]
        self.G = acts.n_groups
        self.fids: dict[str, int] = {}
        self.factor_objs: dict[str, Factor] = {}
        self.trace: list[tuple[np.ndarray, np.ndarray]] = []  # (groups, factor codes)
        self.item_trace: list[tuple[np.ndarray, dict[int, list[int]]]] = []  # (rows, item -> factor codes)
        self._py: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.grid_ids: dict[str, FactorIds] = {}  # scope -> grid factor id per group
        self.measured = measured.none(len(acts.item))  # measured NCV and carbon content per row (carbonkit.measured)
        self.gcols = acts.group_columns  # the groups' columns
        self.memo = _memo(release, options)  # the factors resolved by earlier runs with this release and options
        self.block = 0  # the place of these rows among the blocks of a larger input (carbonkit.blocks)
        self.fid_log: list[tuple[tuple[int, ...], str]] | None = None  # blocks: (site, factor id) of each first use
        self.site: tuple[int, ...] = (-1,)  # where factors are resolved: the stage (a place in blocks.SITES), then keys

    # --- helpers ---
    def signed(self, values: np.ndarray, export: np.ndarray) -> np.ndarray:
        """``values`` with exports negated (a new array): sign × value, exactly."""
        out = values.copy()
        np.negative(out, out=out, where=export)
        return out

    def gsum(self, weights: np.ndarray) -> np.ndarray:
        return np.bincount(self.a.group, weights=weights, minlength=self.G)

    def item_sums(self, items: list[int], weights: np.ndarray) -> np.ndarray:
        """Sum of ``weights`` per group and item, for the given item indices: shape (groups, len(items)).

        One ``np.bincount`` over the rows of those items (not the others); each cell adds its rows in row
        order, as :meth:`gsum` of the weights masked to one item would.
        """
        slot = np.full(len(self.vocab) + 1, -1, dtype=np.int64)  # the trailing entry: unknown items (-1)
        slot[items] = np.arange(len(items))
        rows = np.flatnonzero((slot >= 0)[self.a.item])  # the rows of those items only, in row order
        k = len(items)
        cells = self.a.group[rows] * k
        cells += slot[self.a.item[rows]]
        sums = np.bincount(cells, weights=weights[rows], minlength=self.G * k)
        return sums.astype(np.float64, copy=False).reshape(self.G, k)  # no rows: bincount gives integers

    def _resolved(self, key: tuple[Any, ...], resolve: Callable[[], Any]) -> Any:
        """``resolve()``, remembered for the run's release and options under ``key`` (what, then the item or the
        region and year): :func:`_memo`."""
        if key not in self.memo:
            self.memo[key] = resolve()
        return self.memo[key]

    def _fid(self, factor: Factor) -> int:
        if factor.id not in self.fids:
            self.fids[factor.id] = len(self.fids)
            self.factor_objs[factor.id] = factor
            if self.fid_log is not None:
                self.fid_log.append((self.site, factor.id))
        return self.fids[factor.id]

    def _trace_rows(self, mask: np.ndarray, factors: Iterable[Factor]) -> None:
        """Mark ``factors`` on the groups of the rows in ``mask``."""
        for f in factors:
            self.trace.append((self.a.group[mask], np.full(int(mask.sum()), self._fid(f))))

    def _missing(self, mask: np.ndarray, field_name: str, message: str) -> None:
        """A missing-factor problem on the rows in ``mask`` (a mask or row indices)."""
        self.problems.add(mask, "factor_missing", field_name, message,
                          "a factor in the release, or your own table (--factors / Release.with_table)", kind=MissingFactor)

    def per_item(self, resolve: Callable[[Item], Coefficient | EmissionFactor | None], mask: np.ndarray, what: str,
                 rows: np.ndarray | None = None) -> np.ndarray:
        """Resolve a factor per distinct item among the rows in ``mask``; value per row (0 where none).

        Items are resolved in ascending order; the rows take their value through one table look-up.
        ``rows``: the indices of ``mask``'s rows, to have the values on those rows only (no full-length array).
        """
        item = self.a.item
        present = np.zeros(len(self.vocab) + 1, dtype=bool)
        present[item[mask]] = True
        present[-1] = False  # unknown items
        table = np.zeros(len(self.vocab) + 1)  # the trailing entry (unknown item, -1) stays 0
        codes: dict[int, list[int]] = {}
        for idx in np.flatnonzero(present):
            it = self.vocab.items[idx]
            found = self._resolved((what, it.item), lambda: resolve(it))  # noqa: B023  # called at once
            if found is None:
                label = self.vocab.items[idx].label
                self._missing(mask & (item == idx), "item", f"release {self.release.name} has no {what} for {label}")
                continue
            table[idx] = found.value
            self.site = (self.site[0], int(idx))  # blocks: the whole run resolves items in ascending order
            codes[int(idx)] = [self._fid(f) for f in found.factors]
        if codes:
            self.item_trace.append((mask, codes))
        values: np.ndarray = table[item[rows]] if rows is not None else table[item]
        if rows is not None:
            return values
        values[~mask] = 0.0
        return values

    def _province_years(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per group a code of its (province, year), with the provinces and years of the codes."""
        if self._py is None:
            provinces = np.asarray(self.gcols["province"])
            if len(provinces) <= SMALL_GROUPS:  # in Python: pandas' hashing costs more for a few groups
                codes: dict[str | None, int] = {}  # missing (None or NaN) as one entry, named NaN as pd.factorize names it
                prov = np.array([codes.setdefault(p if isinstance(p, str) else None, len(codes)) for p in provinces],
                                dtype=np.int64)
                names: Any = [np.nan if p is None else p for p in codes]
            else:
                prov, names = pd.factorize(provinces, use_na_sentinel=False)
            years = np.asarray(self.gcols["year"])
            self._py = (prov * (int(years.max(initial=0)) + 1) + years, np.asarray(names, dtype=object), years)
        return self._py

    def per_group(self, resolve: Callable[[str, int], Coefficient | EmissionFactor | None], groups: np.ndarray, what: str,
                  rows_mask: np.ndarray) -> tuple[np.ndarray, FactorIds]:
        """Resolve a region- and year-specific factor once per distinct (province, year) of ``groups``.

        Returns the value per group (0 where not needed or missing) and the id of its first factor, as a code
        per group (-1: none) into a list of the ids.
        """
        values = np.zeros(self.G)
        ids = FactorIds(np.full(self.G, -1, dtype=np.intp), [])
        if not groups.any():
            return values, ids
        key, provinces, years = self._province_years()
        width = int(years.max(initial=0)) + 1
        chosen = key[groups]
        stage = self.site[0]
        for pos, k in enumerate(dict.fromkeys(chosen.tolist()) if len(chosen) <= SMALL_GROUPS else pd.unique(chosen)):
            self.site = (stage, self.block, pos)  # in the order of first appearance among the groups, block after block
            sel = groups & (key == k)
            province, year = provinces[k // width], int(k % width)
            if year <= 0:  # a period that is no period: refused once, as period_invalid
                continue
            found = self._resolved((what, province, year), lambda: resolve(province, year))  # noqa: B023  # called at once
            if found is None:
                hint = "" if self.options.year_fallback == "nearest" else "; year_fallback='nearest' uses a later year"
                self._missing(sel[self.a.group] & rows_mask, "period",
                              f"release {self.release.name} has no {what} for region {province} in {year} or earlier{hint}")
                continue
            values[sel] = found.value
            if found.factors:
                ids.set(sel, found.factors[0].id)
                chosen_groups = np.flatnonzero(sel)
            for factor in found.factors:
                self.trace.append((chosen_groups, np.full(len(chosen_groups), self._fid(factor))))
        return values, ids

    # --- the run ---
    def run(self) -> dict[str, np.ndarray]:
        """The summary's columns, in the published order."""
        m = self._masks()
        out: dict[str, Any] = {c: self.gcols[c] for c in ("enterprise", "period", "year", "region",
                                                                   "industry", "park", "name")}  # typed already
        out["release"] = (np.full(self.G, self.release.name, dtype=object) if self.G <= SMALL_GROUPS
                          else text_take([self.release.name], np.zeros(self.G, dtype=np.intp)))
        out["credit_code_check"] = credit_code_statuses(out["enterprise"], as_text=self.G > SMALL_GROUPS)  # GB 32100-2015
        self._energy(out, m)
        out.update(water_columns(self))
        self._co2(out, m)
        del m  # the row classes: free before the economics and the summary
        factor_ids = self._factor_ids()  # every factor is traced by now
        self._economics(out)
        del self.a  # done with the rows: let them go before the intensities and the summary (peak memory)
        add_intensities(out)
        for scope in ("location", "market"):
            ids = self.grid_ids[scope]
            out[f"grid_factor_{scope}"] = ids.texts(self.G <= SMALL_GROUPS)
            out[f"grid_level_{scope}"], out[f"grid_year_{scope}"] = grid.statements(ids.codes, ids.labels, self.factor_objs)
        out["factor_ids"] = factor_ids
        if self.G > SMALL_GROUPS:
            _texts(out)
        return _in_order(out)

    def _masks(self) -> SimpleNamespace:
        """The row classes the sums need, each from one look-up or comparison.

        """
        a, kind = self.a, self.kind
        m = SimpleNamespace(fuel=kind == FUEL, elec=kind == ELECTRICITY, heat=kind == HEAT, steam=kind == STEAM,
                            feed=a.flow == FEEDSTOCK, export=a.flow == EXPORT)
        m.ren = self.tables["renewable_electricity"][a.item] & (a.flow == CONSUMPTION)
        m.steam_h = m.steam & ~np.isnan(a.enthalpy) if m.steam.any() else m.steam
        m.coal_rows = self.tables["energy"][a.item]
        if m.steam_h.any():
            m.coal_rows = m.coal_rows & ~m.steam_h
        m.has_elec = np.bincount(a.group, weights=m.elec, minlength=self.G) > 0
        return m

    def subset_sum(self, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Sum per group of ``weights`` (one per row of ``rows``, row indices ascending): equal to
        :meth:`gsum` of the full-length weights that are 0 outside ``rows``."""
        if len(rows) == 0:
            return np.zeros(self.G)  # np.bincount of nothing gives integers
        return np.bincount(self.a.group[rows], weights=weights, minlength=self.G)

    def _energy(self, out: dict[str, Any], m: SimpleNamespace) -> None:
        """Energy [tce] by the equivalent value and the equal value, with feedstock, renewables and export.

        The exclusions are sums over the rows they keep, not differences, so nothing cancels: the
        signed values are summed, then the feedstock rows set to 0 and summed again, then the
        renewable rows. Feedstock and renewable rows are never exports (sign +1).
        """
        a, rel, opt = self.a, self.release, self.options
        self.site = (blocks.SITES.index("standard-coal coefficient"),)
        tce = self.per_item(lambda it: energy.coal_coefficient(rel, it), m.coal_rows, "standard-coal coefficient")
        tce = measured.apply_energy(self, tce, m.coal_rows & m.fuel)  # measured NCV where given (GB/T 2589 ch. 8)
        tce *= a.amount  # equivalent value: k_i x amount, in place
        if m.steam_h.any():  # steam with its enthalpy: heat content at the heat coefficient
            heat_k = energy.heat_coefficient(rel)
            if heat_k is None:
                self._missing(m.steam_h, "item", f"release {rel.name} has no standard-coal coefficient for heat")
            else:
                self.site = (blocks.SITES.index("heat coefficient"),)
                tce[m.steam_h] = energy.steam_heat_mj(a.amount[m.steam_h], a.enthalpy[m.steam_h], "t") * heat_k.value
                self._trace_rows(m.steam_h, heat_k.factors)

        # equal value: electricity at the coal rate of power supply of the region and year
        self.site = (blocks.SITES.index("coal rate of power supply"),)
        rate, _ = self.per_group(lambda p, y: energy.power_coal_rate(rel, p, y, opt.power_coal_rate, opt.year_fallback),
                                 m.has_elec, "coal rate of power supply", m.elec)
        elec, feed, ren, export = (np.flatnonzero(x) for x in (m.elec, m.feed, m.ren, m.export))
        self._energy_sums(out, "equivalent", tce, feed, ren, export)
        tce[elec] = a.amount[elec] * rate[a.group[elec]]  # equal value: electricity at the coal rate, in place
        self._energy_sums(out, "equal", tce, feed, ren, export)
        out["electricity_kwh"] = self.subset_sum(elec, self.signed(a.amount[elec], m.export[elec]))
        out["renewable_electricity_kwh"] = self.subset_sum(ren, a.amount[ren])

    def _energy_sums(self, out: dict[str, Any], method: str, tce: np.ndarray, feed: np.ndarray, ren: np.ndarray,
                     export: np.ndarray) -> None:
        """The energy columns [tce] of one method from ``tce`` per row, summed in place (no full-length copy).

        The parts first (feedstock, renewable, exported rows), then the exports negated and every row
        summed, then the feedstock rows set to 0 and summed, then the renewable rows. ``tce`` is left as
        it was: the saved rows put back, the exports negated again (exact).
        """
        kept_feed, kept_ren = tce[feed], tce[ren]
        out[f"feedstock_{method}_tce"] = self.subset_sum(feed, kept_feed)
        out[f"renewable_electricity_{method}_tce"] = self.subset_sum(ren, kept_ren)
        out[f"exported_{method}_tce"] = self.subset_sum(export, tce[export])
        tce[export] = -tce[export]
        out[f"energy_{method}_tce"] = self.gsum(tce)
        tce[feed] = 0.0
        out[f"energy_{method}_excl_feedstock_tce"] = self.gsum(tce)
        tce[ren] = 0.0
        out[f"energy_{method}_excl_feedstock_renewables_tce"] = self.gsum(tce)
        tce[feed], tce[ren] = kept_feed, kept_ren
        tce[export] = -tce[export]

    def _co2(self, out: dict[str, Any], m: SimpleNamespace) -> None:
        """CO2 [tCO2] of fuel combustion, grid electricity (location- and market-based) and heat."""
        a, rel, opt = self.a, self.release, self.options
        combustion = m.fuel & ~m.feed
        rows = np.flatnonzero(combustion)  # the factors on these rows only
        self.site = (blocks.SITES.index("fuel emission factor"),)
        ef = measured.apply_co2(self, self.per_item(lambda it: emissions.fuel_emission_factor(rel, it), combustion,
                                                    "fuel emission factor", rows), rows)
        out["co2_combustion_tco2"] = self.subset_sum(rows, self.signed(a.amount[rows], m.export[rows]) * ef)
        del ef, combustion

        grid_rows = self.tables["grid_delivered"][a.item] | self.tables["market_grid"][a.item]
        no_region = grid.missing_region(np.asarray(self.gcols["region"]), a.group, grid_rows)
        self.problems.add(no_region, "region_missing", "region", grid.NO_REGION_MESSAGE, grid.NO_REGION_EXPECTED,
                          kind=MissingFactor)
        del grid_rows

        for scope, purpose, table in (("location", opt.location_purpose, "grid_delivered"),
                                      ("market", "excl_market_nonfossil", "market_grid")):
            rows = self.tables[table][a.item]
            idx = np.flatnonzero(rows)
            groups = m.has_elec & (np.bincount(a.group[idx], minlength=self.G) > 0)
            self.site = (blocks.SITES.index(f"grid emission factor ({scope})"),)
            factor, ids = self.per_group(partial(self._grid_factor, purpose=purpose), groups,
                                         f"grid emission factor ({purpose})", rows)
            out[f"co2_electricity_{scope}_tco2"] = self.subset_sum(idx, self.signed(a.amount[idx], m.export[idx])) * factor
            del rows, idx
            self.grid_ids[scope] = ids
        out["co2_heat_tco2"] = self._heat_co2(m)
        for scope in ("location", "market"):
            out[f"co2_scope2_{scope}_tco2"] = out[f"co2_electricity_{scope}_tco2"] + out["co2_heat_tco2"]
            out[f"co2_{scope}_tco2"] = out["co2_combustion_tco2"] + out[f"co2_scope2_{scope}_tco2"]

    def _grid_factor(self, province: str, year: int, purpose: str) -> EmissionFactor | None:
        """The grid emission factor [tCO2/kWh] of ``purpose`` for a province and year, by the run's options."""
        return emissions.grid_emission_factor(self.release, province, year, purpose, level=self.options.grid_level,
                                              year_fallback=self.options.year_fallback)

    def _heat_co2(self, m: SimpleNamespace) -> np.ndarray:
        """CO2 of heat and steam bought [tCO2]: heat [MJ], steam at (enthalpy − feedwater) × mass."""
        a, rel = self.a, self.release
        heat_rows = m.heat | m.steam
        if not heat_rows.any():
            return np.zeros(self.G)
        rows = np.flatnonzero(heat_rows)  # the arithmetic on these rows only; the others add nothing
        amount = a.amount[rows]
        heat_mj = np.where(m.heat[rows], amount, 0.0)
        if m.steam.any():
            hfw = emissions.feedwater_enthalpy(rel)
            steam_row = rel.lookup("standard_coal", "steam")
            steam_extra = dict(steam_row.extra) if steam_row is not None else {}
            default_h = steam_extra.get("lhv")
            if default_h is not None:
                default_h *= multiplier(steam_extra["lhv_unit"], "kJ/kg")
            missing_h = m.steam & ~m.steam_h
            if missing_h.any() and default_h is None:
                self._missing(missing_h, "enthalpy", "no enthalpy given and the release has no default steam heat")
            steam = m.steam[rows]
            enthalpy = np.where(m.steam_h[rows], a.enthalpy[rows], default_h if default_h is not None else np.nan)
            heat_mj[steam] = energy.steam_heat_mj(amount[steam], enthalpy[steam] - hfw.value, "t")
            self.site = (blocks.SITES.index("feedwater enthalpy"),)
            self._trace_rows(m.steam, hfw.factors)
        self.site = (blocks.SITES.index("heat emission factor"),)
        ef_heat = self.per_item(lambda it: emissions.heat_emission_factor(rel), heat_rows, "heat emission factor", rows)
        values = self.signed(heat_mj, m.export[rows]) * ef_heat
        return np.bincount(a.group[rows], weights=values, minlength=self.G)

    def _economics(self, out: dict[str, Any]) -> None:
        a, vocab = self.a, self.vocab
        econ = self.kind == ECONOMIC
        idx = {name: vocab.index[name] for name in (*ECONOMIC_COLUMNS, "value_added_comparable", "va_price_index")}
        k_of = np.full(len(vocab) + 1, -1)
        for k, i in enumerate(idx.values()):
            k_of[i] = k
        rows = np.flatnonzero(econ)
        del econ
        k = k_of[a.item[rows]]
        if (k < 0).any():  # an economic item of items.csv without a column here would add into another's
            names = sorted({vocab.items[i].item for i in a.item[rows][k < 0]})
            raise FactorDataError(f"economic item(s) {', '.join(names)} of items.csv have no summary column "
                                  "(carbonkit.accounting.ECONOMIC_COLUMNS)")
        K = len(idx)
        cells = a.group[rows] * K
        cells += k
        amt = a.amount[rows]
        del k, rows
        table = np.bincount(cells, weights=amt, minlength=self.G * K).astype(np.float64, copy=False).reshape(self.G, K)
        given = np.zeros(self.G * K, dtype=bool)
        given[cells] = True
        table[~given.reshape(self.G, K)] = np.nan  # no row: no value
        del cells, amt
        col = {name: table[:, j] for j, name in enumerate(idx)}
        units = [*a.units, "", None]  # a product row's unit (code -1: none given, ""), or no product row (None)
        unit_of = np.full(self.G, len(units) - 1, dtype=np.intp)
        prod = a.item == idx["product_output"]
        if prod.any():
            code = a.unit_code[prod]
            unit_of[a.group[prod]] = np.where(code < 0, len(units) - 2, code)
        product_unit = np.array(units, dtype=object)[unit_of] if self.G <= SMALL_GROUPS else text_take(units, unit_of)
        with np.errstate(invalid="ignore", divide="ignore"):
            comparable = np.where(np.isnan(col["value_added_comparable"]),
                                  col["value_added"] / col["va_price_index"], col["value_added_comparable"])
        for name, (column, _unit) in ECONOMIC_COLUMNS.items():
            out[column] = col[name]
            if name == "value_added":
                out["value_added_comparable_10k_cny"] = comparable
                basis = np.isnan(comparable).view(np.int8)  # 0 comparable, 1 current
                out["price_basis"] = (np.array(PRICE_BASES, dtype=object)[basis] if self.G <= SMALL_GROUPS
                                      else text_take(PRICE_BASES, basis))
        out["product_unit"] = product_unit
        va_rows = a.item == idx["value_added"]
        self.problems.add(va_rows & (a.amount <= 0), "value_added_nonpositive", "amount",
                          "value added must be positive to give an intensity", "a positive value added")
        if self.options.require_value_added:
            no_va = np.isnan(col["value_added"])
            self.problems.add(a.first_row[no_va], "value_added_missing", "item",
                              "no value_added for this enterprise and period", "a row with item value_added")

    def _factor_sets_small(self) -> pd.Categorical:
        """:meth:`_factor_ids` of a few groups: each group's factor codes gathered in a set from the traces (the
        groups of :meth:`per_group`, the rows' items of :meth:`per_item`), each distinct set sorted and joined once."""
        names = list(self.fids)
        member: list[set[int]] = [set() for _ in range(self.G)]
        for g, codes in self.trace:
            for group, code in zip(g.tolist(), codes.tolist()):
                member[group].add(code)
        for mask, by_item in self.item_trace:
            rows = np.flatnonzero(mask)
            for group, item in zip(self.a.group[rows].tolist(), self.a.item[rows].tolist()):
                member[group].update(by_item.get(item, ()))
        keys = [frozenset(m) for m in member]
        distinct = {key: k for k, key in enumerate(dict.fromkeys(keys))}
        sets = [";".join(sorted(names[code] for code in key)) for key in distinct]
        return factor_set_column(np.array([distinct[key] for key in keys], dtype=np.int64), sets)

    def _mark_items(self, member: np.ndarray) -> None:
        """Mark the factors of :meth:`per_item` on the groups of the rows that used them.

        Per trace: which groups have a row of each item (one byte per group and item), then each of
        the item's factors is marked on those groups.
        """
        for mask, codes in self.item_trace:
            items = list(codes)
            slot = np.full(len(self.vocab) + 1, len(items), dtype=np.int64)
            slot[items] = np.arange(len(items))
            rows = np.flatnonzero(mask)
            width = len(items) + 1  # the last column: rows of items without a factor
            flat = np.zeros(self.G * width, dtype=bool)
            flat[self.a.group[rows] * width + slot[self.a.item[rows]]] = True
            has = flat.reshape(self.G, width)
            for j, idx in enumerate(items):
                for code in codes[idx]:
                    member[:, code] |= has[:, j]

    def _factor_ids(self) -> pd.Categorical:
        """';'-joined sorted factor ids per group, as a categorical: each distinct set joined once."""
        if not self.trace and not self.item_trace:
            return factor_set_column(np.zeros(self.G, dtype=np.int64), [""])
        if self.G <= SMALL_GROUPS:  # a few groups: each group's factors as a set, in Python
            return self._factor_sets_small()
        names = list(self.fids)
        member = np.zeros((self.G, len(names)), dtype=bool)
        for g, codes in self.trace:
            member[g, codes] = True
        self._mark_items(member)
        order = np.argsort(names)
        sorted_names = [names[i] for i in order]
        packed = np.packbits(member[:, order], axis=1)
        width = -(-packed.shape[1] // 8) * 8  # pad to whole 64-bit words
        words = np.zeros((self.G, width), dtype=np.uint8)
        words[:, : packed.shape[1]] = packed
        words = words.view(np.uint64)
        uniq: np.ndarray
        inverse: np.ndarray
        if words.shape[1] == 1:  # up to 64 factors: one integer per group
            codes, first = pd.factorize(words[:, 0])
            uniq, inverse = packed[np.unique(codes, return_index=True)[1]], codes
        else:
            uniq, inverse = np.unique(packed, axis=0, return_inverse=True)
        sets = [";".join(n for n, bit in zip(sorted_names, np.unpackbits(row)[: len(names)]) if bit) for row in uniq]
        return factor_set_column(inverse.ravel(), sets)
