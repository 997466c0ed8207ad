"""LMDI-I decomposition of the change of a TOTAL (energy [tce], CO2 [tCO2]) into activity, structure,
intensity, fuel-mix and emission-factor effects (Ang 2005, Energy Policy 33; Ang 2015, Energy Policy 86).

Carbon budgets are about totals. With sectors i (industries, cities) and energy carriers j:

    E = Σ_i Q · S_i · I_i               Q = Σ_i Y_i (activity [10^4 CNY]), S_i = Y_i / Q, I_i = E_i / Y_i
    C = Σ_i Σ_j Q · S_i · I_i · M_ij · F_ij     M_ij = E_ij / E_i (fuel mix), F_ij = C_ij / E_ij [tCO2/tce]

Additive:        ΔV = V^T − V^0 = Σ_k ΔV_k,  ΔV_k = Σ L(V_i^T, V_i^0) · ln(x_k,i^T / x_k,i^0)     [tce or tCO2]
Multiplicative:  D = V^T / V^0 = Π_k D_k,    D_k = exp(ΔV_k / L(V^T, V^0))                        [-]

The terms V_i are the sector's (or sector-carrier's) energy or CO2; zero values follow the analytical limits
of :func:`carbonkit.decomposition.lmdi_terms`. The effects sum (multiply) exactly to the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonkit.decomposition import DELTA, Decomposition, _check, _finish, _labels, lmdi_terms

ENERGY_EFFECTS = ("activity", "structure", "intensity")
CO2_EFFECTS = ("activity", "structure", "energy_intensity", "fuel_mix", "emission_factor")


def _totals(y: npt.NDArray[np.float64]) -> float:
    total = float(y.sum())
    if total <= 0:
        from carbonkit.errors import InvalidInput, Problem

        raise InvalidInput(Problem("value_added_missing", "total value added is zero in a period: no activity",
                                   field="value_added_10k_cny"))
    return total


def lmdi_total(y0: npt.ArrayLike, e0: npt.ArrayLike, yT: npt.ArrayLike, eT: npt.ArrayLike,
               labels: pd.DataFrame | Sequence[object] | None = None, *, indicator: str = "energy", unit: str = "tce",
               start: str | int = "0", end: str | int = "T", zero: Literal["limit", "delta"] = "limit") -> Decomposition:
    """Activity, structure and intensity effects of the change of Σ E (module docstring; Ang 2015, Table 2).

    Parameters
    ----------
    y0, yT : array_like, shape (sectors,)
        Activity (value added) Y_i of each sector in the start and end period [10^4 CNY]; NaN counts 0.
    e0, eT : array_like, shape (sectors,)
        Energy E_i of each sector [tce] (or any total V_i in ``unit``).
    labels : DataFrame or sequence, optional
        The sectors' labels (columns of a frame, or one label each); default 0, 1, ...
    indicator : str
        Name of the total, default ``"energy"``.
    unit : str
        Unit of E, default ``"tce"``.
    start, end : str or int
        Names of the two periods.
    zero : {"limit", "delta"}
        Zero values by the analytical limits, or replaced by a small δ.

    Returns
    -------
    Decomposition
        The additive effects ``activity``, ``structure``, ``intensity`` and ``total`` [unit of E], the
        multiplicative ones [-], and each sector's contribution.

    Raises
    ------
    InvalidInput
        Negative or mismatched inputs, or a total activity of zero in a period.
    """
    # _check converts array-likes itself (np.asarray, dtype float); its annotation says ndarray
    v = _check({"y0": y0, "e0": e0, "yT": yT, "eT": eT})  # type: ignore[dict-item, unused-ignore]
    if zero == "delta":
        v = {k: np.where(a > 0, a, DELTA) for k, a in v.items()}
    factors = []
    for y, e in ((v["y0"], v["e0"]), (v["yT"], v["eT"])):
        Q = _totals(y)
        with np.errstate(divide="ignore", invalid="ignore"):
            factors.append([np.full(len(y), Q), y / Q, e / y])
    effects = lmdi_terms(v["e0"], v["eT"], factors[0], factors[1])
    labels = _labels(labels, len(v["e0"]))
    return _finish(indicator, unit, start, end, tuple(labels.columns), ENERGY_EFFECTS, labels, effects,
                   float(v["e0"].sum()), float(v["eT"].sum()), zero)


def lmdi_total_co2(y0: npt.ArrayLike, e0: npt.ArrayLike, c0: npt.ArrayLike, yT: npt.ArrayLike, eT: npt.ArrayLike,
                   cT: npt.ArrayLike, labels: pd.DataFrame | Sequence[object] | None = None, *, start: str | int = "0",
                   end: str | int = "T", unit: str = "tCO2", zero: Literal["limit", "delta"] = "limit") -> Decomposition:
    """Activity, structure, energy-intensity, fuel-mix and emission-factor effects of the change of Σ C.

    Parameters
    ----------
    y0, yT : array_like, shape (sectors,)
        Activity (value added) of each sector in the start and end period [10^4 CNY].
    e0, eT : array_like, shape (sectors, carriers)
        Energy of each sector and carrier [tce].
    c0, cT : array_like, shape (sectors, carriers)
        CO2 of each sector and carrier [tCO2].
    labels : DataFrame or sequence, optional
        The sectors' labels; default 0, 1, ...
    start, end : str or int
        Names of the two periods.
    unit : str
        Unit of C, default ``"tCO2"``.
    zero : {"limit", "delta"}
        Zero values by the analytical limits, or replaced by a small δ.

    Returns
    -------
    Decomposition
        The additive effects ``activity``, ``structure``, ``energy_intensity``, ``fuel_mix``,
        ``emission_factor`` and ``total`` [tCO2], the multiplicative ones [-], and each sector's contribution.

    Raises
    ------
    InvalidInput
        Negative or mismatched inputs, or a total activity of zero in a period.
    """
    v = _check({"y0": y0, "yT": yT, "e0": np.atleast_2d(e0), "eT": np.atleast_2d(eT),  # type: ignore[dict-item, unused-ignore]
                "c0": np.atleast_2d(c0), "cT": np.atleast_2d(cT)})  # (as in lmdi_total: _check converts array-likes)
    if zero == "delta":
        v = {k: np.where(a > 0, a, DELTA) for k, a in v.items()}
    n, m = v["e0"].shape
    factors, weights = [], []
    for y, e, c in ((v["y0"], v["e0"], v["c0"]), (v["yT"], v["eT"], v["cT"])):
        Q = _totals(y)
        E_i = e.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            factors.append([np.full(n * m, Q), np.repeat(y / Q, m), np.repeat(E_i / y, m),
                            (e / E_i[:, None]).ravel(), (c / e).ravel()])
        weights.append(c.ravel())
    effects = lmdi_terms(weights[0], weights[1], factors[0], factors[1])
    labels = _labels(labels, n)
    return _finish("co2", unit, start, end, tuple(labels.columns), CO2_EFFECTS, labels, effects,
                   float(weights[0].sum()), float(weights[1].sum()), zero, term_key=np.repeat(np.arange(n), m))
