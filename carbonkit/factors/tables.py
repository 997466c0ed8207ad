"""Factor tables: one per source and edition, a TOML of provenance beside a CSV of rows.

Every table is validated on load; problems name the file, the line and the column.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from carbonkit.errors import FactorDataError, UnitMismatch
from carbonkit.units import multiplier, parse_unit
from carbonkit.vocabulary import Vocabulary, vocabulary

STATUSES = ("verified", "corroborated", "unconfirmed", "unverified")
PURPOSES = ("average", "excl_market_nonfossil", "fossil", "carbon_market")
META_REQUIRED = ("id", "kind", "title", "source", "edition", "issuing_body", "published", "region")

# For each kind: the columns a row must have, and for each value column the unit column and the
# dimension the unit must have. "{item}" stands for the item's canonical unit.
KINDS: dict[str, dict[str, Any]] = {
    "standard_coal": {
        "columns": ("id", "item", "value", "unit", "status", "note"),
        "optional": ("lhv", "lhv_unit"),
        "values": {"value": ("unit", "kgce/{item}"), "lhv": ("lhv_unit", "kJ/{item}")},
    },
    "fuel_parameters": {
        "columns": ("id", "item", "ncv", "ncv_unit", "carbon_content", "carbon_content_unit", "oxidation", "status", "note"),
        "optional": (),
        "values": {"ncv": ("ncv_unit", "GJ/{item}"), "carbon_content": ("carbon_content_unit", "tC/TJ"),
                   "oxidation": (None, None)},
    },
    "grid_emission": {
        "columns": ("id", "region", "year", "purpose", "value", "unit", "status", "note"),
        "optional": (),
        "values": {"value": ("unit", "tCO2/MWh")},
    },
    "heat_emission": {
        "columns": ("id", "item", "value", "unit", "status", "note"),
        "optional": (),
        "values": {"value": ("unit", "tCO2/GJ")},
    },
    "power_coal_rate": {
        "columns": ("id", "region", "year", "value", "unit", "status", "note"),
        "optional": (),
        "values": {"value": ("unit", "kgce/kWh")},
    },
    "constant": {
        "columns": ("id", "name", "value", "unit", "status", "note"),
        "optional": (),
        "values": {"value": ("unit", None)},
    },
    # value-added price indices (carbonkit.deflators): index of `year` with `base_year` = 100, or with the
    # previous year = 100 when base_year is empty (a chain index, as NBS publishes 上年=100)
    "va_deflator": {
        "columns": ("id", "region", "industry", "year", "value", "base_year", "status", "note"),
        "optional": (),
        "values": {"value": (None, None)},
    },
}


@dataclass
class Table:
    """A validated factor table: its provenance and its rows (strings, values as floats)."""

    meta: dict[str, Any]
    rows: pd.DataFrame
    path: Path | None = None
    user: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        table_id: str = self.meta["id"]
        return table_id

    @property
    def kind(self) -> str:
        kind: str = self.meta["kind"]
        return kind

    def source_line(self) -> str:
        m = self.meta
        return f"{m['source']} (edition {m['edition']}, {m['issuing_body']}, {m['published']})"


def read_table(path: str | Path, meta: dict[str, Any] | None = None, *, user: bool = False) -> Table:
    """Read and validate a table from its CSV (and the TOML of the same stem, unless ``meta`` is given).

    Raises :class:`FactorDataError` listing every problem with file, line and column.

    Parameters
    ----------
    path : str or Path
        The CSV (or the TOML beside it).
    meta : dict, optional
        The provenance, instead of the TOML.
    user : bool
        A user's own table (its id need not be the file name).

    Returns
    -------
    Table
        Values as floats in the units of the table's unit columns.

    Raises
    ------
    FactorDataError
    """
    path = Path(path)
    csv_path = path.with_suffix(".csv")
    toml_path = path.with_suffix(".toml")
    meta = dict(meta if meta is not None else _provenance(csv_path, toml_path))
    problems = _meta_problems(meta, toml_path.name, csv_path.stem, user)
    kind = meta["kind"]
    if not csv_path.is_file():
        raise FactorDataError(f"{csv_path}: file not found")
    rows = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8")
    rows.columns = [c.strip() for c in rows.columns]
    problems += _validate_rows(csv_path.name, kind, rows)
    if problems:
        raise FactorDataError(f"{len(problems)} problem(s) in factor table {csv_path}:\n" + "\n".join("  - " + p for p in problems))
    for col in KINDS[kind]["values"]:
        if col in rows.columns:
            rows[col] = pd.to_numeric(rows[col].replace("", None), errors="coerce")
    if "year" in rows.columns:
        rows["year"] = pd.to_numeric(rows["year"].replace("", None), errors="coerce").astype("Int64")
    return Table(meta=meta, rows=rows, path=csv_path, user=user)


def _provenance(csv_path: Path, toml_path: Path) -> dict[str, Any]:
    """The TOML of provenance beside the CSV."""
    if not toml_path.is_file():
        raise FactorDataError(f"{csv_path}: no provenance file {toml_path.name} beside it "
                              f"(it must give {', '.join(META_REQUIRED)})")
    try:
        return tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise FactorDataError(f"{toml_path}: not valid TOML: {exc}") from None


def _meta_problems(meta: dict[str, Any], toml_name: str, stem: str, user: bool) -> list[str]:
    """Provenance fields missing, an id other than the file name (shipped tables); a kind not known is refused
    at once with them."""
    problems = [f"{toml_name}: provenance field '{key}' is missing or empty"
                for key in META_REQUIRED if not str(meta.get(key, "")).strip()]
    kind = meta.get("kind")
    if kind not in KINDS:
        raise FactorDataError("\n".join(problems + [f"{toml_name}: kind '{kind}' is not one of {', '.join(KINDS)}"]))
    if meta.get("id") and meta["id"] != stem and not user:
        problems.append(f"{toml_name}: id '{meta['id']}' differs from the file name '{stem}'")
    return problems


Found = list[tuple[str, str]]  # (column, what is wrong) of one row


def _validate_rows(name: str, kind: str, rows: pd.DataFrame) -> list[str]:
    """Every problem of the rows of a table of ``kind``, naming file, line and column."""
    spec = KINDS[kind]
    vocab = vocabulary()
    problems = [f"{name}: column '{c}' is missing" for c in spec["columns"] if c not in rows.columns]
    if problems:
        return problems
    seen: dict[str, int] = {}
    records: list[dict[str, str]] = rows.to_dict("records")  # type: ignore[assignment]  # read with dtype=str
    for i, rec in enumerate(records):
        line = i + 2  # header is line 1
        item_unit, found = _item_unit(rec, spec, vocab)
        found = _id_problems(rec["id"].strip(), seen, line) + _status_problems(rec) + found
        found += _key_problems(rec, spec, kind, vocab) + _value_problems(rec, spec, item_unit)
        problems += [f"{name} line {line}, column '{column}': {text}" for column, text in found]
    return problems


def _id_problems(rid: str, seen: dict[str, int], line: int) -> Found:
    """An empty or repeated id (``seen``: the line of each id so far, this one added)."""
    if not rid:
        return [("id", "empty id")]
    if rid in seen:
        return [("id", f"id '{rid}' repeats line {seen[rid]}")]
    seen[rid] = line
    return []


def _status_problems(rec: dict[str, str]) -> Found:
    return [] if rec["status"] in STATUSES else [("status", f"'{rec['status']}' is not one of {', '.join(STATUSES)}")]


def _item_unit(rec: dict[str, str], spec: dict[str, Any], vocab: Vocabulary) -> tuple[str | None, Found]:
    """The canonical unit of the row's item (None: the kind has no item, or it is not an item id)."""
    if "item" not in spec["columns"]:
        return None, []
    it = vocab.resolve(rec["item"]) if rec["item"] else None
    if it is None or it.item != rec["item"]:
        return None, [("item", f"'{rec['item']}' is not an item id of items.csv")]
    return it.unit, []


