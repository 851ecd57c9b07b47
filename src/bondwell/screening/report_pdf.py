"""The clinician report as a PDF (reportlab): who she is, which service, when it was answered, entered and
printed, by whom; answers, score, subscale, band, flags, how each alert it raised was handled, and her trend.

Accessibility, honestly: reportlab 4 writes real text in reading order (no images of text), the document title
shown in the viewer's title bar, its language (en), author and subject, and an outline (bookmarks) of the
sections, which screen-reader users navigate by. It cannot write a structure tree: the file is **not tagged PDF
and not PDF/UA** (no /StructTreeRoot or /MarkInfo, tables not tagged as tables, the running header and page
numbers not marked as artefacts). The same report is an accessible HTML page (screening/report.html).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bondwell.screening.models import Assessment
from bondwell.screening.presenters import Reading


@dataclass(frozen=True)
class AlertHandling:
    kind: str
    raised: str
    status: str
    steps: list[str]


@dataclass(frozen=True)
class ReportContext:
    service: str
    date_of_birth: date | None
    submitted: str  # local time with zone
    entered_by: str
    printed_by: str
    printed_at: str
    alerts: list[AlertHandling] = field(default_factory=list)


class _Bookmark(Flowable):  # type: ignore[misc]
    """An outline entry (a bookmark) for the heading that follows."""

    def __init__(self, key: str, title: str) -> None:
        super().__init__()
        self.key, self.title = key, title
        self.width = self.height = 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=0)


def _numbered(footer: str) -> type[Canvas]:
    """A canvas that writes 'Page x of y' and the printed-by line on every page once the count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Helvetica", 8)
                self.drawString(15 * mm, 10 * mm, footer)
                self.drawRightString(195 * mm, 10 * mm, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def render_pdf(reading: Reading, trend: Sequence[Assessment], context: ReportContext | None = None) -> bytes:
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    a = reading.assessment
    mother = a.mother
    story: list[Any] = [
        _Bookmark("top", "Report"),
        Paragraph(escape(f"{reading.instrument.title}: clinician report"), styles["Title"]),
    ]
    facts = [
        ("Service", context.service if context else mother.site.name),
        ("Name", mother.full_name),
        ("Date of birth", f"{context.date_of_birth:%d %b %Y}" if context and context.date_of_birth else
         "not recorded"),
        ("Study code", mother.pseudonym),
        ("Answered on", f"{a.answered_on:%d %b %Y}"),
        ("Recorded", context.submitted if context else f"{a.submitted_at:%d %b %Y %H:%M} UTC"),
        ("Source", a.get_source_display() + (f", entered by {context.entered_by}" if context else "")),
        ("Questionnaire", f"definition {a.definition_version}, guideline profile {a.profile}"),
    ]
    if context:
        facts.append(("Printed", f"{context.printed_at} by {context.printed_by}"))
    story.append(Table([[k, Paragraph(escape(v), body)] for k, v in facts], colWidths=[35 * mm, 140 * mm],
                       style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold")]))
    story.append(Spacer(1, 4 * mm))
    story += [_Bookmark("result", "Result"), Paragraph("Result", styles["Heading2"])]
    if reading.self_harm:
        story.append(
            Paragraph("<b>Self-harm item answered positively: same-day clinical review of risk.</b>", body)
        )
    maximum = reading.instrument.max_total
    total = "not scored (items left blank)" if a.total is None else f"{a.total} of {maximum}"
    lines = [f"Total: {total}"]
    if reading.anxiety_subscale is not None:
        lines.append(f"Anxiety subscale (EPDS-3A): {reading.anxiety_subscale}")
    if reading.band:
        lines.append(f"Band: {reading.band.label}. Suggested action: {reading.band.clinician_action}")
        lines.append(f"Source of the band: {reading.band.source}")
    lines.append(f"Flags: {', '.join(a.flags) or 'none'}")
    story.extend(Paragraph(escape(line), body) for line in lines)
    story.append(Paragraph("A screening score is not a diagnosis.", body))
    if context and context.alerts:
        story += [Spacer(1, 4 * mm), _Bookmark("alerts", "Alerts and how they were handled"),
                  Paragraph("Alerts and how they were handled", styles["Heading2"])]
        for alert in context.alerts:
            story.append(Paragraph(escape(f"{alert.kind}: raised {alert.raised}; now {alert.status}."), body))
            story.extend(Paragraph(escape(f"• {step}"), body) for step in alert.steps)
    story += [Spacer(1, 4 * mm), _Bookmark("answers", "Answers"), Paragraph("Answers", styles["Heading2"])]
    rows = [["#", "Question", "Answer", "Score"]] + [
        [
            str(r.number),
            Paragraph(escape(r.question), body),
            Paragraph(escape(r.answer) + (" <b>(flag)</b>" if r.flagged else ""), body),
            "" if r.item_score is None else str(r.item_score),
        ]
        for r in reading.rows
    ]
    table = Table(rows, colWidths=[10 * mm, 80 * mm, 70 * mm, 15 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    if len(trend) > 1:
        story.append(Spacer(1, 4 * mm))
        story += [_Bookmark("trend", "Her results over time"),
                  Paragraph("Her results on this questionnaire over time", styles["Heading2"])]
        trend_rows = [["Answered", "Total", "Flags"]] + [
            [f"{t.answered_on:%d %b %Y}", "-" if t.total is None else str(t.total), ", ".join(t.flags) or "-"]
            for t in trend
        ]
        story.append(Table(trend_rows, style=[("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
    buffer = io.BytesIO()
    footer = (f"{context.service if context else mother.site.name} · {mother.pseudonym} · printed "
              f"{context.printed_at + ' by ' + context.printed_by if context else ''} · confidential")
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=f"{reading.instrument.title} report, {mother.pseudonym}",
        author=context.service if context else "Bondwell", subject="Clinician report of a screening questionnaire",
        creator="Bondwell", lang="en", displayDocTitle=True, bottomMargin=20 * mm,
    )
    document.build(story, canvasmaker=_numbered(footer))
    return buffer.getvalue()


def local(moment: datetime, zone: str) -> str:
    from zoneinfo import ZoneInfo

    return f"{moment.astimezone(ZoneInfo(zone)):%d %b %Y %H:%M} ({zone})"
