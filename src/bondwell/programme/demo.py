"""Demo programme data (all synthetic): courses with weekly classes, bookings and a waiting list, attendance for
the classes held, several weeks of home practice with mood taps, and reminder preferences."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from bondwell.accounts.models import Mother, User
from bondwell.demo import DemoContext
from bondwell.programme.content import shipped_content
from bondwell.programme.models import (
    Attendance,
    BabyResponse,
    Booking,
    Course,
    PracticeLog,
    ReminderPreference,
)
from bondwell.programme.services import CoursePlan, create_course


def _course(context: DemoContext, educator: User, title: str, place: str, capacity: int, first_days: int,
            hour: int) -> Course:
    first = timezone.make_aware(datetime.combine(context.today + timedelta(days=first_days), time(hour, 0)))
    return create_course(CoursePlan(
        title=title, place=place, capacity=capacity, first_class_at=first, is_synthetic=True,
        description="Five weekly classes for you and your baby (from about 6 weeks old). Bring a towel.",
    ), by=educator, educator=educator)


def _book(context: DemoContext, course: Course, mothers: list[Mother], by: User) -> list[Mother]:
    placed: list[Mother] = []
    for offset, mother in enumerate(mothers):
        opened = timezone.make_aware(datetime.combine(course.starts_on - timedelta(days=14), time(9, 0)))
        when = min(context.now, opened + timedelta(hours=5 * offset))
        full = len(placed) >= course.capacity
        Booking.objects.create(
            course=course, mother=mother, status=Booking.Status.WAITING if full else Booking.Status.BOOKED,
            requested_at=when, placed_at=None if full else when, booked_by=mother.user or by, is_synthetic=True,
        )
        if not full:
            placed.append(mother)
    return placed


def _attendance(context: DemoContext, course: Course, mothers: list[Mother]) -> None:
    rng = context.rng
    for session in course.sessions.filter(starts_at__lte=context.now):
        for mother in mothers:
            roll = rng.random()
            status = "present" if roll < 0.8 else "excused" if roll < 0.9 else "absent"
            note = rng.choice(["", "", "", "Baby settled well with legs and feet.", "Asked about tummy strokes."])
            Attendance.objects.create(session=session, mother=mother, status=status,
                                      note=note if status == "present" else "", recorded_by=course.educator,
                                      recorded_at=session.starts_at + timedelta(hours=1), is_synthetic=True)


def _practice(context: DemoContext, course: Course, mothers: list[Mother]) -> None:
    rng = context.rng
    steps_total = len(shipped_content().routine.steps)
    version = shipped_content().routine.version
    days = min((context.today - course.starts_on).days, course.dose_weeks * 7 - 1)
    for mother in mothers:
        keen = rng.uniform(0.35, 0.95)
        mood = rng.choice([2, 2, 3, 3, 4])
        baby = mother.babies.first()
        for day in range(days + 1):
            if rng.random() > keen:
                continue
            started = timezone.make_aware(datetime.combine(course.starts_on + timedelta(days=day),
                                                           time(rng.choice([9, 11, 15, 18, 19]), rng.randint(0, 59))))
            if started > context.now:
                continue
            stopped = rng.random() < 0.15
            minutes = rng.uniform(3, 9) if stopped else rng.uniform(10, 19)
            # Mood drifts up a little over the weeks for most, with ordinary ups and downs.
            mood = max(1, min(5, mood + rng.choice([-1, 0, 0, 0, 1, 1]) if day % 4 == 0 else mood))
            PracticeLog.objects.create(
                mother=mother, baby=baby, started_at=started, duration_seconds=round(minutes * 60),
                guided=rng.random() < 0.7,
                outcome=PracticeLog.Outcome.STOPPED_EARLY if stopped else PracticeLog.Outcome.COMPLETED,
                mood_before=mood, mood_after=min(5, mood + rng.choice([0, 0, 1])),
                baby_response=BabyResponse.UNSETTLED if stopped else rng.choice(
                    [BabyResponse.ENJOYED, BabyResponse.ENJOYED, BabyResponse.CALM, BabyResponse.MIXED]),
                steps_completed=rng.randint(3, steps_total - 5) if stopped else steps_total, steps_total=steps_total,
                routine_version=version, created_at=started + timedelta(minutes=20), is_synthetic=True,
            )


def load(context: DemoContext) -> None:
    educator, educator2 = context.users.get("educator"), context.users.get("educator2")
    if educator is None or educator2 is None:
        return
    by_site: dict[int, list[Mother]] = {}
    for mother in context.mothers:
        by_site.setdefault(mother.site_id, []).append(mother)
    harbour, north = by_site.get(educator.site_id or 0, []), by_site.get(educator2.site_id or 0, [])

    current = _course(context, educator, "Baby massage: Tuesday mornings", "Family Room 2, Harbourside", 8, -24, 10)
    placed = _book(context, current, harbour[:7], educator)
    _attendance(context, current, placed)
    _practice(context, current, placed)

    # A course that ended last season: six weeks of home practice behind it.
    past = _course(context, educator, "Baby massage: September group", "Family Room 2, Harbourside", 6, -70, 10)
    placed_past = _book(context, past, harbour[13:17], educator)
    _attendance(context, past, placed_past)
    _practice(context, past, placed_past)

    upcoming = _course(context, educator, "Baby massage: Thursday afternoons", "Family Room 2, Harbourside", 4, 10, 14)
    _book(context, upcoming, harbour[7:13], educator)  # four places, two on the waiting list

    northern = _course(context, educator2, "Baby massage: Monday group", "Northgate Health Centre, Room B", 6, -17, 11)
    placed_north = _book(context, northern, north[:5], educator2)
    _attendance(context, northern, placed_north)
    _practice(context, northern, placed_north)

    for mother in (harbour[:1] + north[:1]):
        ReminderPreference.objects.create(mother=mother, enabled=True, times=["19:00"], quiet_start=time(21, 0),
                                          quiet_end=time(8, 0), is_synthetic=True)
