"""Inline SVG charts for the HTML reports: horizontal bars, lines over years and a waterfall. Every text is
escaped."""

from __future__ import annotations

import math

from markupsafe import Markup, escape


def _num(x: float) -> str:
    return f"{x:.1f}"


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values covering [lo, hi]: steps of 1, 2, 2.5 or 5 × 10^k (so a printed axis reads
    0.80, 0.85, 0.90 rather than 0.8123, 0.8745)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(n - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(i * step, 12) + 0.0 for i in range(first, last + 1)]


def _tick_label(v: float, ticks: list[float]) -> str:
    step = (ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + (1 if step / 10 ** math.floor(math.log10(step)) == 2.5 else 0)
    return f"{v:,.{decimals}f}"


def bars(rows: list[tuple[str, float]], unit: str, fmt=lambda v: f"{v:,.1f}", width: int = 640) -> Markup:
    """Horizontal bars, one per (label, value) [unit]; negative values drawn to the left of zero."""
    rows = [(label, float(v)) for label, v in rows if v is not None and math.isfinite(v)]
    if not rows:
        return Markup("")
    label_w, value_w, bar_h, gap = 230, 110, 18, 8
    lo, hi = min(0.0, *(v for _, v in rows)), max(0.0, *(v for _, v in rows))
    span = (hi - lo) or 1.0
    plot = width - label_w - value_w
    x = lambda v: label_w + (v - lo) / span * plot  # noqa: E731
    height = len(rows) * (bar_h + gap) + gap + 16
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(unit)}">']
    for i, (label, v) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        a, b = sorted((x(0.0), x(v)))
        parts.append(f'<text x="{label_w - 6}" y="{_num(y + bar_h - 4)}" text-anchor="end" font-size="12">'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{_num(a)}" y="{y}" width="{_num(max(b - a, 1))}" height="{bar_h}" '
                     f'fill="{"#c62828" if v < 0 else "#4a6fa5"}"/>')
        parts.append(f'<text x="{_num(b + 4)}" y="{_num(y + bar_h - 4)}" font-size="11">{escape(fmt(v))}</text>')
    parts.append(f'<text x="{label_w}" y="{height - 4}" font-size="11" fill="#555">[{escape(unit)}]</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line(points: list[tuple[int, float]], unit: str, reference: float | None = None, width: int = 640,
         height: int = 240, reference_label: str = "") -> Markup:
    """A line over years (year, value) [unit], with an optional dashed reference level (the base year)."""
    return lines([("", points, "solid")], unit, reference=reference, width=width, height=height,
                 reference_label=reference_label)


STYLES = {"solid": ("#4a6fa5", ""), "dashed": ("#c77c02", ' stroke-dasharray="7 5"')}


