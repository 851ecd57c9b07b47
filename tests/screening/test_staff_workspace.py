"""The clinician's side of issue 16: her own paper entry acknowledges its alert and messages nobody; no default
answers on paper; a paper form closes its schedule; overdue questionnaires cancelled with a reason; scheduling
offers only what she can answer here; the queue puts overdue alerts first and says what raised them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bondwell.accounts.models import AuditEvent
from bondwell.notify.models import Message
from bondwell.screening import services
from bondwell.screening.forms import ScheduleForm
from bondwell.screening.models import AlertEvent, Assessment, RiskAlert, ScheduledQuestionnaire
from tests.screening.helpers import EPDS_CALM, PHQ9_SELF_HARM


def _paper_url(world: Any, instrument: str = "phq9") -> str:
    return reverse("screening-paper", kwargs={"mother_id": world.mother_a.pk, "instrument": instrument})


def _post(client: Any, url: str, answers: dict[str, Any]) -> Any:
    key = client.get(url).context["form"].initial["key"]
    return client.post(url, {"key": key, "answered_on": timezone.localdate().isoformat(),
                             **{k: str(v) for k, v in answers.items()}})


def test_her_own_paper_entry_acknowledges_the_alert_and_no_message_is_queued(world: Any, client_as: Any) -> None:
    clinician = world.users["clinician"]
    _post(client_as(clinician), _paper_url(world), PHQ9_SELF_HARM)
    alert = RiskAlert.objects.get()
    assert alert.status == RiskAlert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == clinician
    assert AlertEvent.objects.filter(alert=alert, step="acknowledged", actor=clinician).exists()
    assert not Message.objects.exists()  # no "URGENT" email to her, nor to anyone asked to acknowledge it


def test_an_alert_from_answers_she_did_not_enter_still_messages_the_care_team(world: Any) -> None:
    services.record_assessment(
        world.mother_a, "phq9", PHQ9_SELF_HARM, source="mother", by=world.users["mother"],
        answered_on=timezone.localdate(), idempotency_key=services.new_submission_key(),
    )
    assert RiskAlert.objects.get().status == RiskAlert.Status.OPEN
    assert Message.objects.exists()


def test_a_paper_form_with_an_item_neither_answered_nor_marked_blank_is_refused(world: Any, client_as: Any) -> None:
    answers = {k: v for k, v in PHQ9_SELF_HARM.items() if k != "q4"}
    response = _post(client_as(world.users["clinician"]), _paper_url(world), answers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Item 4: choose the answer ticked" in html
    assert 'href="#id_q4_0"' in html
    assert not Assessment.objects.exists()
    assert 'checked' not in client_as(world.users["clinician"]).get(_paper_url(world)).content.decode()


def test_a_paper_form_answers_and_closes_the_matching_scheduled_questionnaire(world: Any, client_as: Any) -> None:
    due = services.schedule_questionnaire(world.mother_a, "epds", timezone.localdate() - timedelta(days=2))
    other = services.schedule_questionnaire(world.mother_a, "phq9", timezone.localdate())
    response = _post(client_as(world.users["clinician"]), _paper_url(world, "epds"), EPDS_CALM)
    assert response.status_code == 302
    due.refresh_from_db()
    other.refresh_from_db()
    assert due.status == ScheduledQuestionnaire.Status.COMPLETED
    assert other.status == ScheduledQuestionnaire.Status.SCHEDULED
    assert Assessment.objects.get().scheduled == due


def test_an_overdue_questionnaire_is_cancelled_only_with_a_reason_which_is_audited(world: Any, client_as: Any) -> None:
    waiting = services.schedule_questionnaire(world.mother_a, "epds", timezone.localdate() - timedelta(days=9))
    client = client_as(world.users["clinician"])
    url = reverse("screening-overdue")
    page = client.get(url).content.decode()
    assert "she cannot answer it online here" in page  # no EPDS wording installed: never invited
    refused = client.post(url, {"scheduled": waiting.pk, "reason": ""}).content.decode()
    assert "Say why the questionnaire is being cancelled." in refused
    waiting.refresh_from_db()
    assert waiting.status == ScheduledQuestionnaire.Status.SCHEDULED
    client.post(url, {"scheduled": waiting.pk, "reason": "Answered at her GP; copy on file"})
    waiting.refresh_from_db()
    assert waiting.status == ScheduledQuestionnaire.Status.CANCELLED
    event = AuditEvent.objects.get(action="cancel:questionnaire")
    assert event.detail == "Answered at her GP; copy on file"


def test_another_sites_questionnaire_cannot_be_cancelled(world: Any, client_as: Any) -> None:
    foreign = services.schedule_questionnaire(world.mother_b, "phq9", timezone.localdate() - timedelta(days=3))
    response = client_as(world.users["clinician"]).post(reverse("screening-overdue"),
                                                        {"scheduled": foreign.pk, "reason": "x"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == ScheduledQuestionnaire.Status.SCHEDULED


def test_scheduling_offers_only_what_she_can_answer_at_her_site(world: Any, epds_pack: Any) -> None:
    assert [v for v, _ in ScheduleForm(site=world.site_a).fields["instrument"].choices] == ["epds", "phq9"]


def test_scheduling_without_the_epds_wording_does_not_offer_it(world: Any, no_text_packs: Any) -> None:
    assert [v for v, _ in ScheduleForm(site=world.site_a).fields["instrument"].choices] == ["phq9"]


def test_the_queue_puts_overdue_alerts_first_with_time_left_and_what_raised_them(world: Any, client_as: Any) -> None:
    mother_answers = {"source": "mother", "by": world.users["mother"], "answered_on": timezone.localdate()}
    newer = services.record_assessment(world.mother_a, "phq9", PHQ9_SELF_HARM,
                                       idempotency_key=services.new_submission_key(), **mother_answers)
    older = services.record_assessment(world.mother_a, "phq9", PHQ9_SELF_HARM,
                                       idempotency_key=services.new_submission_key(), **mother_answers)
    late = RiskAlert.objects.get(assessment=older)
    RiskAlert.objects.filter(pk=late.pk).update(ack_due_at=timezone.now() - timedelta(minutes=20))
    response = client_as(world.users["clinician"]).get(reverse("screening-queue"))
    rows = response.context["rows"]
    assert [r.alert.pk for r in rows] == [late.pk, RiskAlert.objects.get(assessment=newer).pk]
    assert rows[0].overdue
    assert rows[0].time_left.startswith("overdue by")
    assert rows[1].time_left.endswith("left")
    assert rows[0].trigger.startswith("Item 9")
    lead = client_as(world.users["site_lead"]).get(reverse("screening-queue")).context["rows"]
    assert not any("Item 9" in r.trigger for r in lead)  # site leads never read answers
