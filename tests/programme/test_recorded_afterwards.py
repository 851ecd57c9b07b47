"""What is written up after it happened keeps when it happened (`at`): a sign-up sheet, the register typed in after
class, a practice log sent later. Never a time in the future; a synthetic mother's rows are synthetic."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bondwell.accounts.models import Mother
from bondwell.programme import services
from bondwell.programme.models import Attendance, Booking
from tests.programme.helpers import course


def test_a_sign_up_sheet_entered_later_keeps_when_she_asked(world: Any) -> None:
    lead = world.users["site_lead"]
    c = course(world, capacity=1)
    asked = timezone.now() - timedelta(days=2)
    placed = services.enrol_mother(c.pk, world.mother_a2.pk, by=lead, at=asked)
    assert (placed.status, placed.requested_at, placed.placed_at) == (Booking.Status.BOOKED, asked, asked)
    with pytest.raises(services.ProgrammeError) as refused:
        services.enrol_mother(c.pk, world.mother_a.pk, by=lead, at=timezone.now() + timedelta(hours=1))
    assert refused.value.field == "at"
    assert Booking.objects.filter(course=c).count() == 1


def test_the_register_typed_in_after_class_keeps_when_it_was_taken(world: Any) -> None:
    booked = course(world, capacity=4)
    services.enrol_mother(booked.pk, world.mother_a.pk, by=world.users["site_lead"])
    began = timezone.now() - timedelta(days=1)
    session = booked.sessions.create(number=1, starts_at=began, teaches="Legs and feet")
    educator = world.users["educator"]
    taken = began + timedelta(hours=1)
    services.record_attendance(session.pk, {world.mother_a.pk: ("present", "")}, by=educator, at=taken)
    assert Attendance.objects.get(session=session).recorded_at == taken
    for wrong in (began - timedelta(minutes=5), timezone.now() + timedelta(minutes=5)):
        with pytest.raises(services.ProgrammeError) as refused:
            services.record_attendance(session.pk, {world.mother_a.pk: ("absent", "")}, by=educator, at=wrong)
        assert refused.value.field == "at"
    assert Attendance.objects.get(session=session).status == "present"


def test_a_practice_log_sent_later_keeps_when_she_saved_it_and_the_sixty_days_count_from_then(world: Any) -> None:
    mother_user = world.users["mother"]
    saved = timezone.now() - timedelta(days=90)
    entry = services.PracticeEntry(started_at=saved - timedelta(minutes=20), duration_seconds=600, guided=True,
                                   completed=True)
    log = services.log_practice(entry, by=mother_user, at=saved)
    assert log.created_at == saved
    assert not log.is_synthetic
    with pytest.raises(services.ProgrammeError) as refused:
        services.log_practice(entry, by=mother_user)  # the same session sent today is too old to add
    assert refused.value.field == "started_at"
    with pytest.raises(services.ProgrammeError) as refused:
        services.log_practice(entry, by=mother_user, at=timezone.now() + timedelta(hours=1))
    assert refused.value.field == "at"


def test_a_synthetic_mothers_booking_and_reminders_are_synthetic(world: Any) -> None:
    Mother.objects.filter(pk=world.mother_a.pk).update(is_synthetic=True)
    booking = services.book_own_place(course(world, capacity=2).pk, by=world.users["mother"])
    preference = services.set_reminders(by=world.users["mother"], enabled=False, times=[], quiet_start=time(21, 0),
                                        quiet_end=time(8, 0))
    assert booking.is_synthetic
    assert preference.is_synthetic
