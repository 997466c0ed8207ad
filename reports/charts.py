"""Inline SVG charts for the HTML reports: horizontal bars, lines over years and a waterfall. Every text is
escaped."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

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

Series = list[tuple[str, list[tuple[int, float]], str]]


@dataclass(frozen=True)
class _Frame:
    """The plot area of a chart over years: margins, the year range and the value axis (round ticks)."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    y0: int
    y1: int
    ticks: list[float]

    def x(self, year: float) -> float:
        return self.left + (year - self.y0) / ((self.y1 - self.y0) or 1) * (self.width - self.left - self.right)

    def y(self, value: float) -> float:
        lo, hi = self.ticks[0], self.ticks[-1]
        return self.top + (hi - value) / (hi - lo) * (self.height - self.top - self.bottom)


def _finite_series(series: Series) -> Series:
    """The series with their missing and non-finite points dropped, and the series left empty dropped."""
    cleaned = [(label, [(int(y), float(v)) for y, v in pts if v is not None and math.isfinite(v)], style)
               for label, pts, style in series]
    return [(label, pts, style) for label, pts, style in cleaned if pts]


def _svg_open(width: int, height: int, unit: str) -> str:
    return (f'<svg viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{escape(unit)}">')


def _unit_note(x: float, height: int, unit: str) -> str:
    return f'<text x="{x}" y="{height - 4}" font-size="11" fill="#555">[{escape(unit)}]</text>'


def _axes(f: _Frame) -> list[str]:
    """The two axes, a light gridline and a label per tick, the year labels."""
    parts = [f'<line x1="{f.left}" y1="{f.height - f.bottom}" x2="{f.width - f.right}" y2="{f.height - f.bottom}" stroke="#888"/>',
             f'<line x1="{f.left}" y1="{f.top}" x2="{f.left}" y2="{f.height - f.bottom}" stroke="#888"/>']
    for v in f.ticks:
        parts.append(f'<line x1="{f.left}" y1="{_num(f.y(v))}" x2="{f.width - f.right}" y2="{_num(f.y(v))}" stroke="#e3e3e3"/>'
                     f'<text x="{f.left - 4}" y="{_num(f.y(v) + 4)}" text-anchor="end" font-size="10">'
                     f'{_tick_label(v, f.ticks)}</text>')
    return parts


def _year_labels(f: _Frame) -> list[str]:
    return [f'<text x="{_num(f.x(yr))}" y="{f.height - f.bottom + 16}" text-anchor="middle" font-size="11">{yr}</text>'
            for yr in range(f.y0, f.y1 + 1)]


def _reference_line(f: _Frame, reference: float | None, label: str) -> list[str]:
    """The dashed reference level, with its label and value when it is named."""
    if reference is None:
        return []
    parts = [f'<line x1="{f.left}" y1="{_num(f.y(reference))}" x2="{f.width - f.right}" y2="{_num(f.y(reference))}" '
             f'stroke="#555" stroke-dasharray="5 4"/>']
    if label:
        parts.append(f'<text x="{f.left + 6}" y="{_num(f.y(reference) - 4)}" font-size="10" fill="#333">'
                     f'{escape(label)}: {reference:,.4g}</text>')
    return parts


def _series_lines(f: _Frame, series: Series) -> list[str]:
    """Each series as a polyline with a dot per point; a legend entry per labelled series."""
    parts: list[str] = []
    legend_x = f.left
    for label, pts, style in series:
        colour, dash = STYLES[style]
        path = " ".join(f"{_num(f.x(yr))},{_num(f.y(v))}" for yr, v in pts)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>')
        for yr, v in pts:
            parts.append(f'<circle cx="{_num(f.x(yr))}" cy="{_num(f.y(v))}" r="3.5" fill="{colour}"/>')
        if label:
            ly = f.height - 22
            parts.append(f'<line x1="{legend_x}" y1="{ly}" x2="{legend_x + 22}" y2="{ly}" stroke="{colour}" '
                         f'stroke-width="2.5"{dash}/>')
            parts.append(f'<text x="{legend_x + 27}" y="{ly + 4}" font-size="11">{escape(label)}</text>')
            legend_x += 40 + 7 * len(label)
    return parts


def lines(series: Series, unit: str, reference: float | None = None,
          width: int = 640, height: int = 260, reference_label: str = "") -> Markup:
    """Several lines over years on one axis: ``series`` is (label, [(year, value)], "solid" | "dashed")
    [unit]; a dashed ``reference`` level (a base-year or a target value) named by ``reference_label``; a legend
    when labels are given; round ticks (:func:`nice_ticks`) with light gridlines."""
    series = _finite_series(series)
    everything = [p for _, pts, _ in series for p in pts]
    if len({yr for yr, _ in everything}) < 2:
        return Markup("")
    values = [v for _, v in everything] + ([reference] if reference is not None else [])
    f = _Frame(width, height, 70, 20, 16, 36 + (16 if any(label for label, _, _ in series) else 0),
               min(yr for yr, _ in everything), max(yr for yr, _ in everything), nice_ticks(min(values), max(values)))
    parts = [_svg_open(width, height, unit), *_axes(f), *_reference_line(f, reference, reference_label),
             *_year_labels(f), *_series_lines(f, series), _unit_note(f.left, height, unit), "</svg>"]
    return Markup("".join(parts))


