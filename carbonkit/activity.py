"""Activity data: the long table (one row per enterprise, period and item), its JSON document form,
and its validation into arrays.

Validation is vectorised: each distinct item name, unit, flow, period and region is resolved once and
mapped back onto the rows. Every problem found is collected with its row, enterprise, period and field,
and the batch is refused whole.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from carbonkit.codes import (categories_are_labels, item_flow_cells, item_unit_pairs, label_codes_small, rank_groups,
                             repeated_cells)
from carbonkit.errors import InvalidInput, MissingFactor, Problem, UnitMismatch, UnknownItem
from carbonkit.identity import ID_FLOAT_HINT, PERIOD_EXPECTED, canonical_labels, float_ids, parse_period
from carbonkit.units import multiplier
from carbonkit.vocabulary import FLOWS, Vocabulary, flow_of, vocabulary

REQUIRED = ("enterprise", "period", "item", "amount", "unit")
OPTIONAL = ("flow", "enthalpy", "region", "industry", "park", "name", "row", "path")
MEASURED = ("ncv", "ncv_unit", "carbon_content", "carbon_content_unit", "factor_source")  # see carbonkit.measured
MAX_PROBLEMS = 10_000

_PERIOD = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


def _bounded(max_length: int):
    """A string of at most ``max_length`` characters without NUL or other control characters."""
    return Annotated[str, StringConstraints(max_length=max_length, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$")]


MAX_AMOUNT = 1e15  # in the item's canonical unit (t, m3, kWh, MJ, 10^4 CNY): beyond any enterprise's year


class ItemIn(BaseModel):
    """One activity of a document: an item, its amount and unit."""

    model_config = ConfigDict(extra="forbid")
    item: _bounded(100) = Field(description="item id or alias (原煤, electricity, 自来水, 工业增加值 ...)")
    amount: float = Field(description="amount in `unit`; finite and not negative")
    unit: _bounded(64) = Field("", description="unit as on the meter or invoice: t, MWh, 万千瓦时, 万立方米, 万元 ...")
    flow: _bounded(32) | None = Field(None, description="consumption (default), feedstock (原料用能) or export")
    enthalpy: float | None = Field(None, description="steam enthalpy [kJ/kg]; steam rows only")
    ncv: float | None = Field(None, description="measured net calorific value of a fuel (GB/T 2589 ch. 8), in `ncv_unit`")
    ncv_unit: _bounded(32) | None = Field(None, description="unit of `ncv`, e.g. GJ/t, kJ/kg, MJ/m3, kcal/kg")
    carbon_content: float | None = Field(None, description="measured carbon content per unit of heat, in "
                                         "`carbon_content_unit`")
    carbon_content_unit: _bounded(32) | None = Field(None, description="unit of `carbon_content`, e.g. tC/TJ")
    factor_source: _bounded(300) | None = Field(None, description="source of the measured values (laboratory "
                                                "report, number, date); required with them")


class EnterprisePeriod(BaseModel):
    """One enterprise and one period with its activities: the JSON document form of the long table."""

    model_config = ConfigDict(extra="forbid")
    enterprise: _bounded(64) = Field(min_length=1, description="enterprise id (unified social credit code)")
    period: _bounded(10) = Field(description="'YYYY' or 'YYYY-MM' (2023-5, 2023/05, 202305, 2023年5月 are read "
                                             "and stored as 2023-05)")
    name: _bounded(200) | None = None
    region: _bounded(12) | None = Field(None, description="6-digit administrative code, 2-digit province code or CN")
    industry: _bounded(16) | None = Field(None, description="GB/T 4754 code, e.g. C2911")
    park: _bounded(64) | None = Field(None, description="id of the industrial park the enterprise belongs to")
    items: list[ItemIn] = Field(min_length=1)

    @field_validator("period")
    @classmethod
    def _canonical_period(cls, value: str) -> str:
        """The canonical period; a value that is no period stays as given and validation names it."""
        return parse_period(value) or value


def validation_problems(exc: ValidationError, prefix: str = "", *, index: int | None = None, row_of=None,
                        **context) -> list[Problem]:
    """pydantic's errors as Problems: the JSON path (after ``prefix``), the field, ``<field>_missing`` for an
    absent field. ``index`` is the document's place in a list (else the first int of the path); ``row_of``
    maps an error location to a data row."""
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


def documents_to_frame(documents: list[dict | EnterprisePeriod]) -> pd.DataFrame:
    """Flatten documents into the long table; ``path`` keeps each row's place, e.g. '[0].items[2]'."""
    problems: list[Problem] = []
    models: list[EnterprisePeriod] = []
    rows_before = 0  # data rows of the documents before this one: rows number items across documents
    for i, doc in enumerate(documents):
        items = doc.items if isinstance(doc, EnterprisePeriod) else (doc.get("items") if isinstance(doc, dict) else None)
        n_items = len(items) if isinstance(items, list) else 0
        if isinstance(doc, EnterprisePeriod):
            models.append(doc)
            rows_before += n_items
            continue
        try:
            models.append(EnterprisePeriod.model_validate(doc))
        except ValidationError as exc:
            first = rows_before
            context = {k: str(doc.get(k)) if isinstance(doc, dict) else None for k in ("enterprise", "period")}
            problems += validation_problems(
                exc, f"[{i}]", index=i, **context,
                row_of=lambda loc: first + loc[1] + 1 if len(loc) > 1 and loc[0] == "items" and isinstance(loc[1], int) else None)
        rows_before += n_items
    if problems:
        raise InvalidInput(problems)
    rows = []
    for i, doc in enumerate(models):
        head = {"enterprise": doc.enterprise, "period": doc.period, "region": doc.region, "industry": doc.industry,
                "park": doc.park, "name": doc.name}
        for j, it in enumerate(doc.items):
            rows.append({**head, "item": it.item, "amount": it.amount, "unit": it.unit, "flow": it.flow,
                         "enthalpy": it.enthalpy, "path": f"[{i}].items[{j}]",
                         **{c: getattr(it, c) for c in MEASURED if getattr(it, c) is not None}})
    measured = [c for c in MEASURED if any(c in r for r in rows)]
    frame = pd.DataFrame(rows, columns=[*REQUIRED, *OPTIONAL[:-2], "path", *measured])
    frame["row"] = np.arange(1, len(frame) + 1)
    return frame


