"""The floor of the accounting engine: plain numpy computing every sum column of the summary.

What carbonkit's engine does beyond this is validation, factor selection, problems with row numbers,
the factor trace, intensities and the summary table; the floor is the arithmetic alone, written the
obvious way by hand with every factor resolved beforehand (outside the timing) into tables indexed by
the input's codes:

- per (item, unit): the multiplier to the item's canonical unit;
- per item: standard-coal coefficient [tce per unit], fuel emission factor [tCO2 per unit], kind and flags;
- per (region, period): coal rate of power supply [tce/kWh] and the two grid factors [tCO2/kWh].

Per row: amount in the canonical unit, times the item's factor; per (enterprise, period): one
``np.bincount`` for each sum column (energy both methods with feedstock, export and renewable splits,
electricity, each water source, CO2 by source, each economic item). Steam is taken at the release's
default enthalpy (the synthetic province gives none). :func:`floor_strings` adds the ``pd.factorize``
of the text columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonkit import emissions, energy
from carbonkit.accounting import ECONOMIC_COLUMNS
from carbonkit.units import multiplier
from carbonkit.vocabulary import vocabulary

_ECON = (*ECONOMIC_COLUMNS, "value_added_comparable", "va_price_index")


@dataclass
class Resolved:
    """Factor tables indexed by the input's category codes (built outside the timing)."""

    items: list[str]
    units: list[str]
    flows: list[str]
    unit_factor: np.ndarray  # (item, unit) -> multiplier
    coef: np.ndarray  # item -> [tce / canonical unit]
    ef: np.ndarray  # item -> [tCO2 / canonical unit], fuels
    kind: np.ndarray  # item -> kind name
    renewable: np.ndarray
    grid_delivered: np.ndarray
    market_grid: np.ndarray
    water: list[tuple[str, int]]  # (column, item code)
    steam_mj_per_t: float  # (default enthalpy - feedwater) [MJ/t]
    heat_ef: float  # [tCO2/MJ]
    rate: np.ndarray  # (region, period) -> [tce/kWh]
    grid_location: np.ndarray  # (region, period) -> [tCO2/kWh]
    grid_market: np.ndarray


def resolve(items: list[str], units: list[str], flows: list[str], regions: list[str], periods: list[str],
            release, options) -> Resolved:
    """Every factor the floor needs, for the given categories."""
    vocab = vocabulary()
    its = [vocab.resolve(i) for i in items]
    uf = np.array([[_multiplier(u, it.unit) for u in units] for it in its])
    coef = np.array([(c.value if (c := energy.coal_coefficient(release, it)) else 0.0) for it in its])
    ef = np.array([(e.value if it.kind == "fuel" and (e := emissions.fuel_emission_factor(release, it)) else 0.0)
                   for it in its])
    steam = release.lookup("standard_coal", "steam")
    lhv = dict(steam.extra)["lhv"] * multiplier(dict(steam.extra)["lhv_unit"], "kJ/kg")
    hfw = emissions.feedwater_enthalpy(release).value
    shape = (len(regions), len(periods))
    rate, loc, mkt = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for r, region in enumerate(regions):
        province = vocab.province_of(region)
        for p, period in enumerate(periods):
            year = int(period[:4])
            rate[r, p] = energy.power_coal_rate(release, province, year, options.power_coal_rate, options.year_fallback).value
            loc[r, p] = emissions.grid_emission_factor(release, province, year, options.location_purpose,
                                                       level=options.grid_level, year_fallback=options.year_fallback).value
            mkt[r, p] = emissions.grid_emission_factor(release, province, year, "excl_market_nonfossil",
                                                       level=options.grid_level, year_fallback=options.year_fallback).value
    water = [(f"water_{it.item}_m3", items.index(it.item) if it.item in items else -1)
             for it in vocab.of_kind("water")]
    return Resolved(items, units, flows, uf, coef, ef, np.array([it.kind for it in its]),
                    np.array([it.renewable for it in its]), np.array([it.delivery == "grid" for it in its]),
                    np.array([it.market_scope2 == "grid" for it in its]), water,
                    (lhv - hfw) * multiplier("t * kJ/kg", "MJ"), emissions.heat_emission_factor(release).value,
                    rate, loc, mkt)


def _multiplier(unit: str, canonical: str) -> float:
    """unit -> canonical, NaN for a pair the data never has (kg of electricity)."""
    if canonical in ("any", "dimensionless") or not unit:
        return 1.0
    try:
        return multiplier(unit, canonical)
    except Exception:
        return np.nan


