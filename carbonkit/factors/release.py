"""A named release of factor tables, and the selection of factors by purpose, region and year.

Selection is documented in factors/README.md: province → regional grid → national, and for each
the row of the year, else the nearest earlier year (or the nearest either way when asked). Later
tables in a release take precedence, and a user table added with :meth:`Release.with_table` comes
last.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from collections.abc import Sequence
from typing import Any, cast
from pathlib import Path

import pandas as pd

from carbonkit.datafiles import data_path
from carbonkit.errors import FactorDataError
from carbonkit.factors.tables import Table, read_table
from carbonkit.vocabulary import vocabulary


@dataclass(frozen=True)
class Factor:
    """One factor row with its provenance. ``value`` is in ``unit`` as published."""

    id: str
    kind: str
    key: str  # item, region or constant name
    value: float
    unit: str
    status: str
    table: str
    source: str
    note: str = ""
    year: int | None = None
    purpose: str | None = None
    extra: tuple[tuple[str, Any], ...] = ()  # (column, value) pairs: lhv, ncv, carbon content, oxidation ...

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("id", "kind", "key", "value", "unit", "status", "table", "source", "note",
                                            "year", "purpose")}
        out.update(dict(self.extra))
        return out


class Release:
    """An ordered set of tables with indexes for selection. Build with :func:`load_release`."""

    def __init__(self, name: str, tables: list[Table], description: str = ""):
        self.name = name
        self.description = description
        self.tables = list(tables)
        self.factors: dict[str, Factor] = {}
        self._by_kind_key: dict[tuple[str, str], Factor] = {}
        self._dated: dict[tuple[str, str, str], dict[int | None, Factor]] = {}
        for table in self.tables:  # lowest precedence first; later rows overwrite
            for factor in _factors_of(table):
                self.factors[factor.id] = factor
                if factor.kind in ("grid_emission", "power_coal_rate"):
                    slot = self._dated.setdefault((factor.kind, factor.key, factor.purpose or ""), {})
                    slot[factor.year] = factor
                else:
                    self._by_kind_key[(factor.kind, factor.key)] = factor

    def __repr__(self) -> str:
        return f"Release({self.name!r}, {len(self.tables)} tables, {len(self.factors)} factors)"

    def with_table(self, table: Table | str | Path, meta: dict[str, Any] | None = None) -> Release:
        """A new release with ``table`` added at the highest precedence (the user's own values win)."""
        if not isinstance(table, Table):
            table = read_table(table, meta, user=True)
        clash = set(table.rows["id"]) & {f for t in self.tables for f in t.rows["id"]}
        if clash:
            raise FactorDataError(f"user table {table.id}: ids {sorted(clash)[:5]} already exist in release {self.name}; "
                                  "give your rows ids of your own")
        return Release(f"{self.name}+{table.id}", [*self.tables, table], self.description)

    def get(self, factor_id: str) -> Factor:
        try:
            return self.factors[factor_id]
        except KeyError:
            raise KeyError(f"no factor '{factor_id}' in release {self.name}") from None

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(f"no table '{table_id}' in release {self.name}")

    def lookup(self, kind: str, key: str) -> Factor | None:
        """The undated factor of ``kind`` for an item or constant name, or None."""
        return self._by_kind_key.get((kind, key))

    def constant(self, name: str) -> Factor:
        found = self.lookup("constant", name)
        if found is None:
            raise FactorDataError(f"release {self.name} has no constant '{name}'")
        return found

    def dated(self, kind: str, region: str, year: int, purpose: str = "", *, level: str = "province",
              year_fallback: str = "earlier") -> Factor | None:
        """A region- and year-specific factor with the documented fallback, or None.

        ``region`` is a province code (2 digits), a grid code or "CN"; ``level`` says where the chain
        starts (province, grid or national).

        Parameters
        ----------
        kind : str
            The factor kind, e.g. ``grid_emission``.
        region : str
            Province code, grid code or CN.
        year : int
            The year of the activity [a].
        purpose : str
            The grid factor's purpose (average, fossil ...).
        level : str
            Where the chain starts: province, grid or national.
        year_fallback : str
            ``earlier``, ``nearest`` ...: which year stands in for a missing one.

        Returns
        -------
        Factor or None
            The factor of ``kind`` (e.g. ``grid_emission`` [tCO2/MWh]) for the region and year, as the year fallback takes it.
        """
        for code in dict.fromkeys(_region_chain(region, level)):
            rows = self._dated.get((kind, code, purpose))
            if rows:
                found = _of_year(rows, year, year_fallback)
                if found is not None:
                    return found
        return None

    def frame(self) -> pd.DataFrame:
        """Every factor of the release, one row each, with its table's source."""
        return pd.DataFrame([f.to_dict() for f in self.factors.values()])


def _factors_of(table: Table) -> list[Factor]:
    source = table.source_line()
    out = []
    for rec in table.rows.to_dict("records"):
        kind = table.kind
        extra: tuple[tuple[str, Any], ...]
        if kind == "fuel_parameters":
            value, unit = rec["ncv"], rec["ncv_unit"]
            extra = (("ncv", rec["ncv"]), ("ncv_unit", rec["ncv_unit"]), ("carbon_content", rec["carbon_content"]),
                     ("carbon_content_unit", rec["carbon_content_unit"]), ("oxidation", rec["oxidation"]))
        else:
            value, unit = rec["value"], rec["unit"]
            extra = tuple((c, rec[c]) for c in ("lhv", "lhv_unit") if c in rec and rec[c] == rec[c] and rec[c] != "")
        key = cast(str, rec.get("item") or rec.get("region") or rec.get("name"))  # every kind has one of them
        year = rec.get("year")
        out.append(Factor(
            id=rec["id"], kind=kind, key=key, value=float(value), unit=unit, status=rec["status"], table=table.id,
            source=source, note=rec.get("note", ""), year=None if year is None or pd.isna(year) else int(year),
            purpose=rec.get("purpose") or None, extra=extra,
        ))
    return out


def _region_chain(region: str, level: str) -> list[str]:
    """The codes tried in order: the province (level province), its grid (province or grid), the nation."""
    chain: list[str] = []
    if region != "CN":
        grid = vocabulary().grid_of(region)
        if level == "province":
            chain.append(region)
        if level in ("province", "grid") and grid:
            chain.append(grid)
    chain.append("CN")
    return chain


def _of_year(rows: dict[int | None, Factor], year: int, year_fallback: str) -> Factor | None:
    """The row of the latest year up to ``year``, else the row valid for any year, else (``nearest``) the
    earliest later year; None when none of them is there."""
    years = sorted(y for y in rows if y is not None)
    earlier = [y for y in years if y <= year]
    if earlier:
        return rows[earlier[-1]]
    if None in rows:  # a row valid for any year
        return rows[None]
    if year_fallback == "nearest" and years:
        return rows[years[0]]
    return None


def release_names() -> list[str]:
    """The names of the shipped releases.

    Returns
    -------
    list of str
    """
    return sorted(p.stem for p in data_path("releases").glob("*.toml"))


@cache
def _shipped(name: str | None) -> Release:
    files = sorted(data_path("releases").glob("*.toml"))
    manifests = {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in files}
    if name is None:
        defaults = [k for k, m in manifests.items() if m.get("default")]
        if len(defaults) != 1:
            raise FactorDataError(f"exactly one release must be marked default = true; found {defaults}")
        name = defaults[0]
    if name not in manifests:
        raise FactorDataError(f"no release '{name}'; shipped releases: {', '.join(manifests)}")
    manifest = manifests[name]
    tables = [read_table(data_path("tables", f"{tid}.csv")) for tid in manifest["tables"]]
    return Release(manifest.get("name", name), tables, manifest.get("description", ""))


def load_release(name: str | None = None, extra: Sequence[str | Path] | None = None) -> Release:
    """A shipped release (the default one when ``name`` is None), plus any user tables in ``extra``.

    Shipped releases are read and validated once per process.

    Parameters
    ----------
    name : str, optional
        A shipped release (the default one if None).
    extra : list of str or Path, optional
        Own factor tables, added at the highest precedence.

    Returns
    -------
    Release

    Raises
    ------
    FactorDataError
        A release or table not found or not valid.
    """
    release = _shipped(name)
    for path in extra or []:
        release = release.with_table(path)
    return release
