"""The checks of a CBAM installation beyond its schema: references between processes, lots and categories.

Every problem is collected (record, field, what was expected) so a refused installation lists all of them.
"""

from __future__ import annotations

from carbonkit.cbam.data import DefaultsData, GoodsData
from collections.abc import Sequence

from carbonkit.cbam.model import BoughtPrecursor, HeatFlow, Installation, Process, WasteGasFlow
from carbonkit.errors import Problem


def _p(path: str, message: str, expected: str | None = None, code: str = "cbam_invalid") -> Problem:
    return Problem(code, message, path=path, field=path.rsplit(".", 1)[-1], expected=expected)


def _process_problems(inst: Installation, goods: GoodsData) -> list[Problem]:
    cats = goods.categories()
    ids = [p.id for p in inst.processes]
    out = [_p(f"processes[{i}].id", f"process id '{p.id}' is used twice", "unique ids")
           for i, p in enumerate(inst.processes) if ids.count(p.id) > 1 and ids.index(p.id) != i]
    for i, proc in enumerate(inst.processes):
        where = f"processes[{i}]"
        cat = cats.get(proc.category)
        if cat is None:
            out.append(_p(f"{where}.category", f"unknown goods category '{proc.category}'", ", ".join(cats)))
            continue
        for j, good in enumerate(proc.goods):
            found = goods.category_of(good.cn_code)
            if found is None or found.id != cat.id:
                got = found.id if found else "no CBAM category"
                out.append(_p(f"{where}.goods[{j}].cn_code", f"CN {good.cn_code} is {got}, not {cat.id}",
                              f"a CN code of {cat.id}: " + ", ".join(cat.cn_codes)))
        sold = sum(g.quantity_t for g in proc.goods)
        if sold > proc.production_t * (1 + 1e-9):
            out.append(_p(f"{where}.goods", f"goods sold {sold:g} t exceed the production {proc.production_t:g} t",
                          "goods quantities <= production_t"))
        out += _use_problems(inst, where, proc, cat.precursors)
    return out


def _use_problems(inst: Installation, where: str, proc: Process, allowed: list[str]) -> list[Problem]:
    by_id = {p.id: p for p in inst.processes}
    lots = {b.id: b for b in inst.bought_precursors}
    out = []
    for k, use in enumerate(proc.precursors):
        at = f"{where}.precursors[{k}]"
        if use.category not in allowed:
            out.append(_p(f"{at}.category", f"'{use.category}' is not a relevant precursor of {proc.category}",
                          ", ".join(allowed) or "no precursors"))
        if use.from_process is not None:
            src = by_id.get(use.from_process)
            if src is None or src.id == proc.id:
                out.append(_p(f"{at}.from_process", f"'{use.from_process}' is not another process of the installation"))
            elif src.category != use.category:
                out.append(_p(f"{at}.from_process", f"process {src.id} makes {src.category}, not {use.category}"))
        elif use.bought not in lots:
            out.append(_p(f"{at}.bought", f"no bought precursor lot '{use.bought}'", "an id of bought_precursors"))
        elif lots[use.bought].category != use.category:
            out.append(_p(f"{at}.bought", f"lot {use.bought} is {lots[use.bought].category}, not {use.category}"))
    return out


def _lot_problems(inst: Installation, goods: GoodsData, defaults: DefaultsData) -> list[Problem]:
    out = []
    cats = goods.categories()
    for i, lot in enumerate(inst.bought_precursors):
        where = f"bought_precursors[{i}]"
        found = goods.category_of(lot.cn_code)
        if lot.category not in cats:
            out.append(_p(f"{where}.category", f"unknown goods category '{lot.category}'", ", ".join(cats)))
        elif found is None or found.id != lot.category:
            out.append(_p(f"{where}.cn_code", f"CN {lot.cn_code} is not a code of {lot.category}"))
        if lot.use_default:
            if lot.country != defaults.country:
                out.append(_p(f"{where}.country", f"the default values loaded are for {defaults.country}, the lot is "
                              f"from {lot.country}", f"country {defaults.country} or the supplier's value"))
            elif defaults.default_for(lot.cn_code) is None:
                out.append(_p(f"{where}.use_default", f"no default value is shipped for CN {lot.cn_code} "
                              f"({defaults.id})", "the supplier's see_direct", code="cbam_no_default"))
        out += _indirect_problems(where, lot, goods, defaults)
        ids = [b.id for b in inst.bought_precursors]
        if ids.count(lot.id) > 1 and ids.index(lot.id) != i:
            out.append(_p(f"{where}.id", f"lot id '{lot.id}' is used twice", "unique ids"))
    return out


