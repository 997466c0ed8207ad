"""The MEE sector guidelines as data: boundaries, default values with clause and status, the parameter catalog.

One TOML per guideline in ``factors/market/`` (``cets-ag-02.01-v01-2024`` cement, ``cets-ag-03.01-v01-2024``
steel, ``cets-ag-04.01-v01-2024`` aluminium) with the provenance fields every factor document has, its
accounting boundaries and its default values; ``carbonkit-market-parameters`` names every monthly key
parameter with its canonical unit and nature (flow, intensive, stock). Loaded and validated once.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal, Self

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from carbonkit.errors import FactorDataError, UnitMismatch
from carbonkit.factors.documents import Provenance, find_shipped, load_document, shipped
from carbonkit.factors.tables import STATUSES
from carbonkit.units import multiplier, parse_unit

FOLDER = "market"
SECTORS = ("cement", "steel", "aluminium")
GUIDELINE_OF = {"cement": "cets-ag-02.01-v01-2024", "steel": "cets-ag-03.01-v01-2024",
                "aluminium": "cets-ag-04.01-v01-2024"}
CATALOG = "carbonkit-market-parameters"
CONSTANTS = ("oxide_ratio", "gwp")  # values of a guideline that are not monthly parameters


class Boundary(BaseModel):
    """An accounting boundary (facility or process) a guideline defines, and the product it is measured by."""

    model_config = ConfigDict(extra="forbid")
    id: str
    name_zh: str
    name_en: str
    product: str
    production: str  # the parameter holding the output [t]
    clause: str


class DefaultValue(BaseModel):
    """A default value of a guideline: ``value / per`` [``unit``] for ``parameter`` (and ``item``)."""

    model_config = ConfigDict(extra="forbid")
    id: str
    parameter: str
    item: str = ""
    value: float
    per: float = 1.0
    unit: str
    clause: str
    status: Literal[STATUSES]  # type: ignore[valid-type]
    note: str = ""

    @property
    def effective(self) -> float:
        """The value per one ``unit``: ``value / per`` [unit]."""
        return self.value / self.per


class Guideline(Provenance):
    """One sector guideline: provenance, boundaries, defaults."""

    sector: Literal[SECTORS]  # type: ignore[valid-type]
    boundary: list[Boundary] = Field(min_length=1)
    value: list[DefaultValue] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        ids = [v.id for v in self.value]
        keys = [(v.parameter, v.item) for v in self.value]
        if len(set(ids)) != len(ids) or len(set(keys)) != len(keys):
            raise ValueError("value ids and (parameter, item) pairs must be unique")
        return self


class Parameter(BaseModel):
    """A monthly key parameter: canonical unit, nature and physical limits."""

    model_config = ConfigDict(extra="forbid")
    id: str
    name_zh: str
    name_en: str
    unit: str
    nature: Literal["flow", "intensive", "stock"]
    weight: list[str] = Field(default_factory=list)
    lo: float | None = None
    lo_open: bool = False
    hi: float | None = None
    sector: str = ""

    @model_validator(mode="after")
    def _weighted(self) -> Self:
        if (self.nature == "intensive") != bool(self.weight):
            raise ValueError(f"parameter {self.id}: an intensive parameter needs a weight, and only it")
        return self


class Catalog(Provenance):
    """The parameter catalog document."""

    parameter: list[Parameter] = Field(min_length=1)


@cache
def catalog() -> dict[str, Parameter]:
    """The parameters by id (validated: units parse, weights name known flows or intensives).

    Returns
    -------
    dict of str to Parameter
        Each monthly key parameter with its canonical unit, nature (flow, intensive, stock), weight and limits.

    Raises
    ------
    FactorDataError
        A unit that does not parse or a weight naming an unknown parameter.
    """
    doc = load_document(find_shipped(FOLDER, CATALOG), Catalog, kind="market_parameters")
    params = {p.id: p for p in doc.parameter}
    for p in params.values():
        if "{item}" not in p.unit:
            parse_unit(p.unit)
        unknown = [n for w in p.weight for n in w.split("+") if n not in params]
        if unknown:
            raise FactorDataError(f"{CATALOG}.toml: parameter {p.id} is weighted by unknown {unknown}")
    return params


@cache
def guideline(sector: str) -> Guideline:
    """The shipped guideline of a sector, validated (id = file name, units parse with the parameter's).

    Parameters
    ----------
    sector : str
        ``cement``, ``steel`` or ``aluminium`` (guidelines CETS-AG-02.01-V01-2024, CETS-AG-03.01-V01-2024 and
        CETS-AG-04.01-V01-2024).

    Returns
    -------
    Guideline
        Its provenance, accounting boundaries and default values.

    Raises
    ------
    FactorDataError
        An unknown sector or an inconsistent guideline document.
    """
    if sector not in GUIDELINE_OF:
        raise FactorDataError(f"no carbon-market guideline for sector '{sector}' (known: {', '.join(SECTORS)})")
    path = find_shipped(FOLDER, GUIDELINE_OF[sector])
    doc = load_document(path, Guideline, kind="market_guideline")
    params = catalog()
    problems = []
    if doc.id != path.stem:
        problems.append(f"id '{doc.id}' differs from the file name '{path.stem}'")
    for v in doc.value:
        if v.parameter not in params and v.parameter not in CONSTANTS:
            problems.append(f"value {v.id}: parameter '{v.parameter}' is neither in {CATALOG} nor one of {CONSTANTS}")
        target = params[v.parameter].unit if v.parameter in params else None
        try:
            multiplier(v.unit, target) if target else parse_unit(v.unit)
        except UnitMismatch as exc:
            problems.append(f"value {v.id}: unit '{v.unit}': {exc.problems[0].message}")
    if problems:
        raise FactorDataError(f"{path}:\n" + "\n".join("  - " + p for p in problems))
    return doc


def guidelines() -> list[str]:
    """Ids of the shipped guideline documents.

    Returns
    -------
    list of str
        The MEE 2024 sector guideline ids of ``factors/market/`` (file names, the parameter catalog left out).
    """
    return [p.stem for p in shipped(FOLDER) if p.stem != CATALOG]


def defaults(sector: str) -> pd.DataFrame:
    """The sector's default values in canonical units (the guideline's appendix tables).

    Parameters
    ----------
    sector : str
        ``cement``, ``steel`` or ``aluminium``.

    Returns
    -------
    DataFrame
        ``parameter``, ``item``, ``value`` in the parameter's canonical unit (e.g. [tCO2/t]), ``factor_id``,
        ``clause`` and ``status``.
    """
    doc = guideline(sector)
    params = catalog()
    rows = []
    for v in doc.value:
        target = params[v.parameter].unit if v.parameter in params else v.unit
        rows.append({"parameter": v.parameter, "item": v.item, "value": v.effective * multiplier(v.unit, target),
                     "factor_id": f"{doc.id}.{v.id}", "clause": v.clause, "status": v.status})
    return pd.DataFrame(rows, columns=["parameter", "item", "value", "factor_id", "clause", "status"])


def factor_records(sector: str) -> dict[str, dict[str, Any]]:
    """Provenance of every default of a sector.

    Parameters
    ----------
    sector : str
        ``cement``, ``steel`` or ``aluminium``.

    Returns
    -------
    dict of str to dict
        Factor id -> ``value`` [``unit``], ``unit``, ``clause``, ``status``, ``note`` and ``source``.
    """
    doc = guideline(sector)
    return {f"{doc.id}.{v.id}": {"value": v.effective, "unit": v.unit, "clause": v.clause, "status": v.status,
                                 "note": v.note, "source": f"{doc.source} (edition {doc.edition}, {doc.issuing_body})"}
            for v in doc.value}


def boundary(sector: str, route: str) -> Boundary:
    """The boundary ``route`` of a sector's guideline.

    Parameters
    ----------
    sector : str
        ``cement``, ``steel`` or ``aluminium``.
    route : str
        The boundary's id (a clinker line, ``bf_bof`` or ``eaf``, an electrolysis series ...).

    Returns
    -------
    Boundary
        Its product and production parameter.

    Raises
    ------
    KeyError
        ``route`` is not a boundary of the guideline.
    """
    doc = guideline(sector)
    for b in doc.boundary:
        if b.id == route:
            return b
    raise KeyError(route)
