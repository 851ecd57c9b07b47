"""The forest plot of one analysis, as SVG, with each study's risk-of-bias judgements in columns.

Drawing only: every number comes from the analysis stored by `bondwell.evidence.pool` (itself computed by
`bondwell.stats.meta`). With fewer than two studies there is no diamond and no prediction interval. The axis
says which side favours massage (a negative g: lower EPDS with massage).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

COLOURS = {
    "low": ("#00703c", "+"), "some_concerns": ("#ffdd00", "?"), "moderate": ("#ffdd00", "?"),
    "low_except_confounding": ("#85994b", "+"), "high": ("#d4351c", "−"), "serious": ("#d4351c", "−"),
    "critical": ("#6f0000", "×"),
}  # fmt: skip
ROB2_DOMAINS = ("D1", "D2", "D3", "D4", "D5")


def _fmt(x: float) -> str:
    return f"{x:.2f}".replace("-", "−")


def dot(judgement: str | None, cx: float, cy: float) -> str:
    colour, sign = COLOURS.get(judgement or "", ("#b1b4b6", "·"))
    name = (judgement or "not assessed").replace("_", " ")
    return (f'<g><title>{escape(name)}</title><circle cx="{cx}" cy="{cy}" r="8" fill="{colour}" stroke="#0b0c0c" '
            f'stroke-width="0.5"/><text x="{cx}" y="{cy + 4}" text-anchor="middle" font-size="12">{sign}</text>'
            "</g>")  # fmt: skip


def forest_svg(a: Mapping[str, Any], rob: Mapping[str, Mapping[str, Any]]) -> str:
    studies: Sequence[Mapping[str, Any]] = a["studies"]
    if not studies:
        return ""
    pooled = int(a["k"]) >= 2 and a.get("estimate") is not None
    rows = len(studies) + (2 if pooled else 0)
    top, row_h = 50, 26
    height = top + rows * row_h + 60
    plot_x, plot_w = 200, 260
    ends = [s["ci_low"] for s in studies] + [s["ci_high"] for s in studies]
    if pooled and a.get("pi_low") is not None:
        ends += [a["pi_low"], a["pi_high"]]
    lo, hi = min([*ends, -0.5]), max([*ends, 0.5])
    span = hi - lo

    def x(value: float) -> float:
        return float(plot_x + (value - lo) / span * plot_w)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 760 {height}" width="100%" role="img" '
        f'font-family="Arial, sans-serif" font-size="12" aria-label="Forest plot: {escape(a["title"])}">',
        f'<text x="10" y="20" font-weight="bold">{escape(a["title"])}</text>',
        '<text x="10" y="42" font-weight="bold">Study</text>',
        '<text x="600" y="42" font-weight="bold" text-anchor="end">g [95% CI]</text>',
    ]
    for i, domain in enumerate((*ROB2_DOMAINS, "All")):
        out.append(f'<text x="{620 + i * 22}" y="42" text-anchor="middle" font-size="12">{domain}</text>')
    for i, s in enumerate(studies):
        y = top + i * row_h + 10
        size = 4 + 8 * (float(s["weight"]) / 100) ** 0.5
        out.append(f'<text x="10" y="{y + 4}">{escape(str(s["label"]))[:30]}</text>')
        out.append(f'<line x1="{x(s["ci_low"]):.1f}" y1="{y}" x2="{x(s["ci_high"]):.1f}" y2="{y}" stroke="#0b0c0c"/>')
        out.append(f'<rect x="{x(s["yi"]) - size / 2:.1f}" y="{y - size / 2:.1f}" width="{size:.1f}" '
                   f'height="{size:.1f}" fill="#1d70b8"/>')  # fmt: skip
        out.append(f'<text x="600" y="{y + 4}" text-anchor="end">{_fmt(s["yi"])} [{_fmt(s["ci_low"])}, '
                   f'{_fmt(s["ci_high"])}]</text>')  # fmt: skip
        judgement = rob.get(str(s["key"])) or {}
        domains = judgement.get("domains") or {}
        for j, domain in enumerate(ROB2_DOMAINS):
            out.append(dot(domains.get(domain) if judgement.get("tool") == "rob2" else None, 620 + j * 22, y))
        out.append(dot(judgement.get("overall"), 620 + len(ROB2_DOMAINS) * 22, y))
    axis_y = top + rows * row_h
    if pooled:
        y = top + len(studies) * row_h + 16
        est, cl, ch = float(a["estimate"]), float(a["ci_low"]), float(a["ci_high"])
        points = f"{x(cl):.1f},{y} {x(est):.1f},{y - 7} {x(ch):.1f},{y} {x(est):.1f},{y + 7}"
        out.append(f'<text x="10" y="{y + 4}" font-weight="bold">Pooled (REML, Hartung–Knapp ad hoc)</text>')
        out.append(f'<polygon points="{points}" fill="#0b0c0c"/>')
        out.append(f'<text x="600" y="{y + 4}" text-anchor="end" font-weight="bold">{_fmt(est)} [{_fmt(cl)}, '
                   f'{_fmt(ch)}]</text>')  # fmt: skip
        if a.get("pi_low") is not None:
            py = y + row_h
            out.append(f'<text x="10" y="{py + 4}" fill="#505a5f">95% prediction interval</text>')
            out.append(f'<line x1="{x(a["pi_low"]):.1f}" y1="{py}" x2="{x(a["pi_high"]):.1f}" y2="{py}" '
                       f'stroke="#505a5f" stroke-width="3"/>')  # fmt: skip
    out.append(f'<line x1="{x(0):.1f}" y1="{top - 6}" x2="{x(0):.1f}" y2="{axis_y}" stroke="#505a5f" '
               'stroke-dasharray="4 3"/>')  # fmt: skip
    out.append(f'<line x1="{plot_x}" y1="{axis_y}" x2="{plot_x + plot_w}" y2="{axis_y}" stroke="#0b0c0c"/>')
    for tick in (lo, 0.0, hi):
        out.append(f'<text x="{x(tick):.1f}" y="{axis_y + 14}" text-anchor="middle" font-size="12">{_fmt(tick)}</text>')
    out.append(f'<text x="{x(0) - 6:.1f}" y="{axis_y + 30}" text-anchor="end">← Favours massage</text>')
    out.append(f'<text x="{x(0) + 6:.1f}" y="{axis_y + 30}">Favours comparator →</text>')
    out.append(f'<text x="{plot_x + plot_w / 2}" y="{axis_y + 46}" text-anchor="middle" font-size="12">'
               "Hedges' g on the EPDS (massage minus comparator)</text>")  # fmt: skip
    out.append("</svg>")
    return "\n".join(out)


def traffic_light_svg(studies: Sequence[Mapping[str, Any]]) -> str:
    """Risk of bias per study and domain (RoB 2: D1-D5; ROBINS-I: D1-D6), one row per assessed study."""
    assessed = [s for s in studies if s.get("rob")]
    if not assessed:
        return ""
    height = 50 + 26 * len(assessed) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 {height}" width="100%" role="img" '
           'font-family="Arial, sans-serif" font-size="12" aria-label="Risk of bias: traffic-light plot">',
           '<text x="10" y="20" font-weight="bold">Risk of bias</text>']  # fmt: skip
    columns = ("D1", "D2", "D3", "D4", "D5", "D6", "Overall")
    for i, c in enumerate(columns):
        out.append(f'<text x="{250 + i * 42}" y="42" text-anchor="middle" font-size="12">{c}</text>')
    for r, s in enumerate(assessed):
        y = 62 + r * 26
        rob = s["rob"]
        tool = "RoB 2" if rob.get("tool") == "rob2" else "ROBINS-I"
        out.append(f'<text x="10" y="{y + 4}">{escape(str(s["label"]))[:22]} ({tool})</text>')
        for i, c in enumerate(columns[:-1]):
            if c in rob.get("domains", {}):
                out.append(dot(rob["domains"][c], 250 + i * 42, y))
        out.append(dot(rob.get("overall"), 250 + 6 * 42, y))
    out.append(f'<text x="10" y="{height - 10}" font-size="12">+ low · ? some concerns / moderate · − high / serious · '
               "× critical · grey: no judgement</text>")  # fmt: skip
    out.append("</svg>")
    return "\n".join(out)