def _indirect_problems(where: str, lot: BoughtPrecursor, goods: GoodsData, defaults: DefaultsData) -> list[Problem]:
    """Where the sector charges indirect emissions (cement, fertilisers), a lot without an indirect value is
    refused rather than counted as 0."""
    cat = goods.categories().get(lot.category)
    if cat is None or not goods.sectors()[cat.sector].indirect_counted:
        return []
    if lot.use_default:
        row = defaults.default_for(lot.cn_code)
        if row is not None and row.indirect is None:
            return [_p(f"{where}.use_default", f"the default of CN {row.cn_code} has no indirect value and "
                       f"{cat.sector} charges indirect emissions", "the supplier's see_direct and see_indirect")]
        return []
    if lot.see_indirect is None:
        return [_p(f"{where}.see_indirect", f"{cat.sector} charges indirect emissions: the supplier's indirect SEE "
                   "is needed", "see_indirect [tCO2e/t]")]
    return []


def _flow_problems(inst: Installation) -> list[Problem]:
    ids = {p.id for p in inst.processes}
    out = []
    kinds: tuple[tuple[str, Sequence[HeatFlow | WasteGasFlow]], ...] = (("heat_flows", inst.heat_flows),
                                                                         ("waste_gas_flows", inst.waste_gas_flows))
    for name, flows in kinds:
        for i, flow in enumerate(flows):
            ends = (flow.from_process, flow.to_process)
            if ends[0] is None and ends[1] is None:
                out.append(_p(f"{name}[{i}]", "a flow needs from_process, to_process or both"))
            if ends[0] is not None and ends[0] == ends[1]:
                out.append(_p(f"{name}[{i}].to_process", "a flow from a process to itself"))
            for end, value in zip(("from_process", "to_process"), ends):
                if value is not None and value not in ids:
                    out.append(_p(f"{name}[{i}].{end}", f"no process '{value}'", "a process id"))
            if name == "waste_gas_flows" and None in ends:
                out.append(_p(f"{name}[{i}]", "waste gas to or from outside the installation is not supported",
                              "a flow between two processes of the installation"))
    return out


def problems(inst: Installation, goods: GoodsData, defaults: DefaultsData) -> list[Problem]:
    """Every problem of the installation's references (empty when it can be calculated).

    Parameters
    ----------
    inst : Installation
        The installation (its schema already validated).
    goods : GoodsData
        Categories, CN codes and relevant precursors (Regulation (EU) 2023/956, Annex I).
    defaults : DefaultsData
        The default values, for lots on the default.

    Returns
    -------
    list of Problem
        Processes, lots and flows whose references, categories, CN codes or quantities do not fit.
    """
    return _process_problems(inst, goods) + _lot_problems(inst, goods, defaults) + _flow_problems(inst)


def process_order(inst: Installation) -> list[str] | Problem:
    """The processes in an order where each comes after the processes whose precursors it uses, or a Problem
    naming a cycle.

    Parameters
    ----------
    inst : Installation
        The checked installation.

    Returns
    -------
    list of str or Problem
        Process ids in calculation order (ties by id), or the problem naming the processes in a cycle.
    """
    needs = {p.id: {u.from_process for u in p.precursors if u.from_process} for p in inst.processes}
    order: list[str] = []
    while needs:
        ready = sorted(k for k, v in needs.items() if v <= set(order))
        if not ready:
            return _p("processes", "the processes use each other's products in a cycle: " + ", ".join(sorted(needs)),
                      "precursor flows without a cycle")
        order += ready
        for k in ready:
            del needs[k]
    return order
