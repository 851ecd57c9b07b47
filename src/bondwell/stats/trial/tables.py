"""Plain-text tables in the style of a trial report (fixed-width, right-aligned numbers)."""

from __future__ import annotations

from collections.abc import Sequence


def format_table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]], note: str = "") -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        right = (c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))
        return "  ".join([first.ljust(widths[0]), *right])

    rule = "-" * len(line(header))
    body = [title, rule, line(header), rule, *(line(r) for r in rows), rule]
    if note:
        body.append(note)
    return "\n".join(body)
