"""The PRISMA 2020 flow diagram, counted from the review's own records and drawn as SVG or PDF.

Page MJ et al. The PRISMA 2020 statement. BMJ 2021;372:n71, figure 1 (new reviews, databases and registers).
Every count is a count of records in a state; nothing is typed in. Records still being screened are shown
as such rather than hidden, so that the boxes always add up.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from xml.sax.saxutils import escape

from bondwell.evidence.review.screening import NOT_RETRIEVED

DUPLICATE = "duplicate"
SCREENING = "screening"
TA_EXCLUDED = "ta_excluded"
FULL_TEXT = "full_text"
FT_EXCLUDED = "ft_excluded"
INCLUDED = "included"
STATES = (DUPLICATE, SCREENING, TA_EXCLUDED, FULL_TEXT, FT_EXCLUDED, INCLUDED)


@dataclass(frozen=True)
class RecordState:
    source: str
    state: str
    reason: str = ""


@dataclass(frozen=True)
class Counts:
    identified: dict[str, int]
    duplicates: int
    screened: int
    awaiting_screening: int
    excluded_screening: int
    sought: int
    not_retrieved: int
    assessed: int
    awaiting_full_text: int
    excluded_full_text: dict[str, int]
    included: int

    @property
    def total_identified(self) -> int:
        return sum(self.identified.values())

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def count(records: Iterable[RecordState]) -> Counts:
    rows = list(records)
    for row in rows:
        if row.state not in STATES:
            raise ValueError(f"unknown record state {row.state!r}")
    states = Counter(r.state for r in rows)
    reasons = Counter(r.reason or "No reason recorded" for r in rows if r.state == FT_EXCLUDED)
    not_retrieved = reasons.pop(NOT_RETRIEVED, 0)
    sought = states[FULL_TEXT] + states[FT_EXCLUDED] + states[INCLUDED]
    return Counts(
        identified=dict(sorted(Counter(r.source for r in rows).items())),
        duplicates=states[DUPLICATE],
        screened=len(rows) - states[DUPLICATE],
        awaiting_screening=states[SCREENING],
        excluded_screening=states[TA_EXCLUDED],
        sought=sought,
        not_retrieved=not_retrieved,
        assessed=sought - not_retrieved,
        awaiting_full_text=states[FULL_TEXT],
        excluded_full_text=dict(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))),
        included=states[INCLUDED],
    )


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    lines: tuple[str, ...]
    heading: bool = False


WIDTH = 760
_LINE = 16


def _box(x: float, y: float, w: float, lines: list[str], heading: bool = False) -> Box:
    return Box(x, y, w, 14 + _LINE * len(lines), tuple(lines), heading)


def layout(c: Counts) -> tuple[list[Box], list[tuple[float, float, float, float]], float]:
    """Boxes and arrows (x1, y1, x2, y2) of the diagram, and its height: four rows of a main box with the records
    removed at that stage beside it, then the studies included."""
    left, right, w_left, w_right = 20.0, 430.0, 360.0, 310.0
    ident = ["Records identified:"] + [f"  {source}: {n}" for source, n in c.identified.items()]
    ident.append(f"  Total: {c.total_identified}")
    screened = ["Records screened (title and abstract):", f"  {c.screened}"]
    if c.awaiting_screening:
        screened.append(f"  still being screened: {c.awaiting_screening}")
    assessed = ["Reports assessed for eligibility:", f"  {c.assessed}"]
    if c.awaiting_full_text:
        assessed.append(f"  still being assessed: {c.awaiting_full_text}")
    excluded = ["Reports excluded:"] + [f"  {reason}: {n}" for reason, n in c.excluded_full_text.items()]
    if not c.excluded_full_text:
        excluded.append("  0")
    rows = (
        (ident, ["Records removed before screening:", f"  Duplicates: {c.duplicates}"]),
        (screened, ["Records excluded:", f"  {c.excluded_screening}"]),
        (["Reports sought for retrieval:", f"  {c.sought}"], ["Reports not retrieved:", f"  {c.not_retrieved}"]),
        (assessed, excluded),
    )
    boxes: list[Box] = []
    arrows: list[tuple[float, float, float, float]] = []
    y = 20.0
    for main_lines, side_lines in rows:
        main = _box(left, y, w_left, main_lines)
        side = _box(right, y, w_right, side_lines)
        boxes += [main, side]
        arrows.append((left + w_left, y + 20, right, y + 20))
        y += max(main.h, side.h) + 30
        arrows.append((left + w_left / 2, main.y + main.h, left + w_left / 2, y))
    main = _box(left, y, w_left, ["Studies included in the review:", f"  {c.included}"], heading=True)
    boxes.append(main)
    return boxes, arrows, y + main.h + 20


def svg(c: Counts, title: str = "PRISMA 2020 flow diagram") -> str:
    boxes, arrows, height = layout(c)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height + 30:.0f}" '
        f'width="100%" role="img" aria-labelledby="prisma-title" font-family="Arial, sans-serif" font-size="13">',
        f'<title id="prisma-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#0b0c0c"/></marker></defs>',
        f'<text x="20" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    for box in boxes:
        fill = "#e8f1f8" if box.heading else "#ffffff"
        parts.append(f'<rect x="{box.x}" y="{box.y + 10}" width="{box.w}" height="{box.h}" fill="{fill}" '
                     f'stroke="#0b0c0c"/>')  # fmt: skip
        for i, line in enumerate(box.lines):
            weight = ' font-weight="bold"' if i == 0 else ""
            parts.append(f'<text x="{box.x + 8}" y="{box.y + 10 + 20 + i * _LINE}"{weight}>{escape(line)}</text>')
    for x1, y1, x2, y2 in arrows:
        parts.append(f'<line x1="{x1}" y1="{y1 + 10}" x2="{x2}" y2="{y2 + 10}" stroke="#0b0c0c" '
                     f'marker-end="url(#arrow)"/>')  # fmt: skip
    parts.append("</svg>")
    return "\n".join(parts)


def pdf(c: Counts, title: str = "PRISMA 2020 flow diagram") -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    boxes, arrows, height = layout(c)
    buffer = io.BytesIO()
    page_w, page_h = A4
    scale = min((page_w - 40) / WIDTH, (page_h - 80) / (height + 30))
    doc = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    doc.setTitle(title)
    doc.setFont("Helvetica-Bold", 12)
    doc.drawString(20, page_h - 30, title)

    def point(x: float, y: float) -> tuple[float, float]:
        return 20 + x * scale, page_h - 50 - y * scale

    for box in boxes:
        x, top = point(box.x, box.y)
        doc.rect(x, top - box.h * scale, box.w * scale, box.h * scale)
        for i, line in enumerate(box.lines):
            doc.setFont("Helvetica-Bold" if i == 0 else "Helvetica", 10 * scale)
            doc.drawString(x + 6 * scale, top - (18 + i * _LINE) * scale, line)
    for x1, y1, x2, y2 in arrows:
        doc.line(*point(x1, y1), *point(x2, y2))
    doc.showPage()
    doc.save()
    return buffer.getvalue()
