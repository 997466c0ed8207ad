"""Attribution of an installation's emissions to its production processes, and the specific embedded emissions
(SEE) of each process's goods (Implementing Regulation (EU) 2025/2547, attribution rules; the same formulas as
Implementing Regulation (EU) 2023/1773, Annex III, section F).

For a production process p with activity level AL_p [t]:

    AttrEm_dir,p   = DirEm*_p + Em_H,imp - Em_H,exp + WG_corr,imp - WG_corr,exp - Em_el,exp      [tCO2e]
    AttrEm_indir,p = E_el,p x EF_el,p                                                          [tCO2e]
    SEE_dir,p      = (AttrEm_dir,p + sum_i M_i x SEE_dir,i) / AL_p                             [tCO2e/t]
    SEE_indir,p    = (AttrEm_indir,p + sum_i M_i x SEE_indir,i) / AL_p                         [tCO2e/t]

with Em_H = heat [TJ] x its production's factor [tCO2/TJ], M_i [t] the relevant precursors consumed and SEE_i
their specific embedded emissions: the producing process's, the supplier's or the default value. Heat and waste
gas passed between two processes leave one and join the other, so they create or lose nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carbonkit.cbam.data import DefaultsData, GoodsData
from carbonkit.cbam.model import BoughtPrecursor, Installation, PrecursorUse, Process
from carbonkit.errors import InvalidInput, Problem


@dataclass
class ProcessResult:
    """The attribution of one process; emissions [tCO2e], SEE [tCO2e/t]."""

    id: str
    name: str
    category: str
    sector: str
    production_t: float
    direct_emissions: float
    heat_imported: float = 0.0
    heat_exported: float = 0.0
    waste_gas_imported: float = 0.0
    waste_gas_exported: float = 0.0
    electricity_exported: float = 0.0
    attributed_indirect: float = 0.0
    precursors_direct: float = 0.0
    precursors_indirect: float = 0.0
    precursors_own_direct: float = 0.0
    see_direct: float = 0.0
    see_indirect: float = 0.0
    see_own_direct: float = 0.0
    factors: list[str] = field(default_factory=list)

    @property
    def attributed_direct(self) -> float:
        """AttrEm_dir [tCO2e]."""
        return (self.direct_emissions + self.heat_imported - self.heat_exported + self.waste_gas_imported
                - self.waste_gas_exported - self.electricity_exported)


@dataclass
class LotValue:
    """The SEE used for a bought precursor lot [tCO2e/t], and where it comes from."""

    id: str
    direct: float
    indirect: float
    source: str  # "supplier" or "default"
    default_id: str | None = None
    note: str = ""


def direct_emissions(proc: Process) -> float:
    """DirEm*_p [tCO2e]: the figure given, or sum of activity x emission factor over the source streams.

    Parameters
    ----------
    proc : Process
        The process: ``direct_emissions_tco2e`` [tCO2e], or source streams (activity x factor [tCO2e per unit]).

    Returns
    -------
    float
        The process's direct emissions [tCO2e].
    """
    if proc.direct_emissions_tco2e is not None:
        return proc.direct_emissions_tco2e
    return sum(s.activity * s.emission_factor for s in proc.source_streams)


def start(inst: Installation, goods: GoodsData) -> dict[str, ProcessResult]:
    """Stage 1: each process's own direct and indirect emissions and the electricity it exports.

    Parameters
    ----------
    inst : Installation
        The checked installation.
    goods : GoodsData
        The goods categories (the sector of each process).

    Returns
    -------
    dict of str to ProcessResult
        Per process id: DirEm* [tCO2e], AttrEm_indir = E_el [MWh] x EF_el [tCO2/MWh] [tCO2e] and the emissions
        of electricity exported [tCO2e].
    """
    cats = goods.categories()
    out = {}
    for p in inst.processes:
        res = ProcessResult(p.id, p.name, p.category, cats[p.category].sector, p.production_t, direct_emissions(p))
        res.attributed_indirect = p.electricity_mwh * (p.electricity_factor or 0.0)
        res.electricity_exported = p.electricity_exported_mwh * (p.electricity_exported_factor or 0.0)
        out[p.id] = res
    return out


def move_heat(inst: Installation, results: dict[str, ProcessResult]) -> None:
    """Stage 2: heat flows. Em_H = heat [TJ] x factor [tCO2/TJ] joins the receiving process and leaves the giving
    one (from or to outside the installation: only one side).

    Parameters
    ----------
    inst : Installation
        Its heat flows [TJ] and their factors [tCO2/TJ].
    results : dict of str to ProcessResult
        Updated in place (``heat_imported``, ``heat_exported`` [tCO2e]).
    """
    for flow in inst.heat_flows:
        em = flow.heat_tj * flow.emission_factor
        if flow.to_process is not None:
            results[flow.to_process].heat_imported += em
        if flow.from_process is not None:
            results[flow.from_process].heat_exported += em


def move_waste_gas(inst: Installation, results: dict[str, ProcessResult], goods: GoodsData) -> None:
    """Stage 3: waste gases. The burning process keeps energy x EF_NG; the rest moves to the producing process.

    Parameters
    ----------
    inst : Installation
        Its waste-gas flows: energy [TJ] and the emissions of burning them [tCO2e].
    results : dict of str to ProcessResult
        Updated in place (``waste_gas_imported``, ``waste_gas_exported`` [tCO2e]).
    goods : GoodsData
        The reference factor EF_NG [tCO2/TJ] (``ef_natural_gas``).

    Raises
    ------
    InvalidInput
        A waste-gas flow to or from outside the installation (the checks refuse it first).
    """
    if not inst.waste_gas_flows:
        return
    ef_ng, factor_id = goods.constant_value("ef_natural_gas")
    for flow in inst.waste_gas_flows:
        to, made_by = flow.to_process, flow.from_process
        if to is None or made_by is None:  # refused by the checks (carbonkit.cbam.checks) before this stage
            raise InvalidInput(Problem("cbam_invalid", "waste gas to or from outside the installation is not supported",
                                       field="waste_gas_flows", expected="a flow between two processes of the installation"))
        moved = flow.emissions_tco2e - flow.energy_tj * ef_ng
        results[to].waste_gas_exported += moved
        results[made_by].waste_gas_imported += moved
        for end in (to, made_by):
            if factor_id not in results[end].factors:
                results[end].factors.append(factor_id)


def lot_values(inst: Installation, defaults: DefaultsData) -> dict[str, LotValue]:
    """The SEE of every bought lot: the supplier's, or the default of its CN code (without mark-up: the mark-up
    is the declarant's, on goods imported; carbonkit's choice, stated in every lot's note).

    Parameters
    ----------
    inst : Installation
        Its bought precursor lots.
    defaults : DefaultsData
        The default values [tCO2e/t] (Implementing Regulation (EU) 2025/2621).

    Returns
    -------
    dict of str to LotValue
        Per lot id: SEE direct and indirect [tCO2e/t] and their source.

    Raises
    ------
    InvalidInput
        A lot on the default without a default shipped for its CN code (the checks refuse it first).
    """
    return {lot.id: _lot_value(lot, defaults) for lot in inst.bought_precursors}


def _lot_value(lot: BoughtPrecursor, defaults: DefaultsData) -> LotValue:
    """A lot's SEE. A missing indirect value counts 0 only where the sector is charged on direct emissions (the
    checks refuse it for cement and fertilisers), and the lot's note says so."""
    if lot.use_default or lot.see_direct is None:  # the model allows no see_direct only with use_default
        row = defaults.default_for(lot.cn_code)
        if row is None:  # refused by the checks (carbonkit.cbam.checks) before this stage
            raise InvalidInput(Problem("cbam_no_default", f"no default value is shipped for CN {lot.cn_code} "
                                       f"({defaults.id})", field="use_default", expected="the supplier's see_direct"))
        note = f"default value of CN {row.cn_code} ({defaults.id}, {row.status}), without mark-up"
        indirect = row.indirect if row.indirect is not None else 0.0
        if row.indirect is None:
            note += "; no indirect default: counted 0 (the sector is charged on direct emissions only)"
        return LotValue(lot.id, row.direct, indirect, "default", f"{defaults.id}.{row.cn_code}", note)
    note = "supplier's value"
    if lot.see_indirect is None:
        note += "; the supplier gave no indirect value: counted 0 (the sector is charged on direct emissions only)"
    return LotValue(lot.id, lot.see_direct, lot.see_indirect or 0.0, "supplier", None, note)