def lines(series: list[tuple[str, list[tuple[int, float]], str]], unit: str, reference: float | None = None,
          width: int = 640, height: int = 260, reference_label: str = "") -> Markup:
    """Several lines over years on one axis: ``series`` is (label, [(year, value)], "solid" | "dashed")
    [unit]; a dashed ``reference`` level (a base-year or a target value) named by ``reference_label``; a legend
    when labels are given; round ticks (:func:`nice_ticks`) with light gridlines."""
    series = [(label, [(int(y), float(v)) for y, v in pts if v is not None and math.isfinite(v)], style)
              for label, pts, style in series]
    series = [(label, pts, style) for label, pts, style in series if pts]
    everything = [p for _, pts, _ in series for p in pts]
    if len({yr for yr, _ in everything}) < 2:
        return Markup("")
    left, right, top, bottom = 70, 20, 16, 36 + (16 if any(label for label, _, _ in series) else 0)
    values = [v for _, v in everything] + ([reference] if reference is not None else [])
    ticks = nice_ticks(min(values), max(values))
    lo, hi = ticks[0], ticks[-1]
    y0, y1 = min(yr for yr, _ in everything), max(yr for yr, _ in everything)
    x = lambda yr: left + (yr - y0) / ((y1 - y0) or 1) * (width - left - right)  # noqa: E731
    y = lambda v: top + (hi - v) / (hi - lo) * (height - top - bottom)  # noqa: E731
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(unit)}">',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#888"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#888"/>']
    for v in ticks:
        parts.append(f'<line x1="{left}" y1="{_num(y(v))}" x2="{width - right}" y2="{_num(y(v))}" stroke="#e3e3e3"/>'
                     f'<text x="{left - 4}" y="{_num(y(v) + 4)}" text-anchor="end" font-size="10">'
                     f'{_tick_label(v, ticks)}</text>')
    if reference is not None:
        parts.append(f'<line x1="{left}" y1="{_num(y(reference))}" x2="{width - right}" y2="{_num(y(reference))}" '
                     f'stroke="#555" stroke-dasharray="5 4"/>')
        if reference_label:
            parts.append(f'<text x="{left + 6}" y="{_num(y(reference) - 4)}" font-size="10" fill="#333">'
                         f'{escape(reference_label)}: {reference:,.4g}</text>')
    for yr in range(y0, y1 + 1):
        parts.append(f'<text x="{_num(x(yr))}" y="{height - bottom + 16}" text-anchor="middle" font-size="11">{yr}</text>')
    legend_x = left
    for label, pts, style in series:
        colour, dash = STYLES[style]
        path = " ".join(f"{_num(x(yr))},{_num(y(v))}" for yr, v in pts)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>')
        for yr, v in pts:
            parts.append(f'<circle cx="{_num(x(yr))}" cy="{_num(y(v))}" r="3.5" fill="{colour}"/>')
        if label:
            ly = height - 22
            parts.append(f'<line x1="{legend_x}" y1="{ly}" x2="{legend_x + 22}" y2="{ly}" stroke="{colour}" '
                         f'stroke-width="2.5"{dash}/>')
            parts.append(f'<text x="{legend_x + 27}" y="{ly + 4}" font-size="11">{escape(label)}</text>')
            legend_x += 40 + 7 * len(label)
    parts.append(f'<text x="{left}" y="{height - 4}" font-size="11" fill="#555">[{escape(unit)}]</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def waterfall(start: tuple[str, float], steps: list[tuple[str, float]], end: tuple[str, float], unit: str,
              fmt=lambda v: f"{v:,.4f}", width: int = 640, height: int = 260) -> Markup:
    """A waterfall: the ``start`` level, each step floating from the running total (a fall red, a rise grey),
    the ``end`` level [unit]. The steps are drawn as given; that they add up to end − start is the caller's."""
    bars = [(start[0], 0.0, float(start[1]), "level")]
    running = float(start[1])
    for label, v in steps:
        v = float(v)
        bars.append((label, running, running + v, "fall" if v < 0 else "rise"))
        running += v
    bars.append((end[0], 0.0, float(end[1]), "level"))
    if not all(math.isfinite(a) and math.isfinite(b) for _, a, b, _ in bars):
        return Markup("")
    left, right, top, bottom = 70, 10, 20, 40
    edges = [v for _, a, b, kind in bars for v in ((a, b) if kind != "level" else (b,))]
    lo, hi = min(0.0, *edges), max(0.0, *edges) or 1.0
    if min(edges) > 0 and (max(edges) - min(edges)) < 0.5 * max(edges):
        # the effects are small against the levels: the axis starts above zero (stated on the chart)
        lo = max(0.0, min(edges) - 0.6 * (max(edges) - min(edges)))
        hi = max(edges) + 0.15 * (max(edges) - min(edges))
        bars = [(label, lo if kind == "level" else a, b, kind) for label, a, b, kind in bars]
    y = lambda v: top + (hi - v) / ((hi - lo) or 1.0) * (height - top - bottom)  # noqa: E731
    slot = (width - left - right) / len(bars)
    colours = {"level": "#4a6fa5", "fall": "#c62828", "rise": "#9e9e9e"}
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(unit)}">',
             f'<line x1="{left}" y1="{_num(y(max(lo, 0.0)))}" x2="{width - right}" y2="{_num(y(max(lo, 0.0)))}" '
             'stroke="#888"/>']
    if lo > 0:
        parts.append(f'<text x="{left - 4}" y="{_num(y(lo) + 4)}" text-anchor="end" font-size="10">{escape(fmt(lo))}'
                     f'</text><text x="{left - 4}" y="{_num(y(lo) + 16)}" text-anchor="end" font-size="9" '
                     'fill="#555">≠ 0</text>')
    for i, (label, a, b, kind) in enumerate(bars):
        x0 = left + i * slot + slot * 0.15
        top_v, bottom_v = max(a, b), min(a, b)
        parts.append(f'<rect x="{_num(x0)}" y="{_num(y(top_v))}" width="{_num(slot * 0.7)}" '
                     f'height="{_num(max(y(bottom_v) - y(top_v), 1))}" fill="{colours[kind]}"/>')
        shown = b - a if kind != "level" else b
        parts.append(f'<text x="{_num(x0 + slot * 0.35)}" y="{_num(y(top_v) - 4)}" text-anchor="middle" '
                     f'font-size="10">{escape(("+" if kind == "rise" else "") + fmt(shown))}</text>')
        parts.append(f'<text x="{_num(x0 + slot * 0.35)}" y="{height - bottom + 16}" text-anchor="middle" '
                     f'font-size="11">{escape(label)}</text>')
    parts.append(f'<text x="{left}" y="{height - 4}" font-size="11" fill="#555">[{escape(unit)}]</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
