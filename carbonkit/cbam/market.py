"""From the national carbon market's sector account (``carbonkit.market``, issue 16) to a CBAM installation.

The market account's annual result has one ``FacilityYear`` per accounting boundary (a clinker line, a BF-BOF or
EAF route, an electrolysis series) with its direct emissions (combustion + process + PFC) [tCO2e], net purchased
electricity [MWh] and its emissions [tCO2], net purchased heat [GJ] and its emissions [tCO2], and the output of
the boundary's product [t]. Each facility becomes one CBAM production process:

    direct_emissions_tco2e = direct_tco2e
    electricity_mwh        = electricity_mwh,  electricity_factor = electricity_tco2 / electricity_mwh
    heat                   = a heat flow from (net purchase) or to (net sale) outside the installation,
                             heat [TJ] = heat_gj converted by the unit registry, factor = heat_tco2 / heat [TJ]
    production_t           = the output of the facility's product; category from :data:`PRODUCT_CATEGORY`

The goods sold by CN code, the precursors consumed (from another facility or bought) and the carbon price are
not in the market account: the caller adds them. Note that the market's carbon mass balance counts the carbon
of bought precursors (e.g. ``carbon_in.pig_iron``) as the installation's emissions, while CBAM adds bought
precursors' own embedded emissions separately: state which applies when both are present.

This module only reads attributes or keys by name, so it does not import ``carbonkit.market``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from carbonkit.cbam.model import Good, HeatFlow, Installation, PrecursorUse, Process
from carbonkit.errors import InvalidInput, Problem
from carbonkit.units import multiplier

if TYPE_CHECKING:
    from carbonkit.market.result import FacilityYear

    # a facility-year of the market account: the pydantic model or its record (MarketResult.records())
    FacilityRecord: TypeAlias = Mapping[str, Any] | FacilityYear

# the market guidelines' product of a boundary -> the CBAM aggregated goods category
PRODUCT_CATEGORY = {"clinker": "cement_clinker", "crude_steel": "crude_steel", "primary_aluminium": "unwrought_aluminium"}


def _get(fy: FacilityRecord, name: str) -> Any:
    """The field ``name`` of a facility-year, by key or attribute."""
    return fy[name] if isinstance(fy, Mapping) else getattr(fy, name)


def process_from_facility(fy: FacilityRecord, *, category: str | None = None,
                          goods: Iterable[Good | Mapping[str, Any]] = (),
                          precursors: Iterable[PrecursorUse | Mapping[str, Any]] = ()) -> tuple[Process, list[HeatFlow]]:
    """One facility-year of the market account as a CBAM process, and its heat flow with the outside (if any).

    Parameters
    ----------
    fy : FacilityYear or mapping
        The facility-year (:class:`carbonkit.market.FacilityYear` or its record): ``direct_tco2e`` [tCO2e],
        ``electricity_mwh`` [MWh], ``electricity_tco2`` [tCO2], ``heat_gj`` [GJ], ``heat_tco2`` [tCO2],
        ``product`` and ``production_t`` [t].
    category : str, optional
        The CBAM aggregated goods category; default from :data:`PRODUCT_CATEGORY`.
    goods, precursors : iterable
        The goods sold by CN code [t] and the precursors consumed [t] (:class:`Good`, :class:`PrecursorUse`).

    Returns
    -------
    (Process, list of HeatFlow)
        The process (direct emissions [tCO2e], electricity [MWh] and its factor [tCO2/MWh], production [t]) and
        the net heat bought or sold [TJ] with its factor [tCO2/TJ] (module docstring).

    Raises
    ------
    InvalidInput
        ``cbam_market``: a product without CBAM category or without output.
    """
    facility, product = str(_get(fy, "facility")), _get(fy, "product")
    category = category or PRODUCT_CATEGORY.get(product)
    produced = (_get(fy, "production_t") or {}).get(product)
    if category is None or not produced:
        raise InvalidInput(Problem("cbam_market", f"facility {facility}: product '{product}' has no CBAM category "
                                   "or no output", field="product", expected=", ".join(PRODUCT_CATEGORY)))
    mwh, el_t = float(_get(fy, "electricity_mwh")), float(_get(fy, "electricity_tco2"))
    source = f"national carbon market account, facility {facility}, {_get(fy, 'year')}"
    proc = Process(id=facility, name=facility, category=category, production_t=float(produced),
                   direct_emissions_tco2e=float(_get(fy, "direct_tco2e")),
                   electricity_mwh=max(mwh, 0.0), electricity_factor=(el_t / mwh) if mwh > 0 else None,
                   electricity_factor_source=source, goods=list(goods), precursors=list(precursors))
    return proc, _heat(fy, facility, source)


def _heat(fy: FacilityRecord, facility: str, source: str) -> list[HeatFlow]:
    gj, heat_t = float(_get(fy, "heat_gj")), float(_get(fy, "heat_tco2"))
    if gj == 0:
        return []
    tj = abs(gj) * multiplier("GJ", "TJ")
    factor = abs(heat_t) / tj
    if gj > 0:
        return [HeatFlow(to_process=facility, heat_tj=tj, emission_factor=factor, source=source)]
    return [HeatFlow(from_process=facility, heat_tj=tj, emission_factor=factor, source=source)]


def installation_from_market(facility_years: Iterable[FacilityRecord], *, installation_id: str, import_year: int,
                             goods: Mapping[str, Iterable[Good | Mapping[str, Any]]] | None = None,
                             precursors: Mapping[str, Iterable[PrecursorUse | Mapping[str, Any]]] | None = None,
                             categories: Mapping[str, str] | None = None, **fields: Any) -> Installation:
    """The facility-years of one enterprise and year as a CBAM installation (the caller adds goods by CN code per
    facility, precursors per facility, and any other :class:`Installation` field such as ``bought_precursors``
    or ``carbon_price``).

    Parameters
    ----------
    facility_years : iterable of FacilityYear or mapping
        The facility-years of one enterprise and one year (:func:`process_from_facility`).
    installation_id, import_year : str, int
        The installation's id; the year of import the default mark-up is taken for.
    goods, precursors : mapping of facility to iterable, optional
        Goods sold by CN code [t] and precursors consumed [t], per facility id.
    categories : mapping of facility to str, optional
        The CBAM category of a facility whose product is not in :data:`PRODUCT_CATEGORY`.
    **fields
        Any other field of :class:`Installation`; ``heat_flows`` are added to the facilities' own.

    Returns
    -------
    Installation
        One process per facility-year, with the reporting period the calendar year.

    Raises
    ------
    InvalidInput
        Facility-years of more than one year, or a facility without category or output.
    """
    goods, precursors, categories = goods or {}, precursors or {}, categories or {}
    procs: list[Process] = []
    heat: list[HeatFlow] = []
    years: set[int] = set()
    for fy in facility_years:
        fid = str(_get(fy, "facility"))
        proc, flows = process_from_facility(fy, category=categories.get(fid), goods=goods.get(fid, ()),
                                            precursors=precursors.get(fid, ()))
        procs.append(proc)
        heat += flows
        years.add(int(_get(fy, "year")))
    if len(years) != 1:
        raise InvalidInput(Problem("cbam_market", f"facility-years of {len(years)} years; one installation is one year",
                                   field="year", expected="facility-years of one year"))
    year = years.pop()
    return Installation(id=installation_id, import_year=import_year, period_start=f"{year}-01-01",
                        period_end=f"{year}-12-31", processes=procs, heat_flows=heat + list(fields.pop("heat_flows", [])),
                        **fields)
