"""The CBAM communication of an installation as an .xlsx workbook (sheets in the order of the EU template:
installation, production processes, purchased precursors, goods, carbon price, data sources, notes) and as a
bilingual (Chinese/English) HTML summary. Both take the dict of ``CbamResult.to_dict()``."""

from __future__ import annotations

import io
from pathlib import Path

from carbonkit.cbam.template import GOOD_FIGURES, PROCESS_FIGURES


def _cell(value):
    if isinstance(value, (list, dict)):
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return value


def _table(ws, header_zh: list[str], header_en: list[str], rows: list[list], bold) -> None:
    ws.append(header_zh)
    ws.append(header_en)
    for cell in (*ws[1], *ws[2]):
        cell.font = bold
    for row in rows:
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = "A3"


def _processes(comm: dict) -> tuple[list[str], list[str], list[list]]:
    keys = [("id", "", "工序", "Process"), ("category", "", "产品类别", "Goods category")] + PROCESS_FIGURES
    zh = [f"{k[2]} [{k[1]}]" if k[1] else k[2] for k in keys]
    en = [f"{k[3]} [{k[1]}]" if k[1] else k[3] for k in keys]
    return zh, en, [[p[k[0]] for k in keys] for p in comm["production_processes"]]


def _goods(comm: dict) -> tuple[list[str], list[str], list[list]]:
    keys = [("cn_code", "", "CN 编码", "CN code"), ("name", "", "名称", "Name"), ("process", "", "工序", "Process"),
            ("indirect_counted", "", "计入间接排放", "Indirect counted")] + GOOD_FIGURES + [
            ("default_id", "", "默认值编号", "Default value id"), ("default_status", "", "默认值状态", "Default status")]
    zh = [f"{k[2]} [{k[1]}]" if k[1] else k[2] for k in keys]
    en = [f"{k[3]} [{k[1]}]" if k[1] else k[3] for k in keys]
    return zh, en, [[g[k[0]] for k in keys] for g in comm["goods"]]


def write_xlsx(comm: dict, target: str | Path | io.BytesIO) -> None:
    """Write the communication workbook to a path or a binary buffer."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "A_Installation"
    inst = comm["installation"]
    for key, zh, en in (("id", "设施编号", "Installation id"), ("name", "名称", "Name"), ("name_en", "英文名称", "Name (en)"),
                        ("country", "国家", "Country"), ("address", "地址", "Address"),
                        ("import_year", "进口年份 (加成)", "Import year (mark-up)")):
        ws.append([zh, en, _cell(inst.get(key))])
    ws.append(["报告期", "Reporting period", f"{inst['reporting_period']['start']} – {inst['reporting_period']['end']}"])
    _table(wb.create_sheet("D_Processes"), *_processes(comm), bold)
    lots = comm["purchased_precursors"]
    keys = ["id", "category", "cn_code", "supplier", "country", "see_direct_tco2e_per_t", "see_indirect_tco2e_per_t",
            "source", "default_id", "note"]
    _table(wb.create_sheet("E_PurchPrec"), keys, keys, [[lot[k] for k in keys] for lot in lots], bold)
    _table(wb.create_sheet("Summary_Products"), *_goods(comm), bold)
    price = comm["carbon_price"] or {}
    _table(wb.create_sheet("Carbon_Price"), ["项目"], ["Item", "Value"], [[k, _cell(v)] for k, v in price.items()], bold)
    src = wb.create_sheet("Data_Sources")
    for d in comm["data_sources"]:
        src.append([d["id"], d["title"], d["source"], d["edition"], d["notes"]])
    notes = wb.create_sheet("Notes")
    for n in comm["notes"]:
        notes.append([n])
    wb.save(target)


def xlsx_bytes(comm: dict) -> bytes:
    buf = io.BytesIO()
    write_xlsx(comm, buf)
    return buf.getvalue()


def html_summary(comm: dict) -> str:
    """A one-file bilingual HTML summary (user text escaped by jinja2)."""
    from reports import _env

    return _env().get_template("cbam.html.j2").render(c=comm, process_figures=PROCESS_FIGURES,
                                                       good_figures=GOOD_FIGURES)
