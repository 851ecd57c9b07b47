"""The mother's download as a readable PDF. Every piece of text is escaped before reportlab sees it."""

from __future__ import annotations

import io
import json
from typing import Any

from django.utils.translation import gettext, ngettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from bondwell.security.pdf import plain

MAX_ROWS_IN_PDF = 500


def render(data: dict[str, Any]) -> bytes:
    styles = getSampleStyleSheet()
    story: list[Any] = [
        Paragraph(plain(gettext("Your data in Bondwell")), styles["Title"]),
        Paragraph(plain(gettext("Made %(made)s. Your code: %(code)s. Service: %(site)s.") % {
            "made": data["generated_at"], "code": data["mother"]["pseudonym"], "site": data["mother"]["site"],
        }), styles["Normal"]),
        Spacer(1, 4 * mm),
    ]
    names = data.get("verbose_names", {})
    for label, rows in data["records"].items():
        story.append(Paragraph(plain(f"{str(names.get(label, label)).capitalize()} ({len(rows)})"),
                               styles["Heading2"]))
        for row in rows[:MAX_ROWS_IN_PDF]:
            text = "; ".join(f"{key}: {value if not isinstance(value, dict | list) else json.dumps(value)}"
                             for key, value in row.items() if value not in (None, "", [], {}))
            story.append(Paragraph(plain(text[:4000]), styles["Normal"]))
        if len(rows) > MAX_ROWS_IN_PDF:
            more = len(rows) - MAX_ROWS_IN_PDF
            story.append(Paragraph(plain(ngettext(
                "… and %(count)d more (all are in the JSON file).", "… and %(count)d more (all are in the JSON file).",
                more) % {"count": more}), styles["Italic"]))
    story.append(Paragraph(plain(gettext("Not included")), styles["Heading2"]))
    for label, why in data.get("left_out", {}).items():
        story.append(Paragraph(plain(f"{label}: {why}"), styles["Normal"]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=gettext("Your data in Bondwell"), invariant=True).build(story)
    return buffer.getvalue()
