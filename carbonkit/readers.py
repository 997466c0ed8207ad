"""Readers of external formats into the long activity table. All of them live here.

Source column names map to canonical names through one explicit table, :data:`COLUMNS`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from carbonkit.activity import documents_to_frame
from carbonkit.errors import InvalidInput, Problem
from carbonkit.vocabulary import normalise_name

# canonical column -> the headers users write (Chinese and English; matched after normalise_name)
COLUMNS: dict[str, tuple[str, ...]] = {
    "enterprise": ("enterprise", "enterprise_id", "统一社会信用代码", "企业", "企业代码", "企业编号", "credit_code"),
    "name": ("name", "enterprise_name", "企业名称", "名称"),
    "period": ("period", "year", "期间", "年份", "统计期", "报告期"),
    "item": ("item", "carrier", "能源品种", "品种", "项目", "指标"),
    "amount": ("amount", "quantity", "value", "数量", "消费量", "数值", "实物量"),
    "unit": ("unit", "计量单位", "单位"),
    "flow": ("flow", "use", "用途", "流向"),
    "enthalpy": ("enthalpy", "enthalpy_kj_per_kg", "焓值", "蒸汽焓值"),
    "region": ("region", "region_code", "行政区划代码", "地区", "地区代码"),
    "industry": ("industry", "industry_code", "行业代码", "行业"),
    "park": ("park", "park_id", "园区", "园区代码"),
}
_LOOKUP = {normalise_name(alias): canon for canon, aliases in COLUMNS.items() for alias in aliases}
_TEXT_COLUMNS = ("enterprise", "name", "period", "item", "unit", "flow", "region", "industry", "park")


def canonical_columns(frame: pd.DataFrame, source: str = "input") -> pd.DataFrame:
    """Rename known headers to canonical names; refuse a header that maps twice."""
    mapping: dict[str, str] = {}
    problems = []
    for col in frame.columns:
        canon = _LOOKUP.get(normalise_name(col))
        if canon is None:
            continue
        if canon in mapping.values():
            problems.append(Problem("column_duplicate", f"{source}: columns '{col}' and another both mean '{canon}'", field=col))
        mapping[col] = canon
    if problems:
        raise InvalidInput(problems)
    return frame.rename(columns=mapping)


def read_csv(source) -> pd.DataFrame:
    """The long table from a CSV file or text stream (UTF-8, with or without BOM). ``row`` is the line number."""
    name = Path(source).name if isinstance(source, (str, Path)) else "CSV"
    try:
        frame = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InvalidInput(Problem("csv_invalid", f"{name}: not a readable CSV table: {exc}")) from None
    frame = canonical_columns(frame, name)
    for col in frame.columns:
        if col in _TEXT_COLUMNS:
            frame[col] = frame[col].str.strip()
    frame["row"] = np.arange(2, len(frame) + 2)  # header is line 1
    return frame


def read_json(path: str | Path) -> pd.DataFrame:
    """The long table from a JSON document, a JSON list of documents, or JSON lines (.jsonl)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    try:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            docs = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
            docs = data if isinstance(data, list) else [data]
    except json.JSONDecodeError as exc:
        raise InvalidInput(Problem("json_invalid", f"{path.name}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                                   row=exc.lineno)) from None
    return documents_to_frame(docs)


def read_activities(path: str | Path) -> pd.DataFrame:
    """The long activity table from a .csv, .json or .jsonl file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    if suffix in (".json", ".jsonl", ".ndjson"):
        return read_json(path)
    raise InvalidInput(Problem("format_unknown", f"{path.name}: cannot read '{suffix}' files", field="path",
                               expected=".csv, .json or .jsonl"))
