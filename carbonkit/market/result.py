"""The annual result of a carbon-market sector account: one structure for reports, the service and CBAM.

A result is three frames (pandas) with a pydantic view of each facility-year for JSON and for code that
builds on it (embedded emissions under CBAM):

``facilities``  one row per enterprise × facility × year (the accounting boundary of the guideline:
                clinker line, BF-BOF or EAF route, electrolysis series), columns :data:`FACILITY_COLUMNS`;
``sources``     one row per emission source of a facility-year (:data:`SOURCE_COLUMNS`): fuel combustion by
                fuel, process CO2 by source (calcination, kiln dust, raw-meal organic carbon, fluxes,
                electrodes, carbon in/out by material, anodes), PFCs by gas, electricity and heat;
``quality``     the data-quality list: one row per month and parameter that was missing or implausible
                and how it was handled (:data:`QUALITY_COLUMNS`).

Units are fixed by the column name: ``_tco2`` [tCO2], ``_tco2e`` [tCO2e], ``_mwh`` [MWh], ``_gj`` [GJ],
``_t`` [t]. ``direct_tco2e`` = combustion + process + PFC (the carbon market's direct emissions, on which the
26,000 tCO2e threshold is judged); ``total_tco2e`` adds net purchased electricity and heat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, cast

import pandas as pd
from pydantic import BaseModel, Field

SourceKind = Literal["combustion", "process", "pfc", "electricity", "heat"]
Tier = Literal["measured", "default", "mixed", "given"]

FACILITY_COLUMNS = (
    "enterprise", "facility", "sector", "route", "year",
    "combustion_tco2", "process_tco2", "pfc_tco2e", "direct_tco2e",
    "electricity_mwh", "electricity_tco2", "heat_gj", "heat_tco2", "indirect_tco2", "total_tco2e",
    "product", "production_t", "intensity_tco2e_per_t", "benchmark_tco2e_per_t", "months", "n_flags",
)
SOURCE_COLUMNS = (
    "enterprise", "facility", "year", "kind", "source", "item", "gas",
    "activity", "activity_unit", "factor", "factor_unit", "emissions_t", "tco2e", "tier", "clause", "factor_ids",
)
QUALITY_COLUMNS = ("enterprise", "facility", "year", "month", "parameter", "item", "problem", "handling", "clause")
Record = dict[str, Any]  # one row of a frame as a dict (column -> value)


class SourceLine(BaseModel):
    """One emission source of a facility-year.

    ``activity`` [``activity_unit``] × ``factor`` [``factor_unit``] = ``emissions_t`` [t of ``gas``];
    ``tco2e`` converts with the GWP the guideline names (1 for CO2). ``tier`` is the data tier of the
    source's parameters over the year (``mixed``: some months measured, some at the default).
    """

    kind: SourceKind
    source: str
    item: str = ""
    gas: str = "CO2"
    activity: float
    activity_unit: str
    factor: float | None = None
    factor_unit: str = ""
    emissions_t: float
    tco2e: float
    tier: str
    clause: str
    factor_ids: list[str] = Field(default_factory=list)


class QualityFlag(BaseModel):
    """A month whose parameter was missing or implausible, and what was done about it."""

    month: int
    parameter: str
    item: str = ""
    problem: Literal["missing", "implausible"]
    handling: str
    clause: str = ""


class FacilityYear(BaseModel):
    """The annual result of one facility (accounting boundary) of one enterprise.

    Emissions [tCO2] / [tCO2e]; ``process_by_source`` maps a process source (``calcination``,
    ``kiln_dust``, ``raw_meal_carbon``, ``flux.limestone``, ``electrode``, ``carbon_in.pig_iron``,
    ``carbon_out.crude_steel``, ``anode``) to its tCO2 (carbon carried out is negative);
    ``production_t`` maps each product (clinker, crude_steel, primary_aluminium ...) to its output [t].
    """

    enterprise: str
    facility: str
    sector: str
    route: str
    year: int
    combustion_tco2: float
    process_tco2: float
    process_by_source: dict[str, float]
    pfc_tco2e: float
    direct_tco2e: float
    electricity_mwh: float
    electricity_tco2: float
    heat_gj: float
    heat_tco2: float
    total_tco2e: float
    product: str
    production_t: dict[str, float]
    intensity_tco2e_per_t: float | None
    benchmark_tco2e_per_t: float | None = None
    sources: list[SourceLine]
    flags: list[QualityFlag] = Field(default_factory=list)


@dataclass
class MarketResult:
    """Frames of a sector account and the factors it used (``factors``: id → provenance dict)."""

    facilities: pd.DataFrame
    sources: pd.DataFrame
    quality: pd.DataFrame
    factors: dict[str, dict[str, Any]] = field(default_factory=dict)
    parameters: pd.DataFrame | None = None  # the annual key parameters (weighted), for the report tables

    def facility_years(self) -> list[FacilityYear]:
        """The pydantic view of every facility-year (sources and flags attached)."""
        out = []
        src = self.sources.groupby(["enterprise", "facility", "year"], sort=False)
        flags = self.quality.groupby(["enterprise", "facility", "year"], sort=False)
        src_keys, flag_keys = set(src.groups), set(flags.groups)
        for rec in _records(self.facilities):
            key = (rec["enterprise"], rec["facility"], rec["year"])
            lines = _records(src.get_group(key)) if key in src_keys else []
            flagged = _records(flags.get_group(key)) if key in flag_keys else []
            out.append(_facility_year(rec, lines, flagged))
        return out

    def enterprises(self) -> pd.DataFrame:
        """The enterprise level (法人): facility-years summed per enterprise and year (flows only)."""
        flows = ["combustion_tco2", "process_tco2", "pfc_tco2e", "direct_tco2e", "electricity_mwh",
                 "electricity_tco2", "heat_gj", "heat_tco2", "indirect_tco2", "total_tco2e", "n_flags"]
        return self.facilities.groupby(["enterprise", "year"], as_index=False, sort=False)[flows].sum()

    def records(self) -> list[Record]:
        """Every facility-year as a JSON-ready dict (:class:`FacilityYear`)."""
        return [f.model_dump() for f in self.facility_years()]


def _records(frame: pd.DataFrame) -> list[Record]:
    """The rows of ``frame`` as dicts (its columns are str: the result's column tuples)."""
    return cast(list[Record], frame.to_dict("records"))


def _facility_year(rec: Record, lines: list[Record], flagged: list[Record]) -> FacilityYear:
    process: dict[str, float] = {}
    for line in lines:
        if line["kind"] == "process":
            process[line["source"]] = process.get(line["source"], 0.0) + float(line["tco2e"])
    products = {rec["product"]: float(rec["production_t"])} if rec["product"] else {}
    intensity = rec["intensity_tco2e_per_t"]
    bench = rec.get("benchmark_tco2e_per_t")
    return FacilityYear(
        **{k: rec[k] for k in ("enterprise", "facility", "sector", "route", "combustion_tco2", "process_tco2",
                               "pfc_tco2e", "direct_tco2e", "electricity_mwh", "electricity_tco2", "heat_gj",
                               "heat_tco2", "total_tco2e", "product")},
        year=int(rec["year"]), process_by_source=process, production_t=products,
        intensity_tco2e_per_t=None if pd.isna(intensity) else float(intensity),
        benchmark_tco2e_per_t=None if bench is None or pd.isna(bench) else float(bench),
        sources=[_line(line) for line in lines],
        flags=[QualityFlag(**{k: v for k, v in f.items() if k in QualityFlag.model_fields}) for f in flagged],
    )


def _line(line: Record) -> SourceLine:
    data = {k: v for k, v in line.items() if k in SourceLine.model_fields and k != "factor_ids"}
    if data.get("factor") is not None and pd.isna(data["factor"]):
        data["factor"] = None
    ids = line.get("factor_ids") or ""
    return SourceLine(**data, factor_ids=[i for i in str(ids).split(";") if i])
