"""Inline SVG charts for the HTML reports: horizontal bars and a line over years. Every text is escaped."""

from __future__ import annotations

import math

from markupsafe import Markup, escape


def _num(x: float) -> str:
    return f"{x:.1f}"


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
         height: int = 240) -> Markup:
    """A line over years (year, value) [unit], with an optional dashed reference level (the base year)."""
    points = [(int(y), float(v)) for y, v in points if v is not None and math.isfinite(v)]
    if len(points) < 2:
        return Markup("")
    left, right, top, bottom = 70, 20, 16, 36
    values = [v for _, v in points] + ([reference] if reference is not None else [])
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.1 or abs(hi) * 0.1 or 1.0
    lo, hi = lo - pad, hi + pad
    y0, y1 = points[0][0], points[-1][0]
    x = lambda yr: left + (yr - y0) / ((y1 - y0) or 1) * (width - left - right)  # noqa: E731
    y = lambda v: top + (hi - v) / (hi - lo) * (height - top - bottom)  # noqa: E731
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(unit)}">',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#888"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#888"/>']
    for v in (lo + pad, (lo + hi) / 2, hi - pad):
        parts.append(f'<text x="{left - 4}" y="{_num(y(v) + 4)}" text-anchor="end" font-size="10">{v:.4g}</text>')
    if reference is not None:
        parts.append(f'<line x1="{left}" y1="{_num(y(reference))}" x2="{width - right}" y2="{_num(y(reference))}" '
                     f'stroke="#999" stroke-dasharray="5 4"/>')
    path = " ".join(f"{_num(x(yr))},{_num(y(v))}" for yr, v in points)
    parts.append(f'<polyline points="{path}" fill="none" stroke="#4a6fa5" stroke-width="2.5"/>')
    for yr, v in points:
        parts.append(f'<circle cx="{_num(x(yr))}" cy="{_num(y(v))}" r="3.5" fill="#4a6fa5"/>')
        parts.append(f'<text x="{_num(x(yr))}" y="{height - bottom + 16}" text-anchor="middle" font-size="11">{yr}</text>')
    parts.append(f'<text x="{left}" y="{height - 4}" font-size="11" fill="#555">[{escape(unit)}]</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
