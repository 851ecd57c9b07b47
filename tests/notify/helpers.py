"""Raising alerts the way one reaches a clinician at 3 a.m.: the mother's own answers (a clinician's own paper
entry acknowledges its alert as she types it, so it sends nothing)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bondwell.screening import services
from bondwell.screening.models import Assessment


def mother_answers(world: Any, answers: dict[str, int], now: datetime, instrument: str = "phq9") -> Assessment:
    return services.record_assessment(
        world.mother_a, instrument, answers, source="mother", by=world.users["mother"],
        answered_on=min(now.date(), date.today()), idempotency_key=services.new_submission_key(), now=now,
    )
