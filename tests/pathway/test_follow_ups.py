"""Every positive screen reaches a person: follow-ups with an owner, a due date in the site's working days,
escalation when overdue (controlled clock), tries, and an outcome required to close."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bondwell.accounts.models import AuditEvent
from bondwell.notify.models import Message
from bondwell.pathway import services
from bondwell.pathway.models import FollowUp
from bondwell.screening import services as screening
from bondwell.screening.models import RiskAlert, ScheduledQuestionnaire
from tests.pathway.helpers import EPDS_11, EPDS_17, EPDS_CALM, PBQ_CALM, PHQ9_14, SOMETIMES, sydney

MONDAY_10AM = sydney(2026, 11, 30, 10)


def _paper(world: Any, answers: dict[str, int], instrument: str = "epds", now: Any = MONDAY_10AM, **extra: Any) -> Any:
    return screening.record_assessment(
        world.mother_a, instrument, answers, source="paper", by=world.users["clinician"],
        answered_on=date(2026, 11, 30), idempotency_key=extra.pop("key", screening.new_submission_key()), now=now,
        **extra,
    )


def test_epds_11_schedules_a_repeat_screen_inside_2_to_4_weeks(world: Any) -> None:
    assessment = _paper(world, EPDS_11)
    assert (assessment.total, assessment.band_key) == (11, "possible")
    follow_up = FollowUp.objects.get(assessment=assessment)
    assert follow_up.action == "repeat_screen"
    repeat = follow_up.scheduled
    assert repeat is not None
    assert repeat.instrument == "epds"
    assert repeat.status == ScheduledQuestionnaire.Status.SCHEDULED
    assert date(2026, 11, 30) + timedelta(days=14) <= repeat.due_on <= date(2026, 11, 30) + timedelta(days=28)
    assert follow_up.due_at <= MONDAY_10AM + timedelta(days=29)
    assert list(services.open_follow_ups(world.mother_a)) == [follow_up]


def test_answering_the_repeat_closes_its_follow_up_and_starts_the_new_results_own(world: Any) -> None:
    first = _paper(world, EPDS_11)
    follow_up = FollowUp.objects.get(assessment=first)
    _paper(world, EPDS_17, scheduled=follow_up.scheduled, now=MONDAY_10AM + timedelta(days=15))
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.outcome) == ("closed", "rescreened")
    assert [f.action for f in services.open_follow_ups(world.mother_a)] == ["follow_up"]


def test_a_calm_screen_creates_no_follow_up(world: Any) -> None:
    _paper(world, EPDS_CALM)
    assert not FollowUp.objects.exists()


def test_epds_17_creates_a_follow_up_that_escalates_when_overdue(world: Any) -> None:
    assessment = _paper(world, EPDS_17)
    follow_up = FollowUp.objects.get(assessment=assessment)
    assert (follow_up.action, follow_up.owner_role, follow_up.status) == ("follow_up", "care_team", "open")
    assert follow_up.source
    # Five of the site's working days (Mon-Fri), by the end of that day's hours in Sydney.
    assert follow_up.due_at == sydney(2026, 12, 7, 17)
    assert services.escalate_overdue(sydney(2026, 12, 7, 16, 59)) == 0
    assert services.escalate_overdue(sydney(2026, 12, 7, 17, 1)) == 1
    follow_up.refresh_from_db()
    assert follow_up.escalation_level == 1
    told = set(Message.objects.filter(topic=f"followup:{follow_up.pk}").values_list("recipient", flat=True))
    assert "site_lead@a.test" in told
    assert all("Mother A" not in m.body for m in Message.objects.filter(topic=f"followup:{follow_up.pk}"))
    assert services.escalate_overdue(sydney(2026, 12, 7, 17, 2)) == 0, "escalated once per level, not every cycle"
    assert services.escalate_overdue(sydney(2026, 12, 8, 17, 1)) == 1
    follow_up.refresh_from_db()
    assert follow_up.escalation_level == 2
    assert AuditEvent.objects.filter(action="escalate:follow-up", mother=world.mother_a).count() == 2


def test_a_closed_follow_up_never_escalates(world: Any) -> None:
    follow_up = FollowUp.objects.get(assessment=_paper(world, EPDS_17))
    services.close_follow_up(follow_up, "assessed", by=world.users["clinician"])
    assert services.escalate_overdue(sydney(2027, 1, 30, 12)) == 0


@pytest.mark.parametrize(
    ("outcome", "detail", "tries", "problem"),
    [
        ("", "", 0, "Choose the outcome"),
        ("referred", "", 0, "Say whom she was referred to"),
        ("unable_to_contact", "", 2, "at least 3 recorded tries"),
        ("rescreened", "", 0, "Choose the outcome"),
    ],
)
def test_a_follow_up_closes_only_with_a_real_outcome(
    world: Any, outcome: str, detail: str, tries: int, problem: str
) -> None:
    follow_up = FollowUp.objects.get(assessment=_paper(world, EPDS_17))
    for _ in range(tries):
        services.record_attempt(follow_up, "no_answer", by=world.users["clinician"])
    with pytest.raises(services.PathwayError, match=problem):
        services.close_follow_up(follow_up, outcome, detail, by=world.users["clinician"])
    follow_up.refresh_from_db()
    assert follow_up.status == "open"


def test_unable_to_contact_after_three_tries_closes_and_is_audited(world: Any) -> None:
    follow_up = FollowUp.objects.get(assessment=_paper(world, EPDS_17))
    for result in ("no_answer", "message_left", "no_answer"):
        services.record_attempt(follow_up, result, by=world.users["clinician"])
    closed = services.close_follow_up(follow_up, "unable_to_contact", by=world.users["clinician"])
    assert (closed.status, closed.outcome) == ("closed", "unable_to_contact")
    assert closed.closed_by == world.users["clinician"]
    assert AuditEvent.objects.filter(action="attempt:follow-up").count() == 3
    assert AuditEvent.objects.filter(action="close:follow-up", mother=world.mother_a).exists()


def test_phq9_14_and_gad7_and_pbq_above_cut_off_each_create_a_follow_up(world: Any) -> None:
    _paper(world, PHQ9_14, instrument="phq9")
    _paper(world, {f"q{n}": 2 for n in range(1, 8)}, instrument="gad7")  # 14: moderate
    pbq = dict(PBQ_CALM, q2=0, q5=0, q13=0, q15=0, q17=0, q23=0)  # 30: total and scales 1 and 2 above cut-off
    _paper(world, pbq, instrument="pbq")
    assert sorted(FollowUp.objects.values_list("instrument", "action")) == [
        ("gad7", "follow_up"), ("pbq", "follow_up"), ("phq9", "follow_up"),
    ]


def test_pbq_harm_item_answered_sometimes_raises_a_same_window_alert_with_a_safeguarding_referral(world: Any) -> None:
    for item in ("q18", "q24"):
        assessment = _paper(world, dict(PBQ_CALM, **{item: SOMETIMES}), instrument="pbq")
        alert = RiskAlert.objects.get(assessment=assessment)
        assert alert.kind == "infant_harm"
        assert "safeguarding referral" in alert.reason
        assert alert.ack_due_at - alert.raised_at == timedelta(minutes=60), "the self-harm window, not days"
        immediate = FollowUp.objects.get(assessment=assessment, action="immediate")
        assert immediate.alert == alert
        assert immediate.owner_role == "on_call"
        assert "safeguarding referral" in immediate.what
        assert immediate.due_at - MONDAY_10AM <= timedelta(hours=4)


def test_a_positive_screen_on_the_worklist_by_due_date_and_closed_from_its_page(world: Any, client_as: Any) -> None:
    from django.urls import reverse

    late = FollowUp.objects.get(assessment=_paper(world, EPDS_17))
    soon = FollowUp.objects.get(assessment=_paper(world, PHQ9_14, instrument="phq9", now=sydney(2026, 11, 27, 10)))
    client = client_as(world.users["clinician"])
    page = client.get(reverse("pathway-worklist"))
    assert list(page.context["page"].object_list) == [soon, late]
    url = reverse("pathway-follow-up", kwargs={"follow_up_id": late.pk})
    assert client.post(url, {"step": "attempt", "result": "spoke"}).status_code == 302
    refused = client.post(url, {"step": "close", "outcome": "referred", "detail": ""})
    assert refused.status_code == 200
    assert "Say whom she was referred to." in refused.content.decode()
    assert "There is a problem" in refused.content.decode()
    done = client.post(url, {"step": "close", "outcome": "referred", "detail": "Perinatal mental health team"})
    assert done.status_code == 302
    late.refresh_from_db()
    assert (late.status, late.outcome, late.outcome_detail) == ("closed", "referred", "Perinatal mental health team")
    assert late.owner == world.users["clinician"]


def test_the_clinicians_home_counts_open_and_overdue_follow_ups(world: Any, client_as: Any) -> None:
    from django.urls import reverse

    _paper(world, EPDS_17, now=sydney(2026, 1, 5, 10))  # due long ago
    _paper(world, EPDS_11)
    page = client_as(world.users["clinician"]).get(reverse("home")).content.decode()
    assert "2 open" in page
    assert "1 overdue" in page
    assert "follow-up" not in client_as(world.users["mother"]).get(reverse("home")).content.decode().lower()


def test_a_safeguarding_referral_is_among_the_actions_recorded_on_an_infant_harm_alert(
    world: Any, client_as: Any
) -> None:
    from django.urls import reverse

    assessment = _paper(world, dict(PBQ_CALM, q18=SOMETIMES), instrument="pbq")
    alert = RiskAlert.objects.get(assessment=assessment)
    url = reverse("screening-alert", kwargs={"alert_id": alert.pk})
    client = client_as(world.users["clinician"])
    assert "Safeguarding referral made" in client.get(url).content.decode()
    client.post(url, {"step": "action", "action": "safeguarding", "note": "Child protection team"})
    alert.refresh_from_db()
    assert alert.action == "safeguarding"


def test_an_overdue_immediate_step_out_of_hours_goes_to_the_clinician_on_call(world: Any) -> None:
    from bondwell.accounts.models import User
    from bondwell.notify.models import OnCallShift

    on_call = User.objects.create_user(
        "oncall@a.test", "a-long-test-password-42", full_name="On Call A", role="clinician", site=world.site_a
    )
    saturday = sydney(2026, 11, 28, 22)
    OnCallShift.objects.create(
        site=world.site_a, user=on_call, starts_at=saturday, ends_at=saturday + timedelta(hours=12)
    )
    assessment = _paper(world, dict(PBQ_CALM, q24=SOMETIMES), instrument="pbq", now=saturday)
    immediate = FollowUp.objects.get(assessment=assessment, action="immediate")
    assert services.escalate_overdue(saturday + timedelta(hours=5)) == 1
    told = set(Message.objects.filter(topic=f"followup:{immediate.pk}").values_list("recipient", flat=True))
    assert "oncall@a.test" in told
    assert "clinician@a.test" not in told, "the weekday team is not at work on a Saturday night"
    assert "site_lead@a.test" in told


def test_the_worker_runs_the_overdue_escalation(world: Any, settings: Any) -> None:
    from django.utils.module_loading import import_string

    assert "bondwell.pathway.jobs.escalate" in settings.BONDWELL_WORKER_JOBS
    follow_up = FollowUp.objects.get(assessment=_paper(world, EPDS_17))
    assert import_string("bondwell.pathway.jobs.escalate")(follow_up.due_at + timedelta(minutes=1)) == 1


def test_a_follow_up_merging_several_steps_keeps_each_one_whole(world: Any) -> None:
    from bondwell import instruments

    pbq = dict(PBQ_CALM, q2=0, q5=0, q13=0, q15=0, q17=0, q23=0, q3=0, q14=0, q19=0, q20=0)
    assessment = _paper(world, pbq, instrument="pbq")
    follow_up = FollowUp.objects.get(assessment=assessment, action="follow_up")
    steps = [instruments.load("pbq").step(trigger) for trigger in follow_up.trigger.split(", ")]
    assert len(steps) >= 3
    for step in steps:
        assert step.what in follow_up.what
        assert step.source in follow_up.source
