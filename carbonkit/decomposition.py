"""LMDI-I decomposition of the change of an aggregate intensity (Ang 2005; Ang 2015).

Energy (or water, or CO2) intensity of a group of sectors i (industries, cities, enterprises):

    I = E / Y = Σ_i S_i · I_i,   S_i = Y_i / Y (share of value added),  I_i = E_i / Y_i,  w_i = E_i / Y

Additive:        ΔI = I^T − I^0 = ΔI_str + ΔI_int,
                 ΔI_x = Σ_i L(w_i^T, w_i^0) · ln(x_i^T / x_i^0)            for x = S (structure), I (intensity)
Multiplicative:  D = I^T / I^0 = D_str · D_int,   ln D_x = ΔI_x / L(I^T, I^0)
                 L(a, b) = (a − b) / (ln a − ln b), L(a, a) = a

CO2 intensity with an energy-carrier split j (electricity, other energy):

    C / Y = Σ_i Σ_j S_i · I_i · M_ij · F_ij,   I_i = E_i / Y_i,  M_ij = E_ij / E_i (mix),  F_ij = C_ij / E_ij

gives structure, energy-intensity, fuel-mix and emission-factor effects.

Zero values (a sector entering or leaving, a carrier not used, zero CO2 of green power): by default the
analytical limits of Wood & Lenzen (2006) and Ang & Liu (2007): a term with w^0 = 0 < w^T gives its whole
w^T to the first factor that is zero in period 0 (a new sector: structure; a sector with value added but no
energy yet: intensity), and a term with w^T = 0 < w^0 gives −w^0 likewise; a term zero in both periods
gives nothing. The effects then sum exactly to ΔI. ``zero="delta"`` instead replaces zeros by a small δ
(Ang's 10^-20 suggestion) before computing; it is exact for the replaced data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonkit.accounting import AccountingResult
from carbonkit.aggregation import Prepared, add_intensities, group_keys, group_sums, prepare, results_frame, select
from carbonkit.catalog import decomposition_numerators
from carbonkit.deflators import Deflators, basis_notes
from carbonkit.errors import FactorDataError, InvalidInput, Problem
from carbonkit.factors import Release, load_release
from carbonkit.units import multiplier

DELTA = 1e-20
# indicator -> (numerator column of the prepared results, unit), from the catalog (field decomposition)
NUMERATORS: dict[str, tuple[str, str]] = decomposition_numerators()


def logmean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """L(a, b) = (a − b) / (ln a − ln b), with L(a, a) = a and L(a, 0) = 0 (a, b ≥ 0).

    Parameters
    ----------
    a, b : numpy.ndarray
        Non-negative values in one unit (e.g. [tce/10^4 CNY]).

    Returns
    -------
    numpy.ndarray of float
        L(a, b) [the unit of a and b].
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a - b) / (np.log(a) - np.log(b))
    out = np.where(np.isclose(a, b, rtol=1e-12, atol=0.0), a, out)
    return np.where((a <= 0) | (b <= 0), 0.0, out)


