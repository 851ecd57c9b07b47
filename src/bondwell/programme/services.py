"""Every change to the programme's records: one function per state change, atomic, validated and audited.

Bookings lock their course row, so the last place on a course goes to exactly one mother even when two book
at once (PostgreSQL: SELECT … FOR UPDATE; SQLite: writers are serialised by immediate transactions).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from bondwell.accounts.access import audit, mothers_in_scope
from bondwell.accounts.models import Baby, Mother, User
from bondwell.accounts.roles import Role
from bondwell.errors import BondwellError
from bondwell.programme.models import (
    Attendance,
    BabyResponse,
    Booking,
    ClassSession,
    Course,
    PracticeDose,
    PracticeLog,
    ReminderPreference,
)

# What each class of the usual five-week course teaches (cf. Onozawa 2001: five weekly classes).
DEFAULT_CLASS_PLAN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Welcome, getting ready, asking your baby; legs and feet", ("preparation", "legs-and-feet")),
    ("Tummy and chest; reading your baby's cues", ("tummy", "chest")),
    ("Arms, hands and face", ("arms-and-hands", "face")),
    ("Back and gentle movements", ("back", "gentle-movements")),
    ("The whole routine, and keeping it going at home", ("legs-and-feet", "tummy", "chest", "arms-and-hands",
                                                         "face", "back", "gentle-movements", "finish")),
)
MAX_CLASSES = 12
PLANNING_ROLES = frozenset({Role.EDUCATOR, Role.SITE_LEAD})
ENROLLING_ROLES = frozenset({Role.EDUCATOR, Role.CLINICIAN, Role.SITE_LEAD})


class ProgrammeError(BondwellError):
    """A booking, course, practice log or reminder the programme's rules refuse; the message says why."""


def _full_clean(row: Model) -> None:
    """The model's own checks, refused as a ProgrammeError naming the first field at fault."""
    try:
        row.full_clean()
    except ValidationError as error:
        field, problems = next(iter(error.message_dict.items()))
        raise ProgrammeError(problems[0], field=None if field == NON_FIELD_ERRORS else field) from error


@dataclass(frozen=True)
class CoursePlan:
    title: str
    place: str
    capacity: int
    first_class_at: datetime
    classes: int = 5
    class_minutes: int = 60
    description: str = ""
    minutes_per_session: int = 15
    sessions_per_week: int = 7
    dose_weeks: int = 6
    is_synthetic: bool = False  # the demo's courses (and their classes) are marked synthetic


def course_queryset(user: User) -> QuerySet[Course]:
    """Courses this user may open: an educator her own, other staff and mothers their site's."""
    site_id = user.site_id
    if site_id is None or not user.is_active:
        return Course.objects.none()
    if user.role == Role.EDUCATOR:
        return Course.objects.filter(educator=user, site_id=site_id)
    if user.role in {Role.SITE_LEAD, Role.CLINICIAN, Role.MOTHER}:
        return Course.objects.filter(site_id=site_id)
    return Course.objects.none()


def create_course(plan: CoursePlan, *, by: User, educator: User) -> Course:
    """A site lead or educator creates a course with its weekly classes."""
    creator = by
    site_id = creator.site_id
    if creator.role not in PLANNING_ROLES or site_id is None:
        raise PermissionDenied("Only a site lead or an educator creates courses.")
    if educator.role != Role.EDUCATOR or educator.site_id != creator.site_id or not educator.is_active:
        raise ProgrammeError("Choose an active educator of your site.", field="educator")
    if creator.role == Role.EDUCATOR and educator.pk != creator.pk:
        raise ProgrammeError("An educator creates courses she teaches herself.", field="educator")
    if not 1 <= plan.classes <= MAX_CLASSES:
        raise ProgrammeError(f"A course has 1 to {MAX_CLASSES} classes.", field="classes")
    with transaction.atomic():
        course = Course(
            site_id=site_id, title=plan.title, description=plan.description, educator=educator,
            place=plan.place, capacity=plan.capacity, starts_on=timezone.localdate(plan.first_class_at),
            minutes_per_session=plan.minutes_per_session, sessions_per_week=plan.sessions_per_week,
            dose_weeks=plan.dose_weeks, created_by=creator, is_synthetic=plan.is_synthetic,
        )
        _full_clean(course)
        course.save()
        for number in range(1, plan.classes + 1):
            teaches, areas = DEFAULT_CLASS_PLAN[min(number, len(DEFAULT_CLASS_PLAN)) - 1]
            if number > len(DEFAULT_CLASS_PLAN):
                teaches = "Practice together and questions"
            ClassSession.objects.create(
                course=course, number=number, starts_at=plan.first_class_at + timedelta(weeks=number - 1),
                duration_minutes=plan.class_minutes, teaches=teaches, routine_areas=list(areas),
                is_synthetic=plan.is_synthetic,
            )
        audit(None, "create:course", obj=course, actor=creator, detail=course.title)
    return course


