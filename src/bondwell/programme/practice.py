"""Reading practice: a mother's dose, her weekly dose share, and the roster's dose-share column (bounded queries)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.utils import timezone

from bondwell.accounts.models import Mother
from bondwell.programme.dose_share import Dose, DoseWeek, recent_dose_share, weekly_dose_share
from bondwell.programme.models import (
    DEFAULT_DOSE_WEEKS,
    DEFAULT_MINUTES_PER_SESSION,
    DEFAULT_SESSIONS_PER_WEEK,
    Booking,
    Course,
    PracticeDose,
    PracticeLog,
)


def _course_dose(course: Course) -> Dose:
    return Dose(course.minutes_per_session, course.sessions_per_week, course.starts_on, course.dose_weeks, "course")


def dose_for(mother: Mother, today: date, course: Course | None = None) -> Dose:
    """Her personal dose if one has begun, else her (latest booked) course's, else the usual default."""
    personal = PracticeDose.objects.filter(mother=mother, starts_on__lte=today).order_by("-starts_on", "-id").first()
    if personal is not None:
        return Dose(personal.minutes_per_session, personal.sessions_per_week, personal.starts_on, personal.weeks,
                    "personal")
    if course is None:
        booking = (
            Booking.objects.filter(mother=mother, status=Booking.Status.BOOKED)
            .select_related("course").order_by("-course__starts_on").first()
        )
        course = booking.course if booking else None
    if course is not None:
        return _course_dose(course)
    logs = PracticeLog.objects.filter(mother=mother).order_by("started_at")
    first = logs.values_list("started_at", flat=True).first()
    starts = timezone.localdate(first) if first else today
    return Dose(DEFAULT_MINUTES_PER_SESSION, DEFAULT_SESSIONS_PER_WEEK, starts, DEFAULT_DOSE_WEEKS, "default")


def _day_seconds(rows: Iterable[tuple[datetime, int]]) -> list[tuple[date, int]]:
    return [(timezone.localdate(started), seconds) for started, seconds in rows]


def dose_weeks_for(mother: Mother, today: date) -> tuple[Dose, list[DoseWeek]]:
    dose = dose_for(mother, today)
    start = timezone.make_aware(datetime.combine(dose.starts_on, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(dose.ends_on, datetime.min.time()))
    rows = PracticeLog.objects.filter(mother=mother, started_at__gte=start, started_at__lt=end).values_list(
        "started_at", "duration_seconds"
    )
    return dose, weekly_dose_share(dose, _day_seconds(rows), today)


def roster_dose_share(course: Course, mother_ids: list[int], today: date) -> dict[int, float]:
    """Last-seven-days dose share of each mother on the roster: two queries, whatever the roster's size."""
    since = timezone.make_aware(datetime.combine(today - timedelta(days=6), datetime.min.time()))
    by_mother: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for mother_id, started, seconds in PracticeLog.objects.filter(
        mother_id__in=mother_ids, started_at__gte=since
    ).values_list("mother_id", "started_at", "duration_seconds"):
        by_mother[mother_id].append((started, seconds))
    personal: dict[int, PracticeDose] = {}
    for row in PracticeDose.objects.filter(mother_id__in=mother_ids, starts_on__lte=today).order_by(
        "mother_id", "starts_on", "id"
    ):
        personal[row.mother_id] = row  # the latest one wins
    result = {}
    for mother_id in mother_ids:
        p = personal.get(mother_id)
        dose = (
            Dose(p.minutes_per_session, p.sessions_per_week, p.starts_on, p.weeks, "personal")
            if p else _course_dose(course)
        )
        result[mother_id] = recent_dose_share(dose, _day_seconds(by_mother[mother_id]), today)
    return result
