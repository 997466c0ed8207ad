"""Excel workbooks: the fill-in template users download, and results exported to .xlsx or .csv.

The template has one long-table sheet per kind of activity (energy, water, economic data), an
instructions sheet and a hidden sheet of the drop-down lists. Its headers are spellings that
:data:`carbonkit.readers.COLUMNS` maps, so :func:`carbonkit.readers.read_excel` reads a filled
template with no second mapping. The item lists come from ``factors/items.csv`` (the names users
see, 中文 or English) and the unit lists from ``factors/template_units.csv`` (units offered per item
kind); a user can pass their own units file with the same columns (``kind, unit, note``).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from carbonkit.catalog import catalog, unit_of
from carbonkit.datafiles import data_path
from carbonkit.errors import FactorDataError, InvalidInput, Problem
from carbonkit.vocabulary import FLOWS, KINDS, vocabulary

Lang = Literal["zh", "en"]
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class SheetSpec:
    """One data sheet of the template: its item kinds and columns (canonical names)."""

    key: str
    kinds: tuple[str, ...]
    columns: tuple[str, ...]


_HEAD = ("enterprise", "name", "region", "industry", "park", "period", "item", "amount", "unit")
SHEETS = (
    SheetSpec("energy", ("fuel", "electricity", "heat", "steam"), (*_HEAD, "flow", "enthalpy")),
    SheetSpec("water", ("water",), _HEAD),
    SheetSpec("economic", ("economic",), _HEAD),
)
_TEXT = ("enterprise", "name", "region", "industry", "park", "period", "item", "unit", "flow")  # kept as text in Excel

# What users see. Headers are spellings that readers.COLUMNS maps (a test checks each one).
TITLES = {
    "zh": {"energy": "能源", "water": "水", "economic": "经济数据", "instructions": "说明", "lists": "列表"},
    "en": {"energy": "energy", "water": "water", "economic": "economic", "instructions": "instructions", "lists": "lists"},
}
HEADERS = {
    "zh": {"enterprise": "统一社会信用代码", "name": "企业名称", "region": "行政区划代码", "industry": "行业代码",
           "park": "园区代码", "period": "报告期", "item": "项目", "amount": "数量", "unit": "计量单位",
           "flow": "用途", "enthalpy": "蒸汽焓值"},
    "en": {c: c for c in ("enterprise", "name", "region", "industry", "park", "period", "item", "amount", "unit",
                          "flow", "enthalpy")},
}
FLOW_NAMES = {"zh": {"consumption": "消费", "feedstock": "原料用能", "export": "外销"},
              "en": {f: f for f in FLOWS}}
INSTRUCTIONS = {
    "zh": [
        "carbonkit 能源、水与经济数据填报模板（长表：一行一个企业、报告期和项目）",
        "每个数据表第1行为表头，请勿修改；从第2行起每行填写一项。可以删除不用的数据表，但不要改表名以外的表头。",
        "报告期：年度填 2023，月度填 2023-01。统一社会信用代码、行政区划代码（6位，如 370211）、行业代码（如 C2911）按文本填写。",
        "项目与计量单位可从下拉列表选择；也可填写 carbonkit 认识的其他名称和单位（如 原煤/raw_coal、吨/t），校验与 CSV 相同。",
        "用途：消费（默认）、原料用能（原料用能，不计入能源消费）、外销（外供、上网，从消费中扣减，数量填正数）。",
        "蒸汽：按质量（吨）填写时请填蒸汽焓值 [kJ/kg]，不填则用低压蒸汽默认值。",
        "水：取水量按水源分项填写；重复利用水量单独一行。经济数据：工业增加值、营业收入等以万元计；价格指数无单位。",
        "读入：carbonkit account 本文件.xlsx；出错时提示表名和 Excel 行号，全部改正后才计算。",
    ],
    "en": [
        "carbonkit template for energy, water and economic data (long table: one row per enterprise, period and item)",
        "Row 1 of each data sheet is the header; do not change it. One item per row from row 2. Unused sheets may be deleted.",
        "period: 2023 for a year, 2023-01 for a month. Credit code, region code (6 digits, e.g. 370211) and industry code "
        "(e.g. C2911) are text.",
        "Pick items and units from the drop-down lists, or type any name and unit carbonkit knows (raw_coal, 原煤, t, 吨): "
        "the checks are the same as for CSV.",
        "flow: consumption (default), feedstock (raw-material use, not energy consumption), export (sold or sent out, "
        "deducted; give a positive amount).",
        "Steam by mass (t): give its enthalpy [kJ/kg]; without it the low-pressure default is used.",
        "Water: withdrawal by source, one row each; reused water on its own row. Economic data in 万元 (10^4 CNY); "
        "the price index has no unit.",
        "Read it with: carbonkit account THIS.xlsx. Problems name the sheet and the Excel row; nothing is accounted "
        "until all are fixed.",
    ],
}
ITEM_TABLE = {"zh": ("项目", "代码", "标准单位", "说明"), "en": ("item", "id", "canonical unit", "note")}
TEMPLATE_ROWS = 2000  # rows prepared with drop-down lists and text formats


def template_units(path: str | Path | None = None) -> dict[str, list[str]]:
    """The units offered in the drop-down lists, per item kind (file order), from ``factors/template_units.csv``
    or a file with the same columns (``kind, unit, note``)."""
    path = Path(path) if path is not None else data_path("template_units.csv")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise FactorDataError(f"{path}: not a readable units table: {exc}") from None
    missing = {"kind", "unit"} - set(frame.columns)
    if missing:
        raise FactorDataError(f"{path}: columns {', '.join(sorted(missing))} are missing (expected kind, unit, note)")
    units: dict[str, list[str]] = {k: [] for k in KINDS}
    for line, (kind, unit) in enumerate(zip(frame["kind"].str.strip(), frame["unit"].str.strip()), start=2):
        if kind not in units:
            raise FactorDataError(f"{path}, row {line}, column 'kind': '{kind}' is not one of {', '.join(KINDS)}")
        if unit and unit not in units[kind]:
            units[kind].append(unit)
    return units


def sheet_lists(spec: SheetSpec, lang: Lang, units: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """The item names (as users see them in ``lang``) and the units of one sheet; in Chinese the Chinese unit
    names first (吨, 千瓦时, 立方米: :func:`carbonkit.messages.unit_text`), then the symbols."""
    from carbonkit.messages import unit_text

    items = [it.name_zh if lang == "zh" else it.name_en for it in vocabulary().of_kind(*spec.kinds)]
    unit_list: list[str] = []
    for kind in spec.kinds:
        unit_list += [u for u in units.get(kind, []) if u not in unit_list]
    if lang == "zh":
        chinese = [unit_text(u, "zh") for u in unit_list]
        unit_list = list(dict.fromkeys([c for c in chinese if c and not c.isascii()] + unit_list))
    return items, unit_list


# input prompts of the template's columns (Excel shows them when a cell is selected)
PROMPTS = {
    "zh": {"enterprise": "18位统一社会信用代码（文本）", "period": "年度 2025 或月度 2025-01", "region": "6位行政区划代码，如 370211",
           "industry": "GB/T 4754 行业代码，如 C2911", "item": "从列表选择", "amount": "不小于 0 的数值；外销也填正数",
           "unit": "从列表选择（中文单位在前）", "flow": "消费（默认）、原料用能或外销", "enthalpy": "蒸汽焓值 [kJ/kg]"},
    "en": {"enterprise": "18-character unified social credit code (text)", "period": "a year 2025 or a month 2025-01",
           "region": "6-digit GB/T 2260 code, e.g. 370211", "industry": "GB/T 4754 code, e.g. C2911",
           "item": "pick from the list", "amount": "a number >= 0; exports positive too", "unit": "pick from the list",
           "flow": "consumption (default), feedstock or export", "enthalpy": "steam enthalpy [kJ/kg]"},
}
# one worked example, shown on the instructions sheet (never on a data sheet, where it would be accounted)
EXAMPLE = {"zh": ("91370211473270545N", "某轮胎厂", "370211", "C2911", "", "2025", "原煤", 1200, "吨", "消费", ""),
           "en": ("91370211473270545N", "Tyre maker", "370211", "C2911", "", "2025", "raw coal", 1200, "t",
                  "consumption", "")}


def _column_rules(ws, col: str, letter: str, lang: Lang, last: int) -> None:
    """Number (≥ 0) and period checks and the input prompt of one template column."""
    from openpyxl.worksheet.datavalidation import DataValidation

    prompt = PROMPTS[lang].get(col)
    if col in ("amount", "enthalpy"):
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, error="请填写不小于 0 的数值" if lang == "zh" else "a number >= 0")
    elif col == "period":
        dv = DataValidation(type="custom", formula1=f"OR(LEN({letter}2)=4,AND(LEN({letter}2)=7,MID({letter}2,5,1)=\"-\"))",
                            allow_blank=True, showErrorMessage=True,
                            error="报告期填 YYYY 或 YYYY-MM" if lang == "zh" else "period: YYYY or YYYY-MM")
    elif prompt:
        dv = DataValidation(allow_blank=True)
    else:
        return
    dv.showInputMessage, dv.prompt, dv.promptTitle = bool(prompt), prompt, HEADERS[lang][col]
    dv.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(dv)


class _Lists:
    """The hidden sheet of the drop-down lists: one column per list, referenced by the data sheets."""

    def __init__(self, ws, bold) -> None:
        self.ws, self.bold, self.col = ws, bold, 0

    def add(self, title: str, values: list[str]) -> str:
        """Write one list in the next column; its absolute reference (``'lists'!$A$2:$A$n``)."""
        from openpyxl.utils import get_column_letter, quote_sheetname

        self.col += 1
        letter = get_column_letter(self.col)
        self.ws.cell(1, self.col, title).font = self.bold
        for r, v in enumerate(values, start=2):
            self.ws.cell(r, self.col, v)
        return f"{quote_sheetname(self.ws.title)}!${letter}$2:${letter}${max(2, len(values) + 1)}"


def _list_refs(spec: SheetSpec, lang: Lang, unit_table: dict[str, list[str]], lists: _Lists) -> dict[str, str]:
    """The drop-down lists of one data sheet (items, units and, for energy, the flows), written to ``lists``."""
    titles, headers = TITLES[lang], HEADERS[lang]
    items, unit_list = sheet_lists(spec, lang, unit_table)
    refs = {"item": lists.add(f"{titles[spec.key]}: {headers['item']}", items),
            "unit": lists.add(f"{titles[spec.key]}: {headers['unit']}", unit_list)}
    if "flow" in spec.columns:
        refs["flow"] = lists.add(headers["flow"], [FLOW_NAMES[lang][f] for f in FLOWS])
    return refs


def _list_rule(ws, col: str, letter: str, ref: str, lang: Lang, last: int) -> None:
    """A drop-down list on one column (a value not in the list is a warning: the reader checks it)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=True,
                        errorStyle="warning", errorTitle=HEADERS[lang][col],
                        error="不在列表中；carbonkit 读入时会校验" if lang == "zh" else
                        "not in the list; carbonkit checks it when reading")
    dv.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(dv)


