"""Home-page card for site leads and administrators: messages that could not be sent."""

from __future__ import annotations

from django.http import HttpRequest

from bondwell.accounts.models import User
from bondwell.accounts.roles import Role
from bondwell.notify.models import Message
from bondwell.web.navigation import Panel


def undelivered(request: HttpRequest) -> Panel | None:
    user = request.user
    if not isinstance(user, User) or user.role not in (Role.SITE_LEAD, Role.ADMIN):
        return None
    failed = Message.objects.filter(status=Message.Status.FAILED)
    failed = failed.filter(site=user.site) if user.role == Role.SITE_LEAD else failed.filter(site__isnull=True)
    count = failed.count()
    if not count:
        return None
    return Panel("notify/panels/undelivered.html", {"count": count}, order=5)
