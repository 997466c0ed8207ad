"""Activity documents: the JSON form of an enterprise-period's activity data (the models the service and the
library read), and its conversion to and from the long table (one row per enterprise, period and item).

:mod:`carbonkit.activity` validates the long table into arrays; this module only shapes it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from carbonkit.errors import InvalidInput, Problem
from carbonkit.identity import parse_period
from carbonkit.schema import text_dtype

REQUIRED = ("enterprise", "period", "item", "amount", "unit")
OPTIONAL = ("flow", "enthalpy", "region", "industry", "park", "name", "row", "path")
MEASURED = ("ncv", "ncv_unit", "carbon_content", "carbon_content_unit", "factor_source")  # see carbonkit.measured
SMALL_ROWS = 256  # up to this many rows, texts are coded in Python (pandas' fixed costs dominate)
Index = npt.NDArray[np.integer[Any]]  # row positions

NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"  # no NUL or other control characters
# strings of at most N characters without control characters (Text64: at most 64), for the document models
Text7 = Annotated[str, StringConstraints(max_length=7, pattern=NO_CONTROL)]
Text10 = Annotated[str, StringConstraints(max_length=10, pattern=NO_CONTROL)]
Text12 = Annotated[str, StringConstraints(max_length=12, pattern=NO_CONTROL)]
Text16 = Annotated[str, StringConstraints(max_length=16, pattern=NO_CONTROL)]
Text32 = Annotated[str, StringConstraints(max_length=32, pattern=NO_CONTROL)]
Text64 = Annotated[str, StringConstraints(max_length=64, pattern=NO_CONTROL)]
Text100 = Annotated[str, StringConstraints(max_length=100, pattern=NO_CONTROL)]
Text200 = Annotated[str, StringConstraints(max_length=200, pattern=NO_CONTROL)]
Text300 = Annotated[str, StringConstraints(max_length=300, pattern=NO_CONTROL)]


MAX_AMOUNT = 1e15  # in the item's canonical unit (t, m3, kWh, MJ, 10^4 CNY): beyond any enterprise's year


class ItemIn(BaseModel):
    """One activity of a document: an item, its amount and unit."""

    model_config = ConfigDict(extra="forbid")
    item: Text100 = Field(description="item id or alias (原煤, electricity, 自来水, 工业增加值 ...)")
    amount: float = Field(description="amount in `unit`; finite and not negative")
    unit: Text64 = Field("", description="unit as on the meter or invoice: t, MWh, 万千瓦时, 万立方米, 万元 ...")
    flow: Text32 | None = Field(None, description="consumption (default), feedstock (原料用能) or export")
    enthalpy: float | None = Field(None, description="steam enthalpy [kJ/kg]; steam rows only")
    ncv: float | None = Field(None, description="measured net calorific value of a fuel (GB/T 2589 ch. 8), in `ncv_unit`")
    ncv_unit: Text32 | None = Field(None, description="unit of `ncv`, e.g. GJ/t, kJ/kg, MJ/m3, kcal/kg")
    carbon_content: float | None = Field(None, description="measured carbon content per unit of heat, in "
                                         "`carbon_content_unit`")
    carbon_content_unit: Text32 | None = Field(None, description="unit of `carbon_content`, e.g. tC/TJ")
    factor_source: Text300 | None = Field(None, description="source of the measured values (laboratory "
                                                "report, number, date); required with them")


class EnterprisePeriod(BaseModel):
    """One enterprise and one period with its activities: the JSON document form of the long table."""

    model_config = ConfigDict(extra="forbid")
    enterprise: Text64 = Field(min_length=1, description="enterprise id (unified social credit code)")
    period: Text10 = Field(description="'YYYY' or 'YYYY-MM' (2023-5, 2023/05, 202305, 2023年5月 are read "
                                             "and stored as 2023-05)")
    name: Text200 | None = None
    region: Text12 | None = Field(None, description="6-digit administrative code, 2-digit province code or CN")
    industry: Text16 | None = Field(None, description="GB/T 4754 code, e.g. C2911")
    park: Text64 | None = Field(None, description="id of the industrial park the enterprise belongs to")
    items: list[ItemIn] = Field(min_length=1)

    @field_validator("period")
    @classmethod
    def _canonical_period(cls, value: str) -> str:
        """The canonical period; a value that is no period stays as given and validation names it."""
        return parse_period(value) or value


def validation_problems(exc: ValidationError, prefix: str = "", *, index: int | None = None,
                        row_of: Callable[[tuple[int | str, ...]], int | None] | None = None,
                        **context: str | None) -> list[Problem]:
    """pydantic's errors as Problems: the JSON path (after ``prefix``), the field, ``<field>_missing`` for an
    absent field. ``index`` is the document's place in a list (else the first int of the path); ``row_of``
    maps an error location to a data row.

    Parameters
    ----------
    exc : ValidationError
        pydantic's error.
    prefix : str
        The path of the validated value in the input, e.g. '[3]'.
    index : int, optional
        The document's place in a list.
    row_of : callable, optional
        Maps an error location to a data row.
    **context
        ``enterprise`` and ``period`` for every problem.

    Returns
    -------
    list of Problem
    """
    problems = []
    for err in exc.errors():
        loc = err["loc"]
        path = prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)
        field = str(loc[-1]) if loc and not isinstance(loc[-1], int) else None
        code = f"{field}_missing" if err["type"] == "missing" and field else "document_invalid"
        at = index if index is not None else (loc[0] if loc and isinstance(loc[0], int) else None)
        problems.append(Problem(code, err["msg"], field=field, path=path or None, index=at,
                                row=row_of(loc) if row_of else None, **context))
    return problems


def documents_to_frame(documents: list[dict[str, Any] | EnterprisePeriod]) -> pd.DataFrame:
    """Flatten documents into the long table; ``path`` keeps each row's place, e.g. '[0].items[2]'.

    Parameters
    ----------
    documents : list of dict or EnterprisePeriod
        One document per enterprise and period, its ``items`` the activities (amounts in their ``unit``).

    Returns
    -------
    DataFrame
        The long table: one row per item, ``row`` numbering the items across documents (1, 2, ...).

    Raises
    ------
    InvalidInput
        Every problem of every document, with its JSON path and data row.
    """
    table = document_table(documents)
    return table.frame if isinstance(table, Columns) else table


class Columns:
    """The long table of a few documents as columns: texts as object arrays (None where missing), numbers as
    float64 (NaN), a column of nothing but None as objects, ``row`` as int64. What :func:`documents_to_frame`
    returns is built from them on first use of :attr:`frame` only: validating and accounting one report reads
    the columns (:func:`carbonkit.activity.validate`), and building and reading a frame of 13 rows costs
    about as much as accounting them (issue 19).
    """

    def __init__(self, arrays: dict[str, Any], texts: list[str]):
        self.arrays, self.texts = arrays, texts
        self._frame: pd.DataFrame | None = None

    def __len__(self) -> int:
        return len(self.arrays["row"])

    @property
    def measured(self) -> bool:
        """Some row gives a measured value's column (:data:`MEASURED`, read by :mod:`carbonkit.measured`)."""
        return any(c in self.arrays for c in MEASURED)

    @property
    def columns(self) -> list[str]:
        """The column names, in the frame's order."""
        return list(self.arrays)

    @property
    def frame(self) -> pd.DataFrame:
        """The long table as :func:`documents_to_frame` gives it: texts in the string dtype, one block a column."""
        if self._frame is None:
            out = dict(self.arrays)
            if self.texts:
                n = len(self)
                text = text_dtype()
                strings = pd.array(np.concatenate([self.arrays[col] for col in self.texts]), dtype=text)
                for k, col in enumerate(self.texts):
                    out[col] = strings[k * n:(k + 1) * n]
            self._frame = _frame_of(out)
        return self._frame


