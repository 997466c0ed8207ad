"""Value added at comparable prices: price-index (deflator) tables by region, industry and year.

    VA_comp,t = VA_t / (P_t / P_B)    [10^4 CNY at prices of the base year B]

P_t / P_B is the price level of year t relative to B. A table gives, per (region, industry, year), an
index with ``base_year`` = 100, or a chain index with the previous year = 100 (``base_year`` empty, as
NBS publishes 上年=100); then P_t / P_B = Π_{k=B+1..t} p_k / 100 (and the inverse for t < B).

Selection for an enterprise-period: the row of the enterprise's province, else of ``CN``; within a
region, the row of its GB/T 4754 division (``C26``), else its section (``C``), else the all-industry
row (empty industry). A year whose chain is incomplete has no level: that enterprise-period keeps its
current-price value added and is counted as nominal.

Tables are ``va_deflator`` factor tables (``carbonkit.factors.tables``): a CSV beside a TOML of
provenance, shipped in ``factors/deflators/`` or supplied by the user with the same columns.

The base year B belongs to a target profile (``factors/targets/``): a caller that gives none gets the base
year of :data:`DEFAULT_TARGET_PROFILE` (:func:`resolve_base_year`), never a year written in the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonkit.datafiles import data_path
from carbonkit.errors import FactorDataError
from carbonkit.factors.tables import Table, read_table
from carbonkit.vocabulary import vocabulary

INDUSTRY_PATTERN = re.compile(r"^([A-T](\d{2})?)?$")
# how an enterprise-period's comparable value added was obtained
REPORTED, DEFLATED, BASE, CURRENT = "reported", "deflated", "base_year", "current"
BASES = (REPORTED, DEFLATED, BASE, CURRENT)  # BASE: a base-year row, whose current prices are the base prices
# the target profile whose base year is the price base when a caller gives none (chosen by id, as a factor release)
DEFAULT_TARGET_PROFILE = "shandong-14fyp-2021-2025"


@cache
def default_base_year() -> int:
    """The base year of the default target profile, the price base of comparable value added.

    Returns
    -------
    int
        ``base_year`` of :data:`DEFAULT_TARGET_PROFILE` (``factors/targets/shandong-14fyp-2021-2025.toml``:
        2020) [year].
    """
    from carbonkit.target_profiles import load_profile  # here, not at the top: carbonkit.targets imports this module

    return load_profile(DEFAULT_TARGET_PROFILE).base_year


def resolve_base_year(base_year: int | None) -> int:
    """The base year a computation uses: the one given, else the default target profile's.

    Parameters
    ----------
    base_year : int or None
        The price base year [year]; None: :func:`default_base_year`.

    Returns
    -------
    int
        The base year [year].
    """
    return default_base_year() if base_year is None else base_year


@dataclass
class Deflators:
    """A validated deflator table: chain or fixed-base indices per (region, industry)."""

    table: Table
    series: dict[tuple[str, str], dict[int, tuple[float, int | None, str, str]]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.table.id

    def level(self, region: str, industry: str, year: int, base_year: int) -> tuple[float, list[str]] | None:
        """P_year / P_base of one (region, industry) series [1] and the row ids it used; None if incomplete.

        Parameters
        ----------
        region, industry : str
            The series key (province code or ``CN``; GB/T 4754 division, section or ``""``).
        year, base_year : int
            The year t and the base year B [year].

        Returns
        -------
        tuple of (float, list of str) or None
            P_t / P_B [-] and the row ids it rests on; None when the series lacks a year it needs.
        """
        rows = self.series.get((region, industry))
        if rows is None:
            return None
        if year == base_year:
            return 1.0, []
        fixed = {b for (_, b, _, _) in rows.values()}
        if fixed != {None}:  # fixed-base index: P_t / P_B = I_t / I_B, with I = 100 in the index's own base year
            (index_base,) = fixed

            def at(y: int) -> tuple[float, list[str]] | None:
                if y == index_base:
                    return 100.0, []
                return (rows[y][0], [rows[y][2]]) if y in rows else None
            num, den = at(year), at(base_year)
            if num is None or den is None:
                return None
            return num[0] / den[0], num[1] + den[1]
        lo, hi = sorted((year, base_year))
        needed = range(lo + 1, hi + 1)
        if any(y not in rows for y in needed):
            return None
        product = float(np.prod([rows[y][0] / 100.0 for y in needed]))
        return (product if year > base_year else 1.0 / product), [rows[y][2] for y in needed]

    def statuses(self, ids: list[str]) -> dict[str, str]:
        """The status marks of some rows of the table.

        Parameters
        ----------
        ids : list of str
            Row ids of the table.

        Returns
        -------
        dict of str to str
            Row id -> status (verified, corroborated, unconfirmed, unverified).
        """
        status = dict(zip(self.table.rows["id"], self.table.rows["status"]))
        return {i: status[i] for i in ids}


def shipped_deflators() -> list[str]:
    """Ids of the deflator tables shipped in ``factors/deflators/``.

    Returns
    -------
    list of str
        Table ids, sorted (``nbs-ppi-cn`` ...).
    """
    folder = data_path("deflators")
    return sorted(p.stem for p in folder.glob("*.csv")) if folder.is_dir() else []


def load_deflators(source: str | Path | Deflators | None) -> Deflators | None:
    """A deflator table: a shipped id (``nbs-ppi-cn``), the path of a CSV with its TOML beside it, or None.

    Parameters
    ----------
    source : str, Path, Deflators or None
        A shipped id, a CSV path (its TOML of provenance beside it), a table already loaded, or None.

    Returns
    -------
    Deflators or None
        The validated table (indices [-], 100 in the base year or the previous year); None for None.
    """
    if source is None or isinstance(source, Deflators):
        return source
    path = Path(source)
    user = not isinstance(source, str) or path.suffix == ".csv" or len(path.parts) > 1  # else a shipped id
    if not user:
        path = data_path("deflators", f"{source}.csv")
        if not path.is_file():
            raise FactorDataError(f"no deflator table '{source}' in factors/deflators/ "
                                  f"(known: {', '.join(shipped_deflators()) or 'none'}); or give the path of a CSV")
    table = read_table(path, user=user)
    if table.kind != "va_deflator":
        raise FactorDataError(f"{path}: kind '{table.kind}' where 'va_deflator' was expected")
    return Deflators(table, _series(table, path.name))


Series = dict[tuple[str, str], dict[int, tuple[float, int | None, str, str]]]


def _series(table: Table, name: str) -> Series:
    problems: list[str] = []
    series: Series = {}
    for line, rec in enumerate(table.rows.to_dict("records"), start=2):
        industry = str(rec["industry"]).strip()
        base = str(rec["base_year"]).strip()
        year = rec["year"]
        if not INDUSTRY_PATTERN.match(industry):
            problems.append(f"{name} line {line}, column 'industry': '{industry}' is not empty, a GB/T 4754 section "
                            "letter or a division (letter + 2 digits, e.g. C26)")
        if year is None or pd.isna(year):
            problems.append(f"{name} line {line}, column 'year': a deflator needs a year")
            continue
        if base and not (base.isdigit() and 1990 <= int(base) <= 2100):
            problems.append(f"{name} line {line}, column 'base_year': '{base}' is not a year (or empty for a chain index)")
            continue
        slot = series.setdefault((rec["region"], industry), {})
        if int(year) in slot:
            problems.append(f"{name} line {line}: a second row for region {rec['region']}, industry '{industry}', year {year}")
        slot[int(year)] = (float(rec["value"]), int(base) if base else None, rec["id"], rec["status"])
    for (region, industry), rows in series.items():
        if len({b for (_, b, _, _) in rows.values()}) > 1:
            problems.append(f"{name}: region {region}, industry '{industry}' mixes chain and fixed-base rows "
                            "(or two base years); give one kind of index per series")
    if problems:
        raise FactorDataError(f"{len(problems)} problem(s) in deflator table {name}:\n"
                              + "\n".join("  - " + p for p in problems))
    return series


def _industry_chain(code: str) -> list[str]:
    """Division, section, all-industry keys of a GB/T 4754 code (``C2911`` -> C29, C, '')."""
    code = (code or "").strip().upper()
    out = []
    if code[:1].isalpha():
        if len(code) >= 3 and code[1:3].isdigit():
            out.append(code[:3])
        out.append(code[:1])
    return [*out, ""]


def comparable_value_added(frame: pd.DataFrame, deflators: Deflators | None, base_year: int | None,
                           override: bool = False) -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """Comparable value added per row [10^4 CNY], how it was obtained, and the deflator rows used.

    ``frame`` has ``value_added_10k_cny`` (current prices), ``value_added_comparable_10k_cny`` (as the
    enterprise reported it, or from its price index; may be NaN), ``year``, ``region`` and ``industry``.
    Reported comparable values are kept unless ``override``; a row of ``base_year`` without one is at base-year
    prices already (basis ``base_year``); the table fills the others; what remains stays at current prices
    (basis ``current``). ``base_year`` None: :func:`resolve_base_year`.

    Parameters
    ----------
    frame : pandas.DataFrame
        Enterprise-periods: ``value_added_10k_cny`` [10^4 CNY], ``value_added_comparable_10k_cny`` [10^4 CNY at
        base-year prices, may be NaN], ``year``, ``region``, ``industry``.
    deflators : Deflators or None
        The price-index table; None: no deflation.
    base_year : int or None
        The price base year B [year]; None: :func:`resolve_base_year`.
    override : bool
        Deflate even where a comparable value was reported.

    Returns
    -------
    values : numpy.ndarray of float
        VA_comp,t = VA_t / (P_t / P_B) per row [10^4 CNY at prices of B].
    basis : numpy.ndarray of object
        ``reported``, ``deflated``, ``base_year`` or ``current`` per row.
    used : dict of str to str
        Deflator row id -> its status.
    """
    base_year = resolve_base_year(base_year)
    current = frame["value_added_10k_cny"].to_numpy(dtype=float)
    reported = frame["value_added_comparable_10k_cny"].to_numpy(dtype=float)
    use_reported = ~np.isnan(reported) & (not override)
    in_base = ~use_reported & (frame["year"].to_numpy() == base_year)
    values = np.where(use_reported, reported, current)
    basis = np.where(use_reported, REPORTED, np.where(in_base, BASE, CURRENT)).astype(object)
    used: dict[str, str] = {}
    if deflators is None:
        return values, basis, used
    todo = ~use_reported & ~in_base & ~np.isnan(current)
    if not todo.any():
        return values, basis, used
    vocab = vocabulary()
    province = frame["region"].astype("string").fillna("CN").to_numpy(dtype=object)
    industry = frame["industry"].astype("string").fillna("").to_numpy(dtype=object)
    years = frame["year"].to_numpy()
    keys = pd.DataFrame({"p": province[todo], "i": industry[todo], "y": years[todo]})
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(keys))
    levels = np.full(len(uniques), np.nan)
    for k, (region, code, year) in enumerate(uniques):  # a loop over distinct (region, industry, year)
        prov = vocab.province_of(str(region)) or "CN"
        for reg in dict.fromkeys((prov, "CN")):
            found = next((f for f in (deflators.level(reg, ind, int(year), base_year) for ind in _industry_chain(code))
                          if f is not None), None)
            if found is not None:
                levels[k] = found[0]
                used.update(deflators.statuses(found[1]))
                break
    level = levels[codes]
    idx = np.flatnonzero(todo)
    ok = ~np.isnan(level)
    values[idx[ok]] = current[idx[ok]] / level[ok]
    basis[idx[ok]] = DEFLATED
    return values, basis, used


def price_basis(n_comparable: npt.ArrayLike, n_current: npt.ArrayLike,
                n_value_added: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """``comparable``, ``nominal`` or ``mixed`` per group (None without value added): nominal when no row outside
    the base year is at comparable prices and some are at current prices.

    Parameters
    ----------
    n_comparable, n_current, n_value_added : array_like of int
        Per group, the enterprise-periods outside the base year at comparable prices, those at current prices
        only, and those with a positive value added [-].

    Returns
    -------
    numpy.ndarray of object
        ``comparable``, ``nominal``, ``mixed`` or None per group.
    """
    comparable, current = np.asarray(n_comparable), np.asarray(n_current)
    basis = np.where(np.asarray(n_value_added) == 0, None,  # type: ignore[call-overload]  # None is a valid scalar
                     np.where(current == 0, "comparable", np.where(comparable == 0, "nominal", "mixed")))
    return basis  # type: ignore[no-any-return]


def basis_notes(totals: pd.DataFrame | None, table: str | None, rows: dict[str, str]) -> list[str]:
    """Plain-language notes on the price basis and the deflator rows of an answer.

    Parameters
    ----------
    totals : pandas.DataFrame or None
        One row of counts (``n_value_added``, ``n_reporting`` and ``n_<basis>``) [-].
    table : str or None
        The deflator table id.
    rows : dict of str to str
        Deflator row id -> status.

    Returns
    -------
    list of str
        The notes, in English (``carbonkit.messages`` translates them).
    """
    if totals is None or totals.empty:
        return ["no results for the selection"]
    row = totals.iloc[0]
    notes = []
    n_va, n_cur = int(row["n_value_added"]), int(row[f"n_{CURRENT}"])
    n_rep, n_def, n_base = int(row[f"n_{REPORTED}"]), int(row[f"n_{DEFLATED}"]), int(row[f"n_{BASE}"])
    if n_va == 0:
        notes.append("no enterprise-period has a positive value added: no intensity")
    elif n_cur and n_cur == n_va - n_base:
        notes.append("value added at current prices only (no comparable value added, no deflator): the comparison "
                     "is nominal")
    elif n_cur:
        notes.append(f"{n_cur} of {n_va} enterprise-periods have value added at current prices only; the others are "
                     "at comparable prices: the comparison is partly nominal")
    if n_rep:
        notes.append(f"{n_rep} enterprise-periods at comparable prices as reported (comparable value added or price "
                     "index)")
    if n_def:
        notes.append(f"{n_def} enterprise-periods deflated with table {table}")
    if n_base:
        notes.append(f"{n_base} enterprise-periods of the base year: their current prices are the base prices")
    shaky = sorted(i for i, s in rows.items() if s == "unverified")
    if shaky:
        notes.append("deflator rows marked unverified: " + ", ".join(shaky))
    missing_va = int(row["n_reporting"]) - n_va
    if missing_va:
        notes.append(f"{missing_va} enterprise-periods without a positive value added are in the level sums but not "
                     "in the intensities")
    return notes
