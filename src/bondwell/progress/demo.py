"""Demo progress data (all synthetic): a year of courses, classes, practice, class observations and EPDS
follow-up, with some mothers improving, some not, and some lost to follow-up.

Runs after the screening and programme loaders and builds on what they made: past courses are added before
their current ones, and an EPDS is not added where the screening demo already has one within a fortnight.
Results go through `bondwell.screening.services.record_assessment` (scored by `bondwell.instruments`), class
observations through `bondwell.programme.observations.record_observation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from bondwell.accounts.models import Mother, User
from bondwell.demo import DemoContext
from bondwell.demo.accounts import showcase_mothers
from bondwell.demo.answers import answers_adding_up_to
from bondwell.programme import checklist
from bondwell.programme import services as programme
from bondwell.programme.demo import book_place
from bondwell.programme.models import Course
from bondwell.programme.observations import record_observation
from bondwell.programme.services import create_course
from bondwell.screening import services as screening
from bondwell.screening.models import Assessment, Source
from bondwell.screening.questionnaires import load_instrument

# Days before today each past course began: the oldest gives its mothers a full year of follow-up.
PAST_COURSES = {"educator": (450, 230), "educator2": (460,)}
FOLLOW_UPS = ((45, 0.9), (180, 0.75), (365, 0.6))  # (days after the start, chance she answers)


@dataclass(frozen=True)
class CoursePlan:
    days_ago: int
    educator: User
    clinician: User


def _epds(context: DemoContext, mother: Mother, clinician: User, day: date, total: int) -> None:
    if day > context.today:
        return
    near = Assessment.objects.filter(mother=mother, instrument="epds", answered_on__gte=day - timedelta(days=14),
                                     answered_on__lte=day + timedelta(days=14))
    if near.exists():  # the screening demo already has a result here: keep it, add nothing
        return
    definition = load_instrument("epds", mother.site)
    # The demo's own logins answer online; the others on paper at the clinic (entered by their clinician).
    online = mother.user if mother.user in showcase_mothers(context) else None
    at = timezone.make_aware(datetime.combine(day, time(10, 30)))
    screening.record_assessment(
        mother, "epds", answers_adding_up_to(definition, max(0, min(27, total)), context.rng),
        source=Source.MOTHER if online else Source.PAPER, by=online or clinician, answered_on=day,
        idempotency_key=screening.new_submission_key(),
        now=min(at, context.now),
    )


def _course(context: DemoContext, plan: CoursePlan, index: int) -> Course:
    start = context.today - timedelta(days=plan.days_ago)
    return create_course(programme.CoursePlan(
        title=f"Baby massage: group {index + 1} ({start:%B %Y})", place="Family room", capacity=10,
        first_class_at=timezone.make_aware(datetime.combine(start, time(10, 0))), is_synthetic=True,
        description="Five weekly classes for you and your baby.",
    ), by=plan.educator, educator=plan.educator)


def _mother_year(context: DemoContext, course: Course, mother: Mother, plan: CoursePlan) -> None:
    rng = context.rng
    book_place(context, course, mother, at=context.now - timedelta(days=plan.days_ago + 14))
    keen = rng.uniform(0.2, 1.0)
    attended = 0
    for session in course.sessions.order_by("number"):
        present = rng.random() < 0.55 + 0.45 * keen
        attended += present
        programme.record_attendance(session.pk, {mother.pk: ("present" if present else "absent", "")},
                                    by=plan.educator, at=session.starts_at + timedelta(hours=1))
        if present and session.number in (1, 5):
            values = {key: min(3, max(0, round(rng.gauss(1 + keen + session.number / 5, 0.7))))
                      for key in checklist.ITEM_KEYS}
            record_observation(session, mother, values, by=plan.educator)
    for day in range(course.dose_weeks * 7):
        if rng.random() > keen:
            continue
        started = timezone.make_aware(datetime.combine(course.starts_on + timedelta(days=day),
                                                       time(rng.choice([9, 15, 19]), rng.randint(0, 59))))
        entry = programme.PracticeEntry(started_at=started, duration_seconds=rng.randint(10, 20) * 60, guided=True,
                                        completed=True)
        if mother.user is not None:  # without a sign-in she practises all the same, but keeps no log here
            programme.log_practice(entry, by=mother.user, at=started + timedelta(minutes=20))
    # Some improve (more often the keener ones), some do not, a few get worse; none of it is real.
    baseline = rng.randint(9, 21)
    kind = rng.random() - 0.25 * keen
    change = -rng.randint(4, 9) if kind < 0.45 else rng.randint(-2, 2) if kind < 0.85 else rng.randint(3, 6)
    _epds(context, mother, plan.clinician, course.starts_on - timedelta(days=rng.randint(3, 12)), baseline)
    showcase = mother.user in showcase_mothers(context)  # the demo's own logins answer every follow-up: a full year
    for days_after, chance in FOLLOW_UPS:
        if rng.random() > chance and not showcase:
            break  # lost to follow-up from here on
        drift = round(change * min(1.0, days_after / 45)) + rng.randint(-1, 1)
        _epds(context, mother, plan.clinician, course.starts_on + timedelta(days=days_after + rng.randint(-5, 5)),
              baseline + drift)


def load(context: DemoContext) -> None:
    clinicians = {u.site_id: u for key in ("clinician", "clinician2") if (u := context.users.get(key))}
    by_site: dict[int, list[Mother]] = {}
    for mother in context.mothers:
        by_site.setdefault(mother.site_id, []).append(mother)
    index = 0
    for key, starts in PAST_COURSES.items():
        educator = context.users.get(key)
        if educator is None or educator.site_id not in clinicians:
            continue
        mothers = by_site.get(educator.site_id or 0, [])
        groups = [mothers[i::len(starts)] for i in range(len(starts))]
        for days_ago, group in zip(starts, groups, strict=True):
            plan = CoursePlan(days_ago, educator, clinicians[educator.site_id])
            course = _course(context, plan, index)
            index += 1
            for mother in group:
                _mother_year(context, course, mother, plan)
    # The PBQ is scheduled through screening for the mothers with a sign-in.
    for mother in context.mothers:
        clinician = clinicians.get(mother.site_id)
        if mother.user is not None and clinician is not None:
            screening.schedule_pbq(mother, context.today + timedelta(days=5), by=clinician)
