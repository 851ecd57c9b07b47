"""Courses and classes: who creates them, what each class teaches, and attendance per class."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from bondwell.programme import services
from bondwell.programme.models import Attendance, Course
from tests.programme.helpers import course


def _plan(**overrides: Any) -> services.CoursePlan:
    values: dict[str, Any] = {"title": "Wednesday group", "place": "Room 3", "capacity": 6,
                              "first_class_at": timezone.now() + timedelta(days=3)}
    values.update(overrides)
    return services.CoursePlan(**values)


def test_a_site_lead_creates_five_weekly_classes_each_with_what_it_teaches(world: Any) -> None:
    created = services.create_course(_plan(), by=world.users["site_lead"], educator=world.users["educator"])
    sessions = list(created.sessions.order_by("number"))
    assert [s.number for s in sessions] == [1, 2, 3, 4, 5]
    assert all(b.starts_at - a.starts_at == timedelta(weeks=1) for a, b in pairwise(sessions))
    assert "legs and feet" in sessions[0].teaches
    assert sessions[-1].routine_areas[-1] == "finish"
    assert (created.minutes_per_session, created.sessions_per_week, created.dose_weeks) == (15, 7, 6)


def test_an_educator_creates_courses_only_for_herself(world: Any) -> None:
    from bondwell.accounts.models import User

    colleague = User.objects.create_user("edu3@a.test", "x-long-password-1", full_name="Edu Three",
                                         role="educator", site=world.site_a)
    with pytest.raises(services.ProgrammeError):
        services.create_course(_plan(), by=world.users["educator"], educator=colleague)
    with pytest.raises(services.ProgrammeError):
        services.create_course(_plan(), by=world.users["site_lead"], educator=world.users_b["educator"])  # other site
    with pytest.raises(PermissionDenied):
        services.create_course(_plan(), by=world.users["clinician"], educator=world.users["educator"])


def test_the_course_form_creates_the_course(world: Any, client_as: Any) -> None:
    client = client_as(world.users["educator"])
    first = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("programme-course-new"), {
        "title": "Friday group", "educator": world.users["educator"].pk, "place": "Hall", "capacity": 5,
        "first_class_at": first, "classes": 4, "class_minutes": 45, "minutes_per_session": 10,
        "sessions_per_week": 14, "dose_weeks": 6,
    })
    assert response.status_code == 302
    created = Course.objects.get(title="Friday group")
    assert created.sessions.count() == 4
    assert created.sessions_per_week == 14


def test_attendance_is_recorded_for_booked_mothers_only(world: Any, client_as: Any) -> None:
    booked_course = course(world, capacity=4)
    services.enrol_mother(booked_course.pk, world.mother_a.pk, by=world.users["site_lead"])
    session = booked_course.sessions.create(number=1, starts_at=timezone.now(), teaches="Legs and feet")
    client = client_as(world.users["educator"])
    url = reverse("programme-attendance", kwargs={"session_id": session.pk})
    response = client.post(url, {f"status_{world.mother_a.pk}": "present",
                                 f"note_{world.mother_a.pk}": "Settled well"})
    assert response.status_code == 302
    mark = Attendance.objects.get(session=session)
    assert (mark.mother_id, mark.status, mark.note) == (world.mother_a.pk, "present", "Settled well")
    with pytest.raises(services.ProgrammeError):
        services.record_attendance(session.pk, {world.mother_a2.pk: ("present", "")}, by=world.users["educator"])


def test_the_roster_counts_classes_attended(world: Any, client_as: Any) -> None:
    booked_course = course(world, capacity=4)
    services.enrol_mother(booked_course.pk, world.mother_a.pk, by=world.users["site_lead"])
    for number in (1, 2):
        session = booked_course.sessions.create(number=number, starts_at=timezone.now() - timedelta(weeks=3 - number),
                                                teaches="Class")
        services.record_attendance(session.pk, {world.mother_a.pk: ("present" if number == 1 else "absent", "")},
                                   by=world.users["educator"])
    page = client_as(world.users["educator"]).get(reverse("programme-course", kwargs={"course_id": booked_course.pk}))
    assert "1 of 2" in page.content.decode()


def test_a_mother_sees_what_each_class_of_an_open_course_covers(world: Any, client_as: Any) -> None:
    services.create_course(_plan(), by=world.users["site_lead"], educator=world.users["educator"])
    page = client_as(world.users["mother"]).get(reverse("programme-courses")).content.decode()
    assert "Wednesday group" in page
    assert "5 classes from" in page
    assert "Tummy and chest; reading your baby&#x27;s cues" in page


def _roster_queries(client: Any, course_id: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("programme-course", kwargs={"course_id": course_id})).status_code == 200
    return len(queries)


def test_the_roster_page_does_not_grow_queries_with_the_roster(world: Any, client_as: Any) -> None:
    from bondwell.programme.models import PracticeLog
    from tests.programme.helpers import mothers

    booked_course = course(world, capacity=20)
    lead = world.users["site_lead"]
    client = client_as(lead)
    client.get(reverse("home"))  # the first page view after signing in renews the session: not the roster's cost

    def add(count: int, prefix: str) -> None:
        for mother in mothers(world.site_a, count, prefix):
            services.enrol_mother(booked_course.pk, mother.pk, by=lead)
            PracticeLog.objects.create(mother=mother, started_at=timezone.now(), duration_seconds=600)

    add(2, "Small")
    small = _roster_queries(client, booked_course.pk)
    add(10, "Large")
    assert _roster_queries(client, booked_course.pk) == small


def test_attendance_waits_until_the_class_has_happened(world: Any) -> None:
    booked_course = course(world, capacity=4)
    services.enrol_mother(booked_course.pk, world.mother_a.pk, by=world.users["site_lead"])
    later = booked_course.sessions.create(number=1, starts_at=timezone.now() + timedelta(days=7), teaches="Later")
    with pytest.raises(services.ProgrammeError, match="not happened yet"):
        services.record_attendance(later.pk, {world.mother_a.pk: ("present", "")}, by=world.users["educator"])
