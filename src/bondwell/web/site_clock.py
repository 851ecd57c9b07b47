"""Each signed-in request runs on the clock of the person's site.

A site keeps its own time zone (`Site.zone_name`); without this, every date a page shows or stores ("answered
on", "due", "today") would be the server's date, which is the wrong day for a London site in the evening of a
server in Sydney. The zone is read once at sign-in and kept in the session, so a page view costs no query for it;
an API request gets its token's site clock (`activate_for`). Staff without a site (researchers, administrators)
keep the server's default (settings.TIME_ZONE).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from bondwell.accounts.models import Site, User

SESSION_KEY = "_bondwell_site_zone"


def remember_site_zone(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """`user_logged_in` receiver: the session holds her site's zone ("" for no site)."""
    site = Site.objects.only("time_zone", "country").get(pk=user.site_id) if user.site_id else None
    request.session[SESSION_KEY] = site.zone_name if site else ""


def activate_for(user: User) -> None:
    """For a request signed by an API token: its user's site clock (the site comes with the token's user).
    The middleware turns it off again at the end of the request."""
    if user.site is not None:
        timezone.activate(ZoneInfo(user.site.zone_name))


class SiteTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = _zone_of(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # a worker thread serves the next request on the server's clock until told


def _zone_of(request: HttpRequest) -> ZoneInfo | None:
    if not request.user.is_authenticated:
        return None
    name = request.session.get(SESSION_KEY)
    if name is None:  # a session from before sign-in kept the zone
        remember_site_zone(None, request, request.user)
        name = request.session[SESSION_KEY]
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None
