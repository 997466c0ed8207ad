"""Reading a filled 205-1 workbook, with every problem named by row and column. Writing the template and a
:class:`~carbonkit.forms.nbs205.Form205` back (the round trip) is presentation: :mod:`reports.form205`.

Layout of sheet ``205-1表``: row 1 the title; rows 2-6 the enterprise (统一社会信用代码, 单位名称, 报告期, 行政区划
代码, 行业代码: label in column A, value in column B); row 8 the header (:data:`~carbonkit.forms.nbs205.COLUMNS`);
from row 9 one energy row each.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import IO, Any

import pandas as pd

from carbonkit.errors import InvalidInput, Problem
from carbonkit.forms.nbs205 import (
    COLUMNS,
    HEADER_ROW,
    META_CELLS,
    NUMBERS,
    PERIOD,
    SHEET,
    Form205,
    form_meta,
    form_rows,
)
from carbonkit.readers import XLSX_MAX_UNPACKED_BYTES, open_workbook, workbook_name

KEYS = [k for k, _ in COLUMNS]  # the sheet's columns, in order (reports.form205 writes them)


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
