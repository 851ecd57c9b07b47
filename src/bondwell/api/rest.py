"""The REST API under /api/v1/: a thin shell over the scoping layer and the capabilities' service functions.

Each operation checks the token's scope, opens records only through `bondwell.accounts.access` (or the
studies' `access_study`, the programme's `course_queryset`), and changes state only through the owning
service (`record_assessment`, `acknowledge_alert`, `schedule_questionnaire`, `log_practice`, bookings …).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status
from ninja.params.functions import Path, Query

from bondwell import instruments
from bondwell.accounts.access import access_mother, access_row, audit, mothers_in_scope, own_mother_record
from bondwell.accounts.models import Baby, Mother, User
from bondwell.accounts.roles import Purpose, Role
from bondwell.api import redcap
from bondwell.api.http import ERRORS, MAX_ID, BondwellApi, TokenAuth, Unprocessable, need, whole_number
from bondwell.api.schemas import (
    AlertBrief,
    AlertOut,
    AlertPage,
    AssessmentIn,
    AssessmentOut,
    AssessmentPage,
    BookingIn,
    BookingOut,
    BookingPage,
    CourseOut,
    CoursePage,
    FollowUpOut,
    FollowUpPage,
    MotherOut,
    MotherPage,
    PracticeIn,
    PracticeOut,
    PracticePage,
    RecordReport,
    RedcapImportIn,
    RedcapImportOut,
    ScheduleIn,
    ScheduleOut,
    StudyOut,
    StudyPage,
)
from bondwell.pathway import services as pathway
from bondwell.pathway.models import FollowUp
from bondwell.programme import services as programme
from bondwell.programme.models import Booking, Course, PracticeLog
from bondwell.screening import services as screening
from bondwell.screening.models import Assessment, RiskAlert, ScheduledQuestionnaire, Source
from bondwell.screening.questionnaires import answerable_by_mother, load_instrument
from bondwell.studies import exports
from bondwell.studies.access import MEMBER_ROLES, access_study, sees_by_arm, studies_for
from bondwell.studies.outcomes import link_outcomes

api = BondwellApi(
    title="Bondwell API",
    version="1",
    description=(
        "Perinatal screening, infant-massage programme and studies. Authenticate with a personal API token "
        "(`Authorization: Bearer bw_…`, made with `bondwell api-token create`). Every refusal is an RFC 9457 "
        "problem document. See docs/api.md."
    ),
    urls_namespace="api-v1",
    auth=TokenAuth(),
)

Id = Path(..., ge=1, le=MAX_ID)
Limit = Query(50, ge=1, le=100)
Offset = Query(0, ge=0, le=1_000_000)
Row = TypeVar("Row", bound=Model)


def _page(queryset: QuerySet[Any], limit: int, offset: int) -> tuple[int, list[Any]]:
    return queryset.count(), list(queryset[offset:offset + limit])


def _out(status: int, schema: Any) -> dict[int, Any]:
    return {status: schema, **ERRORS}


def _one(rows: QuerySet[Row], pk: int, missing: str) -> Row:
    """Row `pk` of `rows` (those the caller may see), else 404 `missing`: a row outside them looks absent."""
    found = rows.filter(pk=pk).first()
    if found is None:
        raise Http404(missing)
    return found


# ---- mothers ------------------------------------------------------------------------------------------------

mothers = Router(tags=["mothers"])


def _mother_out(mother: Mother) -> MotherOut:
    return MotherOut(
        id=mother.pk, pseudonym=mother.pseudonym, full_name=mother.full_name, site=mother.site.slug,
        has_login=mother.user_id is not None,
        babies=[{"id": b.pk, "name": b.name, "birth_date": b.birth_date,  # type: ignore[misc]
                 "gestation_weeks": b.gestation_weeks} for b in mother.babies.all()],
    )


@mothers.get("/mothers", response=_out(200, MotherPage), summary="Mothers in your scope")
def list_mothers(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> MotherPage:
    """A mother: herself; clinicians and site leads: their site's; educators: the mothers in their classes."""
    user = need(request, "mothers", "read")
    scope = mothers_in_scope(user).select_related("site").prefetch_related(
        Prefetch("babies", queryset=Baby.objects.order_by("birth_date"))
    ).order_by("id")
    count, rows = _page(scope, limit, offset)
    audit(request, "api:list:mothers", detail=f"{len(rows)} of {count}")
    return MotherPage(count=count, limit=limit, offset=offset, items=[_mother_out(m) for m in rows])


