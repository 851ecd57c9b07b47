"""The record page's chart: every questionnaire over time on its bands, each reliable change marked.

Hand-written SVG (no script, no style attribute: the security policy allows neither), readable in greyscale:
bands are shades with their names written beside them, a reliable rise is a filled triangle pointing up and a
reliable fall one pointing down, each also written in words in the table below the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from bondwell.instruments import Band
from bondwell.workspace.reliable_change import Point, Step

WIDTH, HEIGHT = 640, 230
LEFT, RIGHT, TOP, BOTTOM = 36, 150, 12, 28
GREYS = ("#f4f4f4", "#e2e2e2", "#cfcfcf", "#bbbbbb", "#a8a8a8")


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def _y(value: float, top: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / max(top, 1))


def chart(title: str, points: Sequence[Point], bands: Sequence[Band], steps: Sequence[Step]) -> str:
    """One questionnaire's scores as an SVG string (empty without results)."""
    if not points:
        return ""
    top = max([b.maximum for b in bands] + [p.total for p in points])
    first = min(p.answered_on for p in points)
    last = max(p.answered_on for p in points)
    if first == last:
        first = date.fromordinal(first.toordinal() - 7)
        last = date.fromordinal(last.toordinal() + 7)
    parts: list[str] = []
    for index, band in enumerate(bands):
        y_top, y_bottom = _y(min(band.maximum, top) + 0.5, top), _y(max(band.minimum - 0.5, 0), top)
        parts.append(f'<rect x="{LEFT}" y="{y_top:.1f}" width="{WIDTH - LEFT - RIGHT}" '
                     f'height="{max(y_bottom - y_top, 1):.1f}" fill="{GREYS[index % len(GREYS)]}"/>')
        parts.append(f'<text x="{WIDTH - RIGHT + 6}" y="{(y_top + y_bottom) / 2 + 4:.1f}" font-size="10" '
                     f'fill="#222">{escape(_short(band.label))} ({band.minimum}–{band.maximum})</text>')
    for tick in sorted({0, top // 2, top}):
        parts.append(f'<text x="{LEFT - 4}" y="{_y(tick, top) + 4:.1f}" font-size="10" text-anchor="end" '
                     f'fill="#222">{tick}</text>')
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="10" fill="#222">{first:%d %b %Y}</text>')
    parts.append(f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" font-size="10" text-anchor="end" '
                 f'fill="#222">{last:%d %b %Y}</text>')
    ordered = sorted(points, key=lambda p: (p.answered_on, p.assessment_id))
    line = " ".join(f"{_x(p.answered_on, first, last):.1f},{_y(p.total, top):.1f}" for p in ordered)
    parts.append(f'<polyline points="{line}" fill="none" stroke="#000" stroke-width="1.5"/>')
    for p in ordered:
        parts.append(f'<circle cx="{_x(p.answered_on, first, last):.1f}" cy="{_y(p.total, top):.1f}" r="3.5" '
                     f'fill="#000"><title>{p.answered_on:%d %b %Y}: {p.total}</title></circle>')
    marked = 0
    for step in steps:
        if not step.reliable:
            continue
        marked += 1
        x, y = _x(step.after.answered_on, first, last), _y(step.after.total, top)
        tip = y - 16 if step.change > 0 else y + 16
        base = y - 7 if step.change > 0 else y + 7
        parts.append(f'<polygon points="{x:.1f},{tip:.1f} {x - 6:.1f},{base:.1f} {x + 6:.1f},{base:.1f}" '
                     f'fill="#000" stroke="#fff"><title>{escape(step.words)}</title></polygon>')
    summary = (f"{title}: {len(ordered)} result(s) from {ordered[0].answered_on:%d %b %Y} to "
               f"{ordered[-1].answered_on:%d %b %Y}, latest {ordered[-1].total}; {marked} reliable change(s) "
               "marked with a triangle. The same numbers are in the table below.")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="chart" role="img" '
            f'aria-label="{escape(summary)}">' + "".join(parts) + "</svg>")


def _short(label: str) -> str:
    return label if len(label) <= 22 else label[:21] + "…"
