"""Small template helpers for the programme's pages (faces, durations, diagrams, sources)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from bondwell.programme.content import Content, Source, Step, shipped_content
from bondwell.programme.models import Mood

register = template.Library()

# Mouth curves from a frown (1) to a wide smile (5); drawn, not emoji, so every phone shows the same faces.
MOUTHS = {1: "M11 25 Q18 18 25 25", 2: "M11 24 Q18 21 25 24", 3: "M11 23 L25 23", 4: "M11 22 Q18 26 25 22",
          5: "M10 21 Q18 29 26 21"}
FACE_SVG = (
    '<svg class="face-svg" viewBox="0 0 36 36" width="{size}" height="{size}" aria-hidden="true" focusable="false">'
    '<circle cx="18" cy="18" r="16" fill="#fde68a" stroke="#5b4636" stroke-width="2"/>'
    '<circle cx="12.5" cy="14" r="2" fill="#5b4636"/><circle cx="23.5" cy="14" r="2" fill="#5b4636"/>'
    '<path d="{mouth}" stroke="#5b4636" stroke-width="2.2" fill="none" stroke-linecap="round"/></svg>'
)


def face_svg(value: int, size: int = 40) -> SafeString:
    return format_html(FACE_SVG, size=size, mouth=MOUTHS[value])


@register.filter
def face(value: object) -> SafeString | str:
    try:
        number = int(str(value))
    except ValueError:
        return ""
    if number not in MOUTHS:
        return ""
    return format_html('<span class="face-small" title="{}">{}</span>', Mood(number).label, face_svg(number, 22))


@register.filter
def duration(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes, rest = divmod(seconds, 60)
    if rest:
        return gettext("%(m)d min %(s)d s") % {"m": minutes, "s": rest}
    return gettext("%(m)d min") % {"m": minutes}


@register.filter
def minutes(seconds: int) -> str:
    return str(max(1, round(seconds / 60)))


@register.filter
def add_half(x: float, width: float) -> str:
    return f"{x + width / 2:.1f}"


@register.filter
def cited(content: Content, keys: tuple[str, ...]) -> list[Source]:
    return content.cited(keys)


@register.simple_tag
def diagram(step: Step) -> SafeString:
    # The SVG files are reviewed content shipped with Bondwell (validated at test time), never user input.
    return mark_safe(shipped_content().diagram_svg(step))


@register.simple_tag
def faces(name: str, legend: str) -> SafeString:
    options = format_html_join(
        "",
        '<label class="face" title="{}"><input type="radio" name="{}" value="{}">'
        '<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span></label>',
        ((label, name, value, face_svg(value), label) for value, label in Mood.choices),
    )
    return format_html('<fieldset class="faces"><legend class="visually-hidden">{}</legend>{}</fieldset>', legend,
                       options)