Bar = tuple[str, float, float, str]  # label, from, to, kind ("level" | "fall" | "rise")
WATERFALL_COLOURS = {"level": "#4a6fa5", "fall": "#c62828", "rise": "#9e9e9e"}


def _waterfall_bars(start: tuple[str, float], steps: list[tuple[str, float]], end: tuple[str, float]) -> list[Bar]:
    """The start level, each step floating from the running total, the end level."""
    bars = [(start[0], 0.0, float(start[1]), "level")]
    running = float(start[1])
    for label, v in steps:
        v = float(v)
        bars.append((label, running, running + v, "fall" if v < 0 else "rise"))
        running += v
    bars.append((end[0], 0.0, float(end[1]), "level"))
    return bars


def _waterfall_range(bars: list[Bar]) -> tuple[float, float, list[Bar]]:
    """The value axis (lo, hi) and the bars as drawn: when the effects are small against the levels, the axis
    starts above zero (stated on the chart) and the levels are cut there."""
    edges = [v for _, a, b, kind in bars for v in ((a, b) if kind != "level" else (b,))]
    lo, hi = min(0.0, *edges), max(0.0, *edges) or 1.0
    if min(edges) > 0 and (max(edges) - min(edges)) < 0.5 * max(edges):
        lo = max(0.0, min(edges) - 0.6 * (max(edges) - min(edges)))
        hi = max(edges) + 0.15 * (max(edges) - min(edges))
        bars = [(label, lo if kind == "level" else a, b, kind) for label, a, b, kind in bars]
    return lo, hi, bars


def _waterfall_bar(i: int, bar: Bar, y: Callable[[float], float], slot: float, left: int, baseline: float,
                   fmt: Callable[[float], str]) -> list[str]:
    """One bar with its value above and its label below (``baseline``: the y of the label row)."""
    label, a, b, kind = bar
    x0 = left + i * slot + slot * 0.15
    top_v, bottom_v = max(a, b), min(a, b)
    shown = b - a if kind != "level" else b
    return [f'<rect x="{_num(x0)}" y="{_num(y(top_v))}" width="{_num(slot * 0.7)}" '
            f'height="{_num(max(y(bottom_v) - y(top_v), 1))}" fill="{WATERFALL_COLOURS[kind]}"/>',
            f'<text x="{_num(x0 + slot * 0.35)}" y="{_num(y(top_v) - 4)}" text-anchor="middle" '
            f'font-size="10">{escape(("+" if kind == "rise" else "") + fmt(shown))}</text>',
            f'<text x="{_num(x0 + slot * 0.35)}" y="{baseline}" text-anchor="middle" '
            f'font-size="11">{escape(label)}</text>']


def waterfall(start: tuple[str, float], steps: list[tuple[str, float]], end: tuple[str, float], unit: str,
              fmt=lambda v: f"{v:,.4f}", width: int = 640, height: int = 260) -> Markup:
    """A waterfall: the ``start`` level, each step floating from the running total (a fall red, a rise grey),
    the ``end`` level [unit]. The steps are drawn as given; that they add up to end − start is the caller's."""
    bars = _waterfall_bars(start, steps, end)
    if not all(math.isfinite(a) and math.isfinite(b) for _, a, b, _ in bars):
        return Markup("")
    left, right, top, bottom = 70, 10, 20, 40
    lo, hi, bars = _waterfall_range(bars)
    y = lambda v: top + (hi - v) / ((hi - lo) or 1.0) * (height - top - bottom)  # noqa: E731
    slot = (width - left - right) / len(bars)
    parts = [_svg_open(width, height, unit),
             f'<line x1="{left}" y1="{_num(y(max(lo, 0.0)))}" x2="{width - right}" y2="{_num(y(max(lo, 0.0)))}" '
             'stroke="#888"/>']
    if lo > 0:
        parts.append(f'<text x="{left - 4}" y="{_num(y(lo) + 4)}" text-anchor="end" font-size="10">{escape(fmt(lo))}'
                     f'</text><text x="{left - 4}" y="{_num(y(lo) + 16)}" text-anchor="end" font-size="9" '
                     'fill="#555">≠ 0</text>')
    for i, bar in enumerate(bars):
        parts += _waterfall_bar(i, bar, y, slot, left, height - bottom + 16, fmt)
    parts += [_unit_note(left, height, unit), "</svg>"]
    return Markup("".join(parts))
