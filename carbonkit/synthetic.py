"""A synthetic province of manufacturers, for benchmarks, demos and property tests.

:func:`province` returns the long activity table of the accounting spec: one row per enterprise,
period and item, with the columns

=============  ====================================================================================
enterprise     18-character unified-social-credit-like code ("91" + county + organisation code +
               check character; both check characters follow GB 32100 / GB 11714) [categorical]
period         "YYYY", or "YYYY-MM" with ``months=True`` [categorical]
item           an item id of ``factors/items.csv`` [categorical]
amount         the quantity in ``unit`` [float]
unit           a unit string the carbonkit registry parses (kWh, MWh, 万千瓦时, m3, 万立方米, t, 吨,
               kg, GJ, 万元, 亩, 人; empty for the dimensionless ``va_price_index``) [categorical]
flow           "consumption", or "feedstock" for the feedstock natural gas of chemical makers [categorical]
region         6-digit Shandong county code, e.g. "370211" [categorical]
industry       GB/T 4754 manufacturing division, "C13" ... "C43" [categorical]
=============  ====================================================================================

Each enterprise-year has grid electricity (unit kWh, MWh or 万千瓦时 at random), natural gas for
most (m3 or 万立方米), raw coal for some [t], diesel for about half [t or kg], steam [t] or heat [GJ]
for some, green power for a few (more each year), feedstock natural gas for some chemical makers
(C26), 2-4 water sources plus recycled water [m3], and value_added and revenue and tax [10^4 CNY],
va_price_index [1, base year 2020], land_area [mu] and employees [person].

Value added grows about 5 % a year in real terms; energy use per unit of real value added falls
about 3 % a year, water use per unit about 1 %, each with enterprise and year noise. Physical
intensities (kWh, m3, t per 10^4 CNY) are set per industry profile; 2020 value added is scaled so
31,600 enterprises sum to 80 % of Shandong's 2020 industrial value added (23,111 亿元, the
manufacturing share being an assumption). The numbers are plausible, not statistics.

Everything is drawn with numpy from ``seed``: the same arguments give the same frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonkit.units import multiplier

BASE_YEAR = 2020
PROVINCE_ENTERPRISES = 31_600
PROVINCE_VA_2020_10K_CNY = 23_111e4 * 0.80  # 23,111 亿元 industrial VA, manufacturing share assumed 80 %

# City code, name, weight (share of manufacturers), county-level suffixes. Laiwu (3712) merged into
# Jinan in 2019 and has no code of its own.
_CITIES = [
    ("3701", "济南", 8, "02 03 04 05 12 13 14 15 16 17 24 26"),
    ("3702", "青岛", 14, "02 03 11 12 13 14 15 81 83 85"),
    ("3703", "淄博", 9, "02 03 04 05 06 21 22 23"),
    ("3704", "枣庄", 3, "02 03 04 05 06 81"),
    ("3705", "东营", 5, "02 03 05 22 23"),
    ("3706", "烟台", 9, "02 11 12 13 14 81 83 85 86 87"),
    ("3707", "潍坊", 11, "02 03 04 05 24 25 81 82 83 84 85 86"),
    ("3708", "济宁", 6, "11 12 26 27 28 29 30 31 32 81 83"),
    ("3709", "泰安", 4, "02 11 21 23 82 83"),
    ("3710", "威海", 4, "02 03 82 83"),
    ("3711", "日照", 3, "02 03 21 22"),
    ("3713", "临沂", 8, "02 11 12 21 22 23 24 25 26 27 28 29"),
    ("3714", "德州", 5, "02 03 22 23 24 25 26 27 28 81 82"),
    ("3715", "聊城", 4, "02 03 21 22 24 25 26 81"),
    ("3716", "滨州", 4, "02 03 21 22 23 25 81"),
    ("3717", "菏泽", 3, "02 03 21 22 23 24 25 26 28"),
]

# Industry profiles: physical use per 10^4 CNY of real value added in 2020, the share of enterprises
# using each optional carrier, VA/revenue ratio, revenue per mu and per employee [10^4 CNY].
_PROFILE_COLUMNS = ("elec_kwh", "gas_m3", "p_gas", "coal_t", "p_coal", "steam_t", "p_steam", "diesel_t",
                    "p_diesel", "water_m3", "va_rate", "rev_per_mu", "rev_per_emp")
_PROFILES = {
    "food":        (350, 60, 0.75, 0.10, 0.20, 0.40, 0.40, 0.004, 0.6, 15, 0.22, 120, 110),
    "light":       (400, 40, 0.65, 0.05, 0.10, 0.20, 0.30, 0.004, 0.5, 6, 0.25, 90, 60),
    "textile":     (800, 50, 0.60, 0.15, 0.20, 0.80, 0.50, 0.003, 0.4, 20, 0.22, 80, 50),
    "paper":       (1200, 100, 0.70, 1.20, 0.60, 2.00, 0.60, 0.005, 0.5, 40, 0.22, 110, 130),
    "refining":    (1000, 1500, 0.95, 2.00, 0.60, 1.50, 0.60, 0.010, 0.6, 10, 0.12, 400, 600),
    "chemical":    (1500, 400, 0.85, 2.00, 0.55, 1.50, 0.60, 0.006, 0.6, 25, 0.20, 200, 250),
    "rubber":      (700, 80, 0.80, 0.20, 0.30, 0.60, 0.60, 0.004, 0.5, 12, 0.21, 130, 110),
    "minerals":    (1200, 300, 0.70, 2.50, 0.60, 0.10, 0.10, 0.008, 0.7, 5, 0.25, 70, 100),
    "ferrous":     (2000, 400, 0.85, 4.00, 0.70, 0.30, 0.20, 0.006, 0.6, 15, 0.15, 250, 300),
    "nonferrous":  (6000, 200, 0.80, 1.00, 0.40, 0.20, 0.20, 0.005, 0.6, 8, 0.14, 300, 350),
    "machinery":   (250, 20, 0.70, 0.02, 0.05, 0.05, 0.10, 0.003, 0.5, 3, 0.25, 100, 90),
    "electronics": (300, 10, 0.50, 0.01, 0.02, 0.05, 0.10, 0.002, 0.4, 4, 0.20, 150, 100),
}
# GB/T 4754-2017 manufacturing divisions: code, profile, weight (share of enterprises), name word.
_DIVISIONS = [
    ("C13", "food", 6, "农副食品"), ("C14", "food", 3, "食品"), ("C15", "food", 1.5, "饮料"),
    ("C16", "light", 0.2, "烟草"), ("C17", "textile", 6, "纺织"), ("C18", "textile", 3, "服饰"),
    ("C19", "textile", 1.5, "皮革"), ("C20", "light", 2, "木业"), ("C21", "light", 1.5, "家具"),
    ("C22", "paper", 2, "纸业"), ("C23", "light", 1, "印刷"), ("C24", "light", 1.5, "文体用品"),
    ("C25", "refining", 1.5, "石化"), ("C26", "chemical", 8, "化工"), ("C27", "rubber", 3, "制药"),
    ("C28", "rubber", 0.7, "化纤"), ("C29", "rubber", 6, "橡塑"), ("C30", "minerals", 8, "建材"),
    ("C31", "ferrous", 2, "钢铁"), ("C32", "nonferrous", 2, "有色金属"), ("C33", "machinery", 6, "金属制品"),
    ("C34", "machinery", 9, "机械"), ("C35", "machinery", 6, "专用设备"), ("C36", "machinery", 4, "汽车零部件"),
    ("C37", "machinery", 1, "船舶装备"), ("C38", "electronics", 5, "电气"), ("C39", "electronics", 2.5, "电子"),
    ("C40", "electronics", 0.8, "仪器仪表"), ("C41", "light", 0.5, "制品"), ("C42", "light", 0.8, "再生资源"),
    ("C43", "machinery", 0.3, "设备维修"),
]
_BRAND_CHARS = list("华鲁泰丰恒盛祥瑞兴隆海金新宏源达信德正通利昌鑫汇东齐岳润和嘉安宇")
_USCC_CHARSET = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRTUWXY", dtype=np.uint8)
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)])
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])
# Price level of value added relative to 2020 (a PPI-like path), and the fall-back yearly change.
_PRICE_CHANGE = {2021: 0.055, 2022: 0.035, 2023: -0.012, 2024: -0.008, 2025: 0.002}

# The items, in the order rows appear within an enterprise-period, with the unit spellings drawn.
_UNITS = {
    "electricity": ("kWh", ["kWh", "MWh", "万千瓦时"]), "green_power": ("kWh", ["kWh", "MWh"]),
    "natural_gas": ("Nm3", ["m3", "万立方米"]), "raw_coal": ("t", ["t", "吨"]), "diesel": ("t", ["t", "kg"]),
    "steam": ("t", ["t"]), "heat": ("MJ", ["GJ"]), "value_added": ("万元", ["万元"]), "revenue": ("万元", ["万元"]),
    "tax": ("万元", ["万元"]), "land_area": ("mu", ["亩"]), "employees": ("person", ["人"]),
}
_WATER = ["tap_water", "ground_water", "surface_water", "reclaimed_water", "purchased_water", "seawater"]
_WATER_WEIGHT = np.array([np.inf, 1.0, 0.8, 0.9, 0.3, 0.15])  # tap water always; the others by weight
_COASTAL = ["3702", "3705", "3706", "3707", "3710", "3711", "3716"]
ITEMS = ["electricity", "green_power", "natural_gas", "raw_coal", "diesel", "steam", "heat", *_WATER,
         "recycled_water", "value_added", "va_price_index", "revenue", "tax", "land_area", "employees"]
_STOCKS = {"va_price_index", "land_area", "employees"}  # repeated, not split, across months


def _counties() -> tuple[list[str], np.ndarray, np.ndarray]:
    """County codes, their city index, and the probability of each county for a new enterprise."""
    codes, city, prob = [], [], []
    for i, (code, _, weight, suffixes) in enumerate(_CITIES):
        parts = suffixes.split()
        codes += [code + s for s in parts]
        city += [i] * len(parts)
        prob += [weight / len(parts)] * len(parts)
    p = np.array(prob)
    return codes, np.array(city), p / p.sum()


def _uscc(county: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unique 18-character codes: "91" + county + 8-digit organisation code + its check + USCC check."""
    n = len(county)
    a = 7_919_393  # coprime to 10**8: index -> body is a bijection, so codes are unique
    body = (a * np.arange(n, dtype=np.int64) + int(rng.integers(10**8))) % 10**8
    digits = (body[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    org_check = 11 - (digits @ _ORG_WEIGHTS) % 11  # GB 11714: 10 -> X, 11 -> 0
    org_check = np.where(org_check == 11, 0, np.where(org_check == 10, 29, org_check))  # 29 = "X"
    county_digits = (county[:, None] // 10 ** np.arange(5, -1, -1)) % 10
    values = np.column_stack([np.full(n, 9), np.full(n, 1), county_digits, digits, org_check])
    check = (31 - (values @ _USCC_WEIGHTS) % 31) % 31  # GB 32100
    chars = _USCC_CHARSET[np.column_stack([values, check])]
    return np.ascontiguousarray(chars).view("S18").ravel().astype("U18")


def enterprises(n: int = PROVINCE_ENTERPRISES, seed: int = 0) -> pd.DataFrame:
    """The enterprise table of the synthetic province: one row per enterprise.

    Columns: enterprise (18-character code), name, region (6-digit county code), city (4-digit),
    industry (GB/T 4754 division "C13".."C43"), park ("P0001"... for about a third, else empty).

    Parameters
    ----------
    n : int
        The number of enterprises [-].
    seed : int
        The random seed: the same seed gives the same table.

    Returns
    -------
    DataFrame
    """
    rng = np.random.default_rng([seed, 0])
    codes, county_city, county_p = _counties()
    county = rng.choice(len(codes), size=n, p=county_p)
    weights = np.array([d[2] for d in _DIVISIONS], dtype=float)
    division = rng.choice(len(_DIVISIONS), size=n, p=weights / weights.sum())
    # Parks: up to two per county; about a third of enterprises sit in one.
    in_park = rng.random(n) < 1 / 3
    park_no = county * 2 + rng.integers(0, 2, size=n)
    park_cats = ["", *(f"P{i + 1:04d}" for i in range(2 * len(codes)))]
    park = np.where(in_park, park_no + 1, 0)
    city_names = np.array([c[1] for c in _CITIES])[county_city[county]]
    brand = rng.choice(_BRAND_CHARS, size=(n, 2))
    words = np.array([d[3] for d in _DIVISIONS])[division]
    name = np.char.add(np.char.add(np.char.add(np.char.add(city_names, brand[:, 0]), brand[:, 1]), words), "有限公司")
    county_codes = np.array(codes)
    return pd.DataFrame({
        "enterprise": _uscc(county_codes[county].astype(np.int64), rng),
        "name": name,
        "region": _categorical(county, categories=codes),
        "city": _categorical(county_city[county], categories=[c[0] for c in _CITIES]),
        "industry": _categorical(division, categories=[d[0] for d in _DIVISIONS]),
        "park": _categorical(park, categories=park_cats),
    })


def _price_level(years: np.ndarray) -> np.ndarray:
    """VA price level of each year relative to BASE_YEAR [1]."""
    out = np.ones(len(years))
    for i, y in enumerate(years):  # a loop over years, not rows
        for k in range(min(y, BASE_YEAR) + 1, max(y, BASE_YEAR) + 1):
            change = 1 + _PRICE_CHANGE.get(k, 0.02)
            out[i] *= change if y > BASE_YEAR else 1 / change
    return out


Grid = npt.NDArray[np.float64]  # one value per enterprise and year, shape (enterprises, years), or (enterprises, 1)


@dataclass(frozen=True)
class _Draw:
    """The random draws of one province (the order of the calls fixes the numbers for a seed)."""

    rng: np.random.Generator
    n: int  # enterprises

    def lognormal(self, sigma: float, shape: tuple[int, int] | None = None) -> Grid:
        """Factors with mean 1 and log-spread ``sigma`` [-], one per enterprise unless ``shape`` says otherwise."""
        return np.exp(self.rng.normal(-sigma**2 / 2, sigma, size=shape or (self.n, 1)))


def _annual(ent: pd.DataFrame, years: npt.NDArray[np.int_], rng: np.random.Generator) -> dict[str, Grid]:
    """Amounts in each item's canonical unit, shape (enterprises, years); 0 where the item is absent."""
    division = ent["industry"].cat.codes.to_numpy()
    profile_names = list(_PROFILES)
    prof = np.array([_PROFILES[p] for p in profile_names])[[profile_names.index(d[1]) for d in _DIVISIONS]][division]
    col = {c: prof[:, i] for i, c in enumerate(_PROFILE_COLUMNS)}
    dt = (years - BASE_YEAR)[None, :].astype(float)
    draw = _Draw(rng, len(ent))
    va0, growth, va_real, price = _value_added(draw, years, division, dt)
    trend = rng.normal(-0.03, 0.015, size=(draw.n, 1))
    energy = va_real * draw.lognormal(0.45) * (1 + trend) ** dt * draw.lognormal(0.05, (draw.n, len(years)))
    out = _energy_items(draw, energy, col, division, dt)
    out.update(_water_items(draw, ent, va_real, col, dt))
    out.update(_economic_items(draw, va0, va_real, price, growth, col, dt))
    return out


def _value_added(draw: _Draw, years: npt.NDArray[np.int_], division: npt.NDArray[np.integer[Any]],
                 dt: Grid) -> tuple[npt.NDArray[np.float64], Grid, Grid, Grid]:
    """Base-year value added [10^4 CNY] (summing to the province's share), growth [1/a], real value added at
    base-year prices [10^4 CNY] and the price level [-] (1 in the base year) per division and year."""
    n, ny = draw.n, len(years)
    va0 = draw.lognormal(1.1)[:, 0]
    va0 *= PROVINCE_VA_2020_10K_CNY * n / PROVINCE_ENTERPRISES / va0.sum()
    growth = draw.rng.normal(0.05, 0.03, size=(n, 1))
    va_real = va0[:, None] * (1 + growth) ** dt * draw.lognormal(0.04, (n, ny))
    price = _price_level(years)[None, :] * np.exp(draw.rng.normal(0, 0.015, size=(len(_DIVISIONS), ny)))[division]
    price[:, years == BASE_YEAR] = 1.0
    return va0, growth, va_real, price


def _energy_items(draw: _Draw, energy: Grid, col: dict[str, npt.NDArray[np.float64]],
                  division: npt.NDArray[np.integer[Any]], dt: Grid) -> dict[str, Grid]:
    """Electricity [kWh] (part of it green), gas [m3], coal and diesel [t], steam [t] or heat [MJ], feedstock
    gas [m3]: each the enterprise's energy [tce] times its division's intensity, where the carrier is used."""
    n, rng = draw.n, draw.rng

    def carrier(intensity: npt.NDArray[np.float64], share: npt.NDArray[np.float64] | None = None,
                sigma: float = 0.35) -> Grid:
        present = np.ones((n, 1), bool) if share is None else (rng.random((n, 1)) < share[:, None])
        return np.where(present, energy * intensity[:, None] * draw.lognormal(sigma), 0.0)

    out = {"electricity": carrier(col["elec_kwh"])}
    green_share = np.where(rng.random((n, 1)) < 0.03 + 0.02 * dt, rng.uniform(0.05, 0.3, (n, 1)), 0.0)
    out["green_power"] = out["electricity"] * green_share
    out["electricity"] = out["electricity"] - out["green_power"]
    out["natural_gas"] = carrier(col["gas_m3"], col["p_gas"])
    out["raw_coal"] = carrier(col["coal_t"], col["p_coal"])
    out["diesel"] = carrier(col["diesel_t"], col["p_diesel"])
    steam = carrier(col["steam_t"], col["p_steam"])
    as_heat = rng.random((n, 1)) < 0.3  # these meter heat [MJ], 2,800 MJ per t of steam
    out["steam"] = np.where(as_heat, 0.0, steam)
    out["heat"] = np.where(as_heat, steam * 2800.0, 0.0)
    feed = (division == [d[0] for d in _DIVISIONS].index("C26"))[:, None] & (rng.random((n, 1)) < 0.4)
    out["feedstock_gas"] = np.where(feed, energy * col["gas_m3"][:, None] * rng.uniform(0.5, 3.0, (n, 1)), 0.0)
    return out


def _water_items(draw: _Draw, ent: pd.DataFrame, va_real: Grid, col: dict[str, npt.NDArray[np.float64]],
                 dt: Grid) -> dict[str, Grid]:
    """Water withdrawn [m3] split over 2 to 4 sources (seawater on the coast only), and recycled water [m3]."""
    n, rng = draw.n, draw.rng
    withdrawal = va_real * col["water_m3"][:, None] * draw.lognormal(0.5) * 0.99 ** dt * draw.lognormal(0.05, va_real.shape)
    k = rng.integers(2, 5, size=(n, 1))
    score = rng.random((n, len(_WATER))) ** (1 / _WATER_WEIGHT)  # weighted sampling without replacement
    coastal = np.isin(ent["city"].to_numpy(), _COASTAL)
    score[:, _WATER.index("seawater")] *= coastal  # inland enterprises draw no seawater
    rank = (-score).argsort(axis=1).argsort(axis=1)
    shares = np.where(rank < k, rng.gamma(2.0, size=(n, len(_WATER))), 0.0)
    shares /= shares.sum(axis=1, keepdims=True)
    out = {item: withdrawal * shares[:, j : j + 1] for j, item in enumerate(_WATER)}
    reuse = rng.uniform(0.4, 0.95, size=(n, 1))
    out["recycled_water"] = withdrawal * reuse / (1 - reuse)
    return out


def _economic_items(draw: _Draw, va0: npt.NDArray[np.float64], va_real: Grid, price: Grid, growth: Grid,
                    col: dict[str, npt.NDArray[np.float64]], dt: Grid) -> dict[str, Grid]:
    """Value added at current prices [10^4 CNY] and its price index [-], revenue and tax [10^4 CNY], land [mu]
    and employees [persons]."""
    n, rng = draw.n, draw.rng
    out = {"value_added": va_real * price, "va_price_index": price}
    va_rate = col["va_rate"][:, None] * rng.uniform(0.8, 1.2, size=(n, 1))
    out["revenue"] = out["value_added"] / va_rate
    out["tax"] = out["revenue"] * rng.uniform(0.02, 0.07, size=(n, 1))
    revenue0 = va0[:, None] / va_rate
    out["land_area"] = np.broadcast_to(np.round(revenue0 / col["rev_per_mu"][:, None] * draw.lognormal(0.4),
                                                1), va_real.shape).clip(5.0)
    out["employees"] = np.maximum(20, np.round(revenue0 / col["rev_per_emp"][:, None] * draw.lognormal(0.4)
                                               * (1 + growth / 3) ** dt))
    return out


def province(n_enterprises: int = PROVINCE_ENTERPRISES, years: Iterable[int] = range(2020, 2026), seed: int = 0,
             months: bool = False) -> pd.DataFrame:
    """The long activity table of a synthetic Shandong province (columns in the module docstring).

    Rows are sorted by enterprise, period and item. The default (31,600 enterprises x 6 years) gives
    about 2.4 million rows; ``months=True`` splits flows into 12 monthly rows each (stocks are
    repeated), twelve times as many.

    Parameters
    ----------
    n_enterprises : int
        The number of enterprises [-].
    years : iterable of int
        The years [a].
    seed : int
        The random seed: the same seed gives the same table.
    months : bool
        Monthly rows instead of annual ones.

    Returns
    -------
    DataFrame
        The long table: amounts in the units drawn for each row (t, kWh, MWh, m3, 10^4 CNY ...).
    """
    years = np.asarray(list(years), dtype=int)
    ent = enterprises(n_enterprises, seed)
    rng = np.random.default_rng([seed, 1])
    amounts = _annual(ent, years, rng)
    ny = len(years)
    unit_cats = sorted({u for _, units in _UNITS.values() for u in units} | {"m3", ""})
    ey, flow, amount, unit, item = _item_rows(amounts, unit_cats, rng)
    periods = [str(y) for y in years]
    period = ey % ny
    if months:
        ey, flow, amount, unit, item, period = _split_months(ey, flow, amount, unit, item, period, rng)
        periods = [f"{y}-{m:02d}" for y in years for m in range(1, 13)]
    ent_idx = ey // ny
    price_index = item == ITEMS.index("va_price_index")
    amount = np.where(price_index, np.round(amount, 4), np.round(amount, 3))
    return pd.DataFrame({
        "enterprise": _categorical(ent_idx, categories=ent["enterprise"]),
        "period": _categorical(period, categories=periods),
        "item": _categorical(item, categories=ITEMS),
        "amount": amount,
        "unit": _categorical(unit, categories=unit_cats),
        "flow": _categorical(flow, categories=["consumption", "feedstock"]),
        "region": _categorical(ent["region"].cat.codes.to_numpy()[ent_idx],
                                            categories=ent["region"].cat.categories),
        "industry": _categorical(ent["industry"].cat.codes.to_numpy()[ent_idx],
                                              categories=ent["industry"].cat.categories),
    })


def _item_rows(amounts: dict[str, Grid], unit_cats: list[str],
               rng: np.random.Generator) -> tuple[npt.NDArray[Any], ...]:
    """The rows with an amount, sorted by enterprise-year and item: enterprise-year index, flow code, amount in
    the unit drawn for the row, unit code and item code (feedstock gas is natural gas with flow feedstock)."""
    blocks = []  # (item code, flow code, amount in the canonical unit, unit code) over enterprise-years
    for slot, item_name in enumerate([*ITEMS, "feedstock_gas"]):
        values = amounts[item_name].ravel()
        rows = np.flatnonzero(values > 0)
        name = "natural_gas" if item_name == "feedstock_gas" else item_name
        canonical, spellings = _unit_choices(name)
        choice = rng.integers(0, len(spellings), size=len(rows))
        scale = np.array([multiplier(u, canonical) if canonical else 1.0 for u in spellings])
        unit_code = np.array([unit_cats.index(u) for u in spellings])[choice]
        blocks.append((rows, np.full(len(rows), slot), np.full(len(rows), int(item_name == "feedstock_gas")),
                       values[rows] / scale[choice], unit_code, np.full(len(rows), ITEMS.index(name))))
    ey, slot_of, flow, amount, unit, item = (np.concatenate(parts) for parts in zip(*blocks))
    order = np.argsort(ey * (len(ITEMS) + 1) + slot_of, kind="stable")
    return ey[order], flow[order], amount[order], unit[order], item[order]


def _categorical(codes: npt.NDArray[Any], categories: Iterable[Any]) -> pd.Categorical:
    """``pd.Categorical.from_codes`` (pandas-stubs wants an Index of categories; pandas takes any list-like)."""
    out: pd.Categorical = pd.Categorical.from_codes(codes, categories=categories)  # type: ignore[call-overload]
    return out


def _unit_choices(item: str) -> tuple[str, list[str]]:
    """The canonical unit of ``item`` and the spellings drawn for it (water in m3; the index unitless)."""
    if item in _UNITS:
        return _UNITS[item]
    return ("m3", ["m3"]) if item in (*_WATER, "recycled_water") else ("", [""])


def _split_months(ey: npt.NDArray[Any], flow: npt.NDArray[Any], amount: npt.NDArray[Any], unit: npt.NDArray[Any],
                  item: npt.NDArray[Any], period: npt.NDArray[Any],
                  rng: np.random.Generator) -> tuple[npt.NDArray[Any], ...]:
    """Repeat each annual row 12 times; flows are split by a seasonal profile with noise, stocks kept."""
    m = np.arange(12)
    heating = 1 + 0.5 * np.cos(2 * np.pi * m / 12)  # gas, coal, steam and heat peak in winter
    heating_items = [ITEMS.index(i) for i in ("natural_gas", "raw_coal", "steam", "heat")]
    shape = np.where(np.isin(item, heating_items)[:, None], heating[None, :], 1.0)
    weights = shape * np.exp(rng.normal(0, 0.08, size=(len(amount), 12)))
    weights /= weights.sum(axis=1, keepdims=True)
    stock = np.isin(item, [ITEMS.index(s) for s in _STOCKS])
    monthly = np.where(stock[:, None], amount[:, None], amount[:, None] * weights).ravel()
    def rep(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return np.repeat(a, 12)

    month = np.tile(m, len(amount))
    order = np.argsort(rep(ey) * 12 + month, kind="stable")  # enterprise, period, then item
    return (rep(ey)[order], rep(flow)[order], monthly[order], rep(unit)[order], rep(item)[order],
            (rep(period) * 12 + month)[order])
