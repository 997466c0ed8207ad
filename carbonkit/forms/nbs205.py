"""NBS form 205-1 能源购进、消费与库存 as a workbook: the template, its import (checked row by row) and export.

One workbook is one enterprise and one period. Per energy row (code and unit from ``factors/forms/nbs205-1.csv``):
start stock S, purchases P (and their value [10^3 CNY]), consumption C = industrial I + non-industrial N (of
I, raw-material use F), transfers out T, end stock E, and the row's own coefficient to standard coal when the
enterprise measured one (GB/T 2589-2020 ch. 5 prefers measured values) next to the reference one.

Checks, each reported with the sheet row and the column:

- every figure is a number ≥ 0; C = I + N; F ≤ I;
- the stock balance S + P − C − T = E, to within ``[balance] tolerance`` of ``nbs205-1.toml`` [row unit].

Accounting: I − F is energy consumption (flow ``consumption``) and F raw-material use (flow ``feedstock``);
non-industrial use N stays out of industrial energy (it is kept in :attr:`Form205.non_industrial`). A row's own
coefficient becomes a factor of a user table (id ``nbs205-own.<item>``, the enterprise's statement, marked
unverified) added on top of the release, so the result's ``factor_ids`` show which rows used it.
"""

from __future__ import annotations

import re
import tempfile
import tomllib
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pandas as pd

from carbonkit.datafiles import data_path
from carbonkit.errors import InvalidInput, Problem
from carbonkit.factors import Release, load_release, read_table
from carbonkit.units import multiplier

if TYPE_CHECKING:
    from carbonkit.accounting import AccountingOptions, AccountingResult
    from carbonkit.factors.tables import Table

SHEET = "205-1表"
TITLE = "能源购进、消费与库存"
META_CELLS = (("enterprise", "统一社会信用代码"), ("name", "单位名称"), ("period", "报告期"),
              ("region", "行政区划代码"), ("industry", "行业代码"))
# (column key, header as on the form); the first three are the form's 甲 乙 丙 columns
COLUMNS = (("name_zh", "能源名称"), ("unit_zh", "计量单位"), ("code", "代码"), ("start_stock", "年初库存量"),
           ("purchases", "购进量"), ("purchase_value", "购进金额（千元）"), ("consumption", "消费量合计"),
           ("industrial", "工业生产消费"), ("feedstock", "其中：用作原材料"), ("non_industrial", "非工业生产消费"),
           ("transfers_out", "调出量"), ("end_stock", "年末库存量"), ("own_coefficient", "采用折标系数"),
           ("reference_coefficient", "参考折标系数"), ("coefficient_unit", "折标系数单位"))
NUMBERS = ("start_stock", "purchases", "purchase_value", "consumption", "industrial", "feedstock", "non_industrial",
           "transfers_out", "end_stock", "own_coefficient")
HEADER_ROW = len(META_CELLS) + 3  # the title, the meta block, a blank row, then the header
PERIOD = re.compile(r"(19|20)\d\d(-(0[1-9]|1[0-2]))?")


@cache
def form_rows() -> pd.DataFrame:
    """The energy rows of the form (``factors/forms/nbs205-1.csv``).

    Returns
    -------
    DataFrame
        ``code``, ``name_zh``, ``unit_zh``, ``unit`` (the row unit, e.g. [t], [10^4 m3], [10^4 kWh]), ``item``,
        ``coefficient_unit`` (e.g. [kgce/kg]), ``status`` and ``note``, all as text.
    """
    return pd.read_csv(data_path("forms", "nbs205-1.csv"), dtype=str, keep_default_na=False)


@cache
def form_meta() -> dict[str, Any]:
    """The form's provenance and the stock-balance tolerance (``factors/forms/nbs205-1.toml``).

    Returns
    -------
    dict
        The TOML document: provenance fields and ``[balance] tolerance`` [row unit].
    """
    return tomllib.loads(data_path("forms", "nbs205-1.toml").read_text(encoding="utf-8"))


def reference_coefficient(row: Mapping[Hashable, Any], release: Release) -> float | None:
    """The release's standard-coal coefficient of a form row's item in the row's coefficient unit (GB/T 2589-2020).

    Parameters
    ----------
    row : mapping
        A row of :func:`form_rows` (``item`` and ``coefficient_unit``).
    release : Release
        The factor release whose ``standard_coal`` factors are read.

    Returns
    -------
    float or None
        The coefficient in the row's ``coefficient_unit``: [kgce/kg], [kgce/m3], [kgce/kWh] or [kgce/MJ]
        (GB/T 2589-2020, Appendix A); None when the row names no item or unit, or the release has no factor for the item.
    """
    if not row["item"] or not row["coefficient_unit"]:
        return None
    found = release.lookup("standard_coal", row["item"])
    return None if found is None else found.value * multiplier(found.unit, row["coefficient_unit"])


