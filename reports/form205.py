"""The 205-1 workbook written: the template in Chinese (the form's rows, codes and units, the reference
coefficients, number validation and input prompts), and a :class:`~carbonkit.forms.nbs205.Form205` written back
(the round trip with :func:`carbonkit.forms.read_form`). The layout is the core's (:mod:`carbonkit.forms.nbs205`);
openpyxl's cells and styles are presentation, here.

Layout of sheet ``205-1表``: row 1 the title; rows 2-6 the enterprise (统一社会信用代码, 单位名称, 报告期, 行政区划
代码, 行业代码: label in column A, value in column B); row 8 the header (:data:`~carbonkit.forms.nbs205.COLUMNS`);
from row 9 one energy row each.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from carbonkit.factors import Release, load_release
from carbonkit.forms.nbs205 import COLUMNS, HEADER_ROW, META_CELLS, NUMBERS, SHEET, TITLE, Form205, form_rows, reference_coefficient
from carbonkit.forms.nbs205_io import KEYS
from carbonkit.messages import unit_text

PROMPTS = {"start_stock": "报告期初的库存量，按本行计量单位", "purchases": "报告期内购进的实物量",
           "purchase_value": "购进金额，单位：千元", "consumption": "= 工业生产消费 + 非工业生产消费",
           "industrial": "用于工业生产的消费量（含用作原材料）", "feedstock": "工业生产消费中用作原材料的部分",
           "non_industrial": "非工业生产消费（不计入工业能耗）", "transfers_out": "调出、外销的数量",
           "end_stock": "= 年初库存量 + 购进量 − 消费量合计 − 调出量",
           "own_coefficient": "有实测值时填写（GB/T 2589 优先采用实测低位发热量折算），否则留空用参考折标系数"}


def write_template(path: str | Path | IO[bytes], release: Release | str | None = None) -> None:
    """The empty 205-1 workbook with the form's rows (``path``: a file path or a binary stream).

    Parameters
    ----------
    path : str, Path or binary stream
        Where the .xlsx goes.
    release : Release or str, optional
        The factor release whose standard-coal coefficients are shown as reference (GB/T 2589-2020), in each
        row's coefficient unit (e.g. [kgce/kg]); default the default release.

    Returns
    -------
    None
    """
    rel = release if isinstance(release, Release) else load_release(release)
    rows = [{**r, "reference_coefficient": reference_coefficient(r, rel)} for r in form_rows().to_dict("records")]
    _write(path, {}, rows)


def _shown(row: Mapping[Any, Any]) -> dict[Any, Any]:
    """A row as the sheet shows it: the coefficient unit in Chinese (千克标准煤/千克)."""
    return {**row, "coefficient_unit": unit_text(row.get("coefficient_unit"), "zh")}


def write_form(path: str | Path | IO[bytes], form: Form205, release: Release | str | None = None) -> None:
    """A filled 205-1 workbook from ``form`` (its rows, with the release's reference coefficients).

    Parameters
    ----------
    path : str, Path or binary stream
        Where the .xlsx goes.
    form : Form205
        The form: who and when, and each row's figures in the row's unit (the purchase value in 10^3 CNY).
    release : Release or str, optional
        The factor release whose standard-coal coefficients are shown as reference (GB/T 2589-2020), in each
        row's coefficient unit (e.g. [kgce/kg]); default the default release.

    Returns
    -------
    None
    """
    rel = release if isinstance(release, Release) else load_release(release)
    by_code = {r["code"]: r for r in form.rows.to_dict("records")}
    rows = []
    for r in form_rows().to_dict("records"):
        filled = {**r, **by_code.get(r["code"], {})}
        filled["reference_coefficient"] = reference_coefficient(r, rel)
        rows.append(filled)
    meta = {"enterprise": form.enterprise, "name": form.name, "period": form.period, "region": form.region,
            "industry": form.industry}
    _write(path, meta, rows)


def _write(path: str | Path | IO[bytes], meta: dict[str, Any], rows: Sequence[Mapping[Any, Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    ws = book.active
    ws.title = SHEET
    ws.cell(1, 1, f"{TITLE}（205-1表）").font = Font(bold=True, size=14)
    for i, (key, label) in enumerate(META_CELLS, start=2):
        ws.cell(i, 1, label).font = Font(bold=True)
        ws.cell(i, 2, meta.get(key) or None).number_format = "@"
    ws.cell(4, 3, "YYYY 或 YYYY-MM")
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for c, (_key, label) in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, c, label)
        cell.font, cell.fill = Font(bold=True), head_fill
        ws.column_dimensions[get_column_letter(c)].width = 16 if c > 3 else 12
    first, last = HEADER_ROW + 1, HEADER_ROW + len(rows)
    for r, row in enumerate(rows, start=first):
        for c, key in enumerate(KEYS, start=1):
            value = _shown(row).get(key)
            if value is not None and not (isinstance(value, float) and math.isnan(value)) and value != "":
                ws.cell(r, c, value)
        ws.cell(r, KEYS.index("code") + 1).number_format = "@"
    for key in NUMBERS:
        letter = get_column_letter(KEYS.index(key) + 1)
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="数值", error="请填写不小于 0 的数值",
                            showInputMessage=True, promptTitle=dict(COLUMNS)[key], prompt=PROMPTS.get(key, ""))
        dv.add(f"{letter}{first}:{letter}{last}")
        ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 4)
    book.save(path)
