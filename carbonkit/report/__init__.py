"""Self-contained HTML reports (one file, inline SVG charts, no external resources), Chinese or English.

    >>> from carbonkit.report import enterprise_report
    >>> html = enterprise_report("examples/tyre_maker.json", lang="en")

Every number carries its unit; every report names the factor release of its accounting. User-supplied text
(enterprise names, ids) is escaped by the template engine (jinja2, autoescape on).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from carbonkit.report import charts
from carbonkit.report.enterprise import enterprise_context
from carbonkit.report.labels import LANGS, labels

__all__ = ["LANGS", "enterprise_report", "fmt", "pct", "render"]


def fmt(value, decimals: int = 3) -> str:
    """A number with thousands separators and fixed decimals; '–' for a missing value."""
    if value is None or isinstance(value, bool):
        return "–" if value is None else str(value)
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "–" if v != v else f"{v:,.{decimals}f}"


def pct(value, decimals: int = 1) -> str:
    """A ratio as a percentage with fixed decimals; '–' for a missing value."""
    return "–" if value is None else f"{float(value) * 100:.{decimals}f} %"


def _fmtv(value) -> str:
    return fmt(value, 4) if isinstance(value, float) else ("–" if value is None else str(value))


@cache
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(("html", "j2", "html.j2"), default=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals.update(fmt=fmt, pct=pct, fmtv=_fmtv)
    return env


def render(template: str, lang: str, **context) -> str:
    """Render one report template with the label table of ``lang`` ('zh' or 'en')."""
    from carbonkit import __version__

    return _env().get_template(template).render(L=labels(lang), lang=lang, version=__version__, **context)


def enterprise_report(source, *, lang: str = "zh", enterprise: str | None = None, period: str | None = None,
                      base_year: int | None = None, assessment: dict | None = None, criteria=None,
                      release: str | None = None, options=None) -> str:
    """The enterprise report as one HTML string: key figures, energy by carrier [tce], CO2 by scope [tCO2],
    intensities against previous years and the base year [per 10^4 CNY], and the green-factory gap list when
    ``assessment`` statements are given."""
    L = labels(lang)
    ctx = enterprise_context(source, enterprise=enterprise, period=period, base_year=base_year,
                             assessment=assessment, release=release, options=options, criteria=criteria)
    name = (lambda c: c["name_zh"]) if lang == "zh" else (lambda c: c["name_en"])
    ctx["carriers_total"] = sum(c["tce"] or 0.0 for c in ctx["carriers"])
    ctx["carrier_chart"] = charts.bars([(name(c), c["tce"]) for c in ctx["carriers"]], "tce")
    ctx["scope_chart"] = charts.bars([(L[k + "_short"], v) for k, v in ctx["scopes"]], "tCO2")
    base = ctx["trends"]["base_year"]
    ctx["trend_charts"] = [charts.line([(c["year"], c["value"]) for c in row["cells"]], row["unit"],
                                       reference=row["base"] if base is not None else None)
                           for row in ctx["trends"]["rows"]]
    return render("enterprise.html.j2", lang, **ctx)