def lmdi_terms(w0: np.ndarray, wT: np.ndarray, x0: list[np.ndarray], xT: list[np.ndarray]) -> np.ndarray:
    """Additive LMDI-I effect of each factor on each term: shape (factors, terms).

    ``w`` is the term's contribution to the aggregate (the product of its factors); ``x0`` / ``xT`` the
    factor values per term. Zero terms follow the analytical limits of the module docstring.

    Parameters
    ----------
    w0, wT : numpy.ndarray
        Each term's contribution to the aggregate in periods 0 and T [unit of the aggregate, e.g. tce/10^4 CNY].
    x0, xT : list of numpy.ndarray
        The factor values per term in periods 0 and T [each factor in its own unit].

    Returns
    -------
    numpy.ndarray of float
        Shape (factors, terms): the additive effects [unit of the aggregate].
    """
    w0, wT = np.asarray(w0, dtype=float), np.asarray(wT, dtype=float)
    L = logmean(wT, w0)
    both = (w0 > 0) & (wT > 0)
    effects = np.zeros((len(x0), len(w0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        for k, (a, b) in enumerate(zip(x0, xT)):
            effects[k] = np.where(both, L * np.log(np.where(both, b, 1.0) / np.where(both, a, 1.0)), 0.0)
    for w_from, w_to, xs, sign in ((w0, wT, x0, 1.0), (wT, w0, xT, -1.0)):
        rows = np.flatnonzero((w_from <= 0) & (w_to > 0))  # entering (sign +) or leaving (sign −)
        if len(rows) == 0:
            continue
        zero = np.array([~(np.nan_to_num(np.asarray(x, dtype=float)[rows], nan=0.0) > 0) for x in xs])
        first = np.where(zero.any(axis=0), zero.argmax(axis=0), 0)  # the first factor that is zero (or undefined)
        effects[first, rows] += sign * w_to[rows]
    return effects


@dataclass
class Decomposition:
    """The change of an aggregate intensity split into effects, with each key's contribution."""

    indicator: str
    unit: str
    start: str
    end: str
    keys: tuple[str, ...]
    effects: tuple[str, ...]
    I0: float
    IT: float
    additive: dict[str, float]
    multiplicative: dict[str, float | None]
    contributions: pd.DataFrame
    zero: str = "limit"
    notes: list[str] = field(default_factory=list)
    price_basis: str | None = None
    deflators: str | None = None

    @property
    def change(self) -> float:
        return self.IT - self.I0

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """The decomposition as JSON: intensities [``unit``], effects [``unit``], the ``top`` contributions."""
        contrib = self.contributions if top is None else self.contributions.head(top)
        return {"indicator": self.indicator, "unit": self.unit, "start": self.start, "end": self.end,
                "by": list(self.keys), "effects": list(self.effects), "I0": self.I0, "IT": self.IT,
                "change": self.change, "ratio": self.IT / self.I0 if self.I0 else None, "additive": self.additive,
                "multiplicative": self.multiplicative, "zero": self.zero, "price_basis": self.price_basis,
                "deflators": self.deflators, "notes": self.notes, "n_contributions": len(self.contributions),
                "contributions": [{k: _plain(v) for k, v in r.items()} for r in contrib.to_dict("records")]}


def _plain(v: object) -> object:
    """None for a missing value or NaN, else the value."""
    return None if v is None or (isinstance(v, float) and v != v) else v


Labels = pd.DataFrame | Sequence[Any] | None


def _finish(indicator: str, unit: str, start: object, end: object, keys: Sequence[str], effect_names: Sequence[str],
            labels: pd.DataFrame, effects: npt.NDArray[np.float64], I0: float, IT: float, zero: str,
            term_key: npt.NDArray[np.int_] | None = None) -> Decomposition:
    additive = {name: float(effects[k].sum()) for k, name in enumerate(effect_names)}
    additive["total"] = IT - I0
    L = float(logmean(np.array([IT]), np.array([I0]))[0])
    multiplicative: dict[str, float | None]
    if I0 > 0 and IT > 0 and L > 0:
        multiplicative = {name: float(np.exp(v / L)) for name, v in additive.items() if name != "total"}
        multiplicative["total"] = IT / I0
    else:
        multiplicative = {name: None for name in (*effect_names, "total")}
    per_term = pd.DataFrame({name: effects[k] for k, name in enumerate(effect_names)})
    if term_key is not None:  # several terms (carriers) per key: sum them
        per_term["_key"] = term_key
        per_term = per_term.groupby("_key", sort=False).sum().reindex(range(len(labels)), fill_value=0.0)
        per_term = per_term.reset_index(drop=True)
    contrib = pd.concat([labels.reset_index(drop=True), per_term], axis=1)
    contrib["total"] = per_term.sum(axis=1).to_numpy()
    change = IT - I0
    contrib["share_of_change"] = contrib["total"] / change if change != 0 else np.nan
    order = np.lexsort((np.arange(len(contrib)), -np.abs(contrib["total"].to_numpy())))
    contrib = contrib.iloc[order].reset_index(drop=True)
    return Decomposition(indicator, unit, str(start), str(end), tuple(keys), tuple(effect_names), I0, IT, additive,
                         multiplicative, contrib, zero)


Getter = Callable[[str, str], npt.NDArray[np.float64]]


def _two_periods(sums: pd.DataFrame, keys: tuple[str, ...], start: str, end: str) -> tuple[pd.DataFrame, Getter]:
    """Key labels of the union of groups of both periods, and a getter of a column per period (0 if absent)."""
    none = "\x00none"
    sums = sums.copy()
    for k in keys:
        sums[k] = sums[k].astype(object).where(sums[k].notna(), none)
    index = pd.MultiIndex.from_frame(sums[list(keys)].drop_duplicates()) if len(keys) > 1 else \
        pd.Index(sums[keys[0]].drop_duplicates())
    parts = {p: sums[sums["period"] == p].set_index(list(keys)).reindex(index) for p in (start, end)}
    labels = index.to_frame(index=False) if len(keys) > 1 else pd.DataFrame({keys[0]: index.to_numpy()})
    labels = labels.astype(object).where(labels != none, None)

    def get(col: str, period: str) -> np.ndarray:
        frame = parts[period]
        return np.nan_to_num(frame[col].to_numpy(dtype=float)) if col in frame.columns else np.zeros(len(index))
    return labels, get


def _check(arrays: Mapping[str, npt.ArrayLike]) -> dict[str, npt.NDArray[np.float64]]:
    out: dict[str, npt.NDArray[np.float64]] = {}
    problems: list[Problem] = []
    for name, values in arrays.items():
        v = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
        if (v < 0).any() or not np.isfinite(v).all():
            problems.append(Problem("value_negative", f"{name} has negative or infinite values; LMDI needs values ≥ 0",
                                    field=name))
        out[name] = v
    if problems:
        raise InvalidInput(problems)
    return out


def lmdi(y0: npt.ArrayLike, e0: npt.ArrayLike, yT: npt.ArrayLike, eT: npt.ArrayLike, labels: Labels = None, *,
         indicator: str = "energy", unit: str = "", start: str | int = "0", end: str | int = "T",
         zero: Literal["limit", "delta"] = "limit") -> Decomposition:
    """Structure and intensity effects of the change of Σ E / Σ Y from period 0 to T (module docstring).

    ``y0, e0, yT, eT`` are per sector (value added [10^4 CNY], energy [tce] or water [m3] or CO2 [tCO2]);
    ``labels`` names the sectors (a frame of key columns, or a list).

    Parameters
    ----------
    y0, yT : array_like
        Value added per sector in periods 0 and T [10^4 CNY].
    e0, eT : array_like
        The numerator per sector [tce, m3 or tCO2].
    labels : DataFrame, sequence or None
        Sector names (key columns or a list); None: 0, 1, ...
    indicator, unit : str
        Name and unit of the intensity (e.g. ``energy``, ``tce/10^4 CNY``).
    start, end : str or int
        The two periods.
    zero : {"limit", "delta"}
        Treatment of zero values (module docstring).

    Returns
    -------
    Decomposition
        Structure and intensity effects [unit], additive and multiplicative, and each sector's contribution.
    """
    v = _check({"y0": y0, "e0": e0, "yT": yT, "eT": eT})
    for y, e, p in (("y0", "e0", start), ("yT", "eT", end)):
        if ((v[e] > 0) & (v[y] <= 0)).any():
            raise InvalidInput(Problem("value_added_missing", f"a sector has {e[0]} > 0 but no value added in period "
                                       f"{p}: its intensity is infinite", field="value_added_10k_cny", period=str(p)))
    if zero == "delta":
        v = {k: np.where(a > 0, a, DELTA) for k, a in v.items()}
    Y0, YT = v["y0"].sum(), v["yT"].sum()
    if Y0 <= 0 or YT <= 0:
        raise InvalidInput(Problem("value_added_missing", "total value added is zero in a period: no intensity",
                                   field="value_added_10k_cny"))
    with np.errstate(divide="ignore", invalid="ignore"):
        S0, ST = v["y0"] / Y0, v["yT"] / YT
        I0i, ITi = v["e0"] / v["y0"], v["eT"] / v["yT"]
    w0, wT = v["e0"] / Y0, v["eT"] / YT
    effects = lmdi_terms(w0, wT, [S0, I0i], [ST, ITi])
    labels = _labels(labels, len(w0))
    return _finish(indicator, unit, start, end, tuple(labels.columns), ("structure", "intensity"), labels, effects,
                   float(w0.sum()), float(wT.sum()), zero)


def lmdi_co2(y0: npt.ArrayLike, e0: npt.ArrayLike, c0: npt.ArrayLike, yT: npt.ArrayLike, eT: npt.ArrayLike,
             cT: npt.ArrayLike, labels: Labels = None, *, start: str | int = "0", end: str | int = "T",
             unit: str = "tCO2/10^4 CNY", zero: Literal["limit", "delta"] = "limit") -> Decomposition:
    """Structure, energy-intensity, fuel-mix and emission-factor effects of the change of Σ C / Σ Y.

    ``y0, yT`` per sector, shape (sectors,); ``e0, eT`` energy [tce] and ``c0, cT`` CO2 [tCO2] per sector and
    carrier, shape (sectors, carriers).

    Parameters
    ----------
    y0, yT : array_like
        Value added per sector [10^4 CNY].
    e0, eT : array_like
        Energy per sector and carrier [tce].
    c0, cT : array_like
        CO2 per sector and carrier [tCO2].
    labels : DataFrame, sequence or None
        Sector names.
    start, end : str or int
        The two periods.
    unit : str
        The unit of the intensity, ``tCO2/10^4 CNY``.
    zero : {"limit", "delta"}
        Treatment of zero values.

    Returns
    -------
    Decomposition
        Structure, energy-intensity, fuel-mix and emission-factor effects [tCO2/10^4 CNY].
    """
    v = _check({"y0": y0, "yT": yT, "e0": np.atleast_2d(e0), "eT": np.atleast_2d(eT), "c0": np.atleast_2d(c0),
                "cT": np.atleast_2d(cT)})
    for ky, ke, kc, p in (("y0", "e0", "c0", start), ("yT", "eT", "cT", end)):
        if ((v[ke].sum(axis=1) > 0) & (v[ky] <= 0)).any() or ((v[kc] > 0) & (v[ke] <= 0)).any():
            raise InvalidInput(Problem("value_invalid", f"energy without value added, or CO2 without energy, in period "
                                       f"{p}: an infinite intensity or emission factor", field="value_added_10k_cny",
                                       period=str(p)))
    if zero == "delta":
        v = {k: np.where(a > 0, a, DELTA) for k, a in v.items()}
    n, m = v["e0"].shape
    Y0, YT = v["y0"].sum(), v["yT"].sum()
    if Y0 <= 0 or YT <= 0:
        raise InvalidInput(Problem("value_added_missing", "total value added is zero in a period: no intensity",
                                   field="value_added_10k_cny"))
    with np.errstate(divide="ignore", invalid="ignore"):
        factors = []
        for y, e, c, Y in ((v["y0"], v["e0"], v["c0"], Y0), (v["yT"], v["eT"], v["cT"], YT)):
            E_i = e.sum(axis=1)
            S = np.repeat(y / Y, m)
            Ii = np.repeat(E_i / y, m)
            M = (e / E_i[:, None]).ravel()
            F = (c / e).ravel()
            factors.append(([S, Ii, M, F], (c / Y).ravel()))
    (x0, w0), (xT, wT) = factors
    effects = lmdi_terms(w0, wT, x0, xT)
    labels = _labels(labels, n)
    return _finish("co2", unit, start, end, tuple(labels.columns),
                   ("structure", "energy_intensity", "fuel_mix", "emission_factor"), labels, effects,
                   float(w0.sum()), float(wT.sum()), zero, term_key=np.repeat(np.arange(n), m))


def _labels(labels: Labels, n: int) -> pd.DataFrame:
    if labels is None:
        return pd.DataFrame({"key": range(n)})
    if isinstance(labels, pd.DataFrame):
        return labels.reset_index(drop=True)
    return pd.DataFrame({"key": list(labels)})


# ----------------------------------------------------------------------------- from enterprise results

def electricity_tce_per_kwh(release: Release | str | None) -> float:
    """The equivalent-value coefficient of electricity [tce/kWh] of a factor release.

    Parameters
    ----------
    release : Release, str or None
        A factor release or its name (None: the current one).

    Returns
    -------
    float
        The coefficient [tce/kWh] of the release's electricity row (GB/T 2589-2020 Appendix A,
        gbt2589-2020-a.electricity), converted from kgce/kWh.
    """
    rel = release if isinstance(release, Release) else load_release(release)
    row = rel.lookup("standard_coal", "electricity")
    if row is None:
        raise InvalidInput(Problem("factor_missing", f"release {rel.name} has no standard-coal coefficient for "
                                   "electricity", field="release"))
    return row.value * multiplier(row.unit, "tce/kWh")


def _coefficient_of(release: str | None, notes: list[str]) -> float:
    """Electricity [tce/kWh] of the release a result names; a user table's suffix (``+mine``) is dropped, and
    an unknown release falls back to the current one, with a note."""
    if release:
        for name in dict.fromkeys((release, release.split("+")[0])):
            try:
                return electricity_tce_per_kwh(name)
            except (FactorDataError, InvalidInput):
                continue
    current = load_release()
    notes.append(f"results of release {release or '(not named)'}: electricity converted with release {current.name}")
    return electricity_tce_per_kwh(current)


# the summary columns the CO2 split rests on (beside co2_location_tco2)
CO2_SPLIT = ("electricity_kwh", "co2_combustion_tco2", "co2_electricity_location_tco2", "co2_heat_tco2")


def _check_co2_columns(data: object) -> None:
    """The CO2 split needs its columns in every row that has CO2: missing ones would count as zero."""
    frame = data.summary if isinstance(data, AccountingResult) else data
    if not isinstance(frame, pd.DataFrame):
        return  # results_frame names the problem
    absent = [c for c in CO2_SPLIT if c not in frame.columns]
    if absent:
        raise InvalidInput(Problem("column_missing", f"the CO2 decomposition needs the results' columns "
                                   f"{', '.join(absent)} (the split of CO2 into electricity, fuels and heat)",
                                   field=absent[0], expected="summary rows of carbonkit.account with every column"))
    has_co2 = pd.to_numeric(frame["co2_location_tco2"], errors="coerce").notna() if "co2_location_tco2" in frame \
        else pd.Series(False, index=frame.index)
    for c in CO2_SPLIT:
        gap = has_co2 & pd.to_numeric(frame[c], errors="coerce").isna()
        if gap.any():
            i = gap.to_numpy().nonzero()[0][0]
            raise InvalidInput(Problem("value_missing", f"column {c} is empty in a row with CO2: the CO2 decomposition "
                                       "would count it as zero", field=c, enterprise=str(frame["enterprise"].iat[i]),
                                       period=str(frame["period"].iat[i]), expected="a number (0 where there is none)"))


def decompose(data: AccountingResult | pd.DataFrame, start: int | str, end: int | str, by: str | Sequence[str] = "division", *,
              indicator: str = "energy",
              region: str | None = None, park: str | list[str] | None = None, industry: str | None = None,
              deflators: Deflators | str | None = None, base_year: int | None = None, override: bool = False,
              zero: Literal["limit", "delta"] = "limit", total: bool = False) -> Decomposition:
    """LMDI of the change of an intensity of the selection from ``start`` to ``end`` (periods), by ``by``.

    ``total=True`` decomposes the change of the total instead (energy [tce], water [m3], CO2 [tCO2]), with
    an activity effect first (:mod:`carbonkit.decomposition_totals`).

    ``indicator``: ``energy``, ``energy_excl_feedstock``, ``water`` (structure and intensity effects) or
    ``co2`` (structure, energy intensity, fuel mix of electricity vs other energy, emission factor; energy
    excludes raw-material use, electricity at the equivalent value of the results' factor release). Value
    added at comparable prices of ``base_year`` (default ``start``), as in :func:`aggregation.aggregate`.

    Parameters
    ----------
    data : AccountingResult or pandas.DataFrame
        Enterprise results (summary rows).
    start, end : int or str
        The two periods (``2020``, ``2023``).
    by : str or sequence of str
        The level(s) of the sectors (``division``, ``city`` ...).
    indicator : str
        A key of :data:`NUMERATORS` (catalog field ``decomposition``).
    region, park, industry : str, optional
        The selection.
    deflators : Deflators or str, optional
        The price-index table.
    base_year : int, optional
        The price base year [year] (default ``start``).
    override : bool
        Deflate reported comparable values too.
    zero : {"limit", "delta"}
        Treatment of zero values.
    total : bool
        Decompose the total [tce, m3, tCO2] instead of the intensity.

    Returns
    -------
    Decomposition
        The effects [the indicator's unit, e.g. tce/10^4 CNY] and the contributions.
    """
    if indicator not in NUMERATORS:
        raise InvalidInput(Problem("indicator_unknown", f"'{indicator}' is not an indicator", field="indicator",
                                   expected=", ".join(NUMERATORS)))
    start, end = str(start), str(end)
    if indicator == "co2":
        _check_co2_columns(data)
    frame = select(results_frame(data, [start, end]), region, park, industry)
    for p in dict.fromkeys((start, end)):
        if not (frame["period"] == p).any():
            raise InvalidInput(Problem("period_missing", f"no results for period {p} in the selection", field="period",
                                       period=p))
    prepared = prepare(frame, deflators, int(base_year or start[:4]), override)
    keys = group_keys(by)
    release_notes: list[str] = []
    if indicator == "co2":
        prepared = with_co2_split(prepared, release_notes)
    totals = add_intensities(group_sums(prepared, (), with_period=False))
    return decompose_sums(group_sums(prepared, keys), totals, keys, start, end, indicator=indicator, zero=zero,
                          deflators=prepared.deflators, deflator_rows=prepared.deflator_rows, notes=release_notes,
                          total=total)


def with_co2_split(prepared: Prepared, notes: list[str]) -> Prepared:
    """The prepared results with the CO2 split per row (``iv_elec_tce`` electricity at the equivalent value of
    each result's release [tce], ``iv_other_tce`` other energy [tce], ``iv_other_co2`` fuels and heat [tCO2]).

    Parameters
    ----------
    prepared : Prepared
        Prepared results (:func:`carbonkit.aggregation.prepare`).
    notes : list of str
        Notes, appended to when a result's release is unknown.

    Returns
    -------
    Prepared
        A copy with ``iv_elec_tce`` [tce], ``iv_other_tce`` [tce] and ``iv_other_co2`` [tCO2].
    """
    f = prepared.frame
    names = f["release"].to_numpy(dtype=object) if "release" in f else np.full(len(f), None, dtype=object)
    coefficients = {r: _coefficient_of(r, notes) for r in pd.unique(names)}
    k = np.array([coefficients[r] for r in names], dtype=float) if len(names) else np.zeros(0)
    f = f.assign(iv_elec_tce=f["iv_electricity_kwh"] * k)
    f = f.assign(iv_other_tce=f["iv_energy_excl_feedstock_tce"] - f["iv_elec_tce"],
                 iv_other_co2=f["iv_co2_combustion_tco2"] + f["iv_co2_heat_tco2"])
    return type(prepared)(f, prepared.deflators, prepared.deflator_rows)


def decompose_sums(sums: pd.DataFrame, totals: pd.DataFrame, keys: tuple[str, ...], start: str, end: str, *,
                   indicator: str = "energy", zero: Literal["limit", "delta"] = "limit", deflators: str | None = None,
                   deflator_rows: dict[str, str] | None = None, notes: list[str] | None = None,
                   total: bool = False) -> Decomposition:
    """LMDI from group sums (:func:`carbonkit.aggregation.group_sums` per ``keys`` and period, or their
    combination over partitions, :mod:`carbonkit.sums`) and their ``totals`` over both periods; ``total=True``
    decomposes the totals with an activity effect (:mod:`carbonkit.decomposition_totals`).

    Parameters
    ----------
    sums : pandas.DataFrame
        Group sums per ``keys`` and period (``vac`` [10^4 CNY], ``iv_<numerator>`` [its unit]).
    totals : pandas.DataFrame
        Their totals over both periods (price-basis counts).
    keys : tuple of str
        The key columns of the groups.
    start, end : str
        The two periods.
    indicator : str
        A key of :data:`NUMERATORS`.
    zero : {"limit", "delta"}
        Treatment of zero values.
    deflators : str, optional
        The deflator table id, stated.
    deflator_rows : dict of str to str, optional
        Deflator row id -> status.
    notes : list of str, optional
        Notes to carry.
    total : bool
        Decompose the total instead of the intensity.

    Returns
    -------
    Decomposition
        The effects [the indicator's unit] and the contributions.
    """
    from carbonkit.decomposition_totals import lmdi_total, lmdi_total_co2  # builds on this module

    labels, get = _two_periods(sums, keys, start, end)
    if indicator == "co2":
        e0 = np.column_stack([get("iv_elec_tce", start), get("iv_other_tce", start)])
        eT = np.column_stack([get("iv_elec_tce", end), get("iv_other_tce", end)])
        c0 = np.column_stack([get("iv_co2_electricity_location_tco2", start), get("iv_other_co2", start)])
        cT = np.column_stack([get("iv_co2_electricity_location_tco2", end), get("iv_other_co2", end)])
        tol = 1e-9 * (1.0 + np.abs(e0).sum() + np.abs(eT).sum())
        if (e0 < -tol).any() or (eT < -tol).any():
            raise InvalidInput(Problem("value_negative", "energy other than electricity is negative for some group "
                                       "(electricity exported or sold?); the CO2 split needs non-negative energy",
                                       field="energy_equivalent_tce"))
        split = lmdi_total_co2 if total else lmdi_co2
        result = split(get("vac", start), np.maximum(e0, 0), c0, get("vac", end), np.maximum(eT, 0), cT, labels,
                       start=start, end=end, zero=zero)
    else:
        column, unit = NUMERATORS[indicator]
        method, unit = (lmdi_total, unit.split("/")[0]) if total else (lmdi, unit)
        result = method(get("vac", start), get(column, start), get("vac", end), get(column, end), labels,
                        indicator=indicator, unit=unit, start=start, end=end, zero=zero)
    if total:
        result.notes.append("totals over the enterprises with value added in each period (the activity effect "
                            "needs value added)")
    result.price_basis = totals["price_basis"].iloc[0]
    result.deflators = deflators
    result.notes = basis_notes(totals, deflators, deflator_rows or {}) + result.notes
    result.notes += list(notes or [])
    if indicator == "co2":
        result.notes.append("CO2 location-based; carriers: electricity (equivalent value) and other energy (fuels, "
                            "heat; raw-material use excluded); green power lowers electricity's emission factor")
    return result