@mothers.get("/mothers/{mother_id}", response=_out(200, MotherOut), summary="One mother's record")
def get_mother(request: HttpRequest, mother_id: int = Id) -> MotherOut:
    need(request, "mothers", "read")
    mother = access_mother(request, mother_id, Purpose.RECORD, action="api:view:mother")
    return _mother_out(mother)


# ---- schedules ---------------------------------------------------------------------------------------------

schedules = Router(tags=["schedules"])


def _schedule_out(s: ScheduledQuestionnaire) -> ScheduleOut:
    return ScheduleOut(id=s.pk, mother_id=s.mother_id, instrument=s.instrument, due_on=s.due_on, status=s.status,
                       completed_at=s.completed_at)


@schedules.get("/mothers/{mother_id}/schedules", response=_out(200, list[ScheduleOut]),
               summary="Questionnaires scheduled for a mother")
def list_schedules(request: HttpRequest, mother_id: int = Id) -> list[ScheduleOut]:
    need(request, "schedules", "read")
    mother = access_mother(request, mother_id, Purpose.CLINICAL, action="api:view:schedules")
    rows = mother.scheduled_questionnaires.order_by("-due_on", "-id")[:100]
    return [_schedule_out(s) for s in rows]


@schedules.post("/mothers/{mother_id}/schedules", response=_out(201, ScheduleOut),
                summary="Schedule a questionnaire (clinicians)")
def create_schedule(request: HttpRequest, payload: ScheduleIn, mother_id: int = Id) -> Status[ScheduleOut]:
    user = need(request, "schedules", "write")
    mother = access_mother(request, mother_id, Purpose.CLINICAL, action="api:open:schedule")
    if user.role != Role.CLINICIAN:
        raise PermissionDenied("Only clinicians schedule questionnaires.")
    if not load_instrument(payload.instrument, mother.site).wording_installed:
        raise Unprocessable("Its licensed wording is not installed here: enter the paper form instead.",
                            [("instrument", "licensed wording not installed at this site")])
    if payload.due_on < timezone.localdate():
        raise Unprocessable("The due date is in the past.", [("due_on", "must be today or later")])
    scheduled = screening.schedule_questionnaire(mother, payload.instrument, payload.due_on, by=user)
    return Status(201, _schedule_out(scheduled))


# ---- assessments -------------------------------------------------------------------------------------------

assessments = Router(tags=["assessments"])


def _assessment_out(a: Assessment) -> AssessmentOut:
    return AssessmentOut(
        id=a.pk, mother_id=a.mother_id, instrument=a.instrument, profile=a.profile,
        definition_version=a.definition_version, answers=a.answers, complete=a.complete, total=a.total,
        subscales=a.subscales, band=a.band_key, band_urgent=a.band_urgent, flags=a.flags, source=a.source,
        answered_on=a.answered_on, submitted_at=a.submitted_at, supersedes_id=a.supersedes_id,
        alerts=[AlertBrief(id=r.pk, kind=r.kind, status=r.status, priority=r.priority)
                for r in a.risk_alerts.order_by("priority", "id")],
    )


@assessments.get("/mothers/{mother_id}/assessments", response=_out(200, AssessmentPage),
                 summary="A mother's submitted questionnaires, newest first")
def list_assessments(request: HttpRequest, mother_id: int = Id, limit: int = Limit,
                     offset: int = Offset) -> AssessmentPage:
    need(request, "assessments", "read")
    mother = access_mother(request, mother_id, Purpose.CLINICAL, action="api:view:assessments")
    rows = Assessment.objects.filter(mother=mother).order_by("-answered_on", "-id")
    count, page = _page(rows, limit, offset)
    return AssessmentPage(count=count, limit=limit, offset=offset, items=[_assessment_out(a) for a in page])


