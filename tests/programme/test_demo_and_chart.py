"""The demo has courses with classes, attendance and weeks of practice; the home chart draws what was logged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from bondwell.programme.charts import HEIGHT, TOP, practice_chart
from bondwell.programme.models import Attendance, Booking, Course, PracticeLog
from tests.programme.helpers import load_programme_demo


def test_the_demo_has_courses_classes_attendance_and_weeks_of_practice(db: None, settings: Any) -> None:
    load_programme_demo(settings)
    courses = list(Course.objects.all())
    assert len(courses) >= 3
    assert all(course.sessions.count() == 5 for course in courses)
    assert all(course.is_synthetic for course in courses)
    assert Booking.objects.filter(status="waiting").exists()
    assert Attendance.objects.filter(status="present").count() >= 20
    weeks = {timezone.localdate(s).isocalendar()[:2] for s in PracticeLog.objects.values_list("started_at", flat=True)}
    assert len(weeks) >= 6
    assert not PracticeLog.objects.filter(is_synthetic=False).exists()
    assert PracticeLog.objects.filter(outcome="stopped_early").exists()


def test_the_chart_draws_minutes_per_day_and_mood_dots(world: Any) -> None:
    today = timezone.localdate()
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    PracticeLog.objects.create(mother=world.mother_a, started_at=noon, duration_seconds=15 * 60, mood_before=5,
                               mood_after=5)
    PracticeLog.objects.create(mother=world.mother_a, started_at=noon - timedelta(days=3), duration_seconds=90 * 60)
    PracticeLog.objects.create(mother=world.mother_a, started_at=noon - timedelta(days=20), duration_seconds=600)
    chart = practice_chart(world.mother_a, today)
    assert len(chart.bars) == 14
    assert chart.bars[-1].day == today
    assert (chart.sessions, chart.minutes, chart.moods) == (2, 105, 2)
    assert chart.bars[-1].minutes == 15
    assert chart.bars[-1].mood_y == TOP  # the brightest mood sits at the top
    assert chart.bars[-4].height == HEIGHT - TOP  # 90 minutes is capped at the chart's top
    assert chart.bars[-2].height == 0
