"""Water withdrawal (取水量) by source, fresh water, non-conventional share and reuse rate.

- withdrawal V_i = Σ sources (tap, surface, ground, purchased, and the non-conventional sources:
  reclaimed, seawater, brackish, mine water)   [m3]  (GB/T 18820 取水量; non-conventional water tracked
  separately as in GB/T 7119)
- fresh water = the conventional sources (新鲜水: tap water taken plus self-supplied water)
- non-conventional share = V_nonconventional / V_i
- reuse rate (重复利用率) = V_r / (V_r + V_i), V_r the water reused inside the enterprise
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from carbonkit.vocabulary import vocabulary

if TYPE_CHECKING:
    from carbonkit.accounting import _Engine


def water_columns(engine: _Engine) -> dict[str, np.ndarray]:
    """Water columns per group from the engine's validated rows (GB/T 18820, GB/T 7119).

    Parameters
    ----------
    engine : carbonkit.accounting._Engine
        An accounting run: its rows (``engine.a``) and per-item sums (``engine.item_sums``).

    Returns
    -------
    dict of str to numpy.ndarray
        Per group: ``water_withdrawal_m3``, ``fresh_water_m3``, ``nonconventional_water_m3``,
        ``recycled_water_m3`` and ``water_<source>_m3`` [m3]; ``nonconventional_share`` and
        ``water_reuse_rate`` [-] (NaN where the denominator is 0).
    """
    a = engine.a
    vocab = vocabulary()
    out: dict[str, np.ndarray] = {}
    by_class = {"fresh": np.zeros(engine.G), "nonconventional": np.zeros(engine.G), "recycled": np.zeros(engine.G)}
    sources: dict[str, np.ndarray] = {}
    waters = vocab.of_kind("water")
    table = engine.item_sums([vocab.index[it.item] for it in waters], a.amount)  # [m3], one column per source
    for j, it in enumerate(waters):
        volume = table[:, j]
        by_class[it.water_class] = by_class[it.water_class] + volume
        if it.water_class != "recycled":
            sources[f"water_{it.item}_m3"] = volume
    withdrawal = by_class["fresh"] + by_class["nonconventional"]
    out["water_withdrawal_m3"] = withdrawal
    out["fresh_water_m3"] = by_class["fresh"]
    out["nonconventional_water_m3"] = by_class["nonconventional"]
    out["recycled_water_m3"] = by_class["recycled"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["nonconventional_share"] = np.where(withdrawal > 0, by_class["nonconventional"] / withdrawal, np.nan)
        total = by_class["recycled"] + withdrawal
        out["water_reuse_rate"] = np.where(total > 0, by_class["recycled"] / total, np.nan)
    out.update(sources)
    return out
