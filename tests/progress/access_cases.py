"""Every progress view in the role × view matrix (see tests/access_matrix.py)."""

from datetime import date, timedelta

from django.utils import timezone

from tests.access_matrix import Case, RolePage, everyone

_CLINICAL = everyone(403, clinician=200)
# The scoping layer answers first: a mother outside the educator's or site lead's scope is not found.
_STAFF_FOREIGN = {"educator": 404, "site_lead": 404}


def _mother(world, mother):  # type: ignore[no-untyped-def]
    return {"mother_id": mother.pk}


def _class_of_educator(world, mother):  # type: ignore[no-untyped-def]
    # A class of the educator's course (mother_a is booked on it) that took place yesterday.
    from bondwell.programme.models import ClassSession, Course

    course = Course.objects.get(educator=world.users["educator"])
    session, _ = ClassSession.objects.get_or_create(
        course=course, number=1,
        defaults={"starts_at": timezone.now() - timedelta(days=1), "teaches": "Legs and feet"},
    )
    return {"session_id": session.pk, "mother_id": mother.pk}


CASES = [
    # Questionnaire results: the clinician only; the educator and the site lead get 403 on their own mothers.
    Case("progress-mother", _mother, own=_CLINICAL, foreign=_STAFF_FOREIGN),
    Case("progress-export", _mother, own=_CLINICAL, foreign=_STAFF_FOREIGN),
    Case("progress-schedule-pbq", _mother, own=everyone(403, clinician=302), foreign=_STAFF_FOREIGN, method="post",
         data={"due_on": (date.today() + timedelta(days=7)).isoformat()}),
    # The educator observes the mothers of her own classes.
    Case("progress-observe-mother", _class_of_educator, own=everyone(403, educator=200)),
]

ROLE_PAGES = [
    RolePage("progress-mine", everyone(403, mother=200)),
    RolePage("progress-summary", everyone(403, mother=200)),
    RolePage("progress-observe", everyone(403, educator=200)),
    RolePage("progress-dashboard", everyone(403, site_lead=200)),
    RolePage("progress-dashboard-chart", everyone(403, site_lead=200)),
]
