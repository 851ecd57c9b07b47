"""The clinician report as a PDF (reportlab): answers, score, subscale, band, flags and her trend."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bondwell.screening.models import Assessment
from bondwell.screening.presenters import Reading


def render_pdf(reading: Reading, trend: list[Assessment]) -> bytes:
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    a = reading.assessment
    story: list[object] = [
        Paragraph(escape(f"{reading.instrument.title}: clinician report"), styles["Title"]),
        Paragraph(
            escape(
                f"{a.mother.full_name} ({a.mother.pseudonym}) · answered {a.answered_on:%d %b %Y} · "
                f"{a.get_source_display()} · definition {a.definition_version}, profile {a.profile}"
            ),
            body,
        ),
        Spacer(1, 4 * mm),
    ]
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
    story.append(Spacer(1, 4 * mm))
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
        story.append(Paragraph("Her results on this questionnaire over time", styles["Heading2"]))
        trend_rows = [["Answered", "Total", "Flags"]] + [
            [f"{t.answered_on:%d %b %Y}", "-" if t.total is None else str(t.total), ", ".join(t.flags) or "-"]
            for t in trend
        ]
        story.append(Table(trend_rows, style=[("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="Bondwell clinician report").build(story)
    return buffer.getvalue()
