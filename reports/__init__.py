"""Self-contained HTML reports (one file, inline SVG charts, no external resources), Chinese or English.

    >>> from reports import enterprise_report
    >>> html = enterprise_report("examples/tyre_maker.json", lang="en")
    >>> html = region_report(carbonkit.account(province_data), region="3702", lang="zh")  # doctest: +SKIP

Every number carries its unit; every report names the factor release of its accounting. User-supplied text
(enterprise names, ids) is escaped by the template engine (jinja2, autoescape on).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape

from carbonkit.messages import label_text, status_text, translate, unit_text, yes_no
from reports import charts
from reports.names import named
from reports.enterprise import enterprise_context
from reports.labels import LANGS, labels

__all__ = ["LANGS", "enterprise_report", "enterprise_reports", "fmt", "park_report", "pct", "region_report", "render"]


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
    if value is None:
        return "–"
    v = float(value)
    return "–" if v != v else f"{v * 100:.{decimals}f} %"


def _fmtv(value) -> str:
    return fmt(value, 4) if isinstance(value, float) else ("–" if value is None else str(value))


@cache
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(("html", "j2", "html.j2"), default=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals.update(fmt=fmt, pct=pct, fmtv=_fmtv)
    env.filters["tr"] = pass_context(lambda ctx, text: translate(text, ctx["lang"]))
    return env


def render(template: str, lang: str, **context) -> str:
    """Render one report template with the label table of ``lang`` ('zh' or 'en') and the message catalog's
    functions bound to it: T (a core message), U (a unit), S (a status mark), YN (a truth value), LB (a
    bilingual data label), see :mod:`carbonkit.messages`; N (a region or industry code with its name), see
    :mod:`reports.names`."""
    from carbonkit import __version__

    words = {"T": lambda text: translate(text, lang), "U": lambda unit: unit_text(unit, lang),
             "S": lambda status: status_text(status, lang), "YN": lambda value: yes_no(value, lang),
             "LB": lambda label: label_text(label, lang), "N": lambda code, kind: named(code, kind, lang)}
    return _env().get_template(template).render(L=labels(lang), lang=lang, version=__version__, **words, **context)


def enterprise_report(source, *, lang: str = "zh", enterprise: str | None = None, period: str | None = None,
                      base_year: int | None = None, assessment: dict | None = None, criteria=None,
                      release: str | None = None, options=None) -> str:
    """The enterprise report as one HTML string: key figures, energy by carrier [tce], CO2 by scope [tCO2],
    intensities against previous years and the base year [per 10^4 CNY], and the green-factory gap list when
    ``assessment`` statements are given."""
    ctx = enterprise_context(source, enterprise=enterprise, period=period, base_year=base_year,
                             assessment=assessment, release=release, options=options, criteria=criteria)
    return _render_enterprise(ctx, lang)


def enterprise_reports(source, *, lang: str = "zh", period: str | None = None, base_year: int | None = None,
                       release: str | None = None, options=None) -> Iterator[tuple[str, str, str]]:
    """The enterprise report of every enterprise of ``source`` (a path, an activity frame or an already
    :class:`~reports.enterprise.Accounted` input) (for ``period``, default each one's latest),
    as (enterprise, period, html), in the order of the accounting summary. The input is accounted once, and the per-carrier figures
    of all enterprises in one more call, so N reports cost far less than N calls of :func:`enterprise_report`."""
    from reports.enterprise import Accounted, carriers_of

    acc = source if isinstance(source, Accounted) else Accounted.of(source, release, options)
    picks = acc.picks(period)
    per_carrier = carriers_of(acc.frame, picks, acc.result.release, acc.options)
    for enterprise, chosen in picks.items():
        ctx = enterprise_context(None, enterprise=enterprise, period=chosen, base_year=base_year, accounted=acc,
                                 carrier_rows=per_carrier.get(enterprise, []))
        yield enterprise, chosen, _render_enterprise(ctx, lang)


def _render_enterprise(ctx: dict, lang: str) -> str:
    L = labels(lang)
    name = (lambda c: c["name_zh"]) if lang == "zh" else (lambda c: c["name_en"])
    ctx["carriers_total"] = sum(c["tce"] or 0.0 for c in ctx["carriers"])
    ctx["carrier_chart"] = charts.bars([(name(c), c["tce"]) for c in ctx["carriers"]], unit_text("tce", lang))
    ctx["scope_chart"] = charts.bars([(L[k + "_short"], v) for k, v in ctx["scopes"]], unit_text("tCO2", lang))
    base = ctx["trends"]["base_year"]
    ctx["trend_charts"] = [charts.line([(c["year"], c["value"]) for c in row["cells"]], unit_text(row["unit"], lang),
                                       reference=row["base"] if base is not None else None,
                                       reference_label=f"{L['base_year']} {base}" if base is not None else "")
                           for row in ctx["trends"]["rows"]]
    return render("enterprise.html.j2", lang, **ctx)


def region_report(data, *, lang: str = "zh", region: str | None = None, park: str | None = None,
                  year: int | None = None, profile=None, by: str = "division", top: int = 10, register=None,
                  counts: dict[str, int] | None = None, deflators=None, override: bool = False,
                  release: str | None = None, factors=None, year_fallback: str = "nearest", designations=None) -> str:
    """The province, city or park report as one HTML string: progress toward the target profile with each
    intensity's curve against the required pace [tce/10^4 CNY, m3/10^4 CNY], the LMDI waterfall of each
    intensity change, the largest contributors, and the coverage of reports.

    ``data``: an AccountingResult, a frame of summary rows, or a path (a results CSV of ``carbonkit account
    --format csv``, or activity data accounted here with ``release``, ``factors`` and ``year_fallback``);
    ``designations``: the frame the count targets are counted from (:func:`carbonkit.designations.read_designations`)."""
    from carbonkit.aggregation import load_results
    from reports.region import region_context, region_name

    L = labels(lang)
    if isinstance(data, (str, Path)):
        data = load_results(data, release, factors, year_fallback)
    ctx = region_context(data, region=region, park=park, year=year, profile=profile, by=by, top=top,
                         register=register, counts=counts, deflators=deflators, override=override,
                         designations=designations)
    ctx["region_name"] = region_name(ctx["region"], lang)
    ctx["curve_charts"] = [charts.lines([(L["achieved"], c["achieved"], "solid"),
                                         (L["required_path"], c["path"], "dashed")], unit_text(c["unit"], lang),
                                        reference=c["target_value"],
                                        reference_label=f"{L['target_level']} {ctx['profile'].target_year}") for c in ctx["curves"]]
    ctx["waterfall_charts"] = [
        charts.waterfall((str(ctx["profile"].base_year), d["I0"]),
                         [(L["effect_" + e], d["additive"][e]) for e in d["effects"]], (str(ctx["year"]), d["IT"]),
                         unit_text(d["unit"], lang)) if not d["error"] else "" for d in ctx["decompositions"]]
    return render("region.html.j2", lang, **ctx)


def park_report(statements, *, lang: str = "zh", criteria=None, activities=None, summaries=None,
                release: str | None = None, options=None) -> str:
    """The park report as one HTML string: the green-park assessment indicator by indicator (gates, every
    indicator's value, benchmarks and points, groups [points], verdict, what is missing, the gap list) and the
    park figures computed from its enterprises' accounting. ``statements``: the park JSON (path or dict) as
    for ``carbonkit assess park``; ``activities``: the enterprises' activity data instead of its
    ``enterprises`` (or ``summaries``, their accounting summary rows)."""
    from reports.park import park_context

    L = labels(lang)
    ctx = park_context(statements, criteria=criteria, activities=activities, summaries=summaries, release=release,
                       options=options)
    name = "name_zh" if lang == "zh" else "name_en"
    ctx["group_chart"] = charts.bars([(f"{g['id']} {g[name]}", g["points"]) for g in ctx["groups"]], L["points_unit"],
                                     fmt=lambda v: f"{v:,.2f}")
    return render("park.html.j2", lang, **ctx)
