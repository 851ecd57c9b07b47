"""Scheduling: another app schedules a questionnaire; the worker invites and reminds by email; overdue ones are
listed for her clinician; answering completes it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bondwell.notify.models import Message
from bondwell.notify.outbox import deliver_due
from bondwell.screening import jobs, services
from bondwell.screening.models import ScheduledQuestionnaire
from tests.screening.helpers import PHQ9_CALM


def test_she_is_invited_before_the_due_date_and_reminded_on_it_then_every_few_days(world: Any, smtp: Any) -> None:
    world.mother_a.email = "mother@a.test"
    world.mother_a.save()
    now = timezone.now()
    today = timezone.localdate(now)
    scheduled = services.schedule_questionnaire(
        world.mother_a, "phq9", today + timedelta(days=5), by=world.users["clinician"], study_timepoint="week-6"
    )
    assert scheduled.study_timepoint_ref == "week-6"
    assert jobs.remind(now) == 0  # too early to invite
    assert jobs.remind(now + timedelta(days=2)) == 1  # three days before: the invitation
    deliver_due(now + timedelta(days=2))
    (invitation,) = smtp.to("mother@a.test")
    assert "questionnaire" in str(invitation["Subject"])
    assert "/questionnaires/" in invitation.get_payload()
    assert jobs.remind(now + timedelta(days=3)) == 0
    assert jobs.remind(now + timedelta(days=5)) == 1  # due today: first reminder
    assert jobs.remind(now + timedelta(days=6)) == 0
    assert jobs.remind(now + timedelta(days=8)) == 1  # three days later: second reminder
    assert jobs.remind(now + timedelta(days=11)) == 1
    assert jobs.remind(now + timedelta(days=30)) == 0  # at most three reminders
    assert Message.objects.filter(topic=f"scheduled:{scheduled.pk}").count() == 4


def test_answering_completes_it_and_no_more_reminders_go(world: Any, client_as: Any) -> None:
    world.mother_a.email = "mother@a.test"
    world.mother_a.save()
    today = timezone.localdate()
    scheduled = services.schedule_questionnaire(world.mother_a, "phq9", today, by=world.users["clinician"])
    client = client_as(world.users["mother"])
    start = client.get(reverse("screening-start", kwargs={"instrument": "phq9"}) + f"?scheduled={scheduled.pk}")
    client.post(start["Location"], {"view": "all", "go": "submit", **{k: str(v) for k, v in PHQ9_CALM.items()}})
    scheduled.refresh_from_db()
    assert scheduled.status == "completed"
    assert scheduled.assessments.count() == 1
    assert jobs.remind(timezone.now() + timedelta(days=1)) == 0


def test_overdue_questionnaires_are_listed_for_her_clinician_only(world: Any, client_as: Any) -> None:
    today = timezone.localdate()
    services.schedule_questionnaire(world.mother_a2, "phq9", today, by=world.users["clinician"])
    late = services.schedule_questionnaire(world.mother_a2, "phq9", today, by=world.users["clinician"])
    ScheduledQuestionnaire.objects.filter(pk=late.pk).update(due_on=today - timedelta(days=4))
    services.schedule_questionnaire(world.mother_b, "phq9", today, by=world.users_b["clinician"])
    ScheduledQuestionnaire.objects.filter(mother=world.mother_b).update(due_on=today - timedelta(days=4))
    page = client_as(world.users["clinician"]).get(reverse("screening-overdue"))
    assert [s.pk for s in page.context["page"]] == [late.pk]


def test_a_clinician_schedules_from_her_screening_record(world: Any, client_as: Any) -> None:
    client = client_as(world.users["clinician"])
    url = reverse("screening-mother", kwargs={"mother_id": world.mother_a.pk})
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    refused = client.post(url, {"instrument": "epds", "due_on": due})  # EPDS wording not installed here
    assert refused.status_code == 200
    assert b"paper form" in refused.content
    client.post(url, {"instrument": "phq9", "due_on": due})
    assert ScheduledQuestionnaire.objects.get().created_by == world.users["clinician"]


def test_she_is_never_emailed_about_a_questionnaire_she_cannot_answer_online(world: Any, smtp: Any) -> None:
    # The PBQ is paper only, and the EPDS has no licensed wording installed here: her page says her care team
    # goes through them with her, and the overdue list says "Not sent", so no email may promise otherwise.
    world.mother_a.email = "mother@a.test"
    world.mother_a.save()
    now = timezone.now()
    today = timezone.localdate(now)
    for name in ("pbq", "epds", "phq9"):
        services.schedule_questionnaire(world.mother_a, name, today, by=world.users["clinician"])
    jobs.remind(now)
    jobs.remind(now + timedelta(days=1))
    deliver_due(now + timedelta(days=1))
    sent = Message.objects.filter(recipient="mother@a.test")
    phq9 = ScheduledQuestionnaire.objects.get(instrument="phq9")
    assert {m.topic for m in sent} == {f"scheduled:{phq9.pk}"}
    assert len(smtp.to("mother@a.test")) == sent.count() == 2  # the invitation, then the due day's reminder


def test_two_requests_for_the_same_questionnaire_are_one_invitation_and_one_reminder_a_day(
    world: Any, smtp: Any
) -> None:
    # One answer fulfils both (questionnaires.answered_together), so she is asked once, not once per request.
    world.mother_a.email = "mother@a.test"
    world.mother_a.save()
    now = timezone.now()
    due = timezone.localdate(now) + timedelta(days=2)
    first, second = (services.schedule_questionnaire(world.mother_a, "phq9", due, by=world.users["clinician"])
                     for _ in range(2))
    assert jobs.remind(now) == 2
    assert jobs.remind(now + timedelta(days=2)) == 2  # the due day: both reminded, in one email
    deliver_due(now + timedelta(days=2))
    assert len(smtp.to("mother@a.test")) == 2
    for request in (first, second):
        request.refresh_from_db()
        assert request.invited_at is not None
        assert request.reminders_sent == 1
