"""The carbon-market sector report as one bilingual HTML file (中文 / English headings, every figure with its unit).

Tables from :func:`reports.market_workbook.tables`: emissions by facility, by source with tiers and clauses,
the year's key parameters, the data-quality list (missing and implausible months and how they were handled),
and the factors used with their status (unverified ones marked).
"""

from __future__ import annotations

from reports.market_workbook import heading, tables
from carbonkit.market.result import MarketResult

NUMERIC_DECIMALS = {"factor": 6, "value": 6, "intensity_tco2e_per_t": 4, "direct_intensity_tco2e_per_t": 4,
                    "benchmark_tco2e_per_t": 4, "emissions_t": 4}


def market_report(result: MarketResult, *, title: str = "") -> str:
    """One self-contained HTML page of the sector report (jinja2, autoescaped)."""
    from reports import render

    sections = []
    for name, frame in tables(result).items():
        cols = list(frame.columns)
        rows = [[_cell(c, v) for c, v in zip(cols, rec)] for rec in frame.itertuples(index=False)]
        sections.append({"name": name, "headings": [heading(c) for c in cols], "rows": rows,
                         "numeric": [frame[c].dtype.kind in "fi" for c in cols]})
    unverified = sorted(k for k, v in result.factors.items() if v.get("status") == "unverified")
    return render("market.html.j2", "zh", title=title, sections=sections, unverified=unverified,
                  release=", ".join(sorted({str(v.get("table", "")) for v in result.factors.values() if v.get("table")}))
                  or "-")


def _cell(column: str, value) -> str:
    from reports import fmt

    if isinstance(value, float):
        return fmt(value, NUMERIC_DECIMALS.get(column, 2))
    return "" if value is None else str(value)