def _data_sheet(ws, spec: SheetSpec, lang: Lang, refs: dict[str, str], rows: int, bold, head_fill) -> None:
    """The header row, column widths and text formats, and the list or number rules of one data sheet."""
    from openpyxl.utils import get_column_letter

    for c, col in enumerate(spec.columns, start=1):
        cell = ws.cell(1, c, HEADERS[lang][col])
        cell.font, cell.fill = bold, head_fill
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = 22 if col in ("enterprise", "name", "item") else 12
        if col in _TEXT:  # a column style: codes stay text (a credit code is not a number in E notation)
            ws.column_dimensions[letter].number_format = "@"
        if col in refs:
            _list_rule(ws, col, letter, refs[col], lang, rows + 1)
        else:
            _column_rules(ws, col, letter, lang, rows + 1)
    ws.freeze_panes = "A2"


def write_template(path, lang: Lang = "zh", *, units: str | Path | None = None, rows: int = TEMPLATE_ROWS) -> None:
    """Write the fill-in workbook to ``path`` (a file path or a binary stream).

    Parameters
    ----------
    path : str, Path or binary stream
        Where the .xlsx goes.
    lang : {"zh", "en"}
        The language of the sheet names, headers, lists and instructions.
    units : str or Path, optional
        A units table (``kind, unit, note``) for the drop-down lists; default ``factors/template_units.csv``.
    rows : int
        Data rows prepared with drop-down lists and text formats.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    if lang not in TITLES:
        raise InvalidInput(Problem("lang_unknown", f"'{lang}' is not a template language", field="lang", expected="zh or en"))
    unit_table = template_units(units)
    titles = TITLES[lang]
    book = Workbook()
    guide = book.active
    guide.title = titles["instructions"]
    lists_ws = book.create_sheet(titles["lists"])
    lists_ws.sheet_state = "hidden"
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    lists = _Lists(lists_ws, bold)
    for spec in SHEETS:
        ws = book.create_sheet(titles[spec.key])
        _data_sheet(ws, spec, lang, _list_refs(spec, lang, unit_table, lists), rows, bold, head_fill)
    _write_guide(guide, lang, bold)
    book.save(path)


def _write_guide(ws, lang: Lang, bold) -> None:
    lines = INSTRUCTIONS[lang]
    ws.cell(1, 1, lines[0]).font = bold
    for r, line in enumerate(lines[1:], start=2):
        ws.cell(r, 1, line)
    example_at = len(lines) + 2
    ws.cell(example_at, 1, "示例（能源表的一行）" if lang == "zh" else "Example (one row of the energy sheet)").font = bold
    energy = SHEETS[0].columns
    for c, col in enumerate(energy, start=1):
        ws.cell(example_at + 1, c, HEADERS[lang][col]).font = bold
        ws.cell(example_at + 2, c, EXAMPLE[lang][c - 1] if c - 1 < len(EXAMPLE[lang]) else None)
    start = example_at + 4
    for c, head in enumerate(ITEM_TABLE[lang], start=1):
        ws.cell(start, c, head).font = bold
    for r, it in enumerate(vocabulary().items, start=start + 1):
        unit = "" if it.unit == "dimensionless" else it.unit
        ws.cell(r, 1, it.name_zh if lang == "zh" else it.name_en)
        ws.cell(r, 2, it.item)
        ws.cell(r, 3, unit)
        ws.cell(r, 4, it.note)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 30


# --- results out ---

def column_unit(column: str) -> str | None:
    """The unit of a summary column, from the indicator catalog: ``co2_location_tco2`` -> ``tCO2``,
    ``energy_intensity_tce_per_10k_cny`` -> ``tce/10^4 CNY``, ``energy_per_product_tce`` -> ``tce/product unit``."""
    return unit_of(column)


def _summary_sheet(ws, summary: pd.DataFrame) -> list[str]:
    """The summary, the unit of each column in its header (``co2_location_tco2 [tCO2]``); its columns."""
    ws.title = "summary"
    columns = list(summary.columns)
    ws.append([f"{c} [{u}]" if (u := column_unit(c)) else c for c in columns])
    for values in zip(*(summary[c].tolist() for c in columns)):
        ws.append([cell_value(v) for v in values])
    return columns


def _factors_sheet(ws, frame: pd.DataFrame, warn) -> None:
    """The factors used, a row per factor with its source and status; an unverified factor's row filled ``warn``."""
    f_cols = list(frame.columns)
    ws.append(f_cols)
    status_at = f_cols.index("status") if "status" in f_cols else None
    for values in frame.itertuples(index=False):
        ws.append([cell_value(v) for v in values])
        if status_at is not None and values[status_at] == "unverified":
            for cell in ws[ws.max_row]:
                cell.fill = warn


