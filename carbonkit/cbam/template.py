"""The communication in the structure of the EU template for installations, as a plain dict, and the one
catalog of its figures (key, unit, Chinese and English name) that the JSON, the workbook and the HTML share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from carbonkit.cbam.attribution import LotValue, ProcessResult
    from carbonkit.cbam.communication import CbamResult
    from carbonkit.cbam.data import Category
    from carbonkit.cbam.goods import GoodResult
    from carbonkit.cbam.model import BoughtPrecursor, Process

# (key, unit, name_zh, name_en): every figure of the communication, named once
PROCESS_FIGURES = [
    ("production_t", "t", "产量 (活动水平)", "Production (activity level)"),
    ("direct_emissions_tco2e", "tCO2e", "直接排放", "Direct emissions DirEm*"),
    ("heat_imported_tco2e", "tCO2e", "输入热的排放", "Emissions of heat imported"),
    ("heat_exported_tco2e", "tCO2e", "输出热的排放", "Emissions of heat exported"),
    ("waste_gas_imported_tco2e", "tCO2e", "输入废气修正", "Waste-gas correction imported"),
    ("waste_gas_exported_tco2e", "tCO2e", "输出废气修正", "Waste-gas correction exported"),
    ("electricity_exported_tco2e", "tCO2e", "输出电力的排放", "Emissions of electricity exported"),
    ("attributed_direct_tco2e", "tCO2e", "归属直接排放", "Attributed direct emissions"),
    ("attributed_indirect_tco2e", "tCO2e", "归属间接排放", "Attributed indirect emissions"),
    ("precursors_direct_tco2e", "tCO2e", "前体物直接隐含排放", "Precursors' embedded direct emissions"),
    ("precursors_indirect_tco2e", "tCO2e", "前体物间接隐含排放", "Precursors' embedded indirect emissions"),
    ("see_direct_tco2e_per_t", "tCO2e/t", "直接比隐含排放", "Specific embedded emissions, direct"),
    ("see_indirect_tco2e_per_t", "tCO2e/t", "间接比隐含排放", "Specific embedded emissions, indirect"),
]
GOOD_FIGURES = [
    ("quantity_t", "t", "数量", "Quantity"),
    ("see_direct_tco2e_per_t", "tCO2e/t", "直接比隐含排放", "SEE, direct"),
    ("see_indirect_tco2e_per_t", "tCO2e/t", "间接比隐含排放", "SEE, indirect"),
    ("see_charged_tco2e_per_t", "tCO2e/t", "计费比隐含排放", "SEE charged"),
    ("embedded_tco2e", "tCO2e", "隐含排放", "Embedded emissions charged"),
    ("default_charged_tco2e_per_t", "tCO2e/t", "默认值", "Default value"),
    ("markup", "fraction", "加成比例", "Mark-up of the import year"),
    ("default_marked_up_tco2e_per_t", "tCO2e/t", "加成后默认值", "Default value with mark-up"),
    ("difference_tco2e_per_t", "tCO2e/t", "差额 (默认 - 实际)", "Difference (default - actual)"),
    ("difference_tco2e", "tCO2e", "差额合计", "Difference, quantity sold"),
    ("carbon_price_paid_per_t", "currency/t", "已付碳价/吨", "Carbon price paid per tonne"),
    ("carbon_price_paid_eur_per_t", "EUR/t", "已付碳价/吨 (欧元)", "Carbon price paid per tonne (EUR)"),
]


def _data_sources(proc: Process) -> list[str]:
    """Where a process's figures come from, as the operator stated them."""
    out = [f"{s.name}: {s.source or 'source not stated'}" for s in proc.source_streams]
    if proc.direct_emissions_tco2e is not None:
        out.append("direct emissions: the figure given")
    if proc.electricity_mwh:
        out.append(f"electricity factor: {proc.electricity_factor_source or 'source not stated'}")
    return out


def _process(p: ProcessResult, cats: Mapping[str, Category], proc: Process) -> dict[str, Any]:
    cat = cats[p.category]
    return {"id": p.id, "name": p.name, "category": p.category, "category_zh": cat.name_zh, "category_en": cat.name_en,
            "sector": p.sector, "production_t": p.production_t, "direct_emissions_tco2e": p.direct_emissions,
            "heat_imported_tco2e": p.heat_imported, "heat_exported_tco2e": p.heat_exported,
            "waste_gas_imported_tco2e": p.waste_gas_imported, "waste_gas_exported_tco2e": p.waste_gas_exported,
            "electricity_exported_tco2e": p.electricity_exported, "attributed_direct_tco2e": p.attributed_direct,
            "attributed_indirect_tco2e": p.attributed_indirect, "precursors_direct_tco2e": p.precursors_direct,
            "precursors_indirect_tco2e": p.precursors_indirect, "see_direct_tco2e_per_t": p.see_direct,
            "see_indirect_tco2e_per_t": p.see_indirect, "factors": list(p.factors),
            "data_sources": _data_sources(proc)}