@assessments.get("/assessments/{assessment_id}", response=_out(200, AssessmentOut), summary="One assessment")
def get_assessment(request: HttpRequest, assessment_id: int = Id) -> AssessmentOut:
    need(request, "assessments", "read")
    assessment = access_row(request, Assessment.objects.filter(pk=assessment_id), Purpose.CLINICAL,
                            action="api:view:assessment", missing="No such assessment.")
    return _assessment_out(assessment)


def idempotency_key(user: User, client_key: str) -> str:
    """The assessment's idempotency key: the client's key, namespaced by its user (64 hex characters)."""
    return hashlib.sha256(f"api:{user.pk}:{client_key}".encode()).hexdigest()


def item_problems(
    instrument_name: str, mother: Mother, answers: dict[str, Any], *, paper: bool
) -> list[tuple[str, str]]:
    instrument = load_instrument(instrument_name, mother.site)
    _scores, problems = instruments.check_answers(instrument, {k: v for k, v in answers.items() if v is not None})
    return [(f"answers.{p.item}", p.describe()) for p in problems if not (paper and p.reason == "missing")]


def submit_assessment(
    request: HttpRequest, user: User, mother: Mother, instrument: str, answers: dict[str, Any],
    answered_on: Any, key: str, scheduled_id: int | None = None, *, date_field: str = "answered_on",
) -> tuple[Assessment, bool]:
    """Record one response through `record_assessment`, as the web's paper form (clinicians) or her own
    questionnaire (mothers) does. Returns (assessment, created)."""
    if user.role == Role.CLINICIAN:
        source = Source.PAPER
    elif user.role == Role.MOTHER and mother.user_id == user.pk:
        source = Source.MOTHER
        if not answerable_by_mother(instrument, mother.site):
            raise Unprocessable("This questionnaire is gone through with your care team, not sent online.",
                                [("instrument", "not offered to mothers online at this site")])
    else:
        raise PermissionDenied("Only clinicians and the mother herself submit questionnaires.")
    # A retry of a submission already stored returns it, whatever has happened since (its schedule completed…).
    existing = Assessment.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.mother_id != mother.pk:
            raise Unprocessable("This key was used for another mother's submission.",
                                [("client_key", "already used for another mother")], status=409)
        return existing, False
    problems = item_problems(instrument, mother, answers, paper=source == Source.PAPER)
    if answered_on is not None and answered_on > timezone.localdate():
        problems.append((date_field, "the day answered cannot be in the future"))
    if problems:
        raise Unprocessable("Some answers are not valid.", problems)
    scheduled = None
    if scheduled_id is not None:
        scheduled = ScheduledQuestionnaire.objects.filter(
            pk=scheduled_id, mother=mother, instrument=instrument, status=ScheduledQuestionnaire.Status.SCHEDULED
        ).first()
        if scheduled is None:
            raise Unprocessable("No such questionnaire waiting for her answers.",
                                [("scheduled_id", "not a scheduled questionnaire of hers for this instrument")])
    try:
        assessment = screening.record_assessment(
            mother, instrument, answers, source=source, by=user,
            answered_on=answered_on or timezone.localdate(), idempotency_key=key, scheduled=scheduled,
        )
    except screening.ScreeningError as error:
        # The API names its own fields, and a key reused for another mother is a conflict (409).
        if error.field == "idempotency_key":
            raise Unprocessable(error.message, [("client_key", "already used for another mother")],
                                status=409) from error
        field = date_field if error.field == "answered_on" else "answers"
        raise Unprocessable(error.message, [(field, error.message)]) from error
    return assessment, True


@assessments.post("/mothers/{mother_id}/assessments", response={**_out(201, AssessmentOut), 200: AssessmentOut},
                  summary="Submit a questionnaire: scored, risk rules and alerts as on the web; idempotent")
def create_assessment(
    request: HttpRequest, payload: AssessmentIn, mother_id: int = Id
) -> Status[AssessmentOut]:
    """Clinicians enter a (paper) response; a mother sends her own. The same `client_key` again returns the
    first assessment (200) and raises nothing twice."""
    user = need(request, "assessments", "write")
    mother = access_mother(request, mother_id, Purpose.CLINICAL, action="api:open:assessment-entry")
    assessment, created = submit_assessment(
        request, user, mother, payload.instrument, dict(payload.answers), payload.answered_on,
        idempotency_key(user, payload.client_key), payload.scheduled_id,
    )
    return Status(201 if created else 200, _assessment_out(assessment))


