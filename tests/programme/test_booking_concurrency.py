"""Two mothers booking the last place at the same moment: one place and one waiting-list entry (PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from bondwell.programme import services
from bondwell.programme.models import Booking
from tests.programme.helpers import course, mother_user
from tests.threads import run_together


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_bookings_for_the_last_place_give_one_place_and_one_wait() -> None:
    from tests.conftest import make_world

    world: Any = make_world()
    last_place = course(world, capacity=1)
    users = [mother_user(world.site_a, f"race{i}@a.test")[0] for i in range(2)]
    results = run_together(
        [lambda u=u: services.book_own_place(last_place.pk, by=u).status for u in users]
    )
    assert connection.vendor == "postgresql"
    assert sorted(results) == ["booked", "waiting"]
    assert Booking.objects.filter(course=last_place, status="booked").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_reminders_at_once_send_each_exactly_once(settings: Any) -> None:
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from bondwell.programme import reminders
    from bondwell.programme.models import PracticeReminder, ReminderPreference
    from tests.conftest import make_world

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    world: Any = make_world()
    now = timezone.now()
    for i in range(12):
        _, mother = mother_user(world.site_a, f"remind{i}@a.test")
        ReminderPreference.objects.create(mother=mother, enabled=True, times=["12:00"], quiet_start=now.time(),
                                          quiet_end=now.time())  # start == end: no quiet hours
        PracticeReminder.objects.create(mother=mother, due_at=now - timedelta(minutes=1))
    handled = run_together([lambda: reminders.send_due(now)] * 2)
    assert sum(handled) == 12
    from bondwell.notify.outbox import deliver_due

    deliver_due(now)  # the reminder job queues; the outbox sends, once each
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"remind{i}@a.test" for i in range(12))
    assert PracticeReminder.objects.filter(status="sent").count() == 12