def _when(at: datetime | None, now: datetime) -> datetime:
    """`at`: when it happened, for a record entered afterwards (a sign-up sheet, the register after class, a
    session she did yesterday); never in the future."""
    if at is None:
        return now
    if at > now:
        raise ProgrammeError(gettext("That time is in the future."), field="at")
    return at


def _booked_count(course: Course) -> int:
    return Booking.objects.filter(course=course, status=Booking.Status.BOOKED).count()


def _book(course_id: int, mother: Mother, *, by: User, at: datetime | None = None) -> Booking:
    actor = by
    now = _when(at, timezone.now())
    with transaction.atomic():
        # The lock on the course row serialises every booking and cancellation of this course.
        course = Course.objects.select_for_update().get(pk=course_id)
        if course.site_id != mother.site_id:
            raise ProgrammeError("This course is at another site.")
        active = Booking.objects.filter(course=course, mother=mother, status__in=["booked", "waiting"]).first()
        if active is not None:
            return active
        full = _booked_count(course) >= course.capacity
        booking = Booking.objects.create(
            course=course, mother=mother, status=Booking.Status.WAITING if full else Booking.Status.BOOKED,
            requested_at=now, placed_at=None if full else now, booked_by=actor, is_synthetic=mother.is_synthetic,
        )
        audit(None, f"book:{booking.status}", mother=mother, obj=booking, actor=actor)
    return booking


def book_own_place(course_id: int, *, by: User, at: datetime | None = None) -> Booking:
    """A mother books herself onto a course of her site: a place, or the waiting list when it is full (`at`: when
    she asked, if entered afterwards)."""
    mother_user = by
    if mother_user.role != Role.MOTHER:
        raise PermissionDenied("Only a mother books for herself.")
    mother = Mother.objects.get(user=mother_user)
    if not course_queryset(mother_user).filter(pk=course_id).exists():
        raise ProgrammeError("No such course at your site.")
    return _book(course_id, mother, by=mother_user, at=at)


def _mother_for_staff(staff: User, mother_id: int, *, refusal: str) -> Mother:
    """The mother a member of staff acts for: her role must enrol mothers (else `refusal`), the mother in scope."""
    if staff.role not in ENROLLING_ROLES:
        raise PermissionDenied(refusal)
    mother = mothers_in_scope(staff).filter(pk=mother_id).first()
    if mother is None:
        raise PermissionDenied("This mother is not in your scope.")
    return mother


def enrol_mother(course_id: int, mother_id: int, *, by: User, at: datetime | None = None) -> Booking:
    """Staff enrol a mother in their scope onto a course they may see (a place or the waiting list; `at`: when
    she asked, e.g. on a sign-up sheet entered afterwards, which keeps her place in the waiting list's order)."""
    staff = by
    mother = _mother_for_staff(staff, mother_id, refusal="Your role does not enrol mothers.")
    if not course_queryset(staff).filter(pk=course_id).exists():
        raise ProgrammeError("No such course for you.")
    return _book(course_id, mother, by=staff, at=at)


def cancel_booking(booking_id: int, *, by: User) -> Booking | None:
    """Cancel a place or a waiting-list entry; a freed place goes to the first mother waiting.

    Returns the promoted booking, if any. A mother cancels her own bookings; staff cancel bookings of
    courses they may see, for mothers in their scope.
    """
    actor = by
    with transaction.atomic():
        booking = Booking.objects.select_related("mother").get(pk=booking_id)
        course = Course.objects.select_for_update().get(pk=booking.course_id)
        booking.refresh_from_db()
        if actor.role == Role.MOTHER:
            allowed = booking.mother.user_id == actor.pk
        else:
            allowed = (
                actor.role in ENROLLING_ROLES
                and course_queryset(actor).filter(pk=course.pk).exists()
                and mothers_in_scope(actor).filter(pk=booking.mother_id).exists()
            )
        if not allowed:
            raise PermissionDenied("You cannot cancel this booking.")
        if booking.status == Booking.Status.CANCELLED:
            return None
        was_booked = booking.status == Booking.Status.BOOKED
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["status", "cancelled_at"])
        audit(None, "cancel:booking", mother=booking.mother, obj=booking, actor=actor)
        if not was_booked:
            return None
        return _promote_first_waiting(course, by=actor)


