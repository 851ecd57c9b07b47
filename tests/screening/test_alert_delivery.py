"""A self-harm alert reaches a person through a mail outage: it waits, is retried, escalates on time and is
delivered when mail returns. Mail goes through a real SMTP server on loopback; the clock is the `now` the
worker jobs are given."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bondwell.notify.jobs import deliver
from bondwell.notify.models import Attempt, Message
from bondwell.notify.outbox import retry_delay
from bondwell.screening import jobs
from bondwell.screening.models import RiskAlert, SiteSafetySettings
from tests.notify.helpers import mother_answers
from tests.screening.helpers import PHQ9_SELF_HARM, PHQ9_SEVERE

# A Monday at 10:00 in Sydney (site A's working hours): the clinicians at work are told first.
MONDAY_10AM = timezone.make_aware(timezone.datetime(2026, 11, 23, 10, 0))

CLINICIAN = "clinician@a.test"
LEAD = "site_lead@a.test"
FALLBACK = "on-call@a.test"


@pytest.fixture
def fallback(world: Any) -> SiteSafetySettings:
    return SiteSafetySettings.objects.create(site=world.site_a, fallback_contact_email=FALLBACK)


def run_worker(now: Any) -> None:
    jobs.escalate(now)
    deliver(now)


def _notifications(alert: RiskAlert) -> Any:
    return Message.objects.filter(topic=f"alert:{alert.pk}")


def test_with_mail_down_a_self_harm_alert_waits_is_retried_escalates_on_time_and_is_delivered_later(
    world: Any, smtp: Any, fallback: Any
) -> None:
    t0 = MONDAY_10AM
    smtp.stop()  # the mail server is down before the mother even answers
    assessment = mother_answers(world, PHQ9_SELF_HARM, now=t0)
    alert = RiskAlert.objects.get(assessment=assessment)
    assert alert.kind == "self_harm"
    assert alert.ack_due_at == t0 + timedelta(hours=1)
    first = _notifications(alert).get(recipient=CLINICIAN)

    run_worker(t0)
    first.refresh_from_db()
    assert first.status == "pending"
    assert first.attempts == 1
    assert "Connection" in first.last_error
    first_retry = t0 + retry_delay(1, urgent=True)
    assert first_retry <= first.next_attempt_at < first_retry + timedelta(seconds=10)

    run_worker(t0 + timedelta(seconds=10))  # too early: the backoff holds it
    first.refresh_from_db()
    assert first.attempts == 1

    run_worker(first.next_attempt_at)  # due again, still down: retried, and waits longer next time
    first.refresh_from_db()
    assert first.attempts == 2
    assert first.next_attempt_at > t0 + retry_delay(1, urgent=True)

    run_worker(t0 + timedelta(minutes=59))
    assert not _notifications(alert).filter(recipient=LEAD).exists(), "escalated too early"

    run_worker(t0 + timedelta(minutes=60))  # not acknowledged within the hour: the site lead is told
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    assert alert.status == "open"
    assert _notifications(alert).filter(recipient=LEAD, purpose="escalation").exists()
    assert not _notifications(alert).filter(recipient=FALLBACK).exists()

    run_worker(t0 + timedelta(minutes=120))  # another hour: the fallback contact too
    alert.refresh_from_db()
    assert alert.escalation_level == 2
    assert _notifications(alert).filter(recipient=FALLBACK).exists()
    assert smtp.messages == []
    assert _notifications(alert).filter(status="sent").count() == 0

    smtp.start()  # mail returns
    later = t0 + timedelta(hours=3)
    run_worker(later)
    alert.refresh_from_db()
    # Still not acknowledged at 3 h, so it escalated once more (level 3); everyone has been told.
    assert alert.escalation_level == 3
    assert _notifications(alert).exclude(status="sent").count() == 0
    assert len(smtp.to(CLINICIAN)) >= 1
    assert len(smtp.to(LEAD)) >= 1
    assert len(smtp.to(FALLBACK)) >= 1
    assert len(smtp.ids()) == len(set(smtp.ids())), "a notification was sent twice"
    assert Attempt.objects.filter(message=first, ok=False).count() >= 2
    assert Attempt.objects.filter(message=first, ok=True).count() == 1
    steps = list(alert.events.values_list("step", flat=True))
    assert steps[0] == "raised"
    assert steps.count("escalated") == 3
    assert "notified" in steps


def test_an_acknowledged_alert_does_not_escalate(world: Any, smtp: Any, fallback: Any) -> None:
    from bondwell.screening.services import acknowledge_alert

    t0 = MONDAY_10AM
    alert = RiskAlert.objects.get(assessment=mother_answers(world, PHQ9_SELF_HARM, now=t0))
    run_worker(t0)
    acknowledge_alert(alert, by=world.users["clinician"])
    run_worker(t0 + timedelta(hours=5))
    alert.refresh_from_db()
    assert alert.escalation_level == 0
    assert alert.status == "acknowledged"
    assert [str(m["To"]) for m in smtp.messages] == [CLINICIAN]


def test_the_message_names_no_answers_and_links_to_the_alert(world: Any, smtp: Any) -> None:
    t0 = MONDAY_10AM
    alert = RiskAlert.objects.get(assessment=mother_answers(world, PHQ9_SELF_HARM, now=t0))
    deliver(t0)
    (message,) = smtp.to(CLINICIAN)
    body = message.get_payload()
    assert f"/alerts/{alert.pk}/" in body
    assert world.mother_a.pseudonym in body
    assert world.mother_a.full_name not in body
    assert "URGENT" in str(message["Subject"])


def test_an_urgent_band_escalates_after_one_working_day(world: Any, smtp: Any) -> None:
    friday_noon = timezone.make_aware(timezone.datetime(2026, 11, 20, 12, 0))
    assessment = mother_answers(world, PHQ9_SEVERE, now=friday_noon)
    alert = RiskAlert.objects.get(assessment=assessment)
    assert alert.kind == "urgent_band"
    assert alert.priority == 1
    monday_noon = friday_noon + timedelta(days=3)
    assert alert.ack_due_at == monday_noon
    jobs.escalate(monday_noon - timedelta(minutes=1))
    alert.refresh_from_db()
    assert alert.escalation_level == 0
    jobs.escalate(monday_noon)
    alert.refresh_from_db()
    assert alert.escalation_level == 1


def test_a_site_without_clinicians_tells_its_lead_at_once(world: Any, smtp: Any) -> None:
    world.users["clinician"].is_active = False
    world.users["clinician"].save()
    t0 = MONDAY_10AM
    mother_answers(world, PHQ9_SELF_HARM, now=t0)
    deliver(t0)
    assert [str(m["To"]) for m in smtp.messages] == [LEAD]


# The worker closes stale connections between jobs, which on PostgreSQL would end a test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_screening_jobs_and_the_outbox(world: Any, smtp: Any, settings: Any) -> None:
    from bondwell import worker

    ours = ["bondwell.screening.jobs.escalate", "bondwell.screening.jobs.remind", "bondwell.notify.jobs.deliver"]
    assert set(ours) <= set(settings.BONDWELL_WORKER_JOBS), "`bondwell worker` must run the screening jobs"
    settings.BONDWELL_WORKER_JOBS = ours  # without the other capabilities' jobs
    t0 = MONDAY_10AM
    mother_answers(world, PHQ9_SELF_HARM, now=t0)
    handled = worker.run_once(t0)
    assert handled["bondwell.notify.jobs.deliver"] == 1
    assert [str(m["To"]) for m in smtp.messages] == [CLINICIAN]
    assert worker.run_once(t0 + timedelta(hours=1))["bondwell.screening.jobs.escalate"] == 1
