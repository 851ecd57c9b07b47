"""Demo concerns: an educator's worry about a mother in her class, one open and one closed, so the clinicians'
queue and the record page show how concerns look. Synthetic like everything in the demo."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bondwell.demo import DemoContext
from bondwell.programme.models import Booking
from bondwell.workspace import concerns


def load(context: DemoContext) -> None:
    educator = context.users.get("educator")
    clinician = context.users.get("clinician")
    if educator is None or clinician is None:
        return
    booked = list(Booking.objects.filter(course__educator=educator, status=Booking.Status.BOOKED)
                  .select_related("mother").order_by("id")[:2])
    notes = ["She cried through most of today's class and said she is hardly sleeping.",
             "Her partner answered for her all class; she seemed withdrawn and tired."]
    for index, (booking, note) in enumerate(zip(booked, notes, strict=False)):
        concern = concerns.raise_concern(booking.mother, note, by=educator,
                                         now=timezone.now() - timedelta(hours=3 + 30 * index))
        if index == 1:
            concerns.close_concern(concern, "Phoned her: GP appointment booked; she will come to the next class.",
                                   by=clinician)
