"""The enterprise report: energy by carrier, CO2 by scope, intensities over the years, the green-factory gaps.

Energy and CO2 per carrier come from the same ``account()`` engine: each energy row of the reported period
is accounted as its own batch member (one call for all rows), so the carriers add up to the enterprise's
totals [tce], [tCO2]. Intensities [tce / 10^4 CNY] are total over total per period; the change against
the previous year and the base year is x_t / x_ref - 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from carbonkit.accounting import AccountingOptions, AccountingResult, account
from carbonkit.catalog import unit_of
from carbonkit.errors import InvalidInput, Problem
from carbonkit.intensity import finite
from carbonkit.readers import read_activities
from carbonkit.vocabulary import vocabulary

ENERGY_KINDS = ("fuel", "electricity", "heat", "steam")
# figures shown, by column; names and units from the indicator catalog (carbonkit/indicators.toml)
KEY_FIGURES = ("energy_equivalent_tce", "energy_equal_tce", "co2_location_tco2", "co2_market_tco2",
               "water_withdrawal_m3", "value_added_10k_cny", "value_added_comparable_10k_cny",
               "energy_intensity_tce_per_10k_cny", "energy_intensity_comparable_tce_per_10k_cny")
TRENDS = ("energy_intensity_comparable_tce_per_10k_cny", "co2_intensity_comparable_tco2_per_10k_cny",
          "water_intensity_comparable_m3_per_10k_cny")


def _pick(summary: pd.DataFrame, enterprise: str | None, period: str | None) -> tuple[str, str]:
    ents = list(dict.fromkeys(summary["enterprise"]))
    if enterprise is None:
        if len(ents) != 1:
            raise InvalidInput(Problem("enterprise_ambiguous", f"the input holds {len(ents)} enterprises: name one",
                                       field="enterprise", expected=", ".join(map(str, ents[:10]))))
        enterprise = ents[0]
    rows = summary[summary["enterprise"] == enterprise]
    if rows.empty:
        raise InvalidInput(Problem("enterprise_unknown", f"no enterprise '{enterprise}' in the input", field="enterprise",
                                   expected=", ".join(map(str, ents[:10]))))
    periods = sorted(rows["period"].astype(str))
    if period is None:
        period = periods[-1]
    elif period not in periods:
        raise InvalidInput(Problem("period_unknown", f"enterprise {enterprise} has no period '{period}'", field="period",
                                   expected=", ".join(periods)))
    return enterprise, period


def carriers(frame: pd.DataFrame, enterprise: str, period: str, release: str,
             options: AccountingOptions | dict | None) -> list[dict]:
    """One entry per energy row of (enterprise, period): amount as given, [tce] equivalent, CO2 [tCO2]."""
    return carriers_of(frame, {enterprise: period}, release, options).get(enterprise, [])


def _energy_rows(frame: pd.DataFrame, picks: dict[str, str]) -> tuple[pd.DataFrame, list]:
    """The energy rows of each enterprise's picked period, and their vocabulary items."""
    vocab = vocabulary()
    ents, pers = frame["enterprise"].astype(str), frame["period"].astype(str)
    wanted = pd.Series([picks.get(e) for e in ents.to_numpy()], index=frame.index)
    rows = frame[wanted.notna() & (pers == wanted)]
    items = [vocab.resolve(str(name)) for name in rows["item"]]
    keep = np.array([it is not None and it.kind in ENERGY_KINDS for it in items], dtype=bool)
    return rows[keep].copy(), [it for it, k in zip(items, keep) if k and it is not None]


def _carrier_entry(item, rec: dict, r: pd.Series) -> dict:
    """One carrier as the report shows it: the amount as given, its [tce] and its CO2 by scope [tCO2]."""
    return {"item": item.item, "name_zh": item.name_zh, "name_en": item.name_en,
            "amount": finite(rec.get("amount")), "unit": rec.get("unit") or "", "flow": rec.get("flow") or "consumption",
            "tce": finite(r["energy_equivalent_tce"]), "scope1": finite(r["co2_combustion_tco2"]),
            "scope2_location": finite(r["co2_scope2_location_tco2"]),
            "scope2_market": finite(r["co2_scope2_market_tco2"])}


def _add_shares(entries: list[dict]) -> None:
    """Each carrier's share of the enterprise's [tce] [-] (None without a total)."""
    total = sum(c["tce"] or 0.0 for c in entries)
    for c in entries:
        c["share"] = (c["tce"] / total) if total and c["tce"] is not None else None


def carriers_of(frame: pd.DataFrame, picks: dict[str, str], release: str,
                options: AccountingOptions | dict | None) -> dict[str, list[dict]]:
    """:func:`carriers` of many enterprises, each for its period in ``picks``, in one accounting call: every
    energy row is accounted as its own batch member, so each carrier's [tce] and [tCO2] come from the engine."""
    rows, energy_items = _energy_rows(frame, picks)
    if rows.empty:
        return {}
    owners = rows["enterprise"].astype(str).to_numpy()
    rows["enterprise"] = [f"carrier-{i}" for i in range(len(rows))]
    per = account(rows, release=release, options=options).summary.set_index("enterprise")
    out: dict[str, list[dict]] = {}
    for i, (owner, item, rec) in enumerate(zip(owners, energy_items, rows.to_dict("records"))):
        out.setdefault(owner, []).append(_carrier_entry(item, rec, cast(pd.Series, per.loc[f"carrier-{i}"])))
    for entries in out.values():
        _add_shares(entries)
    return out


