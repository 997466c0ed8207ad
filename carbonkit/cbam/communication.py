"""The orchestrator and the per-installation communication, in the structure of the EU communication template
for installations (sheets: installation data, production processes, purchased precursors, summary of products,
carbon price due) as a plain dict, ready for JSON, the workbook and the HTML summary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from carbonkit.documents import validation_problems
from carbonkit.cbam.attribution import (LotValue, ProcessResult, add_precursors, lot_values, move_heat,
                                        move_waste_gas, start)
from carbonkit.cbam.checks import problems, process_order
from carbonkit.cbam.data import DefaultsData, GoodsData, load_defaults, load_goods
from carbonkit.cbam.goods import GoodResult, carbon_rate, goods_results
from carbonkit.cbam.model import Installation
from carbonkit.errors import InvalidInput, Problem

PRICE_RULE = ("carbon price paid per tonne = price x (covered - free allocation) / covered x the installation's own "
              "direct SEE (bought precursors excluded): carbonkit's spreading of Regulation (EU) 2023/956 Art. 9")


@dataclass
class CbamResult:
    """The attribution of one installation: processes, goods, bought lots and the data used."""

    installation: Installation
    processes: list[ProcessResult]
    goods: list[GoodResult]
    lots: dict[str, LotValue]
    goods_data: GoodsData
    defaults: DefaultsData
    notes: list[str] = field(default_factory=list)

    @property
    def direct_emissions(self) -> float:
        """The installation's direct emissions, sum of DirEm* over its processes [tCO2e]."""
        return sum(p.direct_emissions for p in self.processes)

    @property
    def attributed_direct(self) -> float:
        """Sum of AttrEm_dir over the processes [tCO2e]."""
        return sum(p.attributed_direct for p in self.processes)

    def balance(self) -> dict[str, float]:
        """Direct emissions in = attributed + what left the installation - what came in from outside [tCO2e];
        ``unexplained`` is 0 up to rounding."""
        inst = self.installation
        heat_in = sum(f.heat_tj * f.emission_factor for f in inst.heat_flows if f.from_process is None)
        heat_out = sum(f.heat_tj * f.emission_factor for f in inst.heat_flows if f.to_process is None)
        el_out = sum(p.electricity_exported for p in self.processes)
        return {"direct_emissions": self.direct_emissions, "attributed_direct": self.attributed_direct,
                "heat_imported_from_outside": heat_in, "heat_exported_outside": heat_out,
                "electricity_exported": el_out,
                "unexplained": self.attributed_direct - (self.direct_emissions + heat_in - heat_out - el_out)}

    def to_dict(self) -> dict[str, Any]:
        """The communication in the structure of the EU template (:func:`carbonkit.cbam.template.communication`)."""
        from carbonkit.cbam.template import communication
        return communication(self)


def _parse(data: Installation | Mapping[str, Any]) -> Installation:
    if isinstance(data, Installation):
        return data
    try:
        return Installation.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(validation_problems(exc)) from None


def embedded_emissions(data: Installation | Mapping[str, Any], *, goods: GoodsData | str | Path | None = None,
                       defaults: DefaultsData | str | Path | None = None) -> CbamResult:
    """Attribute an installation's emissions to its processes and goods (stages: check, start, heat, waste gas,
    precursors, goods; Implementing Regulation (EU) 2025/2547).

    Parameters
    ----------
    data : Installation or mapping
        The installation (:mod:`carbonkit.cbam.model`), or its JSON form.
    goods : GoodsData, str or Path, optional
        Sectors and goods categories (default: the shipped ``eu-2023-956-goods``).
    defaults : DefaultsData, str or Path, optional
        Default values and mark-ups (default: the shipped ``eu-2025-2621-cn``).

    Returns
    -------
    CbamResult
        Per process attributed emissions [tCO2e] and SEE [tCO2e/t]; per good SEE charged, default with mark-up
        and difference [tCO2e/t], embedded emissions [tCO2e] and carbon price paid [currency/t].

    Raises
    ------
    InvalidInput
        Every problem of the installation, listed at once; nothing is computed then.
    """
    inst = _parse(data)
    goods = goods if isinstance(goods, GoodsData) else load_goods(goods)
    defaults = defaults if isinstance(defaults, DefaultsData) else load_defaults(defaults)
    found = problems(inst, goods, defaults)
    if found:
        raise InvalidInput(found)
    order = process_order(inst)
    if isinstance(order, Problem):
        raise InvalidInput([order])
    results = start(inst, goods)
    move_heat(inst, results)
    move_waste_gas(inst, results, goods)
    lots = lot_values(inst, defaults)
    add_precursors(inst, order, results, lots)
    rows = goods_results(inst, results, goods, defaults)
    return CbamResult(inst, [results[p.id] for p in inst.processes], rows, lots, goods, defaults, _notes(inst, rows))


def _notes(inst: Installation, rows: list[GoodResult]) -> list[str]:
    notes = []
    missing = sorted({r.cn_code for r in rows if r.default_direct is None})
    if missing:
        notes.append("no default value shipped for CN " + ", ".join(missing) + ": no comparison (left out, not guessed)")
    if inst.carbon_price is not None:
        notes.append(PRICE_RULE + f"; rate {carbon_rate(inst.carbon_price):.4f} {inst.carbon_price.currency}/tCO2")
    return notes


def read_installation(path: str | Path) -> Installation:
    """An installation from a JSON file (the model of :mod:`carbonkit.cbam.model`).

    Parameters
    ----------
    path : str or Path
        The JSON file (UTF-8).

    Returns
    -------
    Installation
        The validated installation.

    Raises
    ------
    InvalidInput
        A file that cannot be read as JSON, or every schema problem of its content.
    """
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(Problem("json_invalid", f"{path.name}: not a readable JSON file: {exc}")) from None
    return _parse(raw)
