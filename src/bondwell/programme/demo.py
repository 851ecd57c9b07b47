"""Demo programme data (all synthetic): courses with weekly classes, bookings and a waiting list, attendance for
the classes held, several weeks of home practice with mood taps, and reminder preferences.

Everything goes through `programme.services`, by the person who would do it (the mother books herself, or her site's
lead enrols her; she logs practice and sets her reminders with her sign-in; the educator takes the register), with
`at` for when it happened in the synthetic past."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from bondwell.accounts.models import Mother, User
from bondwell.demo import DemoContext
from bondwell.demo.accounts import signed_in, site_lead
from bondwell.programme.content import shipped_content
from bondwell.programme.models import BabyResponse, Booking, Course
from bondwell.programme.services import (
    CoursePlan,
    PracticeEntry,
    book_own_place,
    create_course,
    enrol_mother,
    log_practice,
    record_attendance,
    set_reminders,
)


def _course(context: DemoContext, educator: User, title: str, place: str, capacity: int, first_days: int,
            hour: int) -> Course:
    first = timezone.make_aware(datetime.combine(context.today + timedelta(days=first_days), time(hour, 0)))
    return create_course(CoursePlan(
        title=title, place=place, capacity=capacity, first_class_at=first, is_synthetic=True,
        description="Five weekly classes for you and your baby (from about 6 weeks old). Bring a towel.",
    ), by=educator, educator=educator)


def book_place(context: DemoContext, course: Course, mother: Mother, *, at: datetime) -> Booking:
    """She books herself when she has a sign-in; otherwise her site's lead enrols her (from the sign-up sheet)."""
    if mother.user is not None:
        return book_own_place(course.pk, by=mother.user, at=at)
    lead = site_lead(context, mother.site)
    assert lead is not None, "the demo's sites each have a lead"
    return enrol_mother(course.pk, mother.pk, by=lead, at=at)


def _book(context: DemoContext, course: Course, mothers: list[Mother]) -> list[Mother]:
    """The mothers ask in turn from two weeks before the first class; once it is full they wait."""
    placed: list[Mother] = []
    for offset, mother in enumerate(mothers):
        opened = timezone.make_aware(datetime.combine(course.starts_on - timedelta(days=14), time(9, 0)))
        when = min(context.now, opened + timedelta(hours=5 * offset))
        booking = book_place(context, course, mother, at=when)
        if booking.status == Booking.Status.BOOKED:
            placed.append(mother)
    return placed


def _attendance(context: DemoContext, course: Course, mothers: list[Mother]) -> None:
    """The educator takes the register an hour after each class began."""
    rng = context.rng
    for session in course.sessions.filter(starts_at__lte=context.now):
        for mother in mothers:
            roll = rng.random()
            status = "present" if roll < 0.8 else "excused" if roll < 0.9 else "absent"
            note = rng.choice(["", "", "", "Baby settled well with legs and feet.", "Asked about tummy strokes."])
            record_attendance(session.pk, {mother.pk: (status, note if status == "present" else "")},
                              by=course.educator, at=min(session.starts_at + timedelta(hours=1), context.now))


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
            entry = PracticeEntry(
                started_at=started, duration_seconds=round(minutes * 60), guided=rng.random() < 0.7,
                completed=not stopped, mood_before=mood, mood_after=min(5, mood + rng.choice([0, 0, 1])),
                baby_response=BabyResponse.UNSETTLED if stopped else rng.choice(
                    [BabyResponse.ENJOYED, BabyResponse.ENJOYED, BabyResponse.CALM, BabyResponse.MIXED]),
                steps_completed=rng.randint(3, steps_total - 5) if stopped else steps_total, steps_total=steps_total,
                routine_version=version, baby_id=baby.pk if baby else None,
            )
            # Saved when she finished (guided) or soon after; never later than the demo's now.
            log_practice(entry, by=signed_in(context, mother),
                         at=min(started + timedelta(minutes=20), context.now))


def load(context: DemoContext) -> None:
    educator, educator2 = context.users.get("educator"), context.users.get("educator2")
    if educator is None or educator2 is None:
        return
    by_site: dict[int, list[Mother]] = {}
    for mother in context.mothers:
        by_site.setdefault(mother.site_id, []).append(mother)
    harbour, north = by_site.get(educator.site_id or 0, []), by_site.get(educator2.site_id or 0, [])

    current = _course(context, educator, "Baby massage: Tuesday mornings", "Family Room 2, Harbourside", 8, -24, 10)
    placed = _book(context, current, harbour[:7])
    _attendance(context, current, placed)
    _practice(context, current, placed)

    # A course that ended last season: six weeks of home practice behind it.
    past = _course(context, educator, "Baby massage: September group", "Family Room 2, Harbourside", 6, -70, 10)
    placed_past = _book(context, past, harbour[13:17])
    _attendance(context, past, placed_past)
    _practice(context, past, placed_past)

    upcoming = _course(context, educator, "Baby massage: Thursday afternoons", "Family Room 2, Harbourside", 4, 10, 14)
    _book(context, upcoming, harbour[7:13])  # four places, two on the waiting list

    northern = _course(context, educator2, "Baby massage: Monday group", "Northgate Health Centre, Room B", 6, -17, 11)
    placed_north = _book(context, northern, north[:5])
    _attendance(context, northern, placed_north)
    _practice(context, northern, placed_north)

    for mother in (harbour[:1] + north[:1]):
        set_reminders(by=signed_in(context, mother), enabled=True, times=[time(19, 0)], quiet_start=time(21, 0),
                      quiet_end=time(8, 0))