def _good(g: GoodResult, currency: str | None) -> dict[str, Any]:
    diff = g.difference
    return {"cn_code": g.cn_code, "name": g.name, "process": g.process, "category": g.category, "sector": g.sector,
            "quantity_t": g.quantity_t, "indirect_counted": g.indirect_counted,
            "see_direct_tco2e_per_t": g.see_direct, "see_indirect_tco2e_per_t": g.see_indirect,
            "see_charged_tco2e_per_t": g.see_charged, "embedded_tco2e": g.embedded,
            "default_id": g.default_id, "default_status": g.default_status,
            "default_direct_tco2e_per_t": g.default_direct, "default_indirect_tco2e_per_t": g.default_indirect,
            "default_charged_tco2e_per_t": g.default_charged, "markup": g.markup, "markup_status": g.markup_status,
            "default_marked_up_tco2e_per_t": g.default_marked_up, "difference_tco2e_per_t": diff,
            "difference_tco2e": None if diff is None else diff * g.quantity_t,
            "carbon_price_paid_per_t": g.carbon_price_per_t, "carbon_price_currency": currency,
            "carbon_price_paid_eur_per_t": g.carbon_price_eur_per_t}


def _lot(lot: BoughtPrecursor, value: LotValue) -> dict[str, Any]:
    return {"id": lot.id, "category": lot.category, "cn_code": lot.cn_code, "supplier": lot.supplier,
            "country": lot.country, "see_direct_tco2e_per_t": value.direct, "see_indirect_tco2e_per_t": value.indirect,
            "source": value.source, "default_id": value.default_id, "note": value.note}


def _sources(result: CbamResult) -> list[dict[str, Any]]:
    return [{"id": d.id, "title": d.title, "source": d.source, "edition": d.edition, "issuing_body": d.issuing_body,
             "notes": d.notes} for d in (result.goods_data, result.defaults)]


def communication(result: CbamResult) -> dict[str, Any]:
    """The communication of one installation (JSON-ready), in the structure of the EU template for installations.

    Parameters
    ----------
    result : CbamResult
        The attribution of one installation (:func:`carbonkit.cbam.embedded_emissions`).

    Returns
    -------
    dict
        ``installation``, ``production_processes`` (emissions [tCO2e], SEE [tCO2e/t]), ``purchased_precursors``,
        ``goods`` (quantity [t], SEE and defaults [tCO2e/t], embedded [tCO2e], mark-up [-], carbon price paid
        [currency/t]), ``carbon_price``, ``balance_tco2e``, ``data_sources``, ``notes`` and the ``figures``
        catalog (key, unit, Chinese and English name). Rules: Implementing Regulation (EU) 2025/2547.
    """
    from carbonkit.cbam.goods import carbon_rate
    from carbonkit.cbam.communication import PRICE_RULE

    inst, cats = result.installation, result.goods_data.categories()
    price = inst.carbon_price
    return {
        "template": "EU CBAM communication template for installations (structure); Implementing Regulation (EU) 2025/2547",
        "installation": {"id": inst.id, "name": inst.name, "name_en": inst.name_en, "enterprise": inst.enterprise,
                         "country": inst.country, "address": inst.address,
                         "reporting_period": {"start": inst.period_start, "end": inst.period_end},
                         "import_year": inst.import_year},
        "production_processes": [_process(p, cats, proc) for p, proc in zip(result.processes, inst.processes)],
        "purchased_precursors": [_lot(lot, result.lots[lot.id]) for lot in inst.bought_precursors],
        "goods": [_good(g, price.currency if price else None) for g in result.goods],
        "carbon_price": None if price is None else {**price.model_dump(), "rate_per_tco2": carbon_rate(price),
                                                    "rule": PRICE_RULE},
        "balance_tco2e": result.balance(),
        "data_sources": _sources(result),
        "notes": list(result.notes),
        "figures": {"process": [list(f) for f in PROCESS_FIGURES], "good": [list(f) for f in GOOD_FIGURES]},
    }
