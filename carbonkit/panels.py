"""Balanced and unbalanced panels of enterprises for progress between two years, and the panel's coverage.

A change of an intensity between the base year B and a year t mixes two things when the enterprises
reporting differ between the years: the change of the enterprises that reported in both, and the entry
and exit of others. The **balanced panel** keeps the enterprises with value added in both B and t (the
headline of :func:`carbonkit.targets.progress`); the **unbalanced** figure uses every enterprise of each year
and is shown beside it, labelled. The panel's coverage says how much of year t the headline rests on:

    share of value added = Σ_panel VA_t / Σ_all VA_t   (comparable prices) [1]
    share of energy      = Σ_panel E_t / Σ_all E_t       [1]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonkit.aggregation import Prepared
from carbonkit.errors import FactorDataError
from carbonkit.factors import load_release

PANELS = ("balanced", "all")


def balanced_panel(prepared: Prepared, years: tuple[int, int]) -> Prepared:
    """Only the enterprises with value added in both ``years`` (all their rows of the years between)."""
    f = prepared.frame
    keep = None
    for y in years:
        have = set(f.loc[f["has_va"] & (f["year"] == y), "enterprise"])
        keep = have if keep is None else keep & have
    return Prepared(f[f["enterprise"].isin(keep)], prepared.deflators, prepared.deflator_rows)


def _share(part: pd.DataFrame, whole: pd.DataFrame, column: str) -> float | None:
    total = float(np.nansum(whole[column].to_numpy(dtype=float)))
    return float(np.nansum(part[column].to_numpy(dtype=float))) / total if total > 0 else None


def panel_coverage(panel: Prepared, everyone: Prepared, year: int, name: str) -> dict:
    """How much of ``year`` the panel covers: enterprises, value added and energy (the docstring's shares)."""
    p, a = panel.frame, everyone.frame
    p, a = p[(p["year"] == year) & p["has_va"]], a[(a["year"] == year) & a["has_va"]]
    return {"panel": name, "year": year, "n_panel": int(p["enterprise"].nunique()),
            "n_with_value_added": int(a["enterprise"].nunique()),
            "share_value_added": _share(p, a, "vac"), "share_energy": _share(p, a, "iv_energy_equivalent_tce"),
            "label": ("balanced panel: enterprises with value added in both years compared" if name == "balanced"
                      else "unbalanced: every enterprise reporting in each year")}


def factor_year_notes(frame: pd.DataFrame) -> list[str]:
    """A note for each year of the results later than the newest grid factor of the release they name: their
    electricity CO2 rests on an earlier year's factor (the release's year fallback)."""
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