def _about_sheet(ws, result) -> None:
    """The release, the options, the count of factors used and the unverified ones, a (key, value) row each."""
    shaky = [f.id for f in result.unverified_factors]
    for key, value in (("release", result.release), *((f"option: {k}", v) for k, v in result.options.model_dump().items()),
                       ("factors used", len(result.used)),
                       ("unverified factors", ", ".join(shaky) if shaky else "none")):
        ws.append([key, cell_value(value)])


def _export_xlsx(result, path: Path) -> None:
    """The workbook of :func:`export_results`: summary, factors, indicators and about sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    bold, warn = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    book = Workbook()
    summary = book.active
    columns = _summary_sheet(summary, result.summary)
    factors = book.create_sheet("factors")
    _factors_sheet(factors, result.factors, warn)
    _write_indicators(book.create_sheet("indicators"), columns)
    about = book.create_sheet("about")
    _about_sheet(about, result)
    for ws in (summary, factors, book["indicators"]):
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2"
    for cell in about["A"]:
        cell.font = bold
    book.save(path)


def export_results(result, path: str | Path) -> Path:
    """Write an :class:`~carbonkit.accounting.AccountingResult` to ``.xlsx`` (sheets: summary with the unit in
    each header, the factors used with their source and status, the release and options) or ``.csv`` (the
    summary; it carries the ``release`` and ``factor_ids`` columns)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_text(csv_text(result.summary), encoding="utf-8-sig", newline="")
        return path
    if suffix != ".xlsx":
        raise InvalidInput(Problem("format_unknown", f"{path.name}: cannot write '{suffix}' files", field="output",
                                   expected=".xlsx or .csv"))
    _export_xlsx(result, path)
    return path


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value):
    """A text that a spreadsheet would run as a formula (it starts with ``= + - @``, tab or CR) with a leading
    apostrophe, so it is shown as text (OWASP, CSV injection); any other value unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def formula_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell passed through :func:`formula_safe` (numbers untouched)."""
    out = frame.copy()
    for col in _text_columns(out):
        out[col] = out[col].astype(object).map(formula_safe)  # a categorical (factor_ids) as plain text
    out.columns = [formula_safe(c) for c in out.columns]
    return out


