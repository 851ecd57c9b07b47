"""Deployment checks (`bondwell manage check --deploy`). A missing BONDWELL_BASE_URL stops settings.py itself."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def deployment(app_configs: Any, **kwargs: Any) -> list[Any]:
    found: list[Any] = []
    if not settings.BONDWELL_BASE_URL.startswith("https://"):
        found.append(Warning("BONDWELL_BASE_URL is not an https address: links in alerts would travel in clear.",
                             id="bondwell.W003"))
    if not settings.SMS_BACKEND:
        found.append(Warning("SMS_URL is not set: urgent alerts go by email only.", id="bondwell.W001"))
    if not settings.BONDWELL_METRICS_TOKEN:
        found.append(Warning("BONDWELL_METRICS_TOKEN is not set: /metrics answers 404.", id="bondwell.W002"))
    return found
