"""Home-page panels: a mother's due questionnaires; the open-alert count for clinicians and site leads."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from bondwell.accounts.access import mothers_in_scope, signed_in_mother
from bondwell.accounts.models import User
from bondwell.accounts.roles import Role
from bondwell.screening.models import RiskAlert
from bondwell.screening.questionnaires import due_for_mother
from bondwell.web.navigation import Panel


def panel(request: HttpRequest) -> Panel | None:
    mother = signed_in_mother(request)  # read once for all the panels of her home page
    if mother is not None:
        return Panel("screening/panels/mother.html", {"due": due_for_mother(mother, 3)}, order=20)
    user = request.user
    if isinstance(user, User) and user.role in {Role.CLINICIAN, Role.SITE_LEAD}:
        open_alerts = RiskAlert.objects.filter(
            mother__in=mothers_in_scope(user), status=RiskAlert.Status.OPEN
        )
        from bondwell.workspace.models import Concern

        return Panel(
            "screening/panels/alerts.html",
            {
                "open": open_alerts.count(),
                "overdue": open_alerts.filter(ack_due_at__lt=timezone.now()).count(),
                "concerns": Concern.objects.filter(mother__in=mothers_in_scope(user),
                                                   status=Concern.Status.OPEN).count(),
            },
            order=5,
        )
    return None
