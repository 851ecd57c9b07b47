"""User text for reportlab: always plain text, never markup.

reportlab's Paragraph reads a mini-HTML: `<img src=…>` makes it fetch a URL or read a local file, `<a>` makes a
live link and a stray `<` raises. Every piece of text that reaches a Paragraph goes through `plain()`, which
escapes it, drops control characters reportlab cannot draw, and bounds its length.
"""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

MAX_CHARS = 20_000


def plain(text: object, limit: int = MAX_CHARS) -> str:
    value = "" if text is None else str(text)
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cs"})
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return escape(value).replace("\n", "<br/>")
