"""Home-page panels of the accounts capability."""

from __future__ import annotations

from django.http import HttpRequest

from bondwell.accounts.access import mothers_in_scope
from bondwell.accounts.models import User
from bondwell.accounts.roles import Role
from bondwell.web.navigation import Panel


def people(request: HttpRequest) -> Panel | None:
    user = request.user
    if not isinstance(user, User):
        return None
    if user.role in {Role.EDUCATOR, Role.CLINICIAN, Role.SITE_LEAD}:
        count = mothers_in_scope(user).count()
        return Panel("accounts/panels/mothers.html", {"count": count}, order=90)
    if user.role == Role.ADMIN:
        return Panel("accounts/panels/admin.html", {"users": User.objects.count()}, order=10)
    if user.role == Role.MOTHER:
        return Panel("accounts/panels/mother.html", {}, order=90)
    if user.role == Role.RESEARCHER:
        return Panel("accounts/panels/researcher.html", {}, order=90)
    return None
