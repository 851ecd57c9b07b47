"""Home-page card: the studies a clinician, site lead or researcher works on."""

from __future__ import annotations

from django.http import HttpRequest

from bondwell.accounts.models import User
from bondwell.studies.access import STUDY_ROLES, studies_for
from bondwell.web.navigation import Panel


def studies(request: HttpRequest) -> Panel | None:
    user = request.user
    if not isinstance(user, User) or user.role not in STUDY_ROLES:
        return None
    rows = list(studies_for(user).order_by("-created_at", "id")[:5])
    return Panel("studies/panels/studies.html", {"studies": rows}, order=60)