def _annual_years(rows: pd.DataFrame, enterprise: str, base_year: int | None) -> tuple[list[int], int | None]:
    """The annual periods of the enterprise and the base year (the first year when none is given)."""
    years = [int(p) for p in rows["period"]]
    if base_year is None and years:
        base_year = years[0]
    if base_year is not None and base_year not in years and len(years) > 1:
        raise InvalidInput(Problem("base_year_missing", f"no annual period {base_year} for enterprise {enterprise}",
                                   field="base_year", expected=", ".join(map(str, years))))
    return years, base_year


def _trend_cells(years: list[int], values: list, base, base_year: int | None) -> list[dict]:
    """Per year: the value, and its change x_t / x_ref - 1 [-] against the previous year and the base year."""
    cells = []
    for i, v in enumerate(values):
        prev = values[i - 1] if i else None
        cells.append({"year": years[i], "value": v,
                      "vs_previous": (v / prev - 1) if v is not None and prev else None,
                      "vs_base": (v / base - 1) if v is not None and base and years[i] != base_year else None})
    return cells


def trends(summary: pd.DataFrame, enterprise: str, base_year: int | None) -> dict:
    """Annual intensities of one enterprise with their change vs the previous year and the base year."""
    rows = summary[(summary["enterprise"] == enterprise) & (summary["period"].astype(str).str.len() == 4)]
    rows = rows.sort_values("period")
    years, base_year = _annual_years(rows, enterprise, base_year)
    table = []
    for column in TRENDS:
        values = [finite(v) for v in rows[column]]
        base = values[years.index(base_year)] if base_year in years else None
        table.append({"column": column, "unit": unit_of(column), "cells": _trend_cells(years, values, base, base_year),
                      "base": base})
    return {"years": years, "base_year": base_year, "rows": table}


@dataclass
class Accounted:
    """An input accounted once, for one report or many: the activity rows, the result, its summary."""

    frame: pd.DataFrame
    result: AccountingResult
    summary: pd.DataFrame
    options: AccountingOptions | dict | None = None

    @classmethod
    def of(cls, source, release: str | None = None, options: AccountingOptions | dict | None = None) -> Accounted:
        frame = read_activities(source) if isinstance(source, (str, Path)) else source
        result = account(frame, release=release, options=options)
        summary = result.summary.copy()
        summary["period"] = summary["period"].astype(str)
        return cls(frame, result, summary, options)

    def picks(self, period: str | None = None) -> dict[str, str]:
        """Enterprise -> the period reported: each one's latest, or ``period`` for those that have it; in the
        order of the summary."""
        if period is not None:
            return {e: p for e, p in zip(self.summary["enterprise"].astype(str), self.summary["period"])
                    if p == str(period)}
        latest = self.summary.groupby(self.summary["enterprise"].astype(str), sort=False)["period"].max()
        return dict(zip(latest.index, latest.to_numpy()))


def enterprise_context(source, *, enterprise: str | None = None, period: str | None = None,
                       base_year: int | None = None, assessment: dict | None = None, release: str | None = None,
                       options: AccountingOptions | dict | None = None, criteria=None,
                       accounted: Accounted | None = None, carrier_rows: list[dict] | None = None) -> dict:
    """Everything the enterprise template shows. ``source``: a path (.csv, .json, .xlsx) or an activity frame
    (or ``accounted``, the input already accounted); ``assessment``: green-factory statements as for ``carbonkit
    assess factory`` (the document may be left out: the report's enterprise-period is used)."""
    acc = accounted or Accounted.of(source, release, options)
    result, summary = acc.result, acc.summary
    enterprise, period = _pick(summary, enterprise, period)
    record = result.record(enterprise, period)
    scopes = [("scope1", record.get("co2_combustion_tco2")), ("scope2_location", record.get("co2_scope2_location_tco2")),
              ("scope2_market", record.get("co2_scope2_market_tco2"))]
    gaps = None
    if assessment is not None:
        from carbonkit.assess import assess_factory

        statements = {k: v for k, v in assessment.items() if k != "document"}
        gaps = assess_factory(statements, criteria, summary=record)
    own = set(filter(None, str(record.get("factor_ids") or "").split(";")))  # this enterprise-period's factors
    if carrier_rows is None:
        carrier_rows = carriers(acc.frame, enterprise, period, result.release, acc.options)
    return {"record": record, "release": result.release, "enterprise": enterprise, "period": period,
            "key_figures": [(k, unit_of(k), finite(record.get(k))) for k in KEY_FIGURES],
            "carriers": carrier_rows,
            "scopes": [(k, finite(v)) for k, v in scopes], "trends": trends(summary, enterprise, base_year),
            "assessment": gaps,
            "unverified": [f.id for f in result.unverified_factors if f.id in own],
            "factors": [{k: f.get(k) for k in ("id", "value", "unit", "status")} for f in result.factor_records()
                        if f["id"] in own]}
