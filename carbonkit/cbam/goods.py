"""Goods by CN code: their specific embedded emissions charged, the default value with the year's mark-up and
the difference, and the carbon price paid per tonne.

    SEE_charged    = SEE_dir + SEE_indir if the sector counts indirect emissions, else SEE_dir       [tCO2e/t]
    D_charged      = D_dir + D_indir (when counted and given), with mark-up: D x (1 + m_year)        [tCO2e/t]
    difference     = D_charged x (1 + m_year) - SEE_charged: what verified data saves per tonne     [tCO2e/t]
    rate           = price x max(covered - free, 0) / covered: carbon price effectively paid      [currency/tCO2]
    price paid / t = rate x SEE_own,dir (the installation's own direct emissions in the good; bought
                     precursors' emissions excluded, their carbon price is their producer's)     [currency/t]

The carbon price paid follows Regulation (EU) 2023/956, Art. 9 (a price effectively paid in the country of origin,
net of free allocation); how it is spread over goods is carbonkit's choice, stated with the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from carbonkit.cbam.attribution import ProcessResult
from carbonkit.cbam.data import DefaultsData, GoodsData
from carbonkit.cbam.model import CarbonPrice, Installation


@dataclass
class GoodResult:
    """One good by CN code. Quantities [t], SEE and defaults [tCO2e/t], embedded [tCO2e]."""

    cn_code: str
    name: str
    process: str
    category: str
    sector: str
    quantity_t: float
    indirect_counted: bool
    see_direct: float
    see_indirect: float
    see_own_direct: float
    default_id: str | None = None
    default_status: str | None = None
    default_direct: float | None = None
    default_indirect: float | None = None
    markup: float | None = None
    markup_status: str | None = None
    carbon_price_per_t: float | None = None
    carbon_price_eur_per_t: float | None = None

    @property
    def see_charged(self) -> float:
        """SEE charged: direct, plus indirect where the sector counts it [tCO2e/t]."""
        return self.see_direct + (self.see_indirect if self.indirect_counted else 0.0)

    @property
    def embedded(self) -> float:
        """Embedded emissions charged of the quantity sold [tCO2e]."""
        return self.see_charged * self.quantity_t

    @property
    def default_charged(self) -> float | None:
        """Default value charged: direct, plus indirect where counted and given [tCO2e/t]; None without default."""
        if self.default_direct is None:
            return None
        extra = self.default_indirect if self.indirect_counted and self.default_indirect is not None else 0.0
        return self.default_direct + extra

    @property
    def default_marked_up(self) -> float | None:
        """Default charged x (1 + mark-up of the import year) [tCO2e/t]; None without default or mark-up."""
        base = self.default_charged
        return None if base is None or self.markup is None else base * (1 + self.markup)

    @property
    def difference(self) -> float | None:
        """Default with mark-up minus the actual SEE charged [tCO2e/t]: positive when actual data pays."""
        marked = self.default_marked_up
        return None if marked is None else marked - self.see_charged


def carbon_rate(price: CarbonPrice | None) -> float | None:
    """The carbon price effectively paid per tCO2 emitted (Regulation (EU) 2023/956, Art. 9; module docstring).

    Parameters
    ----------
    price : CarbonPrice or None
        The allowance price [currency/tCO2], the emissions covered and the free allocation [tCO2].

    Returns
    -------
    float or None
        price x max(covered − free, 0) / covered [currency/tCO2]; None without a carbon price.
    """
    if price is None:
        return None
    return price.price * max(price.covered_emissions_tco2 - price.free_allocation_tco2, 0.0) / price.covered_emissions_tco2


def goods_results(inst: Installation, results: dict[str, ProcessResult], goods: GoodsData,
                  defaults: DefaultsData) -> list[GoodResult]:
    """A row per good sold, with its default and the difference (module docstring).

    Parameters
    ----------
    inst : Installation
        The installation; its goods sold by CN code [t], import year and carbon price.
    results : dict of str to ProcessResult
        The attributed processes by id (SEE [tCO2e/t], :mod:`carbonkit.cbam.attribution`).
    goods : GoodsData
        Sectors and categories (whether indirect emissions are charged).
    defaults : DefaultsData
        The default values [tCO2e/t] and mark-ups [-] (Implementing Regulation (EU) 2025/2621).

    Returns
    -------
    list of GoodResult
        One per good sold, in process and goods order.
    """
    sectors = goods.sectors()
    rate = carbon_rate(inst.carbon_price)
    eur = inst.carbon_price.eur_per_unit if inst.carbon_price else None
    out = []
    for proc in inst.processes:
        res = results[proc.id]
        for good in proc.goods:
            row = GoodResult(good.cn_code, good.name, proc.id, proc.category, res.sector, good.quantity_t,
                             sectors[res.sector].indirect_counted, res.see_direct, res.see_indirect, res.see_own_direct)
            _add_default(row, inst, defaults)
            if rate is not None:
                row.carbon_price_per_t = rate * res.see_own_direct
                row.carbon_price_eur_per_t = None if eur is None else row.carbon_price_per_t * eur
            out.append(row)
    return out


def _add_default(row: GoodResult, inst: Installation, defaults: DefaultsData) -> None:
    if inst.country != defaults.country:
        return
    value = defaults.default_for(row.cn_code)
    if value is None:
        return
    row.default_id, row.default_status = f"{defaults.id}.{value.cn_code}", value.status
    row.default_direct, row.default_indirect = value.direct, value.indirect
    markup = defaults.markup_for(inst.import_year, row.sector)
    if markup is not None:
        row.markup, row.markup_status = markup.value, markup.status
