"""Small template helpers for the programme's pages (faces, durations, diagrams, sources)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from bondwell.programme.content import Content, Source, Step, shipped_content
from bondwell.programme.models import Mood

register = template.Library()

FACES = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}


@register.filter
def face(value: object) -> str:
    try:
        return FACES.get(int(str(value)), "")
    except ValueError:
        return ""


@register.filter
def duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} seconds"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min" + (f" {rest} s" if rest else "")


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
        ((label, name, value, FACES[value], label) for value, label in Mood.choices),
    )
    return format_html('<fieldset class="faces"><legend class="visually-hidden">{}</legend>{}</fieldset>', legend,
                       options)
