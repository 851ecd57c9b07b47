"""The practice-reminder worker job: `run(now) -> int`, listed in settings.BONDWELL_WORKER_JOBS.

Two phases, both safe to repeat and to run in several workers at once:
1. plan: for each mother with reminders on, one PracticeReminder row per chosen time that fell due in the
   last LOOKBACK (the unique (mother, due_at) makes this idempotent: a second run inserts nothing);
2. queue: claim due pending rows with SELECT … FOR UPDATE SKIP LOCKED and queue each email in the one outbox
   (`bondwell.notify.outbox`), in the same short transaction that marks the row; nothing is sent here, so a
   slow mail server never holds a database transaction open (the outbox's worker job sends, outside any).
A reminder is skipped, not queued, when the due time falls in her quiet hours or she has already practised
that day: reminders invite, they never nag.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bondwell.notify import links, outbox
from bondwell.notify.models import Channel
from bondwell.notify.models import Purpose as MessagePurpose
from bondwell.programme.models import PracticeLog, PracticeReminder, ReminderPreference
from bondwell.programme.services import in_quiet_hours
from bondwell.worker import claim

log = logging.getLogger("bondwell.programme.reminders")

LOOKBACK = timedelta(hours=2)  # a worker that was down for a while still sends recent reminders, not old ones
BATCH = 200

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
        message = outbox.queue(
            channel=Channel.EMAIL, recipient=address, purpose=MessagePurpose.PRACTICE_REMINDER, now=now,
            template="practice_reminder",
            context={"first_name": mother.full_name.split(" ")[0], "link": links.absolute(reverse("programme-guided"))},
            dedupe_key=f"practice-reminder:{reminder.pk}", topic=f"practice-reminder:{reminder.pk}", site=mother.site,
        )
        # "sent" here means handed to the outbox; the message's own row says when it actually went.
        reminder.status, reminder.detail = PracticeReminder.Status.SENT, f"queued as message {message.pk}"
    reminder.handled_at = now
    reminder.save(update_fields=["status", "attempts", "handled_at", "detail"])


def send_due(now: datetime) -> int:
    """Claim due reminders and queue their emails; rows locked by another worker are skipped, not waited for."""
    with transaction.atomic():
        claimed = claim(
            PracticeReminder.objects.filter(status=PracticeReminder.Status.PENDING, due_at__lte=now)
            .select_related("mother", "mother__user"),
            "due_at", "id", batch=BATCH,
        )
        for reminder in claimed:
            _handle(reminder, now)
    return len(claimed)


def run(now: datetime) -> int:
    plan(now)
    return send_due(now)