def document_table(documents: list[dict[str, Any] | EnterprisePeriod]) -> pd.DataFrame | Columns:
    """Documents as the long table: :class:`Columns` for a few rows (up to :data:`SMALL_ROWS`), else a frame.

    Parameters
    ----------
    documents : list of dict or EnterprisePeriod
        One document per enterprise and period.

    Returns
    -------
    Columns or DataFrame
        The rows of :func:`documents_to_frame`, the same values and types.

    Raises
    ------
    InvalidInput
        Every problem of every document, with its JSON path and data row.
    """
    models = _document_models(documents)
    n = sum(len(doc.items) for doc in models)
    typed = _typed(_document_columns(models)) if 0 < n <= SMALL_ROWS and text_dtype() is not None else None
    if typed is not None:
        arrays, texts = typed
        arrays["row"] = np.arange(1, n + 1)
        return Columns(arrays, texts)
    rows = _document_rows(models)
    measured = [c for c in MEASURED if any(c in r for r in rows)]
    columns = [*REQUIRED, *OPTIONAL[:-2], "path", *measured]
    frame = pd.DataFrame(rows, columns=columns)
    frame["row"] = np.arange(1, len(frame) + 1)
    return frame


def _frame_of(columns: dict[str, Any]) -> pd.DataFrame:
    """``pd.DataFrame(columns)`` of arrays typed already, one block per column: no inference, no consolidation."""
    try:
        from pandas.api.internals import create_dataframe_from_blocks
    except ImportError:  # pandas < 3
        return pd.DataFrame(columns)
    n = len(next(iter(columns.values())))
    blocks = [(values.reshape(1, n) if isinstance(values, np.ndarray) else values, np.array([j]))
              for j, values in enumerate(columns.values())]
    frame: pd.DataFrame = create_dataframe_from_blocks(blocks, index=pd.RangeIndex(n), columns=pd.Index(list(columns)))
    return frame


