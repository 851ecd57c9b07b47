"""Guided and hand-logged practice: the safety check, saving once, the mother's page and the educator's column."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bondwell.programme import services
from bondwell.programme.content import load_content
from bondwell.programme.models import Booking, PracticeLog

ALL_YES = {q.key: "yes" for q in load_content().safety_check}


def _save(client: Any, token: uuid.UUID, **overrides: Any) -> Any:
    data = {
        "token": str(token), "started_epoch_ms": int((timezone.now() - timedelta(minutes=16)).timestamp() * 1000),
        "duration_seconds": 925, "steps_completed": 22, "steps_total": 22, "outcome": "completed",
        "mood_before": 2, "mood_after": 4, "baby_response": "enjoyed",
    }
    data.update(overrides)
    return client.post(reverse("programme-practice-save"), data)


def test_a_no_in_the_safety_check_ends_kindly_without_a_session(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    answers = {**ALL_YES, "fed_a_while_ago": "no"}
    page = client.post(reverse("programme-guided"), answers).content.decode()
    assert "Not today" in page
    assert "straight after a feed" in page
    assert "data-phase=\"step\"" not in page


def test_a_mother_of_a_preterm_baby_is_asked_to_check_with_her_health_professional(world: Any,
                                                                                   client_as: Any) -> None:
    client = client_as(world.users["mother"])
    assert "Your baby was born early" not in client.get(reverse("programme-guided")).content.decode()
    world.mother_a.babies.update(gestation_weeks=33)
    assert "Your baby was born early" in client.get(reverse("programme-guided")).content.decode()


def test_a_skin_problem_goes_on_with_its_advice_shown_first(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    page = client.post(reverse("programme-guided"), {**ALL_YES, "skin_ok": "no"}).content.decode()
    assert 'data-phase="step"' in page
    assert "Leave out any area with broken skin" in page


def test_all_yes_opens_every_step_of_the_routine(world: Any, client_as: Any) -> None:
    page = client_as(world.users["mother"]).post(reverse("programme-guided"), ALL_YES).content.decode()
    steps = load_content().routine.steps
    assert page.count('data-phase="step"') == len(steps)
    for step in steps:
        assert f'data-key="{step.key}"' in page
        assert f'data-seconds="{step.seconds}"' in page
    assert "stop for now" in page


def test_a_guided_session_is_saved_once_even_if_sent_twice(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    token = uuid.uuid4()
    assert _save(client, token).status_code == 302
    assert _save(client, token).status_code == 302
    log = PracticeLog.objects.get(mother=world.mother_a)
    assert (log.guided, log.outcome, log.duration_seconds, log.mood_before, log.mood_after) == (
        True, "completed", 925, 2, 4)
    assert log.baby is not None  # her only baby


def test_a_stopped_session_is_saved_as_stopped_early(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    _save(client, uuid.uuid4(), outcome="stopped_early", duration_seconds=140, steps_completed=4,
          baby_response="unsettled")
    log = PracticeLog.objects.get(mother=world.mother_a)
    assert log.stopped_early
    assert log.steps_completed == 4
    assert log.duration_seconds == 140


def test_a_far_off_phone_clock_does_not_move_the_session(world: Any, client_as: Any) -> None:
    _save(client_as(world.users["mother"]), uuid.uuid4(), started_epoch_ms=0)
    log = PracticeLog.objects.get(mother=world.mother_a)
    assert abs((timezone.now() - log.started_at).total_seconds() - 925) < 60


def test_a_session_logged_by_hand_appears_on_her_page(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    started = timezone.localtime() - timedelta(hours=2)
    response = client.post(reverse("programme-practice-new"), {
        "started_at": started.strftime("%Y-%m-%dT%H:%M"), "minutes": 12, "completed": "yes", "mood_before": "3",
        "mood_after": "4", "baby_response": "calm",
    })
    assert response.status_code == 302
    log = PracticeLog.objects.get(mother=world.mother_a)
    assert (log.guided, log.duration_seconds, log.baby_response) == (False, 720, "calm")
    page = client.get(reverse("programme-practice")).content.decode()
    assert "Baby: calm or sleepy" in page
    assert "12" in page


def test_a_session_in_the_future_is_refused_next_to_the_field(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    later = timezone.localtime() + timedelta(days=1)
    response = client.post(reverse("programme-practice-new"), {
        "started_at": later.strftime("%Y-%m-%dT%H:%M"), "minutes": 12, "completed": "yes"})
    assert response.status_code == 200
    assert "cannot start in the future" in response.content.decode()
    assert not PracticeLog.objects.exists()


def test_only_a_mother_logs_practice(world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    entry = services.PracticeEntry(started_at=timezone.now(), duration_seconds=60, guided=False, completed=True)
    with pytest.raises(PermissionDenied):
        services.log_practice(entry, by=world.users["educator"])


def test_the_educator_roster_shows_practice_against_the_course_dose(world: Any, client_as: Any) -> None:
    booking = Booking.objects.get(mother=world.mother_a)
    course = booking.course
    course.minutes_per_session, course.sessions_per_week = 10, 7
    course.save()
    for days_ago in range(3):  # 3 × 10 min of 70 min a week → 43%
        PracticeLog.objects.create(mother=world.mother_a, started_at=timezone.now() - timedelta(days=days_ago),
                                   duration_seconds=600)
    page = client_as(world.users["educator"]).get(reverse("programme-course", kwargs={"course_id": course.pk}))
    assert "<td data-adherence>43%</td>" in page.content.decode()


def test_a_personal_dose_replaces_the_course_dose(world: Any, client_as: Any) -> None:
    course = Booking.objects.get(mother=world.mother_a).course
    client = client_as(world.users["educator"])
    response = client.post(reverse("programme-dose", kwargs={"mother_id": world.mother_a.pk}), {
        "minutes_per_session": 5, "sessions_per_week": 7, "starts_on": timezone.localdate().isoformat(), "weeks": 4})
    assert response.status_code == 302
    PracticeLog.objects.create(mother=world.mother_a, started_at=timezone.now(), duration_seconds=35 * 60)
    page = client.get(reverse("programme-course", kwargs={"course_id": course.pk})).content.decode()
    assert "<td data-adherence>100%</td>" in page


def test_the_mothers_home_shows_her_practice_panel(world: Any, client_as: Any) -> None:
    PracticeLog.objects.create(mother=world.mother_a, started_at=timezone.now(), duration_seconds=900, mood_after=4)
    page = client_as(world.users["mother"]).get(reverse("home")).content.decode()
    assert "Start a guided massage" in page
    assert "1 session, 15 min" in page
    assert "1 session, 15 minutes in the last 14 days" in page


def test_the_educator_sees_practice_but_no_questionnaire_answers(world: Any, client_as: Any) -> None:
    page = client_as(world.users["educator"]).get(
        reverse("programme-mother-practice", kwargs={"mother_id": world.mother_a.pk})).content.decode()
    assert "Dose and adherence" in page
    for clinical in ("EPDS", "PHQ", "score", "Questionnaire"):
        assert clinical not in page
