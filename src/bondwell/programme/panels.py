"""Home-page panels: the mother's next class, today's practice and her recent practice; the educator's classes."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone

from bondwell.accounts.access import signed_in_mother
from bondwell.accounts.models import Mother, User
from bondwell.accounts.roles import Role
from bondwell.programme.charts import practice_chart
from bondwell.programme.models import Booking, ClassSession, PracticeLog
from bondwell.programme.practice import dose_for
from bondwell.programme.services import course_queryset
from bondwell.web.navigation import Panel


def _mother_panel(mother: Mother) -> Panel:
    now = timezone.now()
    today = timezone.localdate(now)
    booked_courses = Booking.objects.filter(mother=mother, status=Booking.Status.BOOKED).values("course_id")
    next_class = (
        ClassSession.objects.filter(course_id__in=booked_courses, starts_at__gte=now)
        .select_related("course").order_by("starts_at").first()
    )
    midnight = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    today_logs = list(PracticeLog.objects.filter(mother=mother, started_at__gte=midnight).values_list(
        "duration_seconds", flat=True))
    dose = dose_for(mother, today)
    return Panel("programme/panels/mother.html", {
        "next_class": next_class, "today_sessions": len(today_logs),
        "today_minutes": round(sum(today_logs) / 60), "dose": dose, "chart": practice_chart(mother, today),
    }, order=20)


def _staff_panel(user: User) -> Panel:
    now = timezone.now()
    upcoming = list(
        ClassSession.objects.filter(course__in=course_queryset(user), starts_at__gte=now)
        .select_related("course").order_by("starts_at")[:5]
    )
    return Panel("programme/panels/staff.html", {"upcoming": upcoming, "role": user.role}, order=30)


def programme(request: HttpRequest) -> Panel | None:
    mother = signed_in_mother(request)  # read once for all the panels of her home page
    if mother is not None:
        return _mother_panel(mother)
    user = request.user
    if isinstance(user, User) and user.role in {Role.EDUCATOR, Role.SITE_LEAD, Role.CLINICIAN}:
        return _staff_panel(user)
    return None