def _text_columns(frame: pd.DataFrame) -> list:
    """The columns that hold text: object, string and categorical columns."""
    return [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])
            or isinstance(frame[c].dtype, pd.CategoricalDtype)]


def csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV text, formula-safe (every CSV the project writes goes through here): the bytes of
    :func:`pandas_csv_text`, formatted a column at a time. Each distinct value of a column is formatted once
    (floats by ``repr``, as pandas writes float64; texts made formula-safe and quoted where they hold a comma, a
    quote or a line feed, as the csv module quotes them) and the rows are joined (a summary of 77,676 rows: 2.4-3.2x
    faster than ``to_csv``, benchmarks/bench_read.py --csv). A frame this does not cover (a text with a carriage
    return, a column of another dtype, one column, no rows, repeated or multi-level column names) goes to
    :func:`pandas_csv_text`.

    Parameters
    ----------
    frame : DataFrame
        The table to write.

    Returns
    -------
    str
        The CSV text, header line first, each line ended by a line feed.
    """
    plain = (len(frame) and len(frame.columns) > 1 and frame.columns.is_unique  # one column: csv quotes an empty cell
             and not isinstance(frame.columns, pd.MultiIndex))
    columns = [_csv_cells(frame[c]) for c in frame.columns] if plain else [None]
    if any(cells is None for cells in columns):
        return pandas_csv_text(frame)
    header = ",".join(_quoted(formula_safe(str(c))) if isinstance(c, str) else str(c) for c in frame.columns)
    return header + "\n" + "\n".join(map(",".join, zip(*columns))) + "\n"


def pandas_csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV text by pandas' ``to_csv``, formula-safe: what :func:`csv_text` writes. A text holding a
    carriage return is quoted (the writer would leave it bare, and a reader would start a new line there)."""
    safe = formula_safe_frame(frame)
    return safe.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC if _has_cr(safe) else csv.QUOTE_MINIMAL)


