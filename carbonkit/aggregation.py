"""Roll enterprise results up to parks, counties, cities, the province, and industries.

The 6-digit administrative codes nest: province ``37`` → city ``3702`` → county ``370211``. A code that
stops at a higher level (``370200``, ``370000``, ``37``) has no key below it (None). Industries nest by
GB/T 4754: section ``C`` → division ``C29`` (from ``C2911``).

An aggregate intensity is total over total, never an average of ratios:

    I_g = Σ_{e∈g} E_e / Σ_{e∈g} VA_e      [tce / 10^4 CNY]

over the enterprise-periods of group g that have a positive value added (the others still count in the
level sums and in ``n_reporting``; ``n_value_added`` says how many carry the intensity). Value added at
comparable prices comes from the enterprise's own report (comparable value added or price index), else
from a deflator table (:mod:`carbonkit.deflators`), else it stays at current prices and the answer says
the comparison is nominal. Levels are reported at current prices beside.

Coverage: the *register* lists the enterprises expected to report (by default, every enterprise seen in
any period of the data); each group and period reports how many are expected, how many reported and
which are missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonkit import catalog
from carbonkit.accounting import AccountingResult
from carbonkit.deflators import (
    BASE,
    BASES,
    CURRENT,
    DEFLATED,
    REPORTED,
    Deflators,
    basis_notes,
    comparable_value_added,
    resolve_base_year,
    load_deflators,
    price_basis,
)
from carbonkit.errors import InvalidInput, Problem
from carbonkit.intensity import ratio
# level -> the key columns of its groups (parents first, so that groups nest)
LEVELS: dict[str, tuple[str, ...]] = {
    "province": ("province",),
    "city": ("province", "city"),
    "county": ("province", "city", "county"),
    "park": ("park",),
    "section": ("section",),
    "division": ("section", "division"),
    "enterprise": ("enterprise",),
}
# result columns summed per group [their units are those of the accounting summary]: catalog field group_sum
SUM_COLUMNS: tuple[str, ...] = catalog.group_sum_columns()
ATTRIBUTES = ("region", "industry", "park", "name")
# (intensity column, numerator, denominator): "va" current prices, "vac" comparable prices [10^4 CNY]: group_ratio
INTENSITIES: tuple[tuple[str, str, str], ...] = catalog.group_intensities()
# columns summed over the rows with value added, as iv_<column>: catalog field va_sum
NUMERATORS: tuple[str, ...] = catalog.value_added_sum_columns()


RESULT_TEXT_COLUMNS = {c: str for c in ("enterprise", "period", "region", "industry", "park", "name", "release")}


def load_results(path: str | Path, release: str | None = None, factors: Sequence[str | Path] | None = None,
                 year_fallback: str = "nearest") -> AccountingResult | pd.DataFrame:
    """Results from a file: a results CSV of ``carbonkit account --format csv`` (recognised by its
    ``energy_equivalent_tce`` column) is read as it is; activity data (.csv, .json, .jsonl, .xlsx) is accounted
    with ``release`` (plus the user's ``factors`` tables).

    Parameters
    ----------
    path : str or Path
        A results CSV, activity data, or a results dataset folder.
    release : str, optional
        The factor release for activity data.
    factors : list of str or Path, optional
        Own factor tables for activity data.
    year_fallback : str
        How a factor of another year is taken (:class:`carbonkit.AccountingOptions`).

    Returns
    -------
    AccountingResult or DataFrame
        Results: energy [tce], CO2 [tCO2], water [m3], value added [10^4 CNY] per enterprise and period.
    """
    from carbonkit.accounting import AccountingOptions, account
    from carbonkit.factors import load_release
    from carbonkit.readers import read_activities

    path = Path(path)
    if path.is_dir():  # a results folder of `carbonkit account --engine ... --out`
        from carbonkit.distributed import read_results
        return read_results(path)
    if not path.is_file():
        raise InvalidInput(Problem("file_missing", f"{path}: file not found", field="input"))
    if path.suffix.lower() == ".csv":
        head = pd.read_csv(path, nrows=0, encoding="utf-8-sig")
        if "energy_equivalent_tce" in head.columns:
            return pd.read_csv(path, dtype=RESULT_TEXT_COLUMNS, keep_default_na=False, na_values=[""],
                               encoding="utf-8-sig")
    rel = load_release(release, extra=factors)
    return account(read_activities(path), release=rel, options=AccountingOptions(year_fallback=year_fallback))


def results_frame(data: AccountingResult | pd.DataFrame, periods: list[str] | None = None) -> pd.DataFrame:
    """Enterprise results as one frame: ``enterprise``, ``period``, ``year``, the attributes and the sums.

    ``data`` is an :class:`AccountingResult` or a frame of its summary rows (e.g. read back from
    ``carbonkit account --format csv`` or from the service's database). Columns it lacks are NaN. With
    ``periods``, only the rows of those periods are kept (each column is then converted for them only).

    Parameters
    ----------
    data : AccountingResult or DataFrame
        The accounting summary: energy [tce], CO2 [tCO2], water [m3], value added [10^4 CNY] ...
    periods : list of str, optional
        The periods ('YYYY' or 'YYYY-MM') to keep.

    Returns
    -------
    DataFrame
        One row per enterprise and period, the sums in the summary's units; NaN where a column is absent.

    Raises
    ------
    InvalidInput
        A required column missing, a period that is no period, two results for one enterprise and period.
    """
    frame = data.summary if isinstance(data, AccountingResult) else data
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInput(Problem("results_invalid", "expected an AccountingResult or a DataFrame of results"))
    if frame.attrs.get("carbonkit_results"):  # already checked and converted by this function
        return frame if periods is None else frame[frame["period"].isin([str(p) for p in periods])]
    missing = [c for c in ("enterprise", "period", "value_added_10k_cny") if c not in frame.columns]
    if missing:
        raise InvalidInput([Problem("column_missing", f"the results have no column '{c}'", field=c,
                                    expected="a summary frame of carbonkit.account") for c in missing])
    per_codes, per_names = _period_codes(frame)
    if periods is not None:
        keep = np.isin(per_codes, np.flatnonzero(np.isin(per_names, [str(p) for p in periods])))
        frame, per_codes = frame[keep], per_codes[keep]
    ent_codes, ent_names = _enterprise_codes(frame, per_codes, per_names)
    out = {"enterprise": ent_names[ent_codes], "period": per_names[per_codes],
           "year": np.array([int(p[:4]) for p in per_names], dtype=int)[per_codes] if len(per_names) else
           np.zeros(0, dtype=int)}
    result = pd.DataFrame({**out, **_result_columns(frame)})
    result.attrs["carbonkit_results"] = True
    return result


def _period_codes(frame: pd.DataFrame) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    """Codes of each row's period over the distinct trimmed periods; a blank or malformed one refused."""
    per_codes, per_values = pd.factorize(frame["period"].to_numpy(dtype=object))
    per_names = np.array([str(p).strip() for p in per_values], dtype=object)
    bad = [p for p in per_names if not _PERIOD.fullmatch(p)]
    if bad or (per_codes < 0).any():
        shown = bad[0] if bad else "(empty)"
        raise InvalidInput(Problem("period_invalid", f"period '{shown}' is not 'YYYY' or 'YYYY-MM'", field="period",
                                   period=shown))
    return per_codes, per_names


def _enterprise_codes(frame: pd.DataFrame, per_codes: npt.NDArray[np.intp],
                      per_names: npt.NDArray[np.object_]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    """Codes of each row's enterprise over the distinct trimmed ids; two results for one (enterprise, period)
    refused, naming the first repeated."""
    ent_codes, ent_values = pd.factorize(frame["enterprise"].to_numpy(dtype=object))
    ent_names = np.array([str(e).strip() for e in ent_values], dtype=object)
    if len(ent_codes) and np.bincount(ent_codes.astype(np.int64) * len(per_names) + per_codes).max() > 1:
        key = pd.Series(ent_codes.astype(np.int64) * len(per_names) + per_codes)
        first = int(np.flatnonzero(key.duplicated().to_numpy())[0])
        raise InvalidInput(Problem("result_duplicate", "two results for one enterprise and period",
                                   enterprise=ent_names[ent_codes[first]], period=per_names[per_codes[first]]))
    return ent_codes, ent_names


def _result_columns(frame: pd.DataFrame) -> dict[str, npt.NDArray[Any]]:
    """The attributes as text (None: blank or absent) and the sums as floats (NaN: absent), and ``release``."""
    out = {}
    for col in ATTRIBUTES:
        out[col] = _text(frame[col]) if col in frame.columns else np.full(len(frame), None, dtype=object)
    for col in (*SUM_COLUMNS, "value_added_comparable_10k_cny"):
        out[col] = (pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float) if col in frame.columns
                    else np.full(len(frame), np.nan))
    if "release" in frame.columns:
        out["release"] = _text(frame["release"])
    return out


_PERIOD = re.compile(r"\d{4}(-(0[1-9]|1[0-2]))?")


def _text(values: pd.Series) -> np.ndarray:
    """Strings with None for missing or blank values (each distinct value handled once)."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    clean = np.array([None if v is None or (isinstance(v, float) and v != v) or not str(v).strip() else str(v).strip()
                      for v in uniques] + [None], dtype=object)
    return clean[codes]


def _per_unique(values: np.ndarray, fn: Callable[[Any], object]) -> np.ndarray:
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    mapped = np.array([fn(v) for v in uniques] + [None], dtype=object)
    return mapped[codes]


def _region_part(code: str | None, level: str) -> str | None:
    if code is None or not code[:2].isdigit():
        return None
    if level == "province":
        return code[:2]
    if level == "city":
        return code[:4] if len(code) >= 4 and code[2:4].isdigit() and code[2:4] != "00" else None
    return code[:6] if len(code) >= 6 and code[2:6].isdigit() and code[2:4] != "00" and code[4:6] != "00" else None


def _section(code: str | None) -> str | None:
    return code[0].upper() if code and code[0].isalpha() else None


def _division(code: str | None) -> str | None:
    if not code:
        return None
    if code[0].isalpha():
        return code[:3].upper() if len(code) >= 3 and code[1:3].isdigit() else None
    return code[:2] if len(code) >= 2 and code[:2].isdigit() else None


def key_columns(frame: pd.DataFrame, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The group key of every row for each key name (``province``, ``city``, ``county``, ``park``, ...).

    Parameters
    ----------
    frame : DataFrame
        Results (:func:`results_frame`).
    keys : tuple of str
        Key names (:func:`group_keys`).

    Returns
    -------
    dict of str to ndarray
        Each key's value per row (None: the row has none).

    Raises
    ------
    InvalidInput
        For a key that is no level.
    """
    out = {}
    for key in keys:
        if key in ("province", "city", "county"):
            out[key] = _per_unique(frame["region"].to_numpy(), partial(_region_part, level=key))
        elif key == "section":
            out[key] = _per_unique(frame["industry"].to_numpy(), _section)
        elif key == "division":
            out[key] = _per_unique(frame["industry"].to_numpy(), _division)
        elif key in ("park", "enterprise"):
            out[key] = frame[key].to_numpy(dtype=object)
        else:
            raise InvalidInput(Problem("level_unknown", f"'{key}' is not a level", field="by",
                                       expected=", ".join(LEVELS)))
    return out


def group_keys(by: str | Iterable[str]) -> tuple[str, ...]:
    """Key columns for one level or several (``("city", "section")``), parents first, no repeats.

    Parameters
    ----------
    by : str or iterable of str
        Levels of :data:`LEVELS`.

    Returns
    -------
    tuple of str

    Raises
    ------
    InvalidInput
        For a level that is not one of :data:`LEVELS`.
    """
    levels = (by,) if isinstance(by, str) else tuple(by)
    keys: list[str] = []
    for level in levels:
        if level not in LEVELS:
            raise InvalidInput(Problem("level_unknown", f"'{level}' is not a level", field="by",
                                       expected=", ".join(LEVELS)))
        keys += [k for k in LEVELS[level] if k not in keys]
    return tuple(keys)


def select(frame: pd.DataFrame, region: str | None = None, park: str | list[str] | None = None,
           industry: str | None = None) -> pd.DataFrame:
    """Rows of a region (code prefix, ``37`` or ``3702``), of a park (or parks), of an industry (prefix).

    Parameters
    ----------
    frame : DataFrame
        Results (:func:`results_frame`).
    region : str, optional
        An administrative code prefix.
    park : str or list of str, optional
        Park ids.
    industry : str, optional
        A GB/T 4754 code prefix (case-insensitive).

    Returns
    -------
    DataFrame
    """
    keep = np.ones(len(frame), dtype=bool)
    if region:
        keep &= _per_unique(frame["region"].to_numpy(), lambda c: bool(c) and c.startswith(region)).astype(bool)
    if park:
        parks = {park} if isinstance(park, str) else set(park)
        keep &= frame["park"].isin(parks).to_numpy()
    if industry:
        keep &= _per_unique(frame["industry"].to_numpy(),
                            lambda c: bool(c) and c.upper().startswith(industry.upper())).astype(bool)
    return frame[keep]


@dataclass
class Prepared:
    """Results with comparable value added per row, and what it rests on."""

    frame: pd.DataFrame
    deflators: str | None = None
    deflator_rows: dict[str, str] = field(default_factory=dict)  # row id -> status


def prepare(frame: pd.DataFrame, deflators: Deflators | str | None = None, base_year: int | None = None,
            override: bool = False) -> Prepared:
    """Add ``va`` / ``vac`` (value added at current / comparable prices, 0 where not positive), ``basis``,
    ``has_va`` and the intensity numerators restricted to rows with value added (``iv_<column>``).

    Parameters
    ----------
    frame : pandas.DataFrame
        Enterprise results (:func:`results_frame`): ``value_added_10k_cny`` [10^4 CNY], the energy [tce], CO2
        [tCO2] and water [m3] columns of the catalog.
    deflators : Deflators or str, optional
        A deflator table (or its id or path) for comparable value added where the results lack it.
    base_year : int, optional
        The price base year of comparable value added.
    override : bool
        Deflate with the table even where the enterprise gave its own comparable value added.

    Returns
    -------
    Prepared
        The frame with ``va`` and ``vac`` [10^4 CNY], ``energy_excl_feedstock_tce`` [tce] (energy less
        feedstock), ``has_va`` [bool], ``basis`` and ``iv_<column>`` (the numerator in its catalog unit where
        value added is positive, else 0); the deflator table used and the status of its rows.
    """
    table = load_deflators(deflators)
    vac, basis, used = comparable_value_added(frame, table, base_year, override)
    va = frame["value_added_10k_cny"].to_numpy(dtype=float)
    has_va = (va > 0) & (vac > 0)
    out = frame.copy()
    out["energy_excl_feedstock_tce"] = (frame["energy_equivalent_tce"].fillna(0)
                                        - frame["feedstock_equivalent_tce"].fillna(0)).where(
        frame["energy_equivalent_tce"].notna())
    out["has_va"] = has_va
    out["va"] = np.where(has_va, va, 0.0)
    out["vac"] = np.where(has_va, vac, 0.0)
    out["basis"] = np.where(has_va, basis, None)  # type: ignore[call-overload]  # None: no value added
    for col in NUMERATORS:
        out[f"iv_{col}"] = np.where(has_va, np.nan_to_num(out[col].to_numpy(dtype=float)), 0.0)
    return Prepared(out, None if table is None else table.id, used)


def group_sums(prepared: Prepared, keys: tuple[str, ...], with_period: bool = True) -> pd.DataFrame:
    """Per group (and period): level sums, intensity sums, counts and price basis, no intensities yet.

    Level sums are NaN for a group where no row has the column; intensity sums (``iv_*``, ``va``, ``vac``)
    and counts are plain sums. Groups are sorted by their keys, missing keys (None) last.

    Parameters
    ----------
    prepared : Prepared
        Results prepared by :func:`prepare`.
    keys : tuple of str
        Key names (:func:`group_keys`); ``()``: one group.
    with_period : bool
        Group by period too.

    Returns
    -------
    DataFrame
        Sums in the results' units [tce, tCO2, m3, kWh, 10^4 CNY], counts [-] and price basis per group.
    """
    frame = prepared.frame
    cols = key_columns(frame, keys)
    if with_period:
        cols["period"] = frame["period"].to_numpy()
    names = list(cols)
    if names:
        codes, labels = [], []
        for name in names:
            c, u = pd.factorize(cols[name], use_na_sentinel=False)
            codes.append(c)
            labels.append(np.asarray(u, dtype=object))
        combined = np.ravel_multi_index(codes, [max(len(u), 1) for u in labels]) if len(codes) > 1 else codes[0]
        _, first, group = np.unique(combined, return_index=True, return_inverse=True)
        group = group.ravel()
        out = pd.DataFrame({name: labels[i][codes[i][first]] for i, name in enumerate(names)})
    else:
        group = np.zeros(len(frame), dtype=np.intp)
        out = pd.DataFrame(index=range(1 if len(frame) else 0))
    n = len(out)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=values, minlength=n) if len(values) else np.zeros(n)

    for col in SUM_COLUMNS:
        v = frame[col].to_numpy(dtype=float)
        seen = ~np.isnan(v)
        out[col] = np.where(total(seen.astype(float)) > 0, total(np.where(seen, v, 0.0)), np.nan)
    for col in (c for c in frame.columns if c.startswith("iv_")):  # the NUMERATORS and any a caller added
        out[col] = total(frame[col].to_numpy(dtype=float))
    out["va"], out["vac"] = total(frame["va"].to_numpy()), total(frame["vac"].to_numpy())
    out["n_reporting"] = total(np.ones(len(frame))).astype(int)
    out["n_value_added"] = total(frame["has_va"].to_numpy().astype(float)).astype(int)
    basis = frame["basis"].to_numpy()
    for name in BASES:
        out[f"n_{name}"] = total((basis == name).astype(float)).astype(int)
    if names:
        out = out.sort_values(names, na_position="last", kind="stable").reset_index(drop=True)
    return out


def add_intensities(sums: pd.DataFrame) -> pd.DataFrame:
    """Total-over-total intensities and the price basis of each group.

    Parameters
    ----------
    sums : DataFrame
        Group sums (:func:`group_sums`).

    Returns
    -------
    DataFrame
        The same with the intensities of :data:`INTENSITIES` [tce/10^4 CNY, m3/10^4 CNY, tCO2/10^4 CNY].
    """
    for name, num, den in INTENSITIES:
        sums[name] = ratio(sums[f"iv_{num}"].to_numpy(), sums[den].to_numpy())
    sums["n_comparable"] = sums[f"n_{REPORTED}"] + sums[f"n_{DEFLATED}"] + sums[f"n_{BASE}"]
    # base-year rows are comparable whatever happens; the basis says whether the other rows are
    sums["price_basis"] = price_basis(sums[f"n_{REPORTED}"] + sums[f"n_{DEFLATED}"], sums[f"n_{CURRENT}"],
                                      sums["n_value_added"])
    sums["value_added_comparable_10k_cny"] = np.where(sums["n_value_added"] > 0, sums["vac"], np.nan)
    return sums


@dataclass
class Aggregate:
    """Groups with their sums, intensities and coverage; the missing enterprises; what the numbers rest on."""

    table: pd.DataFrame
    missing: pd.DataFrame
    by: tuple[str, ...]
    keys: tuple[str, ...]
    periods: list[str]
    price_basis: str | None
    base_year: int | None = None
    deflators: str | None = None
    deflator_rows: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        return _records(self.table)

    def to_dict(self, missing_limit: int | None = 100) -> dict[str, Any]:
        missing = self.missing if missing_limit is None else self.missing.head(missing_limit)
        return {"by": list(self.by), "keys": list(self.keys), "periods": self.periods, "price_basis": self.price_basis,
                "base_year": self.base_year, "deflators": self.deflators, "deflator_rows": self.deflator_rows,
                "unverified": sorted(i for i, s in self.deflator_rows.items() if s == "unverified"),
                "notes": self.notes, "groups": self.records(), "missing_total": len(self.missing),
                "missing": _records(missing)}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns: dict[str, list[Any]] = {c: frame[c].tolist() for c in frame.columns}
    return [{c: _plain(values[i]) for c, values in columns.items()} for i in range(len(frame))]


def _plain(v: object) -> object:
    """None for NaN, else the value."""
    return None if v is None or (isinstance(v, float) and v != v) else v


OUTPUT_ORDER = ("n_expected", "n_reporting", "n_missing", "coverage", "n_value_added", "n_comparable", "price_basis",
                *SUM_COLUMNS, "value_added_comparable_10k_cny", *(name for name, _, _ in INTENSITIES))


def register_of(frame: pd.DataFrame) -> pd.DataFrame:
    """The default register: every enterprise of the results, with its attributes of its latest period.

    Parameters
    ----------
    frame : DataFrame
        Results (:func:`results_frame`).

    Returns
    -------
    DataFrame
        One row per enterprise: enterprise and its attributes.
    """
    latest = frame.sort_values("period", kind="stable").drop_duplicates("enterprise", keep="last")
    return latest[["enterprise", *ATTRIBUTES]].reset_index(drop=True)


def aggregate(data: AccountingResult | pd.DataFrame, by: str | Iterable[str] = "province", *,
              periods: list[str] | None = None, register: pd.DataFrame | None = None,
              deflators: Deflators | str | None = None, base_year: int | None = None, override: bool = False,
              region: str | None = None, park: str | list[str] | None = None, industry: str | None = None) -> Aggregate:
    """Sums, total-over-total intensities and coverage per group of ``by`` and period.

    ``register``: the enterprises expected to report (columns ``enterprise`` and the attributes region,
    industry, park, name); default every enterprise of ``data``. ``deflators``: a table id or path for
    comparable value added where the results lack it, at prices of ``base_year``.

    Parameters
    ----------
    data : AccountingResult or DataFrame
        Enterprise results.
    by : str or iterable of str
        The grouping: a level of :data:`LEVELS` (``province``, ``city``, ``county``, ``park``, ``section``,
        ``division``, ``enterprise``) or several.
    periods : list of str, optional
        The periods to aggregate (default every period of ``data``).
    register : DataFrame, optional
        The enterprises expected to report, with their attributes.
    deflators : Deflators or str, optional
        A deflator table (or its id or path).
    base_year : int, optional
        The price base year (default the default target profile's base year).
    override : bool
        Deflate even where an enterprise gave its own comparable value added.
    region, park, industry : str, optional
        Keep only these enterprises (a region code prefix, a park or parks, an industry code prefix).

    Returns
    -------
    Aggregate
        Per group and period: the sums in their catalog units ([tce], [tCO2], [m3], [10^4 CNY]), the intensities
        I_g = Σ E_e / Σ VA_e [tce/10^4 CNY] (and the CO2 and water ones), the counts expected, reporting and
        missing; the missing enterprises; the price basis and the deflators used.
    """
    keys = group_keys(by)
    if register is None:  # every enterprise of any period: read them all
        frame = results_frame(data)
        register = register_of(frame)
    else:
        frame = results_frame(data, periods)
        register = _register(register)
    frame = select(frame, region, park, industry)
    register = select(register, region, park, industry)
    periods = sorted(frame["period"].unique()) if periods is None else [str(p) for p in periods]
    frame = frame[frame["period"].isin(periods)]
    base_year = resolve_base_year(base_year)  # stated in the answer: the default is the default profile's
    prepared = prepare(frame, deflators, base_year, override)
    sums = add_intensities(group_sums(prepared, keys)) if len(frame) else pd.DataFrame(columns=[*keys, "period"])

    reg_keys = pd.DataFrame(key_columns(register, keys))
    reg_keys["enterprise"] = register["enterprise"].to_numpy()
    expected = reg_keys.groupby(list(keys), dropna=False).size().rename("n_expected").reset_index()
    grid = expected.merge(pd.DataFrame({"period": periods}), how="cross")
    miss = reg_keys.merge(pd.DataFrame({"period": periods}), how="cross")
    miss = miss.merge(frame[["enterprise", "period"]], on=["enterprise", "period"], how="left", indicator=True)
    missing = miss[miss["_merge"] == "left_only"].drop(columns="_merge")
    n_missing = missing.groupby([*keys, "period"], dropna=False).size().rename("n_missing").reset_index()
    table, missing = coverage_table(grid, n_missing, sums, keys, register, missing)

    basis = add_intensities(group_sums(prepared, (), with_period=False)) if len(frame) else None
    overall = None if basis is None or basis.empty else basis["price_basis"].iloc[0]
    notes = basis_notes(basis, prepared.deflators, prepared.deflator_rows)
    return Aggregate(table, missing, (by,) if isinstance(by, str) else tuple(by), keys, periods, overall, base_year,
                     prepared.deflators, prepared.deflator_rows, notes)


def _register(register: pd.DataFrame) -> pd.DataFrame:
    if "enterprise" not in register.columns:
        raise InvalidInput(Problem("column_missing", "the register has no column 'enterprise'", field="enterprise"))
    out = pd.DataFrame({"enterprise": register["enterprise"].astype(str).to_numpy(dtype=object)})
    for col in ATTRIBUTES:
        out[col] = _text(register[col]) if col in register.columns else np.full(len(register), None, dtype=object)
    return out.drop_duplicates("enterprise", keep="last").reset_index(drop=True)


def coverage_table(grid: pd.DataFrame, n_missing: pd.DataFrame, sums: pd.DataFrame, keys: list[str] | tuple[str, ...],
                   register: pd.DataFrame, missing: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The aggregate table (expected, missing and reporting counts, coverage, the sums, in output order) and the
    missing enterprises with their register attributes, from the expected ``grid`` (keys × periods), the
    missing counts, the group ``sums`` and the ``register``; shared by :func:`aggregate` and the partial-sums
    path (:func:`carbonkit.sums.aggregate_sums`).

    Parameters
    ----------
    grid : DataFrame
        Expected enterprises per group and period (``n_expected``).
    n_missing : DataFrame
        Missing enterprises per group and period.
    sums : DataFrame
        Group sums with intensities.
    keys : list or tuple of str
        The key columns.
    register : DataFrame
        The register (enterprise and attributes).
    missing : DataFrame
        The missing enterprises per group and period.

    Returns
    -------
    (DataFrame, DataFrame)
        The table (coverage [-], sums [their units], intensities) and the missing enterprises.
    """
    table = grid.merge(n_missing, on=[*keys, "period"], how="left").merge(sums, on=[*keys, "period"], how="outer")
    table["n_expected"] = table["n_expected"].fillna(0).astype(int)
    table["n_missing"] = table["n_missing"].fillna(0).astype(int)
    table["n_reporting"] = table["n_reporting"].fillna(0).astype(int) if "n_reporting" in table else 0
    table["coverage"] = ratio(table["n_expected"] - table["n_missing"], table["n_expected"])
    for col in ("n_value_added", "n_comparable"):
        table[col] = table[col].fillna(0).astype(int) if col in table else 0
    table = table[[*keys, "period", *(c for c in OUTPUT_ORDER if c in table.columns)]]
    table = table.sort_values([*keys, "period"], na_position="last", kind="stable").reset_index(drop=True)
    extra = [c for c in ATTRIBUTES if c not in keys]
    attrs = register.set_index("enterprise")[extra]
    missing = missing.sort_values(["period", *keys, "enterprise"], na_position="last", kind="stable")
    keys_out = [k for k in keys if k != "enterprise"]
    missing = missing.join(attrs, on="enterprise")[["period", *keys_out, "enterprise", *extra]].reset_index(drop=True)
    return table, missing