def _promote_first_waiting(course: Course, *, by: User) -> Booking | None:
    actor = by
    if _booked_count(course) >= course.capacity:
        return None
    first = (
        Booking.objects.filter(course=course, status=Booking.Status.WAITING)
        .select_related("mother").order_by("requested_at", "id").first()
    )
    if first is None:
        return None
    first.status = Booking.Status.BOOKED
    first.placed_at = timezone.now()
    first.save(update_fields=["status", "placed_at"])
    audit(None, "promote:waiting-list", mother=first.mother, obj=first, actor=actor)
    return first


def record_attendance(
    session_id: int, marks: dict[int, tuple[str, str]], *, by: User, at: datetime | None = None
) -> int:
    """Record attendance for one class: {mother_id: (status, note)} for mothers booked on its course (`at`: when
    the register was taken, if typed in afterwards; not before the class began)."""
    staff = by
    recorded = _when(at, timezone.now())
    if staff.role not in PLANNING_ROLES:
        raise PermissionDenied("Only an educator or a site lead records attendance.")
    with transaction.atomic():
        session = ClassSession.objects.select_related("course").get(pk=session_id)
        if not course_queryset(staff).filter(pk=session.course_id).exists():
            raise PermissionDenied("Not your class.")
        if session.starts_at.date() > timezone.localdate() + timedelta(days=1):
            raise ProgrammeError("This class has not happened yet.")
        if at is not None and at < session.starts_at:
            raise ProgrammeError(gettext("The register is taken once the class has begun."), field="at")
        booked = set(
            Booking.objects.filter(course=session.course, status=Booking.Status.BOOKED)
            .filter(mother__in=mothers_in_scope(staff)).values_list("mother_id", flat=True)
        )
        valid = set(Attendance.Status.values)
        written = 0
        for mother_id, (status, note) in marks.items():
            if mother_id not in booked:
                raise ProgrammeError(f"Mother {mother_id} is not booked on this course.")
            if status not in valid:
                raise ProgrammeError(f"Unknown attendance status {status!r}.")
            row, _ = Attendance.objects.update_or_create(
                session=session, mother_id=mother_id,
                defaults={"status": status, "note": note[:300], "recorded_by": staff, "recorded_at": recorded,
                          "is_synthetic": session.course.is_synthetic},
            )
            audit(None, "record:attendance", mother=row.mother, obj=row, actor=staff, detail=status)
            written += 1
    return written


@dataclass(frozen=True)
class PracticeEntry:
    started_at: datetime
    duration_seconds: int
    guided: bool
    completed: bool
    mood_before: int | None = None
    mood_after: int | None = None
    baby_response: str = ""
    steps_completed: int = 0
    steps_total: int = 0
    routine_version: str = ""
    baby_id: int | None = None
    client_token: uuid.UUID | None = None


MAX_PRACTICE_SECONDS = 3 * 60 * 60


def _check_entry(entry: PracticeEntry, mother: Mother, now: datetime) -> None:
    errors: dict[str, str] = {}
    if not 0 < entry.duration_seconds <= MAX_PRACTICE_SECONDS:
        errors["duration_seconds"] = gettext("A session lasts between a second and three hours.")
    if entry.started_at > now + timedelta(minutes=5):
        errors["started_at"] = gettext("A session cannot start in the future.")
    if entry.started_at < now - timedelta(days=60):
        errors["started_at"] = gettext("Sessions older than 60 days cannot be added.")
    for name in ("mood_before", "mood_after"):
        value = getattr(entry, name)
        if value is not None and not 1 <= value <= 5:
            errors[name] = gettext("Choose one of the five faces.")
    if entry.baby_response and entry.baby_response not in BabyResponse.values:
        errors["baby_response"] = gettext("Choose one of the answers.")
    if not 0 <= entry.steps_completed <= max(entry.steps_total, 0) or entry.steps_total > 100:
        errors["steps_completed"] = gettext("Steps completed must be between 0 and the number of steps.")
    if entry.baby_id is not None and not Baby.objects.filter(pk=entry.baby_id, mother=mother).exists():
        errors["baby"] = gettext("Choose one of your babies.")
    if errors:
        field, message = next(iter(errors.items()))
        raise ProgrammeError(message, field=field)


