"""The annual emission report tables of the sector guidelines: by facility and source, parameters with their
tiers, the data-quality list and the factors used; as frames, JSON, and ``.xlsx`` (bilingual headers).

Every figure is named once in :data:`FIGURES` (column, 中文名, English name, unit); the tables, the workbook,
the HTML report and the service's JSON derive their headings from it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from carbonkit.errors import InvalidInput, Problem
from reports.excel import cell_value
from carbonkit.market.guidelines import catalog
from carbonkit.market.result import MarketResult

# column, name_zh, name_en, unit
FIGURES: tuple[tuple[str, str, str, str], ...] = (
    ("enterprise", "企业", "enterprise", ""),
    ("facility", "设施/工序", "facility", ""),
    ("sector", "行业", "sector", ""),
    ("route", "核算边界", "boundary", ""),
    ("year", "年度", "year", ""),
    ("combustion_tco2", "化石燃料燃烧排放", "fuel combustion", "tCO2"),
    ("process_tco2", "过程排放", "process emissions", "tCO2"),
    ("pfc_tco2e", "全氟化碳排放", "PFC emissions", "tCO2e"),
    ("direct_tco2e", "直接排放", "direct emissions", "tCO2e"),
    ("electricity_mwh", "净购入电量", "net purchased electricity", "MWh"),
    ("electricity_tco2", "净购入电力排放", "emissions of net purchased electricity", "tCO2"),
    ("heat_gj", "净购入热量", "net purchased heat", "GJ"),
    ("heat_tco2", "净购入热力排放", "emissions of net purchased heat", "tCO2"),
    ("indirect_tco2", "间接排放", "indirect emissions", "tCO2"),
    ("total_tco2e", "排放总量", "total emissions", "tCO2e"),
    ("product", "产品", "product", ""),
    ("production_t", "产量", "production", "t"),
    ("intensity_tco2e_per_t", "单位产品排放", "emissions per tonne of product", "tCO2e/t"),
    ("direct_intensity_tco2e_per_t", "单位产品直接排放", "direct emissions per tonne of product", "tCO2e/t"),
    ("benchmark_tco2e_per_t", "基准值", "allocation benchmark", "tCO2e/t"),
    ("benchmark_gap_tco2e", "超出基准的排放", "emissions above the benchmark", "tCO2e"),
    ("months", "月数", "months entered", ""),
    ("n_flags", "数据质量问题", "data-quality flags", ""),
    ("kind", "类别", "kind", ""),
    ("source", "排放源", "source", ""),
    ("item", "品种", "item", ""),
    ("gas", "气体", "gas", ""),
    ("activity", "活动数据", "activity", ""),
    ("activity_unit", "活动数据单位", "activity unit", ""),
    ("factor", "排放因子", "factor", ""),
    ("factor_unit", "因子单位", "factor unit", ""),
    ("emissions_t", "气体排放量", "gas emitted", "t"),
    ("tco2e", "排放量", "emissions", "tCO2e"),
    ("tier", "数据层级", "data tier", ""),
    ("clause", "条款", "clause", ""),
    ("factor_ids", "因子编号", "factor ids", ""),
    ("parameter", "参数", "parameter", ""),
    ("value", "数值", "value", ""),
    ("unit", "单位", "unit", ""),
    ("month", "月份", "month", ""),
    ("problem", "问题", "problem", ""),
    ("handling", "处理", "handling", ""),
    ("status", "状态", "status", ""),
)
NAMES = {c: (zh, en, u) for c, zh, en, u in FIGURES}
SUMMARY = ["enterprise", "facility", "sector", "route", "year", "combustion_tco2", "process_tco2", "pfc_tco2e",
           "direct_tco2e", "electricity_mwh", "electricity_tco2", "heat_gj", "heat_tco2", "total_tco2e", "product",
           "production_t", "intensity_tco2e_per_t", "direct_intensity_tco2e_per_t", "benchmark_tco2e_per_t",
           "benchmark_gap_tco2e", "months", "n_flags"]
SOURCES = ["enterprise", "facility", "year", "kind", "source", "item", "gas", "activity", "activity_unit", "factor",
           "factor_unit", "emissions_t", "tco2e", "tier", "clause", "factor_ids"]
QUALITY = ["enterprise", "facility", "year", "month", "parameter", "item", "problem", "handling", "clause"]


def heading(column: str, lang: str = "both") -> str:
    """'中文 / English [unit]' (or one language) of a column named in :data:`FIGURES`."""
    zh, en, unit = NAMES.get(column, (column, column, ""))
    text = {"zh": zh, "en": en}.get(lang, f"{zh} / {en}")
    return f"{text} [{unit}]" if unit else text


def tables(result: MarketResult) -> dict[str, pd.DataFrame]:
    """The report tables: summary by facility, sources, key parameters, data quality, factors used."""
    params = result.parameters if result.parameters is not None else pd.DataFrame()
    if len(params):
        names = {p.id: (p.name_zh, p.name_en) for p in catalog().values()}
        params = params.assign(parameter=[f"{names.get(p, (p, p))[0]} / {names.get(p, (p, p))[1]} ({p})"
                                          for p in params["parameter"]])
    factors = pd.DataFrame([{"factor_ids": k, **{c: v.get(c) for c in ("value", "unit", "clause", "status", "source")}}
                            for k, v in sorted(result.factors.items())])
    return {"summary": result.facilities[[c for c in SUMMARY if c in result.facilities.columns]],
            "sources": result.sources[SOURCES], "parameters": params, "quality": result.quality[QUALITY],
            "factors": factors}


def to_json(result: MarketResult) -> dict:
    """The machine-readable report: facility-years (the :class:`FacilityYear` structure), the enterprise level,
    the key parameters, the data-quality list and the factors with their provenance."""
    return {"facilities": result.records(), "enterprises": _records(result.enterprises()),
            "parameters": _records(result.parameters), "quality": _records(result.quality),
            "factors": result.factors, "figures": [{"column": c, "name_zh": zh, "name_en": en, "unit": u}
                                                   for c, zh, en, u in FIGURES]}


def _records(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None or frame.empty:
        return []
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def write_report(result: MarketResult, path: str | Path) -> Path:
    """Write the report tables to ``.xlsx`` (a sheet each, bilingual headings with units) or ``.json``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(json.dumps(to_json(result), ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        return path
    if suffix != ".xlsx":
        raise InvalidInput(Problem("format_unknown", f"{path.name}: cannot write '{suffix}' files", field="output",
                                   expected=".xlsx, .json or .html"))
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book, bold, warn = Workbook(), Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    book.remove(book.active)
    for name, frame in tables(result).items():
        sheet = book.create_sheet(name)
        sheet.append([heading(c) for c in frame.columns])
        for values in frame.itertuples(index=False):
            sheet.append([cell_value(v) for v in values])
            if "unverified" in [str(v) for v in values]:
                for cell in sheet[sheet.max_row]:
                    cell.fill = warn
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
    book.save(path)
    return path


