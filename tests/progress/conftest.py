"""A small cohort at site A whose every dashboard figure is worked out by hand in test_dashboard.py.

Course C began 300 days ago: four weekly classes, a dose of 10 minutes × 5 a week for 2 weeks (100 minutes).

| mother | present of 4 | practice in dose weeks | EPDS before | after | at 6 months |
|--------|--------------|------------------------|-------------|-------|-------------|
| M1     | 4            | 90 min (+100 after)    | 18          | 10    | 9           |
| M2     | 3            | 80 min                 | 15          | 12    | 12          |
| M3     | 2            | 79 min                 | 12          | 13    | —           |
| M4     | 4            | 0                      | 20          | 8     | 7           |
| M5     | 4            | 200 min                | 10          | 9     | —           |
| M6     | 1 (did not finish) | 50 min           | 16          | 6     | —           |
M7 cancelled her booking; M8 is at site B. Alerts: acknowledged after 30 min (due 60), after 90 min (due 60),
one still open, and one outside the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

COURSE_DAYS_AGO = 300


@dataclass
class Cohort:
    world: Any
    course: Any
    start: date
    mothers: list[Any] = field(default_factory=list)


def _epds(mother: Any, day: date, total: int, by: Any) -> Any:
    from bondwell.screening.models import Assessment

    return Assessment.objects.create(
        mother=mother, instrument="epds", profile="AU", definition_version="test", answers={}, complete=True,
        total=total, band_key="", source="paper", answered_on=day, entered_by=by,
        idempotency_key=f"{mother.pk}-{day.isoformat()}-{total}",
    )


def _practice(mother: Any, day: date, minutes: int) -> None:
    from bondwell.programme.models import PracticeLog

    PracticeLog.objects.create(mother=mother, started_at=timezone.make_aware(datetime.combine(day, time(12, 0))),
                               duration_seconds=minutes * 60)


def _alert(mother: Any, raised_days_ago: int, ack_minutes: int | None, key: str) -> None:
    from bondwell.screening.models import RiskAlert

    raised = timezone.now() - timedelta(days=raised_days_ago)
    RiskAlert.objects.create(
        mother=mother, source_key=key, kind="self_harm", instrument="epds", reason="test", priority=0,
        raised_at=raised, ack_due_at=raised + timedelta(minutes=60),
        acknowledged_at=raised + timedelta(minutes=ack_minutes) if ack_minutes is not None else None,
        status="acknowledged" if ack_minutes is not None else "open",
    )


def make_cohort(world: Any) -> Cohort:
    from bondwell.accounts.models import Mother
    from bondwell.programme.models import Attendance, Booking, ClassSession, Course

    today = timezone.localdate()
    start = today - timedelta(days=COURSE_DAYS_AGO)
    educator, clinician = world.users["educator"], world.users["clinician"]
    course = Course.objects.create(
        site=world.site_a, title="Course C", educator=educator, place="Room", capacity=10, starts_on=start,
        minutes_per_session=10, sessions_per_week=5, dose_weeks=2,
    )
    sessions = [
        ClassSession.objects.create(course=course, number=n, teaches="class",
                                    starts_at=timezone.make_aware(datetime.combine(start + timedelta(weeks=n - 1),
                                                                                   time(10, 0))))
        for n in range(1, 5)
    ]
    cohort = Cohort(world=world, course=course, start=start)
    plan = [  # present, practice minutes in the dose weeks, before, after, six months
        (4, 90, 18, 10, 9), (3, 80, 15, 12, 12), (2, 79, 12, 13, None), (4, 0, 20, 8, 7), (4, 200, 10, 9, None),
        (1, 50, 16, 6, None),
    ]
    for index, (present, minutes, before, after, six) in enumerate(plan, start=1):
        mother = Mother.objects.create(site=world.site_a, full_name=f"M{index}")
        cohort.mothers.append(mother)
        Booking.objects.create(course=course, mother=mother, status=Booking.Status.BOOKED)
        for number, session in enumerate(sessions, start=1):
            Attendance.objects.create(session=session, mother=mother,
                                      status="present" if number <= present else "absent")
        if minutes:
            _practice(mother, start + timedelta(days=3), minutes)
        _epds(mother, start - timedelta(days=10), before, clinician)
        _epds(mother, start + timedelta(days=40), after, clinician)
        if six is not None:
            _epds(mother, start + timedelta(days=180), six, clinician)
    _practice(cohort.mothers[0], start + timedelta(days=20), 100)  # after the dose weeks: not counted
    m7 = Mother.objects.create(site=world.site_a, full_name="M7")
    Booking.objects.create(course=course, mother=m7, status=Booking.Status.CANCELLED)
    _epds(m7, start - timedelta(days=5), 25, clinician)
    m8 = Mother.objects.create(site=world.site_b, full_name="M8")
    course_b = Course.objects.create(site=world.site_b, title="Course B", educator=world.users_b["educator"],
                                     place="Room", capacity=5, starts_on=start)
    Booking.objects.create(course=course_b, mother=m8, status=Booking.Status.BOOKED)
    _epds(m8, start - timedelta(days=5), 25, world.users_b["clinician"])
    m1, m2, m3 = cohort.mothers[:3]
    _alert(m1, 10, 30, "a1")
    _alert(m2, 5, 90, "a2")
    _alert(m3, 2, None, "a3")
    _alert(m1, 800, 10, "a4")  # long before the period
    return cohort


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The shared world signs up a dozen users; argon2 would spend most of this folder's time hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Dashboards and the site SD are cached; every test starts from its own data.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def cohort(world: Any) -> Cohort:
    return make_cohort(world)
