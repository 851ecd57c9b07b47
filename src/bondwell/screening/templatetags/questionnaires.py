"""Template helpers for questionnaires: `{{ name|short_name }}` writes "PHQ-9" for "phq9"."""

from __future__ import annotations

from django import template

from bondwell.screening import questionnaires

register = template.Library()
register.filter("short_name", questionnaires.short_name, is_safe=True)