def _typed(columns: dict[str, list[Any]]) -> tuple[dict[str, Any], list[str]] | None:
    """The columns of a few documents (:func:`_document_columns`) as ``pd.DataFrame(rows, columns=columns)`` types
    them, built at once, and the names of the text columns (:class:`Columns`).

    The documents' fields are texts, floats or missing, which pandas infers column by column (about 0.1 ms a
    column, 1 ms for one report): texts (with None) stay objects here and become the string dtype in
    :attr:`Columns.frame`, one array for all text columns, sliced; floats (with None) float64 with NaN; a column of
    None stays objects. Returns None for anything else: the caller then lets pandas infer, as it does for more
    than :data:`SMALL_ROWS` rows (faster there: 232 k rows, 2.6 s against 3.1 s with the documents' validation). A
    property test (tests/carbonkit/test_document_frames.py) holds both ways equal.
    """
    out: dict[str, Any] = {}
    texts: list[str] = []
    for col, values in columns.items():
        kinds = {type(v) for v in values}
        if kinds <= {str, type(None)} and str in kinds:
            texts.append(col)
            out[col] = np.array(values, dtype=object)
        elif kinds <= {float, type(None)} and float in kinds:
            out[col] = np.array(values, dtype=np.float64)  # None as NaN
        elif kinds == {type(None)}:
            out[col] = np.array(values, dtype=object)
        else:
            return None
    return out, texts


