"""The one way a day is written in a sentence a mother reads ("on Tuesday 1 December"): Django's date formatting
with translated weekday and month names, in an order each language's catalogue may change (the format string
itself is translatable). Dates in lists and tables use Django's `|date` filter (the language's DATE_FORMAT)."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import pgettext


def day_in_words(value: date) -> str:
    """The weekday, day and month, e.g. "Tuesday 1 December" in English."""
    return date_format(value, pgettext("a day in a sentence (Django date format)", "l j F"))
