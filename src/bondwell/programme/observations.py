"""The educator's class observation: recording it, one function, validated, in a transaction, audited."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from bondwell.accounts.access import audit
from bondwell.accounts.models import Mother, User
from bondwell.accounts.roles import Role
from bondwell.programme import checklist
from bondwell.programme.models import Booking, ClassSession, Observation
from bondwell.programme.services import ProgrammeError


def check_may_observe(session: ClassSession, mother: Mother, by: User) -> None:
    """Only the course's own educator, and only for a mother booked on that course."""
    if by.role != Role.EDUCATOR or session.course.educator_id != by.pk:
        raise ProgrammeError("Only the educator who teaches this class can record an observation.")
    booked = Booking.objects.filter(course_id=session.course_id, mother=mother, status=Booking.Status.BOOKED)
    if not booked.exists():
        raise ProgrammeError("This mother is not booked on this course.")


def record_observation(
    session: ClassSession,
    mother: Mother,
    values: Mapping[str, int],
    *,
    by: User,
    note: str = "",
) -> Observation:
    """Record the educator's checklist for one mother in one class (once: a second save is refused)."""
    check_may_observe(session, mother, by)
    if session.starts_at > timezone.now():
        raise ProgrammeError("A class can be observed only once it has started.")
    total = checklist.checklist_sum(values)
    try:
        with transaction.atomic():
            observation = Observation.objects.create(
                mother=mother, session=session, observed_by=by, checklist_sum=total,
                checklist_version=checklist.VERSION, note=note.strip()[:300], is_synthetic=mother.is_synthetic,
                **{key: int(values[key]) for key in checklist.ITEM_KEYS},
            )
            audit(None, "record:observation", mother=mother, obj=observation, actor=by)
    except IntegrityError as error:
        raise ProgrammeError("This class already has an observation for this mother.") from error
    return observation
