"""The practice-reminder worker job: `run(now) -> int`, listed in settings.BONDWELL_WORKER_JOBS.

Two phases, both safe to repeat and to run in several workers at once:
1. plan: for each mother with reminders on, one PracticeReminder row per chosen time that fell due in the
   last LOOKBACK (the unique (mother, due_at) makes this idempotent: a second run inserts nothing);
2. send: claim due pending rows with SELECT … FOR UPDATE SKIP LOCKED, send each email, mark it.
A reminder is skipped, not sent, when the due time falls in her quiet hours or she has already practised
that day: reminders invite, they never nag.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, time, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bondwell.programme.models import PracticeLog, PracticeReminder, ReminderPreference
from bondwell.programme.services import in_quiet_hours

log = logging.getLogger("bondwell.programme.reminders")

LOOKBACK = timedelta(hours=2)  # a worker that was down for a while still sends recent reminders, not old ones
BATCH = 200
MAX_ATTEMPTS = 3

SUBJECT = "A moment for massage, if it suits you today"
BODY = (
    "Hello {name},\n\n"
    "This is the reminder you asked for. If you and your baby are both up for it, a few minutes of massage "
    "is lovely; if not, that is fine too.\n\n"
    "Start the guided routine: {link}\n\n"
    "You can change or turn off these reminders on your practice page.\n\nBondwell"
)


def _due_times(preference: ReminderPreference, now: datetime) -> list[datetime]:
    local_now = timezone.localtime(now)
    due = []
    for day_offset in (0, -1):
        day = local_now.date() + timedelta(days=day_offset)
        for text in preference.times:
            hour, minute = (int(part) for part in str(text).split(":"))
            moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
            if now - LOOKBACK < moment <= now:
                due.append(moment)
    return due


def plan(now: datetime) -> int:
    """Create the reminder rows that fell due recently; returns how many were new."""
    rows: list[PracticeReminder] = []
    preferences = ReminderPreference.objects.filter(enabled=True).exclude(times=[]).order_by("id")
    for preference in preferences.iterator(chunk_size=500):
        rows.extend(PracticeReminder(mother_id=preference.mother_id, due_at=due) for due in _due_times(preference, now))
    before = PracticeReminder.objects.filter(due_at__gt=now - LOOKBACK).count()
    PracticeReminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return PracticeReminder.objects.filter(due_at__gt=now - LOOKBACK).count() - before


def _practised_on_day(mother_id: int, moment: datetime) -> bool:
    day = timezone.localdate(moment)
    start = timezone.make_aware(datetime.combine(day, time.min))
    return PracticeLog.objects.filter(mother_id=mother_id, started_at__gte=start, started_at__lt=moment).exists()


def _handle(reminder: PracticeReminder, now: datetime) -> None:
    preference = ReminderPreference.objects.filter(mother_id=reminder.mother_id).first()
    mother = reminder.mother
    address = mother.email or (mother.user.email if mother.user_id and mother.user else "")
    reminder.attempts += 1
    if preference is None or not preference.enabled:
        reminder.status, reminder.detail = PracticeReminder.Status.SKIPPED, "reminders turned off"
    elif in_quiet_hours(timezone.localtime(reminder.due_at).time(), preference.quiet_start, preference.quiet_end):
        reminder.status, reminder.detail = PracticeReminder.Status.SKIPPED, "quiet hours"
    elif _practised_on_day(reminder.mother_id, reminder.due_at):
        reminder.status, reminder.detail = PracticeReminder.Status.SKIPPED, "already practised today"
    elif not address:
        reminder.status, reminder.detail = PracticeReminder.Status.SKIPPED, "no email address"
    else:
        # The same variable the screening outbox uses for links in emails sent without a request.
        base = os.environ.get("BONDWELL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
        body = BODY.format(name=mother.full_name.split(" ")[0], link=f"{base}{reverse('programme-guided')}")
        try:
            send_mail(SUBJECT, body, None, [address])
        except Exception as error:  # any transport failure: retried on a later tick, up to MAX_ATTEMPTS
            log.warning("practice reminder %s failed: %s", reminder.pk, error)
            reminder.detail = type(error).__name__[:200]
            if reminder.attempts >= MAX_ATTEMPTS:
                reminder.status = PracticeReminder.Status.FAILED
        else:
            reminder.status, reminder.detail = PracticeReminder.Status.SENT, ""
    reminder.handled_at = now
    reminder.save(update_fields=["status", "attempts", "handled_at", "detail"])


def send_due(now: datetime) -> int:
    """Claim and handle due reminders; rows locked by another worker are skipped, not waited for."""
    with transaction.atomic():
        claimed = list(
            PracticeReminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=PracticeReminder.Status.PENDING, due_at__lte=now)
            .select_related("mother", "mother__user")
            .order_by("due_at", "id")[:BATCH]
        )
        for reminder in claimed:
            _handle(reminder, now)
    return len(claimed)


def run(now: datetime) -> int:
    plan(now)
    return send_due(now)