def log_practice(entry: PracticeEntry, *, by: User, at: datetime | None = None) -> PracticeLog:
    """Save one practice session of the signed-in mother (guided or logged afterwards).

    The same client token saves once: a retried or double-tapped save returns the first log. `at`: when she saved
    it, for a log kept on her phone while offline and sent later (the session's own start is `entry.started_at`).
    """
    mother_user = by
    if mother_user.role != Role.MOTHER:
        raise PermissionDenied("Only a mother logs her own practice.")
    mother = Mother.objects.get(user=mother_user)
    saved = _when(at, timezone.now())
    _check_entry(entry, mother, saved)
    if entry.client_token is not None:
        existing = PracticeLog.objects.filter(client_token=entry.client_token, mother=mother).first()
        if existing is not None:
            return existing
    baby_id = entry.baby_id
    if baby_id is None:
        # With one baby (the usual case) the session is hers; with twins she chooses in the form.
        ids = list(Baby.objects.filter(mother=mother).values_list("id", flat=True)[:2])
        baby_id = ids[0] if len(ids) == 1 else None
    log = PracticeLog(
        mother=mother, baby_id=baby_id, started_at=entry.started_at, duration_seconds=entry.duration_seconds,
        guided=entry.guided,
        outcome=PracticeLog.Outcome.COMPLETED if entry.completed else PracticeLog.Outcome.STOPPED_EARLY,
        mood_before=entry.mood_before, mood_after=entry.mood_after, baby_response=entry.baby_response,
        steps_completed=entry.steps_completed, steps_total=entry.steps_total, routine_version=entry.routine_version,
        created_at=saved, is_synthetic=mother.is_synthetic,
    )
    if entry.client_token is not None:
        log.client_token = entry.client_token
    try:
        with transaction.atomic():
            log.save()
            audit(None, "log:practice", mother=mother, obj=log, actor=mother_user, detail=log.outcome)
    except IntegrityError:
        # A concurrent save of the same token won the race: return its row.
        return PracticeLog.objects.get(client_token=log.client_token, mother=mother)
    return log


def set_dose(
    mother_id: int, *, by: User, minutes_per_session: int,
    sessions_per_week: int, starts_on: date, weeks: int,
) -> PracticeDose:
    """Prescribe a personal dose to a mother in the staff member's scope (it overrides her course's)."""
    staff = by
    mother = _mother_for_staff(staff, mother_id, refusal="Your role does not prescribe doses.")
    with transaction.atomic():
        dose = PracticeDose(mother=mother, minutes_per_session=minutes_per_session,
                            sessions_per_week=sessions_per_week, starts_on=starts_on, weeks=weeks, set_by=staff)
        _full_clean(dose)
        dose.save()
        audit(None, "set:dose", mother=mother, obj=dose, actor=staff, detail=str(dose))
    return dose


MAX_REMINDER_TIMES = 4


def in_quiet_hours(moment: time, quiet_start: time, quiet_end: time) -> bool:
    """Quiet hours may cross midnight (21:00–08:00) or not (13:00–15:00); start == end means none."""
    if quiet_start == quiet_end:
        return False
    if quiet_start < quiet_end:
        return quiet_start <= moment < quiet_end
    return moment >= quiet_start or moment < quiet_end


def set_reminders(
    *, by: User, enabled: bool, times: list[time],
    quiet_start: time, quiet_end: time,
) -> ReminderPreference:
    """Save the mother's reminder times; a time inside her quiet hours is refused."""
    mother_user = by
    if mother_user.role != Role.MOTHER:
        raise PermissionDenied("Only a mother sets her own reminders.")
    mother = Mother.objects.get(user=mother_user)
    unique = sorted(set(times))
    if len(unique) > MAX_REMINDER_TIMES:
        raise ProgrammeError(
            gettext("Choose at most %(count)d times.") % {"count": MAX_REMINDER_TIMES}, field="times"
        )
    quiet = [t.strftime("%H:%M") for t in unique if in_quiet_hours(t, quiet_start, quiet_end)]
    if quiet:
        raise ProgrammeError(
            ngettext("%(times)s is in your quiet hours.", "%(times)s are in your quiet hours.", len(quiet))
            % {"times": ", ".join(quiet)}, field="times",
        )
    if enabled and not unique:
        raise ProgrammeError(gettext("Choose at least one time, or turn reminders off."), field="times")
    with transaction.atomic():
        preference, _ = ReminderPreference.objects.select_for_update().get_or_create(mother=mother)
        preference.enabled = enabled
        preference.times = [t.strftime("%H:%M") for t in unique]
        preference.quiet_start = quiet_start
        preference.quiet_end = quiet_end
        preference.updated_at = timezone.now()
        preference.is_synthetic = mother.is_synthetic
        preference.save()
        audit(None, "set:reminders", mother=mother, obj=preference, actor=mother_user)
    return preference
