"""Thin views: read through the scoping layer, change through services.py."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bondwell.accounts.access import access_mother, audit, mothers_in_scope, own_mother_record, require_role
from bondwell.accounts.models import User
from bondwell.accounts.roles import Purpose, Role
from bondwell.errors import add_to_form
from bondwell.programme import checklist, services
from bondwell.programme.charts import practice_chart
from bondwell.programme.content import shipped_content
from bondwell.programme.forms import (
    CourseForm,
    DoseForm,
    EnrolForm,
    GuidedSaveForm,
    ObservationForm,
    PracticeForm,
    ReminderForm,
)
from bondwell.programme.models import (
    Attendance,
    BabyResponse,
    Booking,
    ClassSession,
    Observation,
    PracticeLog,
    ReminderPreference,
)
from bondwell.programme.observations import record_observation
from bondwell.programme.practice import dose_weeks_for, roster_dose_share
from bondwell.programme.services import course_queryset

PAGE_SIZE = 30
MOTHER_PAGE_SIZE = 10  # her own log reads on a phone: short pages
OBSERVE_DAYS_BACK = 14
STAFF = (Role.EDUCATOR, Role.CLINICIAN, Role.SITE_LEAD)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user


# ---- routine (content, for everyone signed in) ------------------------------------------------------------


@require_role(*[role.value for role in Role])
def routine(request: HttpRequest) -> HttpResponse:
    return render(request, "programme/routine.html", {"title": "The massage routine", "content": shipped_content()})


# ---- the mother's own practice ------------------------------------------------------------------------------


@require_role(Role.MOTHER)
def practice_home(request: HttpRequest) -> HttpResponse:
    mother = own_mother_record(request)
    audit(request, "view:own-practice", mother=mother)
    today = timezone.localdate()
    dose, weeks = dose_weeks_for(mother, today)
    logs = PracticeLog.objects.filter(mother=mother).order_by("-started_at", "-id")
    page = Paginator(logs, MOTHER_PAGE_SIZE).get_page(request.GET.get("page"))
    preference = ReminderPreference.objects.filter(mother=mother).first()
    return render(request, "programme/practice_home.html", {
        "title": "My practice", "mother": mother, "dose": dose, "weeks": weeks, "page": page,
        "chart": practice_chart(mother, today), "preference": preference,
    })


@require_role(Role.MOTHER)
def guided(request: HttpRequest) -> HttpResponse:
    content = shipped_content()
    mother = own_mother_record(request)
    if request.method != "POST":
        preterm = any(baby.born_preterm for baby in mother.babies.all())
        return render(request, "programme/guided_check.html",
                      {"title": "Before you start", "content": content, "preterm": preterm})
    answered_no = [q for q in content.safety_check if request.POST.get(q.key) != "yes"]
    not_now = [q for q in answered_no if q.blocks]
    if not_now:
        return render(request, "programme/guided_not_today.html", {"title": "Not today", "not_now": not_now})
    steps = [(step, content.diagram_svg(step)) for step in content.routine.steps]
    return render(request, "programme/guided.html", {
        "title": "Guided massage", "content": content, "steps": steps, "token": uuid.uuid4(),
        "baby_responses": BabyResponse.choices, "advice": [q for q in answered_no if not q.blocks],
        "total_minutes": round(content.routine.total_seconds / 60),
    })


@require_role(Role.MOTHER)
@require_POST
def guided_save(request: HttpRequest) -> HttpResponse:
    own_mother_record(request)
    form = GuidedSaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Sorry, that session could not be saved. You can add it by hand below."))
        return redirect("programme-practice-new")
    data = form.cleaned_data
    now = timezone.now()
    started = form.started_at()
    if not now - timedelta(hours=12) <= started <= now + timedelta(minutes=5):
        started = now - timedelta(seconds=data["duration_seconds"])  # a phone clock far off: trust ours
    try:
        services.log_practice(form.entry(started, shipped_content().routine.version), by=_user(request))
    except services.ProgrammeError:
        messages.error(request, _("Sorry, that session could not be saved. You can add it by hand below."))
        return redirect("programme-practice-new")
    if data["outcome"] == "completed":
        messages.success(request, _("Saved. Thank you for this time together."))
    else:
        messages.success(
            request, _("Saved. Stopping when your baby has had enough is part of the massage: well done.")
        )
    return redirect("programme-practice")


@require_role(Role.MOTHER)
def practice_new(request: HttpRequest) -> HttpResponse:
    own_mother_record(request)
    form = PracticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = services.PracticeEntry(
            started_at=data["started_at"], duration_seconds=data["minutes"] * 60, guided=False,
            completed=data["completed"], mood_before=data["mood_before"], mood_after=data["mood_after"],
            baby_response=data["baby_response"],
        )
        try:
            services.log_practice(entry, by=_user(request))
        except services.ProgrammeError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Saved. Every session counts."))
            return redirect("programme-practice")
    return render(request, "programme/practice_new.html", {"title": _("Add a session"), "form": form})


@require_role(Role.MOTHER)
def reminders(request: HttpRequest) -> HttpResponse:
    mother = own_mother_record(request)
    preference = ReminderPreference.objects.filter(mother=mother).first()
    initial: dict[str, Any] = {}
    if preference is not None:
        times = [*preference.times, "", ""]
        initial = {"enabled": preference.enabled, "time_1": times[0] or None, "time_2": times[1] or None,
                   "quiet_start": preference.quiet_start, "quiet_end": preference.quiet_end}
    form = ReminderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_reminders(by=_user(request), enabled=data["enabled"], times=form.times(),
                                   quiet_start=data["quiet_start"], quiet_end=data["quiet_end"])
        except services.ProgrammeError as error:
            add_to_form(form, error, fields={"times": "time_1"})
        else:
            messages.success(request, _("Your reminder times are saved."))
            return redirect("programme-practice")
    return render(request, "programme/reminders.html", {"title": _("Reminders"), "form": form})


# ---- courses and bookings -----------------------------------------------------------------------------------


@require_role(Role.MOTHER, *STAFF)
def courses(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    visible = course_queryset(user).select_related("educator").order_by("-starts_on", "id")
    context: dict[str, Any] = {"title": "Classes", "today": today}
    if user.role == Role.MOTHER:
        mother = own_mother_record(request)
        context.update(_mother_bookings(mother, visible, today))
        return render(request, "programme/courses_mother.html", context)
    page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(page=page, may_create=user.role in services.PLANNING_ROLES)
    return render(request, "programme/courses_staff.html", context)


def _mother_bookings(mother: Any, visible: Any, today: Any) -> dict[str, Any]:
    """Her bookings now (with her place on a waiting list), her past courses class by class (attended or
    missed), and the courses open to book with the places left (full: a clear waiting-list choice)."""
    bookings = list(
        Booking.objects.filter(mother=mother).exclude(status=Booking.Status.CANCELLED)
        .select_related("course").prefetch_related("course__sessions").order_by("-course__starts_on")[:20]
    )
    present = set(
        Attendance.objects.filter(mother=mother, status=Attendance.Status.PRESENT).values_list("session_id", flat=True)
    )
    current, past = [], []
    for booking in bookings:
        sessions = list(booking.course.sessions.all())
        last = max((timezone.localdate(s.starts_at) for s in sessions), default=booking.course.starts_on)
        if last < today and booking.status == Booking.Status.BOOKED:
            held = [(s, s.pk in present) for s in sessions if timezone.localdate(s.starts_at) <= today]
            past.append({"booking": booking, "classes": held, "attended": sum(1 for _, here in held if here)})
        elif last >= today:
            position = None
            if booking.status == Booking.Status.WAITING:
                ahead = Booking.objects.filter(course=booking.course, status=Booking.Status.WAITING).filter(
                    Q(requested_at__lt=booking.requested_at) | Q(requested_at=booking.requested_at, id__lt=booking.pk)
                ).count()
                position = ahead + 1
            current.append({"booking": booking, "position": position})
    mine = {b.course_id: b for b in bookings}
    open_courses = list(visible.filter(starts_on__gte=today - timedelta(days=7)).prefetch_related("sessions")
                        .annotate(booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)))[:20])
    return {
        "current": current, "past": past, "bookings": bookings,
        "open_courses": [(c, mine.get(c.pk), max(0, c.capacity - c.booked)) for c in open_courses],
    }


@require_role(Role.MOTHER)
@require_POST
def book(request: HttpRequest) -> HttpResponse:
    own_mother_record(request)
    try:
        booking = services.book_own_place(int(request.POST.get("course_id", "0")), by=_user(request))
    except ValueError:  # not a number, or a ProgrammeError (no such course at her site)
        raise Http404("No such course.") from None
    if booking.status == Booking.Status.BOOKED:
        messages.success(request, _("You have a place on %(course)s.") % {"course": booking.course.title})
    else:
        ahead = Booking.objects.filter(course=booking.course, status=Booking.Status.WAITING).filter(
            Q(requested_at__lt=booking.requested_at) | Q(requested_at=booking.requested_at, id__lt=booking.pk)
        ).count()
        messages.success(request, _(
            "%(course)s is full: you are on the waiting list (number %(position)d), and will get the first place "
            "that frees up."
        ) % {"course": booking.course.title, "position": ahead + 1})
    return redirect("programme-courses")


@require_role(Role.MOTHER, *STAFF)
@require_POST
def cancel(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        booking_id = int(request.POST.get("booking_id", "0"))
        booking = Booking.objects.get(pk=booking_id)
        services.cancel_booking(booking_id, by=user)
    except (ValueError, Booking.DoesNotExist, PermissionDenied):
        raise Http404("No such booking.") from None
    messages.success(request, _("The booking is cancelled."))
    if user.role == Role.MOTHER:
        return redirect("programme-courses")
    return redirect("programme-course", course_id=booking.course_id)


@require_role(Role.EDUCATOR, Role.SITE_LEAD)
def course_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = CourseForm(request.POST or None, creator=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = services.CoursePlan(
            title=data["title"], place=data["place"], capacity=data["capacity"],
            first_class_at=data["first_class_at"], classes=data["classes"], class_minutes=data["class_minutes"],
            description=data["description"], minutes_per_session=data["minutes_per_session"],
            sessions_per_week=data["sessions_per_week"], dose_weeks=data["dose_weeks"],
        )
        try:
            course = services.create_course(plan, by=user, educator=data["educator"])
        except services.ProgrammeError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"{course.title} is ready, with {plan.classes} classes.")
            return redirect("programme-course", course_id=course.pk)
    return render(request, "programme/course_new.html", {"title": "New course", "form": form})


@require_role(*STAFF)
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    user = _user(request)
    course = course_queryset(user).select_related("educator", "site").filter(pk=course_id).first()
    if course is None:
        raise Http404("No such course.")
    bookings = list(
        Booking.objects.filter(course=course, status__in=["booked", "waiting"], mother__in=mothers_in_scope(user))
        .select_related("mother").order_by("status", "requested_at", "id")
    )
    booked = [b for b in bookings if b.status == Booking.Status.BOOKED]
    waiting = [b for b in bookings if b.status == Booking.Status.WAITING]
    sessions = list(course.sessions.order_by("number"))
    present: dict[int, int] = {}
    for mother_id in Attendance.objects.filter(session__course=course, status=Attendance.Status.PRESENT).values_list(
        "mother_id", flat=True
    ):
        present[mother_id] = present.get(mother_id, 0) + 1
    dose_share = roster_dose_share(course, [b.mother_id for b in booked], timezone.localdate())
    roster = [(b, present.get(b.mother_id, 0), round(dose_share[b.mother_id] * 100)) for b in booked]
    held = sum(1 for s in sessions if s.starts_at <= timezone.now())
    return render(request, "programme/course_detail.html", {
        "title": course.title, "course": course, "roster": roster, "waiting": waiting, "sessions": sessions,
        "held": held, "may_record": user.role in services.PLANNING_ROLES, "soon": timezone.now() + timedelta(days=1),
    })


@require_role(Role.EDUCATOR, Role.SITE_LEAD)
def attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    user = _user(request)
    session = ClassSession.objects.select_related("course").filter(
        pk=session_id, course__in=course_queryset(user)
    ).first()
    if session is None:
        raise Http404("No such class.")
    booked = list(
        Booking.objects.filter(course=session.course, status=Booking.Status.BOOKED, mother__in=mothers_in_scope(user))
        .select_related("mother").order_by("mother__full_name", "id")
    )
    existing = {a.mother_id: a for a in Attendance.objects.filter(session=session)}
    error = ""
    if request.method == "POST":
        marks = {}
        for booking in booked:
            status = request.POST.get(f"status_{booking.mother_id}", "")
            if status:
                marks[booking.mother_id] = (status, request.POST.get(f"note_{booking.mother_id}", "").strip())
        try:
            written = services.record_attendance(session.pk, marks, by=user)
        except services.ProgrammeError as problem:
            error = problem.message
        else:
            messages.success(request, f"Attendance saved for {written} mother{'s' if written != 1 else ''}.")
            return redirect("programme-course", course_id=session.course_id)
    rows = [(b.mother, existing.get(b.mother_id)) for b in booked]
    return render(request, "programme/attendance.html", {
        "title": f"Attendance: class {session.number}", "session": session, "rows": rows,
        "statuses": Attendance.Status.choices, "error": error,
    })


# ---- one mother's programme record, for staff ---------------------------------------------------------------


@require_role(*STAFF)
def mother_practice(request: HttpRequest, mother_id: int) -> HttpResponse:
    mother = access_mother(request, mother_id, Purpose.PROGRAMME)
    today = timezone.localdate()
    dose, weeks = dose_weeks_for(mother, today)
    logs = PracticeLog.objects.filter(mother=mother).order_by("-started_at", "-id")[:PAGE_SIZE]
    visits = Attendance.objects.filter(mother=mother).select_related("session", "session__course").order_by(
        "-session__starts_at"
    )[:PAGE_SIZE]
    bookings = Booking.objects.filter(mother=mother).select_related("course").order_by("-requested_at")[:PAGE_SIZE]
    return render(request, "programme/mother_practice.html", {
        "title": f"Programme: {mother.full_name}", "mother": mother, "dose": dose, "weeks": weeks, "logs": logs,
        "visits": visits, "bookings": bookings,
    })


@require_role(*STAFF)
def enrol(request: HttpRequest, mother_id: int) -> HttpResponse:
    mother = access_mother(request, mother_id, Purpose.PROGRAMME)
    user = _user(request)
    open_courses = course_queryset(user).filter(starts_on__gte=timezone.localdate() - timedelta(days=14))
    form = EnrolForm(request.POST or None, courses=open_courses.order_by("starts_on", "id"))
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.enrol_mother(form.cleaned_data["course"].pk, mother.pk, by=user)
        except services.ProgrammeError as error:
            add_to_form(form, error)
        else:
            where = "a place" if booking.status == Booking.Status.BOOKED else "a place on the waiting list"
            messages.success(request, f"{mother.full_name} has {where} on {booking.course.title}.")
            return redirect("programme-mother-practice", mother_id=mother.pk)
    return render(request, "programme/enrol.html", {"title": f"Enrol {mother.full_name}", "form": form,
                                                    "mother": mother})


@require_role(*STAFF)
def dose(request: HttpRequest, mother_id: int) -> HttpResponse:
    mother = access_mother(request, mother_id, Purpose.PROGRAMME)
    form = DoseForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_dose(mother.pk, by=_user(request), **form.cleaned_data)
        except services.ProgrammeError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"The home-practice dose for {mother.full_name} is saved.")
            return redirect("programme-mother-practice", mother_id=mother.pk)
    return render(request, "programme/dose.html", {"title": f"Home-practice dose: {mother.full_name}",
                                                   "form": form, "mother": mother})


# ---- the educator in class ------------------------------------------------------------------------------


@require_role(Role.EDUCATOR)
def observe(request: HttpRequest) -> HttpResponse:
    """Her recent classes with the mothers booked on each, to observe on a tablet."""
    user = _user(request)
    now = timezone.now()
    sessions = list(
        ClassSession.objects.filter(course__educator=user, starts_at__lte=now + timedelta(hours=2),
                                    starts_at__gte=now - timedelta(days=OBSERVE_DAYS_BACK))
        .select_related("course").order_by("-starts_at")[:20]
    )
    in_scope = mothers_in_scope(user)
    rows = []
    for session in sessions:
        booked = in_scope.filter(
            programme_bookings__course_id=session.course_id, programme_bookings__status=Booking.Status.BOOKED
        ).order_by("full_name")[:50]
        done = set(Observation.objects.filter(session=session).values_list("mother_id", flat=True))
        rows.append((session, [(m, m.pk in done) for m in booked]))
    return render(request, "programme/observe.html", {"title": "Observe a class", "rows": rows,
                                                     "non_validated": checklist.NON_VALIDATED_LABEL})


@require_role(Role.EDUCATOR)
def observe_mother(request: HttpRequest, session_id: int, mother_id: int) -> HttpResponse:
    mother = access_mother(request, mother_id, Purpose.PROGRAMME, action="open:observation")
    session = ClassSession.objects.filter(pk=session_id, course__educator=_user(request)).select_related(
        "course").first()
    if session is None:
        raise Http404("No such class.")
    existing = Observation.objects.filter(session=session, mother=mother).first()
    form = ObservationForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            record_observation(session, mother, form.values(), by=_user(request), note=form.cleaned_data["note"])
        except services.ProgrammeError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"Observation of {mother.full_name} saved.")
            return redirect("programme-observe")
    return render(request, "programme/observe_form.html", {
        "title": f"Observe {mother.full_name}", "mother": mother, "session": session, "form": form,
        "existing": existing, "items": checklist.ITEMS, "non_validated": checklist.NON_VALIDATED_LABEL,
    })