# ---- alerts ------------------------------------------------------------------------------------------------

alerts = Router(tags=["alerts"])
ALERT_ROLES = frozenset({Role.CLINICIAN, Role.SITE_LEAD})
Queued = TypeVar("Queued", RiskAlert, FollowUp)


def _check_queue_role(user: User, kind: str) -> User:
    """The alert queue's rows are for clinicians and site leads only."""
    if user.role not in ALERT_ROLES:
        raise PermissionDenied(f"{kind} are for clinicians and site leads.")
    return user


def _queue_page(request: HttpRequest, rows: QuerySet[Queued], *, scope: str, kind: str, status: str, limit: int,
                offset: int) -> tuple[int, list[Queued]]:
    """A page of the alert queue's rows about the mothers in her scope (`rows` already filtered by status)."""
    user = _check_queue_role(need(request, scope, "read"), kind)
    count, page = _page(rows.filter(mother__in=mothers_in_scope(user)), limit, offset)
    audit(request, f"api:list:{kind.lower().replace(' ', '-')}", detail=f"{status}: {len(page)} of {count}")
    return count, page


def _queue_item(request: HttpRequest, rows: QuerySet[Queued], *, scope: str, kind: str, action: str) -> Queued:
    """One row of the alert queue, opened through the scoping layer (404 outside it, audited as `action`)."""
    user = need(request, scope, "write" if action.startswith("api:ack") else "read")
    found = access_row(request, rows, Purpose.ALERTS, action=action, missing=f"No such {kind.lower()[:-1]}.")
    _check_queue_role(user, kind)
    return found


def _alert_out(a: RiskAlert) -> AlertOut:
    return AlertOut(
        id=a.pk, mother_id=a.mother_id, assessment_id=a.assessment_id, kind=a.kind, instrument=a.instrument,
        reason=a.reason, priority=a.priority, status=a.status, raised_at=a.raised_at, ack_due_at=a.ack_due_at,
        escalation_level=a.escalation_level, acknowledged_at=a.acknowledged_at, action=a.action,
        closed_at=a.closed_at,
    )


@alerts.get("/alerts", response=_out(200, AlertPage), summary="Risk alerts of your site (clinicians, site leads)")
def list_alerts(request: HttpRequest, status: str = Query("active", pattern="^(active|open|acknowledged|closed|all)$"),
                limit: int = Limit, offset: int = Offset) -> AlertPage:
    rows = RiskAlert.objects.order_by("priority", "-raised_at", "-id")
    if status == "active":
        rows = rows.filter(status__in=[RiskAlert.Status.OPEN, RiskAlert.Status.ACKNOWLEDGED])
    elif status != "all":
        rows = rows.filter(status=status)
    count, page = _queue_page(request, rows, scope="alerts", kind="Alerts", status=status, limit=limit, offset=offset)
    return AlertPage(count=count, limit=limit, offset=offset, items=[_alert_out(a) for a in page])


def _alert(request: HttpRequest, alert_id: int, action: str) -> RiskAlert:
    return _queue_item(request, RiskAlert.objects.filter(pk=alert_id), scope="alerts", kind="Alerts", action=action)


@alerts.get("/alerts/{alert_id}", response=_out(200, AlertOut), summary="One alert")
def get_alert(request: HttpRequest, alert_id: int = Id) -> AlertOut:
    return _alert_out(_alert(request, alert_id, "api:view:alert"))


@alerts.post("/alerts/{alert_id}/acknowledge", response=_out(200, AlertOut),
             summary="Acknowledge an alert (stops its escalation); acknowledging twice changes nothing")
def acknowledge_alert(request: HttpRequest, alert_id: int = Id) -> AlertOut:
    alert = _alert(request, alert_id, "api:ack:alert")
    return _alert_out(screening.acknowledge_alert(alert, by=need(request, "alerts", "write")))


# ---- follow-ups --------------------------------------------------------------------------------------------

followups = Router(tags=["follow-ups"])


