"""Balanced and unbalanced panels of enterprises for progress between two years, and the panel's coverage.

A change of an intensity between the base year B and a year t mixes two things when the enterprises
reporting differ between the years: the change of the enterprises that reported in both, and the entry
and exit of others. The **balanced panel** keeps the enterprises with value added in both B and t (the
headline of :func:`carbonkit.targets.progress`); the **unbalanced** figure uses every enterprise of each year
and is shown beside it, labelled. The panel's coverage says how much of year t the headline rests on:

    share of value added = Σ_panel VA_t / Σ_all VA_t   (comparable prices) [-]
    share of energy      = Σ_panel E_t / Σ_all E_t       [-]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from carbonkit.aggregation import Prepared
from carbonkit.errors import FactorDataError, InvalidInput, Problem
from carbonkit.factors import load_release

PANELS = ("balanced", "all")


def check_panel(panel: str) -> None:
    """Refuse a ``panel`` that is not one of :data:`PANELS`.

    Parameters
    ----------
    panel : str
        ``"balanced"`` or ``"all"``.

    Raises
    ------
    InvalidInput
        ``panel_invalid`` for any other value.
    """
    if panel not in PANELS:
        raise InvalidInput(Problem("panel_invalid", f"'{panel}' is not balanced or all", field="panel"))


def balanced_panel(prepared: Prepared, years: tuple[int, int]) -> Prepared:
    """Only the enterprises with value added in both ``years`` (all their rows of the years between).

    Parameters
    ----------
    prepared : Prepared
        Results prepared for aggregation (:func:`carbonkit.aggregation.prepare`), with ``has_va``.
    years : (int, int)
        The base year B and the year compared t.

    Returns
    -------
    Prepared
        The balanced panel: ``prepared`` itself when every enterprise is in it, else its rows of the
        enterprises with value added in both years.
    """
    f = prepared.frame
    codes, uniques = pd.factorize(f["enterprise"])
    year, has = f["year"].to_numpy(), f["has_va"].to_numpy(dtype=bool)
    keep = np.ones(len(uniques), dtype=bool)
    for y in years:
        present = np.zeros(len(uniques), dtype=bool)
        present[codes[has & (year == y)]] = True
        keep &= present
    rows = keep[codes]
    if rows.all():  # every enterprise is in the panel: the same rows, not a copy
        return prepared
    return Prepared(f[rows], prepared.deflators, prepared.deflator_rows)


def _year_rows(prepared: Prepared, year: int) -> tuple[int, float, float]:
    """Rows with value added in ``year`` (one per enterprise), their comparable value added and energy."""
    f = prepared.frame
    mask = (f["year"].to_numpy() == year) & f["has_va"].to_numpy(dtype=bool)
    return (int(mask.sum()), float(f["vac"].to_numpy()[mask].sum()),
            float(np.nansum(f["iv_energy_equivalent_tce"].to_numpy()[mask])))


def panel_coverage(panel: Prepared, everyone: Prepared, year: int, name: str) -> dict[str, Any]:
    """How much of ``year`` the panel covers: enterprises, value added and energy (the module docstring's shares).

    Parameters
    ----------
    panel, everyone : Prepared
        The panel's results and every enterprise's (:func:`balanced_panel`).
    year : int
        The year covered.
    name : str
        The panel, ``"balanced"`` or ``"all"``.

    Returns
    -------
    dict
        As :func:`coverage_of`: counts of enterprises [-] and shares of value added [10^4 CNY / 10^4 CNY] and
        of energy [tce / tce], i.e. [-].
    """
    return coverage_of(_year_rows(panel, year), _year_rows(everyone, year), year, name)


def coverage_of(panel_rows: tuple[int, float, float], all_rows: tuple[int, float, float], year: int,
                name: str) -> dict[str, Any]:
    """The coverage of :func:`panel_coverage` from the year's sums of the panel and of everyone.

    Parameters
    ----------
    panel_rows, all_rows : (n, va, e)
        Enterprises with value added in ``year`` [-], their comparable value added [10^4 CNY] and energy
        (equivalent value) [tce], of the panel and of every enterprise.
    year : int
        The year covered.
    name : str
        The panel, ``"balanced"`` or ``"all"``.

    Returns
    -------
    dict
        ``panel``, ``year``, ``n_panel``, ``n_with_value_added``, ``share_value_added`` and ``share_energy``
        [-] (None where everyone's sum is not positive) and a ``label``.
    """
    (n_p, va_p, e_p), (n_a, va_a, e_a) = panel_rows, all_rows
    return {"panel": name, "year": year, "n_panel": n_p, "n_with_value_added": n_a,
            "share_value_added": va_p / va_a if va_a > 0 else None, "share_energy": e_p / e_a if e_a > 0 else None,
            "label": ("balanced panel: enterprises with value added in both years compared" if name == "balanced"
                      else "unbalanced: every enterprise reporting in each year")}


def panel_note(cover: Mapping[str, Any], base: int, year: int) -> str:
    """The note of a balanced headline: how many enterprises it rests on and where the unbalanced figure is.

    Parameters
    ----------
    cover : dict
        The panel's coverage (:func:`panel_coverage`).
    base, year : int
        The base year and the year compared.

    Returns
    -------
    str
        The note (English; :mod:`carbonkit.messages` translates it).
    """
    return (f"balanced panel: {cover['n_panel']} enterprises with value added in both {base} and {year}; "
            "the unbalanced figure (every enterprise of each year) is in other_panel")


def factor_year_notes(frame: pd.DataFrame) -> list[str]:
    """A note for each year of the results later than the newest grid factor of the release they name: their
    electricity CO2 rests on an earlier year's factor (the release's year fallback).

    Parameters
    ----------
    frame : DataFrame
        Results with ``year`` and ``release`` (a release name, ``+``-joined with user tables).

    Returns
    -------
    list of str
        One note per release whose newest grid emission factor is older than some year of the results;
        none when ``frame`` has no ``release`` or a release does not load.
    """
    if "release" not in frame.columns or frame.empty:
        return []
    notes = []
    years = sorted(int(y) for y in pd.unique(frame["year"]))
    for name in sorted(str(r) for r in pd.unique(frame["release"].dropna())):
        try:
            release = load_release(name.split("+")[0])
        except FactorDataError:
            continue
        grid = [f.year for f in release.factors.values() if f.kind == "grid_emission" and f.year is not None]
        newest = max(grid, default=None)
        later = [y for y in years if newest is not None and y > newest]
        if later:
            notes.append(f"results of {', '.join(map(str, later))} (release {name}) rest on grid factors of {newest}, "
                         f"the newest published in the release: no later factor was found")
    return notes
