"""The input of the CBAM calculation: one installation in one reporting period, as its operator accounts it.

The model is carbonkit's own and documented here, so the calculation works from any accounting: the sector
accounting of the national carbon market, or figures typed in. An installation has production processes (one
aggregated goods category each); a process has its direct emissions (a figure in tCO2e, or source streams:
activity data x emission factor), its electricity and the factor of that electricity, the heat and waste gases
it takes from or gives to other processes or the outside, the precursors it consumes (from another process of
the installation, or bought), its production and the goods by CN code it sells.

Every factor is part of the input, stated by the user with its source: nothing is filled in silently.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

_ID = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceStream(_In):
    """A source stream: activity data x emission factor = direct emissions [tCO2e]."""

    name: str = Field(min_length=1, max_length=120)
    activity: float = Field(ge=0, description="activity data, in the unit the factor is per (t, TJ, 10^4 m3 ...)")
    emission_factor: float = Field(ge=0, description="[tCO2e per unit of activity] (oxidation/conversion included)")
    source: str = Field("", max_length=300, description="where the factor comes from")


class HeatFlow(_In):
    """Measurable heat from one process to another, from outside the installation (``from_process`` empty) or to
    outside (``to_process`` empty) [TJ], with the emission factor of producing that heat [tCO2/TJ]."""

    from_process: str | None = Field(None, pattern=_ID)
    to_process: str | None = Field(None, pattern=_ID)
    heat_tj: float = Field(ge=0)
    emission_factor: float = Field(ge=0, description="[tCO2/TJ] of the heat's production")
    source: str = Field("", max_length=300)


class WasteGasFlow(_In):
    """Waste gas made by one process and burnt by another. The burning process's direct emissions include the
    gas's combustion ``emissions_tco2e`` [tCO2e]; the regulation leaves it only the emissions of the same energy
    of natural gas, ``energy_tj`` [TJ] x the reference factor EF_NG (``factors/cbam``), and attributes the rest,
    ``emissions_tco2e - energy_tj x EF_NG``, to the process that made the gas (carbonkit's reading of the
    waste-gas rule of Implementing Regulation (EU) 2025/2547: unverified)."""

    from_process: str | None = Field(None, pattern=_ID)
    to_process: str | None = Field(None, pattern=_ID)
    energy_tj: float = Field(ge=0)
    emissions_tco2e: float = Field(ge=0, description="[tCO2e] of burning the gas, in the burning process's DirEm")


class PrecursorUse(_In):
    """A precursor consumed by a process [t]: made by another process (``from_process``) or bought (``bought``)."""

    category: str = Field(min_length=1)
    quantity_t: float = Field(ge=0)
    from_process: str | None = Field(None, pattern=_ID)
    bought: str | None = Field(None, pattern=_ID, description="id of a bought precursor lot of the installation")

    @model_validator(mode="after")
    def _one_origin(self) -> Self:
        if (self.from_process is None) == (self.bought is None):
            raise ValueError("a precursor comes either from a process of the installation or from a bought lot")
        return self


class BoughtPrecursor(_In):
    """A lot of precursor bought from another installation: its SEE from the supplier [tCO2e/t], or the default
    value of its CN code (``use_default``)."""

    id: str = Field(pattern=_ID)
    category: str = Field(min_length=1)
    cn_code: str = Field(pattern=r"^\d{4,8}$")
    supplier: str = Field("", max_length=200)
    country: str = Field("CN", pattern=r"^[A-Z]{2}$")
    see_direct: float | None = Field(None, ge=0, description="[tCO2e/t] from the supplier's communication")
    see_indirect: float | None = Field(None, ge=0, description="[tCO2e/t] from the supplier's communication")
    use_default: bool = False

    @model_validator(mode="after")
    def _value_or_default(self) -> Self:
        if self.use_default == (self.see_direct is not None):
            raise ValueError("give the supplier's see_direct, or use_default = true, not both")
        return self


class Good(_In):
    """A good sold by CN code [t]."""

    cn_code: str = Field(pattern=r"^\d{8}$")
    quantity_t: float = Field(ge=0)
    name: str = Field("", max_length=200)


class Process(_In):
    """A production process: one aggregated goods category, its direct emissions, energy flows and production."""

    id: str = Field(pattern=_ID)
    name: str = Field("", max_length=200)
    category: str = Field(min_length=1)
    production_t: float = Field(gt=0, description="activity level AL: everything the process produced [t]")
    direct_emissions_tco2e: float | None = Field(None, ge=0, description="DirEm*, when not given as source streams")
    source_streams: list[SourceStream] = Field(default_factory=list, max_length=1000)
    electricity_mwh: float = Field(0, ge=0, description="electricity consumed [MWh]")
    electricity_factor: float | None = Field(None, ge=0, description="[tCO2/MWh] of that electricity")
    electricity_factor_source: str = Field("", max_length=300)
    electricity_exported_mwh: float = Field(0, ge=0, description="electricity produced and exported [MWh]")
    electricity_exported_factor: float | None = Field(None, ge=0, description="[tCO2/MWh] of its production")
    precursors: list[PrecursorUse] = Field(default_factory=list, max_length=1000)
    goods: list[Good] = Field(default_factory=list, max_length=1000)

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if (self.direct_emissions_tco2e is None) == (not self.source_streams):
            raise ValueError("give direct_emissions_tco2e or source_streams, not both")
        if self.electricity_mwh > 0 and self.electricity_factor is None:
            raise ValueError("electricity_mwh needs electricity_factor [tCO2/MWh]")
        if self.electricity_exported_mwh > 0 and self.electricity_exported_factor is None:
            raise ValueError("electricity_exported_mwh needs electricity_exported_factor [tCO2/MWh]")
        return self


class CarbonPrice(_In):
    """The national carbon market's allowance cost, as the operator states it (Regulation (EU) 2023/956, Art. 9)."""

    scheme: str = Field("China national ETS", max_length=120)
    price: float = Field(ge=0, description="allowance price paid [currency/tCO2]")
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    covered_emissions_tco2: float = Field(gt=0, description="the installation's emissions the market covers [tCO2]")
    free_allocation_tco2: float = Field(0, ge=0, description="allowances allocated free of charge [tCO2]")
    eur_per_unit: float | None = Field(None, gt=0, description="exchange rate [EUR per currency unit], if wanted")


class Installation(_In):
    """One installation in one reporting period: the input of :func:`carbonkit.cbam.embedded_emissions`."""

    id: str = Field(pattern=_ID)
    name: str = Field("", max_length=200)
    name_en: str = Field("", max_length=200)
    enterprise: str | None = Field(None, max_length=64, description="the enterprise id in carbonkit, if any")
    country: str = Field("CN", pattern=r"^[A-Z]{2}$")
    address: str = Field("", max_length=300)
    period_start: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    period_end: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    import_year: int = Field(ge=2026, le=2100, description="year of import the default mark-up is taken for")
    processes: list[Process] = Field(min_length=1, max_length=200)
    bought_precursors: list[BoughtPrecursor] = Field(default_factory=list, max_length=1000)
    heat_flows: list[HeatFlow] = Field(default_factory=list, max_length=1000)
    waste_gas_flows: list[WasteGasFlow] = Field(default_factory=list, max_length=1000)
    carbon_price: CarbonPrice | None = None
