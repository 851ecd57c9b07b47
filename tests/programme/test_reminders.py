"""Practice reminders: sent at her chosen time, never in her quiet hours, once only, and claimed by one worker."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from bondwell.notify.models import Message
from bondwell.notify.outbox import deliver_due
from bondwell.programme import reminders, services
from bondwell.programme.models import PracticeLog, PracticeReminder, ReminderPreference

TIMES = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@pytest.fixture
def evening(world: Any, settings: Any) -> Any:
    settings.BONDWELL_BASE_URL = "https://care.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.mother_a.email = "mother@a.test"
    world.mother_a.save()
    services.set_reminders(by=world.users["mother"], enabled=True, times=[time(19, 0)], quiet_start=time(21, 0),
                           quiet_end=time(8, 0))
    return world


def _local(hour: int, minute: int = 0, days: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _run(now: datetime) -> int:
    """One worker tick: the reminder job queues, the outbox sends."""
    handled = reminders.run(now)
    deliver_due(now)
    return handled


def test_a_reminder_is_sent_at_her_time_and_only_once(evening: Any) -> None:
    assert _run(_local(18, 59)) == 0
    assert _run(_local(19, 1)) == 1
    assert _run(_local(19, 30)) == 0
    assert _run(_local(20, 0)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mother@a.test"]
    assert "https://care.example.org/practice/guided/" in mail.outbox[0].body
    assert PracticeReminder.objects.get().status == "sent"


def test_no_reminder_when_she_has_already_practised_that_day(evening: Any) -> None:
    PracticeLog.objects.create(mother=evening.mother_a, started_at=_local(9), duration_seconds=900)
    _run(_local(19, 5))
    assert mail.outbox == []
    assert PracticeReminder.objects.get().detail == "already practised today"


def test_no_reminder_in_quiet_hours_even_if_the_time_was_saved_before(evening: Any) -> None:
    # Quiet hours moved after the time was chosen: the worker still keeps quiet.
    ReminderPreference.objects.filter(mother=evening.mother_a).update(quiet_start=time(18, 0))
    _run(_local(19, 5))
    assert mail.outbox == []
    assert PracticeReminder.objects.get().status == "skipped"


def test_old_reminders_are_not_sent_after_a_long_outage(evening: Any) -> None:
    assert _run(_local(19, 0, days=0) + timedelta(hours=5)) == 0
    assert mail.outbox == []


def test_a_claimed_row_is_not_sent_twice(evening: Any) -> None:
    reminders.plan(_local(19, 1))
    assert reminders.send_due(_local(19, 1)) == 1
    assert reminders.send_due(_local(19, 2)) == 0
    deliver_due(_local(19, 2))
    deliver_due(_local(19, 3))
    assert len(mail.outbox) == 1


def test_the_reminder_job_sends_nothing_itself_and_a_mail_failure_is_retried_by_the_outbox(
    evening: Any, monkeypatch: Any
) -> None:
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self: Any, messages: Any) -> int:
        raise ConnectionError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    assert reminders.run(_local(19, 1)) == 1  # queued, not sent: no mail server is touched here
    reminder = PracticeReminder.objects.get()
    assert reminder.status == "sent"
    assert reminder.detail.startswith("queued as message")
    message = Message.objects.get(topic=f"practice-reminder:{reminder.pk}")
    deliver_due(_local(19, 1))
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "mail server down" in message.last_error
    monkeypatch.undo()
    deliver_due(_local(19, 5))
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(mail.outbox) == 1


def test_a_reminder_time_inside_quiet_hours_is_refused(world: Any) -> None:
    with pytest.raises(services.ProgrammeError, match="quiet hours"):
        services.set_reminders(by=world.users["mother"], enabled=True, times=[time(22, 30)], quiet_start=time(21, 0),
                               quiet_end=time(8, 0))


def test_the_reminder_page_shows_the_quiet_hours_error_next_to_the_time(world: Any, client_as: Any) -> None:
    from django.urls import reverse

    response = client_as(world.users["mother"]).post(reverse("programme-reminders"), {
        "enabled": "on", "time_1": "06:30", "quiet_start": "21:00", "quiet_end": "08:00",
    })
    assert response.status_code == 200
    assert "06:30 is in your quiet hours" in response.content.decode()
    assert not ReminderPreference.objects.exists()


@given(TIMES, TIMES, TIMES)
def test_quiet_hours_are_a_window_that_may_cross_midnight(moment: time, start: time, end: time) -> None:
    quiet = services.in_quiet_hours(moment, start, end)
    if start == end:
        assert not quiet
    elif start < end:
        assert quiet == (start <= moment < end)
    else:
        assert quiet == (not (end <= moment < start))
