"""The 205-1 workbook: the template in Chinese (the form's rows, codes and units, the reference coefficients,
number validation and input prompts), reading a filled one with every problem named by row and column, and
writing a :class:`~carbonkit.forms.nbs205.Form205` back (the round trip).

Layout of sheet ``205-1表``: row 1 the title; rows 2-6 the enterprise (统一社会信用代码, 单位名称, 报告期, 行政区划
代码, 行业代码: label in column A, value in column B); row 8 the header (:data:`~carbonkit.forms.nbs205.COLUMNS`);
from row 9 one energy row each.
"""

from __future__ import annotations

import math
from pathlib import Path
from collections.abc import Mapping, Sequence
from typing import IO, Any

import pandas as pd

from carbonkit.errors import InvalidInput, Problem
from carbonkit.factors import Release, load_release
from carbonkit.forms.nbs205 import (
    COLUMNS,
    HEADER_ROW,
    META_CELLS,
    NUMBERS,
    PERIOD,
    SHEET,
    TITLE,
    Form205,
    form_meta,
    form_rows,
    reference_coefficient,
)
from carbonkit.messages import unit_text
from carbonkit.readers import XLSX_MAX_UNPACKED_BYTES, open_workbook, workbook_name

KEYS = [k for k, _ in COLUMNS]
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


def read_form(source: str | Path | IO[bytes], *, max_unpacked_bytes: int = XLSX_MAX_UNPACKED_BYTES) -> Form205:
    """A filled 205-1 workbook (path or binary stream), checked: every problem (a figure that is not a number ≥ 0,
    C ≠ I + N, F > I, a stock balance that does not close, an unknown code, a period not YYYY or YYYY-MM) is
    reported with its sheet row and column, all at once, and nothing is returned then.

    Parameters
    ----------
    source : str, Path or binary stream
        The .xlsx workbook.
    max_unpacked_bytes : int
        The most the archive's members may unpack to, all together (a guard against zip bombs).

    Returns
    -------
    Form205
        The enterprise, the period and each row's figures in the row's unit.

    Raises
    ------
    InvalidInput
        Every problem of the workbook, each with its sheet row and column.
    """
    values = _sheet_values(source, max_unpacked_bytes)
    problems: list[Problem] = []
    meta = {key: _text(values.get((i, 2))) for i, (key, _l) in enumerate(META_CELLS, start=2)}
    if not meta["enterprise"]:
        problems.append(Problem("enterprise_missing", "统一社会信用代码 is empty", row=2, sheet=SHEET, field="enterprise",
                                expected="the enterprise's unified social credit code in B2"))
    if not PERIOD.fullmatch(meta["period"]):
        problems.append(Problem("period_invalid", f"报告期 '{meta['period']}' is not a period", row=4, sheet=SHEET,
                                field="period", expected="YYYY or YYYY-MM, e.g. 2025"))
    known = form_rows().set_index("code")
    rows, non_industrial = [], []
    for r in range(HEADER_ROW + 1, max((k[0] for k in values), default=HEADER_ROW) + 1):
        row, row_problems = _row(values, r, known)
        problems += row_problems
        if row is not None:
            rows.append(row)
            if row["non_industrial"]:
                non_industrial.append({"code": row["code"], "name_zh": row["name_zh"], "amount": row["non_industrial"],
                                       "unit": row["unit"]})
    if problems:
        raise InvalidInput(problems)
    frame = pd.DataFrame(rows, columns=[*KEYS, "item", "unit", "sheet_row"])
    return Form205(enterprise=meta["enterprise"], period=meta["period"], rows=frame, name=meta["name"],
                   region=meta["region"], industry=meta["industry"], non_industrial=pd.DataFrame(non_industrial))