def _follow_up_out(f: FollowUp) -> FollowUpOut:
    return FollowUpOut(
        id=f.pk, mother_id=f.mother_id, assessment_id=f.assessment_id, alert_id=f.alert_id, instrument=f.instrument,
        trigger=f.trigger, action=f.action, what=f.what, owner_role=f.owner_role, owner_id=f.owner_id,
        status=f.status, due_at=f.due_at, escalation_level=f.escalation_level, outcome=f.outcome,
        closed_at=f.closed_at,
    )


@followups.get("/follow-ups", response=_out(200, FollowUpPage),
               summary="Follow-ups of positive screens at your site (clinicians, site leads)")
def list_follow_ups(request: HttpRequest, status: str = Query("open", pattern="^(open|closed|all)$"),
                    limit: int = Limit, offset: int = Offset) -> FollowUpPage:
    rows = FollowUp.objects.order_by("due_at", "id")
    if status != "all":
        rows = rows.filter(status=status)
    count, page = _queue_page(request, rows, scope="followups", kind="Follow-ups", status=status, limit=limit,
                              offset=offset)
    return FollowUpPage(count=count, limit=limit, offset=offset, items=[_follow_up_out(f) for f in page])


def _follow_up(request: HttpRequest, follow_up_id: int, action: str) -> FollowUp:
    return _queue_item(request, FollowUp.objects.filter(pk=follow_up_id), scope="followups", kind="Follow-ups",
                       action=action)


@followups.get("/follow-ups/{follow_up_id}", response=_out(200, FollowUpOut), summary="One follow-up")
def get_follow_up(request: HttpRequest, follow_up_id: int = Id) -> FollowUpOut:
    return _follow_up_out(_follow_up(request, follow_up_id, "api:view:follow-up"))


@followups.post("/follow-ups/{follow_up_id}/acknowledge", response=_out(200, FollowUpOut),
                summary="Acknowledge a follow-up: you become its owner (clinicians)")
def acknowledge_follow_up(request: HttpRequest, follow_up_id: int = Id) -> FollowUpOut:
    item = _follow_up(request, follow_up_id, "api:ack:follow-up")
    user = need(request, "followups", "write")
    if user.role != Role.CLINICIAN:
        raise PermissionDenied("Only a clinician takes a follow-up.")
    try:
        return _follow_up_out(pathway.take_follow_up(item, by=user))
    except pathway.PathwayError as error:
        raise Unprocessable(str(error), [("follow_up_id", str(error))], status=409) from error


# ---- practice ----------------------------------------------------------------------------------------------

practice = Router(tags=["practice sessions"])


def _practice_out(p: PracticeLog) -> PracticeOut:
    return PracticeOut(
        id=p.pk, mother_id=p.mother_id, started_at=p.started_at, duration_seconds=p.duration_seconds,
        guided=p.guided, outcome=p.outcome, mood_before=p.mood_before, mood_after=p.mood_after,
        baby_response=p.baby_response, steps_completed=p.steps_completed, steps_total=p.steps_total,
    )


@practice.get("/mothers/{mother_id}/practice-sessions", response=_out(200, PracticePage),
              summary="A mother's home practice, newest first")
def list_practice(request: HttpRequest, mother_id: int = Id, limit: int = Limit, offset: int = Offset) -> PracticePage:
    need(request, "practice", "read")
    mother = access_mother(request, mother_id, Purpose.PROGRAMME, action="api:view:practice")
    count, page = _page(PracticeLog.objects.filter(mother=mother).order_by("-started_at", "-id"), limit, offset)
    return PracticePage(count=count, limit=limit, offset=offset, items=[_practice_out(p) for p in page])


@practice.post("/mothers/{mother_id}/practice-sessions", response={**_out(201, PracticeOut), 200: PracticeOut},
               summary="Log one of her own practice sessions (mothers); idempotent by client_token")
def create_practice(request: HttpRequest, payload: PracticeIn, mother_id: int = Id) -> Status[PracticeOut]:
    user = need(request, "practice", "write")
    mother = access_mother(request, mother_id, Purpose.PROGRAMME, action="api:open:practice-log")
    if user.role != Role.MOTHER or own_mother_record(request).pk != mother.pk:
        raise PermissionDenied("A mother logs her own practice.")
    token = uuid.UUID(payload.client_token) if payload.client_token else None
    existed = token is not None and PracticeLog.objects.filter(client_token=token, mother=mother).exists()
    entry = programme.PracticeEntry(
        started_at=payload.started_at, duration_seconds=payload.duration_seconds, guided=payload.guided,
        completed=payload.completed, mood_before=payload.mood_before, mood_after=payload.mood_after,
        baby_response=payload.baby_response, steps_completed=payload.steps_completed,
        steps_total=payload.steps_total, client_token=token,
    )
    log = programme.log_practice(entry, by=user)
    return Status(200 if existed else 201, _practice_out(log))