def _document_models(documents: list[dict[str, Any] | EnterprisePeriod]) -> list[EnterprisePeriod]:
    """Each document validated; every problem of every document raised together."""
    problems: list[Problem] = []
    models: list[EnterprisePeriod] = []
    rows_before = 0  # data rows of the documents before this one: rows number items across documents
    for i, doc in enumerate(documents):
        if isinstance(doc, EnterprisePeriod):
            models.append(doc)
            rows_before += len(doc.items)
            continue
        items = doc.get("items") if isinstance(doc, dict) else None
        try:
            models.append(EnterprisePeriod.model_validate(doc))
        except ValidationError as exc:
            context = {k: str(doc.get(k)) if isinstance(doc, dict) else None for k in ("enterprise", "period")}
            problems += validation_problems(exc, f"[{i}]", index=i, **context, row_of=_item_rows(rows_before))
        rows_before += len(items) if isinstance(items, list) else 0
    if problems:
        raise InvalidInput(problems)
    return models


def _document_rows(models: list[EnterprisePeriod]) -> list[dict[str, Any]]:
    """One record per item, with its document's head and its ``path``."""
    rows = []
    for i, doc in enumerate(models):
        head = {"enterprise": doc.enterprise, "period": doc.period, "region": doc.region, "industry": doc.industry,
                "park": doc.park, "name": doc.name}
        for j, it in enumerate(doc.items):
            rows.append({**head, "item": it.item, "amount": it.amount, "unit": it.unit, "flow": it.flow,
                         "enthalpy": it.enthalpy, "path": f"[{i}].items[{j}]",
                         **{c: getattr(it, c) for c in MEASURED if getattr(it, c) is not None}})
    return rows


def _document_columns(models: list[EnterprisePeriod]) -> dict[str, list[Any]]:
    """The columns of :func:`_document_rows` (in the frame's order, :data:`MEASURED` only where given), read off
    the models column by column instead of through a dict per item."""
    heads = [(doc, it) for doc in models for it in doc.items]
    columns: dict[str, list[Any]] = {c: [getattr(doc, c) for doc, _ in heads] for c in ("enterprise", "period")}
    for c in ("item", "amount", "unit", "flow", "enthalpy"):
        columns[c] = [getattr(it, c) for _, it in heads]
    for c in ("region", "industry", "park", "name"):
        columns[c] = [getattr(doc, c) for doc, _ in heads]
    columns["path"] = [f"[{i}].items[{j}]" for i, doc in enumerate(models) for j in range(len(doc.items))]
    for c in MEASURED:
        values = [getattr(it, c) for _, it in heads]
        if any(v is not None for v in values):
            columns[c] = values
    return {c: columns[c] for c in (*REQUIRED, *OPTIONAL[:-2], "path", *(m for m in MEASURED if m in columns))}


def _item_rows(rows_before: int) -> Callable[[tuple[int | str, ...]], int | None]:
    """Maps an error location in a document to its data row: ``items[j]`` is row ``rows_before + j + 1``."""
    def row_of(loc: tuple[int | str, ...]) -> int | None:
        if len(loc) > 1 and loc[0] == "items" and isinstance(loc[1], int):
            return rows_before + loc[1] + 1
        return None
    return row_of


def frame_to_documents(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The long table as JSON documents, one per (enterprise, period), in order of first appearance.

    Parameters
    ----------
    frame : DataFrame
        The long table (amounts in their ``unit``).

    Returns
    -------
    list of dict
        One document per (enterprise, period) with its ``items``.
    """
    head_cols = [c for c in ("region", "industry", "park", "name") if c in frame.columns]
    item_cols = [c for c in ("item", "amount", "unit", "flow", "enthalpy", *MEASURED) if c in frame.columns]
    docs: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in frame.to_dict("records"):
        key = (str(rec["enterprise"]).strip(), str(rec["period"]).strip())
        doc = docs.get(key)
        if doc is None:
            doc = docs[key] = {"enterprise": key[0], "period": key[1], "items": []}
        for c in head_cols:
            if c not in doc and _present(rec.get(c)):
                doc[c] = str(rec[c]).strip()
        doc["items"].append({c: (float(rec[c]) if c in ("amount", "enthalpy", "ncv", "carbon_content")
                                 else str(rec[c]).strip())
                             for c in item_cols if _present(rec.get(c))})
    return list(docs.values())


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and str(value).strip() != ""
