"""A published version as a short PDF report (reportlab): estimate in words, studies, exclusions, changes."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from bondwell.evidence.pool import effect_words, fmt, heterogeneity_words, prediction_words


def report_pdf(snapshot: Mapping[str, Any], number: int, published: str, changes: Sequence[str]) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"{snapshot['review']['title']} v{number}",
                            invariant=True)  # fmt: skip
    story: list[Any] = [
        Paragraph(escape(snapshot["review"]["title"]), styles["Title"]),
        Paragraph(f"Version {number}, published {escape(published)}", styles["Normal"]),
        Paragraph(escape(snapshot["review"]["question"]), styles["Italic"]),
        Spacer(1, 8),
    ]
    for a in snapshot["analyses"]:
        story += [
            Paragraph(escape(a["title"]), styles["Heading2"]),
            Paragraph(escape(effect_words(a)), styles["Normal"]),
        ]
        if a["k"] >= 2:
            story += [Paragraph(escape(heterogeneity_words(a)), styles["Normal"]),
                      Paragraph(escape(prediction_words(a)), styles["Normal"])]  # fmt: skip
    from bondwell.evidence.review.grade import rate

    rating = rate(snapshot["analyses"][0], snapshot["studies"])
    if rating is not None:
        story.append(Paragraph("GRADE certainty (main analysis)", styles["Heading2"]))
        story.append(Paragraph(escape(rating.summary), styles["Normal"]))
        story += [Paragraph(escape(f"{d.name.capitalize()}: {d.reason}"), styles["Normal"]) for d in rating.domains]
    rows = [["Study", "Design", "Massage n, mean (SD)", "Comparator n, mean (SD)", "Risk of bias"]]
    for s in snapshot["studies"]:

        def arm(side: str, s: Mapping[str, Any] = s) -> str:
            n, m, sd = s.get(f"n_{side}"), s.get(f"mean_{side}"), s.get(f"sd_{side}")
            return f"{n if n is not None else '–'}, {m if m is not None else '–'} ({sd if sd is not None else '–'})"

        rob = (s.get("rob") or {}).get("overall") or "not judged"
        rows.append([s["label"][:28], s.get("design", ""), arm("massage"), arm("control"), rob])
    story += [Paragraph("Included studies", styles["Heading2"]), Table(rows, repeatRows=1)]
    story.append(Paragraph("Considered and excluded", styles["Heading2"]))
    for e in snapshot["excluded"]:
        story.append(Paragraph(escape(f"{e['label']}: {e['reason']} (source: {e.get('source') or e.get('link')})"),
                               styles["Normal"]))  # fmt: skip
    story.append(Paragraph("What changed", styles["Heading2"]))
    story += [Paragraph(escape(line), styles["Normal"]) for line in changes]
    story.append(Paragraph(f"Effects are Hedges' g (negative favours massage), e.g. {fmt(-0.5)}.", styles["Normal"]))
    doc.build(story)
    return buffer.getvalue()