def floor(ent, per, item, unit, flow, region, amount, r: Resolved, n_ent: int, n_per: int) -> dict[str, np.ndarray]:
    """Every sum column per (enterprise, period) from integer codes and amounts."""
    key = ent.astype(np.int64) * n_per + per
    present = np.bincount(key, minlength=n_ent * n_per) > 0
    g_region = np.zeros(n_ent * n_per, dtype=np.int64)
    g_region[key] = region

    def gsum(weights):
        return np.bincount(key, weights=weights, minlength=n_ent * n_per)[present]

    kind = r.kind[item]
    elec, fuel, heat, steam = kind == "electricity", kind == "fuel", kind == "heat", kind == "steam"
    export, feed = (flow == (r.flows.index(f) if f in r.flows else -2) for f in ("export", "feedstock"))
    cons = ~(export | feed)
    sign = np.where(export, -1.0, 1.0)
    amt = amount * r.unit_factor[item, unit]
    tce_eq = amt * r.coef[item]
    g_per = np.arange(n_ent * n_per) % n_per
    tce_equal = np.where(elec, amt * r.rate[g_region, g_per][key], tce_eq)
    ren = elec & r.renewable[item] & cons
    out: dict[str, np.ndarray] = {}
    for method, tce in (("equivalent", tce_eq), ("equal", tce_equal)):
        out[f"energy_{method}_tce"] = gsum(sign * tce)
        out[f"feedstock_{method}_tce"] = gsum(tce * feed)
        out[f"renewable_electricity_{method}_tce"] = gsum(tce * ren)
        out[f"exported_{method}_tce"] = gsum(tce * export)
        out[f"energy_{method}_excl_feedstock_tce"] = gsum(sign * tce * ~feed)
        out[f"energy_{method}_excl_feedstock_renewables_tce"] = gsum(sign * tce * ~(feed | ren))
    out["electricity_kwh"] = gsum(sign * amt * elec)
    out["renewable_electricity_kwh"] = gsum(amt * ren)
    for column, code in r.water:
        out[column] = gsum(amt * (item == code))
    out["recycled_water_m3"] = out.pop("water_recycled_water_m3")
    out["co2_combustion_tco2"] = gsum(sign * amt * r.ef[item] * (fuel & ~feed))
    out["co2_electricity_location_tco2"] = gsum(sign * amt * (elec & r.grid_delivered[item])) * r.grid_location[g_region, g_per][present]
    out["co2_electricity_market_tco2"] = gsum(sign * amt * (elec & r.market_grid[item])) * r.grid_market[g_region, g_per][present]
    heat_mj = np.where(heat, amt, np.where(steam, amt * r.steam_mj_per_t, 0.0))
    out["co2_heat_tco2"] = gsum(sign * heat_mj * r.heat_ef * (heat | steam))
    econ = _economics(key, item, amt, r, n_ent * n_per)
    out.update({k: v[present] for k, v in econ.items()})
    out["_enterprise"], out["_period"] = np.divmod(np.flatnonzero(present), n_per)  # codes of each group
    return out


def _economics(key, item, amt, r: Resolved, n_groups: int) -> dict[str, np.ndarray]:
    """Each economic item's sum per group (NaN where the group has no such row)."""
    col = np.full(len(r.items), -1)
    for k, name in enumerate(_ECON):
        if name in r.items:
            col[r.items.index(name)] = k
    k = col[item]
    rows = k >= 0
    idx = key[rows] * len(_ECON) + k[rows]
    sums = np.bincount(idx, weights=amt[rows], minlength=n_groups * len(_ECON)).reshape(n_groups, len(_ECON))
    counts = np.bincount(idx, minlength=n_groups * len(_ECON)).reshape(n_groups, len(_ECON))
    table = np.where(counts > 0, sums, np.nan)
    out = {ECONOMIC_COLUMNS[name][0] if name in ECONOMIC_COLUMNS else name: table[:, j] for j, name in enumerate(_ECON)}
    given, index = out.pop("value_added_comparable"), out.pop("va_price_index")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["value_added_comparable_10k_cny"] = np.where(np.isnan(given), out["value_added_10k_cny"] / index, given)
    return out


def codes_of(frame: pd.DataFrame) -> dict:
    """Codes and categories of a frame with categorical text columns (no work: pandas holds them)."""
    cols = ("enterprise", "period", "item", "unit", "flow", "region")
    return {c: (frame[c].cat.codes.to_numpy(), list(frame[c].cat.categories)) for c in cols}


def floor_categorical(frame: pd.DataFrame, r: Resolved) -> dict[str, np.ndarray]:
    """The floor on a frame with categorical columns whose categories ``r`` was resolved for."""
    c = codes_of(frame)
    return floor(c["enterprise"][0], c["period"][0], c["item"][0], c["unit"][0], c["flow"][0], c["region"][0],
                 frame["amount"].to_numpy(), r, len(c["enterprise"][1]), len(c["period"][1]))


def floor_strings(frame: pd.DataFrame, r: Resolved, regions: list[str], periods: list[str]) -> dict[str, np.ndarray]:
    """The floor on text columns: ``pd.factorize`` each, map the few distinct values to ``r``'s tables."""
    ent, ents = pd.factorize(frame["enterprise"])  # the caller maps the codes back through the uniques
    codes = {}
    for col, known in (("period", periods), ("item", r.items), ("unit", r.units), ("flow", r.flows), ("region", regions)):
        local, uniques = pd.factorize(frame[col])
        codes[col] = np.array([known.index(u) for u in uniques])[local]
    out = floor(ent, codes["period"], codes["item"], codes["unit"], codes["flow"], codes["region"],
                frame["amount"].to_numpy(), r, len(ents), len(periods))
    out["_enterprise"] = np.asarray(ents, dtype=object)[out["_enterprise"]]
    return out


def compare(summary: pd.DataFrame, out: dict[str, np.ndarray], enterprises, periods) -> tuple[int, int, float]:
    """(columns equal bit for bit, columns compared, largest relative difference) of the floor and the engine."""
    engine = summary.set_index(["enterprise", "period"])
    index = pd.MultiIndex.from_arrays([np.asarray(enterprises, dtype=object), np.asarray(periods, dtype=object)])
    exact, worst, columns = 0, 0.0, [c for c in out if not c.startswith("_")]
    for column in columns:
        mine, theirs = out[column], engine[column].reindex(index).to_numpy(dtype=float)
        exact += bool(np.array_equal(mine, theirs, equal_nan=True))
        with np.errstate(invalid="ignore", divide="ignore"):
            diff = np.abs(mine - theirs) / np.maximum(np.abs(theirs), 1e-12)
        worst = max(worst, float(np.nanmax(diff, initial=0.0)))
    return exact, len(columns), worst
