"""The design system's helpers: error messages in plain words (GOV.UK pattern: say what to do, name the field)."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.translation import gettext as _

register = template.Library()

CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.Select, forms.CheckboxInput)


@register.filter
def plain_error(message: str, field: Any) -> str:
    """Django's default messages said as what to do about this field; a form's own messages stay as written."""
    label = str(getattr(field, "label", "") or "").rstrip(":?")
    widget = getattr(getattr(field, "field", None), "widget", None)
    text = str(message)
    if text == "This field is required.":
        if isinstance(widget, CHOICE_WIDGETS):
            return _("Choose an answer: %(label)s") % {"label": label} if label else _("Choose an answer")
        return _("Enter %(label)s") % {"label": label.lower()} if label else _("Fill in this box")
    plain = {
        "Enter a valid date.": _("Enter a real date, for example 27 3 2026"),
        "Enter a valid time.": _("Enter a time, for example 19:30"),
        "Enter a valid date/time.": _("Enter a real date and time"),
        "Enter a whole number.": _("Enter a number, like 15"),
        "Enter a number.": _("Enter a number, like 15"),
    }
    if text in plain:
        return plain[text]
    if text.startswith("Select a valid choice."):
        return _("Choose one of the answers shown")
    return text