def frame_to_documents(frame: pd.DataFrame) -> list[dict]:
    """The long table as JSON documents, one per (enterprise, period), in order of first appearance."""
    head_cols = [c for c in ("region", "industry", "park", "name") if c in frame.columns]
    item_cols = [c for c in ("item", "amount", "unit", "flow", "enthalpy", *MEASURED) if c in frame.columns]
    docs: dict[tuple[str, str], dict] = {}
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


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and str(value).strip() != ""


@dataclass
class Activities:
    """A validated batch: per-row arrays and the per-group (enterprise, period) table."""

    group: np.ndarray  # group index of each row
    item: np.ndarray  # index into vocabulary().items
    flow: np.ndarray  # index into FLOWS
    amount: np.ndarray  # in the item's canonical unit
    enthalpy: np.ndarray  # kJ/kg, NaN where not given
    unit_code: np.ndarray  # index into ``units``
    units: list[str]
    rows: np.ndarray  # row numbers for messages
    groups: pd.DataFrame  # enterprise, period, year, month, region, province, industry, park, name
    first_row: np.ndarray  # first input row of each group

    @property
    def n_groups(self) -> int:
        return len(self.groups)


def _codes(series: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes (-1 for missing) and the distinct values, resolving each distinct value once."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), list(series.cat.categories)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, list(uniques)


SMALL_ROWS = 256  # up to this many rows, texts are coded in Python (pandas' fixed costs dominate)


def _labels(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes over the distinct trimmed texts, sorted; -1 where the value is missing or blank."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        if categories_are_labels(series.cat.categories):
            return series.cat.codes.to_numpy(), list(series.cat.categories)  # already what the remapping gives
    elif len(series) <= SMALL_ROWS:
        return label_codes_small(series.tolist())
    codes, uniques = _codes(series)
    labels = np.array([str(u).strip() for u in uniques] + [""], dtype=object)
    lab_codes, lab_uniques = pd.factorize(labels, sort=True)
    blank = np.flatnonzero(lab_uniques == "")
    remap = lab_codes.astype(np.int32)  # row codes in 4 bytes (an index into the distinct values)
    if len(blank):
        remap = np.where(remap == blank[0], -1, remap - (remap > blank[0]))
        lab_uniques = np.delete(lab_uniques, blank[0])
    return remap[codes], [str(x) for x in lab_uniques]






class Collector:
    """Collects problems with the context of their rows."""

    def __init__(self, frame: pd.DataFrame, rows: np.ndarray):
        self.frame = frame
        self.rows = rows
        self.problems: list[Problem] = []
        self.kinds: set[type] = set()
        self.paths = frame["path"].to_numpy() if "path" in frame.columns else None
        self.sheets = frame["sheet"].to_numpy() if "sheet" in frame.columns else None  # workbook sheet of each row

    def add(self, mask_or_index, code: str, field: str, message, expected: str | None = None, kind=InvalidInput):
        index = np.flatnonzero(mask_or_index) if np.asarray(mask_or_index).dtype == bool else np.asarray(mask_or_index)
        if len(index) == 0:
            return
        self.kinds.add(kind)
        ent = self.frame["enterprise"].to_numpy()
        per = self.frame["period"].to_numpy()
        for i in index[: max(0, MAX_PROBLEMS - len(self.problems))]:
            text = message(i) if callable(message) else message
            path = f"{self.paths[i]}.{field}" if self.paths is not None and isinstance(self.paths[i], str) else None
            index = int(path[1:path.index("]")]) if path and path.startswith("[") else None
            self.problems.append(Problem(code, text, field=field, row=int(self.rows[i]), enterprise=_text(ent[i]),
                                         period=_text(per[i]), expected=expected, path=path, index=index,
                                         sheet=_text(self.sheets[i]) if self.sheets is not None else None))

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        kind = self.kinds.pop() if len(self.kinds) == 1 else InvalidInput
        raise kind(self.problems)


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def validate(frame: pd.DataFrame, vocab: Vocabulary | None = None, *, raise_now: bool = True):
    """Check the long table and resolve it into arrays. Raises :class:`InvalidInput` with every problem.

    With ``raise_now=False`` returns ``(activities, collector)`` so the caller can add the problems it
    finds later (missing factors) and report all of them at once.
    """
    vocab = vocab or vocabulary()
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InvalidInput([Problem("column_missing", f"the table has no column '{c}'", field=c,
                                    expected="columns " + ", ".join(REQUIRED)) for c in missing])
    n = len(frame)
    rows = frame["row"].to_numpy(np.int64) if "row" in frame.columns else np.arange(1, n + 1, dtype=np.int32 if n < 2**31 - 1 else np.int64)
    out = Collector(frame, rows)

    ent_codes, ent_names = _labels(frame["enterprise"])
    per_codes, per_names = canonical_labels(*_labels(frame["period"]))
    item_codes, item_names = _labels(frame["item"])
    for col, codes in (("enterprise", ent_codes), ("period", per_codes), ("item", item_codes)):
        out.add(codes < 0, f"{col}_missing", col, f"no {col} given")
    float_id = np.append(float_ids(ent_names), False)
    out.add(float_id[ent_codes], "enterprise_id_number", "enterprise",
            lambda i: f"'{frame['enterprise'].iat[i]}': {ID_FLOAT_HINT}", "the id as text, e.g. 91370211473270545N")

    # items: each distinct name resolved once
    resolved = [vocab.resolve(str(name)) for name in item_names]
    item_map = np.array([vocab.index[r.item] if r else -1 for r in resolved] + [-1], dtype=np.int64)
    item = item_map[item_codes]
    unknown = (item < 0) & (item_codes >= 0)

    def _unknown_message(i: int) -> str:
        name = frame["item"].iat[i]
        hints = vocab.suggest(str(name))
        return f"'{name}' is not a known item" + (f"; did you mean {', '.join(hints)}?" if hints else "")

    out.add(unknown, "item_unknown", "item", _unknown_message, "an item id or name from factors/items.csv",
            kind=UnknownItem)
    del item_codes, unknown

    # flows
    if "flow" in frame.columns:
        flow_codes, flow_names = _labels(frame["flow"])
        flow_map = np.array([FLOWS.index(f) if (f := flow_of(name)) else -1 for name in flow_names] + [0], dtype=np.int8)
        flow = flow_map[flow_codes]
        out.add(flow < 0, "flow_unknown", "flow", lambda i: f"'{frame['flow'].iat[i]}' is not a flow",
                "consumption, feedstock or export (消费, 原料用能, 外销)")
        flow = np.where(flow < 0, 0, flow)
        del flow_codes
    else:
        flow = np.zeros(n, dtype=np.int8)
    consumption_only = np.array([it.kind in ("water", "economic") for it in vocab.items] + [False])
    steam_item = np.array([it.kind == "steam" for it in vocab.items] + [False])
    only_consumption = consumption_only[item] & (flow != 0)
    out.add(only_consumption, "flow_not_allowed", "flow",
            lambda i: f"{vocab.items[item[i]].label} is counted as used; flow '{FLOWS[flow[i]]}' does not apply",
            "consumption (or leave the flow empty)")

    # units: each distinct (item, unit) pair converted once
    unit_codes, unit_names = _labels(frame["unit"])
    pairs, pair_inv = item_unit_pairs(item, unit_codes, len(vocab), len(unit_names))
    pair_factor = np.full(len(pairs), np.nan)
    pair_problem: dict[int, Problem] = {}
    for k, key in enumerate(pairs):
        it_idx, u_idx = divmod(int(key), len(unit_names) + 1)
        if it_idx >= len(vocab):
            continue
        it = vocab.items[it_idx]
        unit = unit_names[u_idx].strip() if u_idx < len(unit_names) else ""
        if it.unit == "any":
            pair_factor[k] = 1.0
            continue
        if it.unit == "dimensionless" and unit in ("", "1", "-"):
            pair_factor[k] = 1.0
            continue
        try:
            pair_factor[k] = multiplier(unit, "dimensionless" if it.unit == "dimensionless" else it.unit)
        except UnitMismatch as exc:
            p = exc.problems[0]
            msg = (f"'{unit}' is not a unit of {it.label}, which is measured in units like {it.unit}"
                   if p.code == "unit_dimension" else p.message)
            pair_problem[k] = Problem(p.code, msg, expected=f"a unit convertible to {it.unit}")
    if pair_problem:
        for k, p in pair_problem.items():
            out.add(pair_inv == k, p.code, "unit", p.message, p.expected, kind=UnitMismatch)
    factor = pair_factor[pair_inv]
    del pair_inv

    # amounts
    raw_amount = frame["amount"]
    amount = pd.to_numeric(raw_amount, errors="coerce").to_numpy(np.float64, na_value=np.nan)
    missing_amount = np.isnan(amount) & ~np.isinf(amount)
    out.add(missing_amount, "amount_missing", "amount", lambda i: f"'{raw_amount.iat[i]}' is not a number",
            "a finite number")
    out.add(np.isinf(amount), "amount_nonfinite", "amount", "the amount is infinite", "a finite number")
    with np.errstate(over="ignore", invalid="ignore"):
        converted = amount * factor  # in the item's canonical unit; rows not usable are set to 0 below
        too_large = np.isfinite(amount) & np.isfinite(factor) & ((converted > MAX_AMOUNT) | (converted < -MAX_AMOUNT))
    out.add(too_large, "amount_out_of_range", "amount", lambda i, amount=amount: f"{amount[i]:g} {frame['unit'].iat[i]} is beyond any enterprise",
            f"at most {MAX_AMOUNT:g} in the item's unit (t, m3, kWh, MJ, 万元)")
    out.add((amount < 0) & np.isfinite(amount), "amount_negative", "amount", lambda i, amount=amount: f"{amount[i]} is negative",
            "an amount of 0 or more; give energy sold or sent out as a positive amount with flow 'export'")
    resolved_unit = np.isfinite(factor)
    usable = resolved_unit & np.isfinite(amount) & (amount >= 0) & ~too_large
    del factor, amount  # ``converted`` holds amount x factor

    # steam enthalpy
    if "enthalpy" in frame.columns:
        enthalpy = pd.to_numeric(frame["enthalpy"], errors="coerce").to_numpy(np.float64, na_value=np.nan)
        given = _labels(frame["enthalpy"])[0] >= 0
        out.add(given & ~(enthalpy > 0) | given & np.isinf(enthalpy), "enthalpy_invalid", "enthalpy",
                lambda i: f"'{frame['enthalpy'].iat[i]}' is not a positive enthalpy", "a steam enthalpy in kJ/kg")
        out.add(given & ~steam_item[item] & (item >= 0), "enthalpy_not_allowed", "enthalpy",
                "an enthalpy applies to steam only", "an empty enthalpy")
    else:
        enthalpy = np.broadcast_to(np.nan, n)  # read-only, no memory: none given

    # periods
    years = np.zeros(len(per_names) + 1, dtype=np.int64)
    months = np.zeros(len(per_names) + 1, dtype=np.int64)
    bad_period = np.zeros(len(per_names) + 1, dtype=bool)
    for k, name in enumerate(per_names):
        m = _PERIOD.match(name.strip())
        if m and 1900 < int(m.group(1)) < 2200 and (m.group(2) is None or 1 <= int(m.group(2)) <= 12):
            years[k], months[k] = int(m.group(1)), int(m.group(2) or 0)
        else:
            bad_period[k] = True
    out.add(bad_period[per_codes] & (per_codes >= 0), "period_invalid", "period",
            lambda i: f"'{frame['period'].iat[i]}' is not a period", PERIOD_EXPECTED)

    # groups: (enterprise, period), sorted
    key = ent_codes.astype(np.int64) * (len(per_names) + 1) + per_codes
    group, key_uniques = rank_groups(key)
    del key, ent_codes
    first = np.empty(len(key_uniques), dtype=np.int64)
    first[group[::-1]] = np.arange(n)[::-1]  # the last write wins: each group's first row
    g_ent, g_per = np.divmod(key_uniques, len(per_names) + 1)

    # duplicates: the same item and flow (and steam enthalpy) twice in one group
    dup = repeated_cells(group, len(key_uniques), item_flow_cells(item, flow, (item >= 0) & resolved_unit))
    if dup.any() and not np.isnan(enthalpy[dup]).all():
        dup_key = (group * (len(vocab) + 1) + item) * len(FLOWS) + flow
        idx = np.flatnonzero(dup)
        again = pd.DataFrame({"k": dup_key[idx], "h": np.nan_to_num(enthalpy[idx], nan=-1.0)}).duplicated(keep=False)
        dup[idx[~again.to_numpy()]] = False
    out.add(dup, "duplicate_item", "item",
            lambda i: f"{vocab.items[item[i]].label} with flow {FLOWS[flow[i]]} appears more than once for this enterprise and period",
            "one row per item and flow; add the amounts up")

    # regions, per group (first given)
    columns = {
        "enterprise": np.array(ent_names + [""], dtype=object)[g_ent],
        "period": np.array(per_names + [""], dtype=object)[g_per],
        "year": years[g_per], "month": months[g_per],
    }
    for col in ("region", "industry", "park", "name"):
        columns[col] = _first_per_group(frame, col, group, first)
    province = {r: vocab.province_of(r) for r in dict.fromkeys(columns["region"])}  # None: national
    province[None] = vocab.province_of("CN")
    columns["province"] = np.array([province[r] for r in columns["region"]], dtype=object)  # None: unknown
    groups = pd.DataFrame(columns)
    bad_region = groups["province"].isna().to_numpy()
    if bad_region.any():
        out.add(first[bad_region], "region_unknown", "region",
                lambda i: f"'{frame['region'].iat[i]}' is not a region code",
                "a 6-digit administrative code (370211), a 2-digit province code (37) or CN", kind=MissingFactor)
    not_usable = ~usable
    converted[not_usable] = 0.0  # rejected rows (inf, 1e300) may have overflowed
    item[not_usable] = -1
    acts = Activities(group=group, item=item, flow=flow,
                      amount=converted, enthalpy=enthalpy,
                      unit_code=unit_codes, units=unit_names, rows=rows, groups=groups, first_row=first)
    if raise_now:
        out.raise_if_any()
        return acts
    return acts, out












def _first_per_group(frame: pd.DataFrame, col: str, group: np.ndarray, first: np.ndarray) -> np.ndarray:
    """The first non-blank value of ``col`` in each group (None where the column or value is absent).

    ``first`` is each group's first row: where that row has a value, it is the group's.
    """
    if col not in frame.columns:
        return np.full(len(first), None, dtype=object)
    codes, labels = _labels(frame[col])
    chosen = codes[first]
    blank = chosen < 0
    if blank.any():  # those groups take their first row with a value, if any
        idx = np.flatnonzero(blank[group] & (codes >= 0))[::-1]  # reversed: the first occurrence is written last
        chosen[group[idx]] = codes[idx]
    return np.array([*labels, None], dtype=object)[chosen]