def _csv_cells(column: pd.Series) -> list[str] | None:
    """The column's cells as :func:`pandas_csv_text` writes them, or None where this formatting does not cover it."""
    dtype = column.dtype
    if dtype == np.float64:
        codes, bits = pd.factorize(column.to_numpy().view(np.int64))  # by bits: 0.0 and -0.0 apart
        floats = bits.view(np.float64)
        texts = list(map(float.__repr__, floats.tolist()))
        for i in np.flatnonzero(np.isnan(floats)).tolist():
            texts[i] = ""  # NaN: an empty cell
        return _cells(codes, texts)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return column.to_numpy().astype(str).tolist()
    if isinstance(dtype, pd.Int64Dtype):
        codes, values = pd.factorize(column.astype(object), use_na_sentinel=True)
        return _cells(codes, [str(v) for v in values])
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        codes, distinct = pd.factorize(column, use_na_sentinel=True)
        if not all(isinstance(v, str) and "\r" not in v for v in distinct):
            return None  # numbers or other objects in a text column (left to pandas), or a CR (every text quoted)
        return _cells(codes, [_quoted(formula_safe(v)) for v in distinct])
    return None


def _cells(codes: np.ndarray, texts: list[str]) -> list[str]:
    """The text of each row's code (-1: missing, written empty)."""
    cells: list[str] = np.array([*texts, ""], dtype=object)[codes].tolist()
    return cells


def _quoted(text: str) -> str:
    """A field as the csv module writes it (QUOTE_MINIMAL, line feed ending a line): quoted where it holds the
    delimiter, the quote (doubled) or a line feed."""
    return '"' + text.replace('"', '""') + '"' if ("," in text or '"' in text or "\n" in text) else text


def _has_cr(frame: pd.DataFrame) -> bool:
    return any(frame[c].astype(object).map(lambda v: isinstance(v, str) and "\r" in v).any()
               for c in _text_columns(frame))


def _write_indicators(ws, columns: list[str]) -> None:
    """The catalog entries of the summary's columns: column, 中文名称, English name, unit, aggregation."""
    ws.append(["column", "名称", "name", "unit", "aggregate", "numerator", "denominator"])
    table = catalog()
    for c in columns:
        if c in table:
            e = table[c]
            ws.append([c, e.name_zh, e.name_en, e.unit, e.aggregate, e.numerator or None, e.denominator or None])


def cell_value(value):
    """A value openpyxl can store: NaN and None as an empty cell, numpy scalars as Python numbers, a text that
    would run as a formula neutralised (:func:`formula_safe`)."""
    if isinstance(value, str):
        return formula_safe(value)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, (list, tuple, dict)):
        return str(value)
    return value
