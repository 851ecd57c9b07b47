"""Worker jobs (settings.BONDWELL_WORKER_JOBS); each claims its own rows, so several workers may run.

They only queue messages (bondwell.notify.outbox); `bondwell.notify.jobs.deliver` sends them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from bondwell.accounts import service_hours
from bondwell.notify import links, outbox
from bondwell.notify.models import Channel
from bondwell.notify.models import Purpose as MessagePurpose
from bondwell.screening.alerts import escalate_overdue
from bondwell.screening.models import ScheduledQuestionnaire
from bondwell.screening.questionnaires import answerable_by_mother

INVITE_AHEAD = timedelta(days=3)
REMIND_EVERY = timedelta(days=3)
MAX_REMINDERS = 3
BATCH = 100


def escalate(now: datetime) -> int:
    """Escalate alerts nobody acknowledged in time."""
    return escalate_overdue(now)


def remind(now: datetime) -> int:
    """Invite mothers to questionnaires coming due; remind them on the due day and every few days after."""
    today = timezone.localdate(now)
    handled = 0
    with transaction.atomic():
        waiting = ScheduledQuestionnaire.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            status=ScheduledQuestionnaire.Status.SCHEDULED
        )
        to_invite = list(
            waiting.filter(invited_at__isnull=True, due_on__lte=today + INVITE_AHEAD)
            .select_related("mother__user", "mother__site")
            .order_by("due_on", "id")[:BATCH]
        )
        for scheduled in to_invite:
            _queue(scheduled, MessagePurpose.INVITATION, now)
            ScheduledQuestionnaire.objects.filter(pk=scheduled.pk).update(invited_at=now)
            handled += 1
        to_remind = list(
            waiting.filter(invited_at__isnull=False, due_on__lte=today, reminders_sent__lt=MAX_REMINDERS)
            .filter(
                Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - REMIND_EVERY)
            )
            .exclude(invited_at__gt=now - timedelta(hours=12))  # not a reminder hours after the invitation
            .select_related("mother__user", "mother__site")
            .order_by("due_on", "id")[:BATCH]
        )
        for scheduled in to_remind:
            _queue(scheduled, MessagePurpose.REMINDER, now)
            ScheduledQuestionnaire.objects.filter(pk=scheduled.pk).update(
                reminders_sent=scheduled.reminders_sent + 1, last_reminded_at=now
            )
            handled += 1
    return handled


def _queue(scheduled: ScheduledQuestionnaire, purpose: str, now: datetime) -> None:
    mother = scheduled.mother
    email = mother.email or (mother.user.email if mother.user else "")
    if not email or mother.user is None or not answerable_by_mother(scheduled.instrument, mother.site):
        # No way to answer it online (no sign-in, or a questionnaire whose wording may not be shown on her phone
        # here): an email would promise what her page cannot give. Her clinician sees it on the overdue list,
        # "Not sent", and goes through the paper form with her.
        return
    outbox.queue(
        channel=Channel.EMAIL, recipient=email, purpose=purpose, now=now,
        template="questionnaire_invitation" if purpose == MessagePurpose.INVITATION else "questionnaire_reminder",
        context={"first_name": mother.full_name.split(" ")[0], "due_on": scheduled.due_on,
                 "link": links.absolute(reverse("screening-my"))},
        dedupe_key=_one_email_per_ask(scheduled, purpose, now), topic=f"scheduled:{scheduled.pk}",
        site=mother.site,
    )


def _one_email_per_ask(scheduled: ScheduledQuestionnaire, purpose: str, now: datetime) -> str:
    # Keyed by what she is asked, not by the request row: two requests for the same questionnaire (a repeat screen
    # and her clinician's) are one invitation per due date and one reminder a day, as one answer fulfils them
    # both (`questionnaires.answered_together`). A request's own reminders are days apart, so the day keeps them.
    asked = f"questionnaire:{scheduled.mother_id}:{scheduled.instrument}:{purpose}"
    if purpose == MessagePurpose.INVITATION:
        return f"{asked}:due {scheduled.due_on}"
    return f"{asked}:on {service_hours.local(scheduled.mother.site, now).date()}"