def add_precursors(inst: Installation, order: list[str], results: dict[str, ProcessResult],
                   lots: dict[str, LotValue]) -> None:
    """Stage 4: in process order, the precursors' embedded emissions and the SEE of each process (module
    docstring: SEE = (AttrEm + Σ M_i x SEE_i) / AL).

    Parameters
    ----------
    inst : Installation
        Its processes and the precursors they use [t].
    order : list of str
        Process ids, each after the processes it takes precursors from (:func:`carbonkit.cbam.checks.process_order`).
    results : dict of str to ProcessResult
        Updated in place: precursors' embedded emissions [tCO2e] and SEE [tCO2e/t].
    lots : dict of str to LotValue
        The bought lots' SEE (:func:`lot_values`).
    """
    procs = {p.id: p for p in inst.processes}
    for pid in order:
        res = results[pid]
        for use in procs[pid].precursors:
            direct, indirect, own = _precursor_see(use, results, lots)
            res.precursors_direct += use.quantity_t * direct
            res.precursors_indirect += use.quantity_t * indirect
            res.precursors_own_direct += use.quantity_t * own
        res.see_direct = (res.attributed_direct + res.precursors_direct) / res.production_t
        res.see_indirect = (res.attributed_indirect + res.precursors_indirect) / res.production_t
        res.see_own_direct = (res.attributed_direct + res.precursors_own_direct) / res.production_t


def _precursor_see(use: PrecursorUse, results: dict[str, ProcessResult],
                   lots: dict[str, LotValue]) -> tuple[float, float, float]:
    """The direct, indirect and own direct SEE of a precursor used [tCO2e/t]: its producing process's, or its lot's
    (whose own direct SEE, the installation's share, is 0)."""
    if use.from_process is not None:
        src = results[use.from_process]
        return src.see_direct, src.see_indirect, src.see_own_direct
    if use.bought is not None:
        lot = lots[use.bought]
        return lot.direct, lot.indirect, 0.0
    raise InvalidInput(Problem("cbam_invalid", "a precursor comes either from a process of the installation or from "
                               "a bought lot", field="bought"))  # the model refuses it before this stage
