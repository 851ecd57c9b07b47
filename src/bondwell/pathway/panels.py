"""Home-page panel: open and overdue follow-ups for clinicians and site leads, beside the alert count."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from bondwell.accounts.access import mothers_in_scope
from bondwell.accounts.models import User
from bondwell.accounts.roles import Role
from bondwell.pathway.models import FollowUp
from bondwell.web.navigation import Panel


def panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not isinstance(user, User) or user.role not in {Role.CLINICIAN, Role.SITE_LEAD}:
        return None
    waiting = FollowUp.objects.filter(mother__in=mothers_in_scope(user), status=FollowUp.Status.OPEN)
    return Panel(
        "pathway/panels/follow_ups.html",
        {"open": waiting.count(), "overdue": waiting.filter(due_at__lt=timezone.now()).count()},
        order=6,
    )