def _sheet_values(source: str | Path | IO[bytes], max_unpacked_bytes: int) -> dict[tuple[int, int], object]:
    name = workbook_name(source)
    with open_workbook(source, max_unpacked_bytes, "the 205-1 workbook of `carbonkit template --form 205-1`") as book:
        if SHEET not in book.sheetnames:
            raise InvalidInput(Problem("sheet_missing", f"{name}: no sheet {SHEET} (sheets: {', '.join(book.sheetnames)})",
                                       expected=f"the sheet {SHEET} of the 205-1 template"))
        ws = book[SHEET]
        ws.reset_dimensions()
        return {(cell.row, cell.column): cell.value for line in ws.iter_rows() for cell in line
                if getattr(cell, "value", None) is not None}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value: object, r: int, key: str) -> tuple[float | None, Problem | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    try:
        v = float(str(value).replace(",", "")) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        v = math.nan
    if not math.isfinite(v) or v < 0:
        return None, Problem("value_invalid", f"{dict(COLUMNS)[key]} '{value}' is not a number ≥ 0", row=r, sheet=SHEET,
                             field=key, expected="a number ≥ 0")
    return v, None


def _row(values: dict[tuple[int, int], object], r: int, known: pd.DataFrame) -> tuple[dict[str, Any] | None, list[Problem]]:
    """One energy row read and checked; (None, []) for a row without figures."""
    cells = {key: values.get((r, c)) for c, key in enumerate(KEYS, start=1)}
    code = _text(cells["code"])
    figures, problems = {}, []
    for key in NUMBERS:
        figures[key], problem = _number(cells[key], r, key)
        problems += [problem] if problem else []
    if all(v is None for v in figures.values()):
        return None, problems
    if code not in known.index:
        return None, [Problem("code_unknown", f"代码 '{code}' is not a 205-1 energy code", row=r, sheet=SHEET,
                              field="code", expected=", ".join(known.index[:8]) + ", …")]
    spec = known.loc[code]
    row = {**{k: _text(cells[k]) for k in ("name_zh", "unit_zh")}, **figures, "code": code, "item": spec["item"],
           "unit": spec["unit"], "coefficient_unit": spec["coefficient_unit"], "reference_coefficient": None,
           "sheet_row": r}
    row["name_zh"] = row["name_zh"] or spec["name_zh"]
    return row, problems + _checks(row, r, spec)


def _checks(row: dict[str, Any], r: int, spec: pd.Series | pd.DataFrame) -> list[Problem]:
    """C = I + N, F ≤ I, S + P − C − T = E (within the form's tolerance) and an item for industrial use."""
    tol = float(form_meta()["balance"]["tolerance"])
    v = {k: row[k] or 0.0 for k in NUMBERS}
    out = []
    if row["consumption"] is not None and abs(v["consumption"] - v["industrial"] - v["non_industrial"]) > tol:
        out.append(Problem("consumption_split", f"消费量合计 {v['consumption']:g} ≠ 工业生产消费 {v['industrial']:g} + "
                           f"非工业生产消费 {v['non_industrial']:g}", row=r, sheet=SHEET, field="consumption",
                           expected="消费量合计 = 工业生产消费 + 非工业生产消费"))
    if v["feedstock"] > v["industrial"] + tol:
        out.append(Problem("feedstock_exceeds", f"用作原材料 {v['feedstock']:g} > 工业生产消费 {v['industrial']:g}", row=r,
                           sheet=SHEET, field="feedstock", expected="用作原材料 ≤ 工业生产消费"))
    consumed = v["consumption"] if row["consumption"] is not None else v["industrial"] + v["non_industrial"]
    closing = v["start_stock"] + v["purchases"] - consumed - v["transfers_out"]
    if row["end_stock"] is not None or row["start_stock"] is not None:
        if abs(closing - v["end_stock"]) > tol:
            out.append(Problem("stock_balance", f"{row['name_zh']} ({row['code']}): 年初库存 {v['start_stock']:g} + 购进 "
                               f"{v['purchases']:g} − 消费 {consumed:g} − 调出 {v['transfers_out']:g} = {closing:g}, "
                               f"but 年末库存 is {v['end_stock']:g}", row=r, sheet=SHEET, field="end_stock",
                               expected=f"年末库存量 = {closing:g} (±{tol:g} {spec['unit_zh']})"))
    if not spec["item"] and v["industrial"] > 0:
        out.append(Problem("row_not_accounted", f"{spec['name_zh']} ({row['code']}): {spec['note']}", row=r, sheet=SHEET,
                           field="industrial", expected="the row's fuels in the long template"))
    return out
