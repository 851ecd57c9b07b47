"""The programme's views in the role × view matrix.

Course-level views are declared as record cases keyed on "the course of this mother": world.mother_a is booked
on the site-A educator's course (tests/conftest.py), so on her course the educator, clinician and site lead of
site A answer as declared, and on mother_b's course (site B) they get 404.
"""

from tests.access_matrix import Case, RolePage, everyone

STAFF_ONLY = everyone(403, educator=200, clinician=200, site_lead=200)
PLANNERS = everyone(403, educator=200, site_lead=200)


def _mother(world, mother):  # type: ignore[no-untyped-def]
    return {"mother_id": mother.pk}


def _course_of(world, mother):  # type: ignore[no-untyped-def]
    from datetime import date

    from bondwell.programme.models import Course

    course = Course.objects.filter(bookings__mother=mother).first() or Course.objects.filter(
        site=mother.site, title="Matrix course"
    ).first()
    if course is None:
        educator = world.users["educator"] if mother.site_id == world.site_a.pk else world.users_b["educator"]
        course = Course.objects.create(site=mother.site, title="Matrix course", educator=educator, place="Room",
                                       capacity=4, starts_on=date(2026, 11, 2))
    return course


def _course(world, mother):  # type: ignore[no-untyped-def]
    return {"course_id": _course_of(world, mother).pk}


def _first_class(world, mother):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from bondwell.programme.models import ClassSession

    course = _course_of(world, mother)
    session = course.sessions.first() or ClassSession.objects.create(
        course=course, number=1, starts_at=datetime(2026, 11, 2, 9, tzinfo=UTC), teaches="Legs and feet"
    )
    return {"session_id": session.pk}


def _class_of_educator(world, mother):  # type: ignore[no-untyped-def]
    # A class of the educator's course (mother_a is booked on it) that took place yesterday.
    from datetime import timedelta

    from django.utils import timezone

    from bondwell.programme.models import ClassSession, Course

    course = Course.objects.get(educator=world.users["educator"])
    session, _ = ClassSession.objects.get_or_create(
        course=course, number=1,
        defaults={"starts_at": timezone.now() - timedelta(days=1), "teaches": "Legs and feet"},
    )
    return {"session_id": session.pk, "mother_id": mother.pk}


CASES = [
    Case("programme-mother-practice", _mother, own=STAFF_ONLY),
    Case("programme-enrol", _mother, own=STAFF_ONLY),
    Case("programme-dose", _mother, own=STAFF_ONLY),
    Case("programme-course", _course, own=STAFF_ONLY),
    Case("programme-attendance", _first_class, own=PLANNERS),
    # The educator observes the mothers of her own classes.
    Case("programme-observe-mother", _class_of_educator, own=everyone(403, educator=200)),
]

ROLE_PAGES = [
    RolePage("programme-routine", everyone(200)),
    RolePage("programme-practice", everyone(403, mother=200)),
    RolePage("programme-guided", everyone(403, mother=200)),
    RolePage("programme-practice-save", everyone(403, mother=405)),
    RolePage("programme-practice-new", everyone(403, mother=200)),
    RolePage("programme-reminders", everyone(403, mother=200)),
    RolePage("programme-courses", everyone(403, mother=200, educator=200, clinician=200, site_lead=200)),
    RolePage("programme-course-new", PLANNERS),
    RolePage("programme-book", everyone(403, mother=405)),
    RolePage("programme-cancel", everyone(403, mother=405, educator=405, clinician=405, site_lead=405)),
    RolePage("programme-guided-offline", everyone(403, mother=200)),
    RolePage("programme-practice-log", everyone(403, mother=405)),
    RolePage("programme-observe", everyone(403, educator=200)),
]

# The installable app's files and the page shown without a connection: no one's data in them.
PUBLIC = {"service-worker", "web-manifest", "offline"}
