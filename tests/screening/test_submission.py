"""A submission is stored once, scored by bondwell.instruments, immutable, and corrected only by a new version."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from bondwell import instruments
from bondwell.accounts.models import AuditEvent
from bondwell.screening import services
from bondwell.screening.models import Assessment, Draft, RiskAlert
from tests.screening.helpers import PHQ9_CALM, PHQ9_SELF_HARM, paper


def answered_draft(world: Any, answers: dict[str, int]) -> Draft:
    draft = services.start_draft(world.mother_a, "phq9", by=world.users["mother"])
    services.save_answers(draft, answers, by=world.users["mother"])
    return draft


def test_a_double_tap_and_a_reload_of_send_make_one_assessment(world: Any, client_as: Any) -> None:
    draft = answered_draft(world, PHQ9_SELF_HARM)
    client = client_as(world.users["mother"])
    url = reverse("screening-answer", kwargs={"draft_id": draft.pk})
    responses = [client.post(url, {"q": "9", "go": "submit"}) for _ in range(3)]
    assert Assessment.objects.count() == 1
    assessment = Assessment.objects.get()
    assert {r["Location"] for r in responses} == {reverse("screening-result", kwargs={"assessment_id": assessment.pk})}
    assert RiskAlert.objects.count() == 1, "the alert raised while answering is the one linked, not a second"
    assert RiskAlert.objects.get().assessment == assessment


def test_her_submission_is_audited_with_her_as_the_actor(world: Any) -> None:
    draft = answered_draft(world, PHQ9_CALM)
    assessment = services.submit_draft(draft, by=world.users["mother"])
    event = AuditEvent.objects.get(action="submit:assessment:mother", object_id=str(assessment.pk))
    assert event.actor == world.users["mother"]
    assert assessment.entered_by == world.users["mother"]


@pytest.mark.parametrize("who", ["her clinician", "another mother"])
def test_nobody_else_answers_or_sends_her_online_questionnaire(world: Any, who: str) -> None:
    other = world.users["clinician"] if who == "her clinician" else world.users_b["mother"]
    with pytest.raises(services.ScreeningError):
        services.start_draft(world.mother_a, "phq9", by=other)
    draft = answered_draft(world, PHQ9_CALM)
    for attempt in (lambda: services.save_answers(draft, {"q1": 3}, by=other),
                    lambda: services.submit_answers(draft, {}, by=other),
                    lambda: services.submit_draft(draft, by=other)):
        with pytest.raises(services.ScreeningError):
            attempt()
    assert not Assessment.objects.exists()
    assert Draft.objects.get(pk=draft.pk).answers == PHQ9_CALM
    services.submit_draft(draft, by=world.users["mother"])
    with pytest.raises(services.ScreeningError):
        services.resubmit_answers(draft, {"q1": 3}, by=other)


def test_a_retried_paper_entry_with_the_same_key_makes_one_assessment(world: Any) -> None:
    first = paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM, key="k-1")
    again = paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM, key="k-1")
    assert first.pk == again.pk
    assert Assessment.objects.count() == 1
    assert RiskAlert.objects.count() == 1


def test_a_key_reused_for_another_mother_is_refused(world: Any) -> None:
    paper(world.mother_a, world.users["clinician"], PHQ9_CALM, key="k-2")
    with pytest.raises(services.ScreeningError):
        paper(world.mother_a2, world.users["clinician"], PHQ9_CALM, key="k-2")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_draft_make_one_assessment_on_postgresql() -> None:
    from tests.conftest import make_world
    from tests.threads import run_together

    world = make_world()
    draft = answered_draft(world, PHQ9_SELF_HARM)
    mother = world.users["mother"]
    results = run_together([lambda: services.submit_draft(Draft.objects.get(pk=draft.pk), by=mother).pk] * 4)
    assert len(set(results)) == 1
    assert Assessment.objects.count() == 1
    assert RiskAlert.objects.count() == 1


def test_the_stored_score_is_the_instruments_score_with_its_definition_version(world: Any) -> None:
    answers = {"q1": 2, "q2": 1, "q3": 3, "q4": 0, "q5": 1, "q6": 2, "q7": 0, "q8": 1, "q9": 0}
    stored = paper(world.mother_a, world.users["clinician"], answers)
    expected = instruments.score(instruments.load("phq9", profile="AU"), answers)
    assert (stored.total, stored.band_key, stored.flags) == (expected.total, expected.band.key, [])
    assert stored.definition_version == expected.definition_version
    assert stored.complete


def test_a_submitted_assessment_cannot_be_changed_or_deleted(world: Any) -> None:
    stored = paper(world.mother_a, world.users["clinician"], PHQ9_CALM)
    stored.total = 27
    with pytest.raises(PermissionError):
        stored.save()
    with pytest.raises(PermissionError):
        Assessment.objects.filter(pk=stored.pk).update(total=27)
    with pytest.raises(PermissionError):
        stored.delete()
    with pytest.raises(PermissionError):
        Assessment.objects.all().delete()
    assert Assessment.objects.get(pk=stored.pk).total == 0


def test_a_correction_is_a_new_audited_version_and_keeps_the_original(world: Any) -> None:
    original = paper(world.mother_a, world.users["clinician"], PHQ9_CALM)
    corrected = services.correct_assessment(
        original, PHQ9_SELF_HARM, by=world.users["clinician"], reason="Item 9 misread", idempotency_key="fix-1"
    )
    assert corrected.supersedes == original
    assert corrected.pk != original.pk
    assert Assessment.objects.get(pk=original.pk).answers == PHQ9_CALM
    assert list(Assessment.objects.current()) == [corrected]
    assert RiskAlert.objects.filter(assessment=corrected, kind="self_harm").exists()
    assert AuditEvent.objects.filter(action="correct:assessment", object_id=str(corrected.pk)).exists()
    again = services.correct_assessment(
        original, PHQ9_SELF_HARM, by=world.users["clinician"], reason="Item 9 misread", idempotency_key="fix-1"
    )
    assert again == corrected
    with pytest.raises(services.ScreeningError):
        services.correct_assessment(original, PHQ9_CALM, by=world.users["clinician"], reason="x", idempotency_key="k")


def test_a_paper_form_with_blank_items_still_raises_the_self_harm_alert(world: Any) -> None:
    answers = {"q9": 2}  # everything else left blank on the form
    stored = paper(world.mother_a, world.users["clinician"], answers)
    assert not stored.complete
    assert stored.total is None
    assert stored.flags == ["self_harm"]
    assert RiskAlert.objects.filter(assessment=stored, kind="self_harm").exists()


def test_out_of_range_answers_are_refused_and_nothing_is_stored(world: Any) -> None:
    with pytest.raises(services.ScreeningError, match="q3"):
        paper(world.mother_a, world.users["clinician"], {**PHQ9_CALM, "q3": 7})
    with pytest.raises(services.ScreeningError):
        paper(world.mother_a, world.users["clinician"], PHQ9_CALM, on=date(2999, 1, 1))
    assert not Assessment.objects.exists()


def test_the_offered_instruments_raise_no_flag_the_alerting_does_not_know() -> None:
    from bondwell.screening.questionnaires import PAPER_INSTRUMENTS
    from bondwell.screening.safety import FLAG_ALERTS

    for name in PAPER_INSTRUMENTS:
        flags = {rule.flag for rule in instruments.load(name).rules}
        assert flags <= set(FLAG_ALERTS), f"{name} raises {flags}: teach screening to alert on them first"