def _key_problems(rec: dict[str, str], spec: dict[str, Any], kind: str, vocab: Vocabulary) -> Found:
    """Region, year and purpose of the row, where the kind has them."""
    columns = spec["columns"]
    found: Found = []
    if "region" in columns and vocab.province_of(rec["region"]) != rec["region"]:
        found.append(("region", f"'{rec['region']}' is not a code of regions.csv"))
    if "year" in columns and rec["year"] and not (rec["year"].isdigit() and 1990 <= int(rec["year"]) <= 2100):
        found.append(("year", f"'{rec['year']}' is not a year"))
    if "year" in columns and not rec["year"] and kind == "grid_emission":
        found.append(("year", "grid factors need a year"))
    if "purpose" in columns and rec["purpose"] not in PURPOSES:
        found.append(("purpose", f"'{rec['purpose']}' is not one of {', '.join(PURPOSES)}"))
    return found


def _value_problems(rec: dict[str, str], spec: dict[str, Any], item_unit: str | None) -> Found:
    """Each value column: a positive finite number (an oxidation rate at most 1), its unit of the right dimension."""
    found: Found = []
    for col, (unit_col, dim) in spec["values"].items():
        raw = rec.get(col, "")
        if raw == "" and col in spec.get("optional", ()):
            continue
        try:
            value = float(raw)
        except ValueError:
            found.append((col, f"'{raw}' is not a number"))
            continue
        if not math.isfinite(value) or value <= 0:
            found.append((col, f"{raw} is not a positive finite number"))
        if col == "oxidation" and value > 1:
            found.append((col, f"{raw} is above 1 (give the oxidation rate as a fraction)"))
        if unit_col is not None:
            found += _unit_problems(unit_col, rec.get(unit_col, ""), dim, item_unit)
    return found


def _unit_problems(unit_col: str, unit: str, dim: str | None, item_unit: str | None) -> Found:
    """A unit that does not parse, or is not of dimension ``dim`` ("{item}": the item's canonical unit)."""
    try:
        parse_unit(unit)
        if dim is None or ("{item}" in dim and item_unit in (None, "any", "dimensionless")):
            return []  # no dimension to check (constants), or the item column is already reported
        multiplier(unit, dim.replace("{item}", item_unit or ""))
    except UnitMismatch as exc:
        return [(unit_col, f"'{unit}' {exc.problems[0].message.split(': ', 1)[-1]}")]
    return []