# ---- courses and bookings ----------------------------------------------------------------------------------

courses = Router(tags=["courses and bookings"])


def _courses(user: User) -> QuerySet[Course]:
    return programme.course_queryset(user).select_related("site").annotate(
        n_booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)),
        n_waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITING)),
    )


def _course_out(c: Any) -> CourseOut:
    return CourseOut(
        id=c.pk, site=c.site.slug, title=c.title, description=c.description, place=c.place, capacity=c.capacity,
        starts_on=c.starts_on, booked=c.n_booked, waiting=c.n_waiting, minutes_per_session=c.minutes_per_session,
        sessions_per_week=c.sessions_per_week, dose_weeks=c.dose_weeks,
    )


@courses.get("/courses", response=_out(200, CoursePage), summary="Courses you may see")
def list_courses(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> CoursePage:
    user = need(request, "courses", "read")
    count, page = _page(_courses(user).order_by("-starts_on", "-id"), limit, offset)
    return CoursePage(count=count, limit=limit, offset=offset, items=[_course_out(c) for c in page])


@courses.get("/courses/{course_id}", response=_out(200, CourseOut), summary="One course")
def get_course(request: HttpRequest, course_id: int = Id) -> CourseOut:
    user = need(request, "courses", "read")
    return _course_out(_one(_courses(user), course_id, "No such course."))


def _bookings(user: User) -> QuerySet[Booking]:
    if user.role == Role.MOTHER:
        return Booking.objects.filter(mother__user=user)
    return Booking.objects.filter(course__in=programme.course_queryset(user), mother__in=mothers_in_scope(user))


def _booking_out(b: Booking) -> BookingOut:
    return BookingOut(id=b.pk, course_id=b.course_id, mother_id=b.mother_id, status=b.status,
                      requested_at=b.requested_at, placed_at=b.placed_at, cancelled_at=b.cancelled_at)


@courses.get("/bookings", response=_out(200, BookingPage), summary="Bookings you may see")
def list_bookings(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> BookingPage:
    user = need(request, "bookings", "read")
    count, page = _page(_bookings(user).order_by("-requested_at", "-id"), limit, offset)
    audit(request, "api:list:bookings", detail=f"{len(page)} of {count}")
    return BookingPage(count=count, limit=limit, offset=offset, items=[_booking_out(b) for b in page])


@courses.post("/courses/{course_id}/bookings", response={**_out(201, BookingOut), 200: BookingOut},
              summary="Book a place (a mother herself, or staff for a mother in their scope)")
def create_booking(request: HttpRequest, payload: BookingIn, course_id: int = Id) -> Status[BookingOut]:
    user = need(request, "bookings", "write")
    if not programme.course_queryset(user).filter(pk=course_id).exists():
        raise Http404("No such course.")
    if user.role == Role.MOTHER:
        if payload.mother_id is not None and payload.mother_id != own_mother_record(request).pk:
            raise Http404("No such record.")
        before = Booking.objects.filter(course_id=course_id, mother__user=user, status__in=["booked", "waiting"])
        existed = before.exists()
        booking = programme.book_own_place(course_id, by=user)
    else:
        if payload.mother_id is None:
            raise Unprocessable("Say whom to enrol.", [("mother_id", "required for staff")])
        access_mother(request, payload.mother_id, Purpose.PROGRAMME, action="api:open:booking")
        existed = Booking.objects.filter(course_id=course_id, mother_id=payload.mother_id,
                                         status__in=["booked", "waiting"]).exists()
        booking = programme.enrol_mother(course_id, payload.mother_id, by=user)
    return Status(200 if existed else 201, _booking_out(booking))


@courses.post("/bookings/{booking_id}/cancel", response=_out(200, BookingOut), summary="Cancel a booking")
def cancel_booking(request: HttpRequest, booking_id: int = Id) -> BookingOut:
    user = need(request, "bookings", "write")
    booking = _one(_bookings(user), booking_id, "No such booking.")
    programme.cancel_booking(booking.pk, by=user)
    booking.refresh_from_db()
    return _booking_out(booking)


# ---- studies: pseudonymised exports and REDCap -------------------------------------------------------------

studies = Router(tags=["studies"])
CSV_FILE = {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "A CSV file"}


@studies.get("/studies", response=_out(200, StudyPage), summary="Studies you work on")
def list_studies(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> StudyPage:
    user = need(request, "studies", "read")
    rows = studies_for(user).annotate(n=Count("participants", distinct=True)).order_by("code")
    count, page = _page(rows, limit, offset)
    return StudyPage(count=count, limit=limit, offset=offset, items=[
        StudyOut(id=s.pk, code=s.code, title=s.title, design=s.design, status=s.status,
                 schedule_weeks=[int(w) for w in s.schedule_weeks.split(",") if whole_number(w.strip())],
                 participants=s.n)
        for s in page
    ])


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@studies.get("/studies/{study_id}/export/{fmt}", response=ERRORS, summary="Pseudonymised export (researchers)",
             openapi_extra={"responses": {"200": CSV_FILE}})
def study_export(request: HttpRequest, study_id: int = Id,
                 fmt: str = Path(..., pattern="^(csv|dictionary)$")) -> HttpResponse:
    """The study's pseudonymised long table (CSV) or its data dictionary: study codes, shifted dates, no names;
    the arm is blank for blinded researchers until the database is locked, as in the web's export."""
    user = need(request, "studies", "read")
    study = access_study(request, study_id, roles=MEMBER_ROLES, action=f"api:export:study-{fmt}")
    link_outcomes(study)
    return _file(*exports.render(study, fmt, mask_arm=not sees_by_arm(user, study)))


@studies.get("/studies/{study_id}/redcap/{part}", response=ERRORS,
             summary="The study as a REDCap project (researchers)", openapi_extra={"responses": {"200": CSV_FILE}})
def study_redcap(request: HttpRequest, study_id: int = Id,
                 part: str = Path(..., pattern="^(dictionary|events|mapping|records)$")) -> HttpResponse:
    """`dictionary`: the data dictionary; `events` and `mapping`: the longitudinal events (one per visit) and
    which form each holds; `records`: the records in REDCap's import CSV (study codes, shifted dates; the arm
    blank for blinded researchers until the database is locked)."""
    user = need(request, "redcap", "read")
    study = access_study(request, study_id, roles=MEMBER_ROLES, action=f"api:export:redcap-{part}")
    link_outcomes(study)
    content = redcap.render(study, part, mask_arm=not sees_by_arm(user, study))
    return _file(content, "text/csv; charset=utf-8", f"{study.code.lower()}-redcap-{part}.csv")


@studies.post("/redcap/import", response=_out(200, RedcapImportOut),
              summary="Import a REDCap records export into assessments (clinicians); all or nothing")
def redcap_import(request: HttpRequest, payload: RedcapImportIn) -> RedcapImportOut:
    """Each record × event × questionnaire is checked and scored; the report names each one. When any record
    is refused, nothing is imported. Records already imported (same values) are reported, not duplicated."""
    user = need(request, "redcap", "write")
    if user.role != Role.CLINICIAN:
        raise PermissionDenied("Clinicians import questionnaires.")
    study = None
    if payload.study_id is not None:
        study = access_study(request, payload.study_id, action="api:import:redcap")
    try:
        report = redcap.import_records(payload.records_csv, by=user, study=study,
                                       dry_run=payload.dry_run)
    except redcap.RedcapFileError as error:
        raise Unprocessable(str(error), [("records_csv", str(error))]) from error
    return RedcapImportOut(
        imported=report.imported, already_present=report.already_present, refused=report.refused,
        dry_run=report.dry_run,
        records=[RecordReport(record_id=r.record_id, event=r.event, instrument=r.instrument, status=r.status,
                              assessment_id=r.assessment_id, problems=list(r.problems)) for r in report.records],
    )


for router in (mothers, schedules, assessments, alerts, followups, practice, courses, studies):
    api.add_router("", router)