def _figure(value: float | None) -> float:
    """A form figure, blank (None or NaN in a frame) as 0."""
    return 0.0 if value is None or value != value else float(value)


@dataclass
class Form205:
    """One filled 205-1 form: who and when, the rows as entered, and what the accounting reads from them."""

    enterprise: str
    period: str
    rows: pd.DataFrame  # one row per form row with figures (columns: the keys of COLUMNS, plus item, unit, sheet_row)
    name: str = ""
    region: str = ""
    industry: str = ""
    non_industrial: pd.DataFrame = field(default_factory=pd.DataFrame)

    def activities(self) -> pd.DataFrame:
        """The long activity table: per item, industrial consumption less raw-material use (flow consumption)
        and raw-material use (flow feedstock) [row unit]; non-industrial use is left out."""
        out = []
        for r in self.rows.to_dict("records"):
            industrial, feedstock = _figure(r["industrial"]), _figure(r["feedstock"])
            for amount, flow in ((industrial - feedstock, "consumption"), (feedstock, "feedstock")):
                if amount > 0:
                    out.append({"enterprise": self.enterprise, "name": self.name, "region": self.region,
                                "industry": self.industry, "period": self.period, "item": r["item"],
                                "amount": amount, "unit": r["unit"], "flow": flow, "row": r["sheet_row"]})
        return pd.DataFrame(out)

    def own_table(self) -> Table | None:
        """The rows' own coefficients as a user factor table (None when no row gives one)."""
        own = self.rows[self.rows["own_coefficient"].notna() & (self.rows["item"] != "")]
        if own.empty:
            return None
        table_id = "nbs205-own"
        meta = {"id": table_id, "kind": "standard_coal", "title": "205-1表 采用折标系数",
                "source": f"form 205-1 of {self.enterprise}, {self.period}, column 采用折标系数", "edition": self.period,
                "issuing_body": self.enterprise, "published": self.period[:4], "region": "CN"}
        rows = pd.DataFrame({"id": [f"{table_id}.{i}" for i in own["item"]], "item": own["item"],
                             "value": own["own_coefficient"], "unit": own["coefficient_unit"], "status": "unverified",
                             "note": [f"the enterprise's own coefficient, 205-1 row {c}" for c in own["code"]]})
        with tempfile.TemporaryDirectory(prefix="carbonkit-205-") as tmp:
            path = Path(tmp) / f"{table_id}.csv"
            rows.to_csv(path, index=False)
            return read_table(path, meta, user=True)

    def release(self, release: Release | str | None = None) -> Release:
        """``release`` (default: the current one) with the rows' own coefficients on top, if any."""
        base = release if isinstance(release, Release) else load_release(release)
        own = self.own_table()
        return base if own is None else base.with_table(own)


def account_form(source: Form205 | str | Path | IO[bytes], release: Release | str | None = None,
                 options: AccountingOptions | dict[str, Any] | None = None) -> AccountingResult:
    """Read a 205-1 workbook (or take a :class:`Form205`) and account it (module docstring).

    Parameters
    ----------
    source : Form205, str, Path or binary stream
        The filled form, or a workbook to read (:func:`carbonkit.forms.read_form`).
    release : Release or str, optional
        The factor release (default: the current one); the rows' own coefficients are added on top.
    options : AccountingOptions or dict, optional
        Options of :func:`carbonkit.account`.

    Returns
    -------
    AccountingResult
        Energy [tce], water [m3] and CO2 [tCO2] of the enterprise and period; the factor ids name
        ``nbs205-own.<item>`` where a row's own coefficient was used.

    Raises
    ------
    InvalidInput
        ``rows_missing`` when no row has industrial consumption; any problem of the workbook or the accounting.
    """
    from carbonkit.accounting import account
    from carbonkit.forms.nbs205_io import read_form

    form = source if isinstance(source, Form205) else read_form(source)
    frame = form.activities()
    if frame.empty:
        raise InvalidInput(Problem("rows_missing", "the form has no industrial consumption", sheet=SHEET,
                                   expected="工业生产消费 on at least one energy row"))
    return account(frame, release=form.release(release), options=options)

