"""Each signed-in request runs on the clock of the person's site.

A site keeps its own time zone (`Site.zone_name`); without this, every date a page shows or stores ("answered
on", "due", "today") would be the server's date, which is the wrong day for a London site in the evening of a
server in Sydney. Each web process keeps the zone of each site it has served for ZONE_FRESH_SECONDS, so a page
view costs no query for it, and a site that changes its zone (`update_site_hours`) is on the new clock for all its
people within that time: at once in the process that made the change, and within a minute in the others. An API
request gets its token's site clock (`activate_for`). Staff without a site (researchers, administrators) keep the
server's default (settings.TIME_ZONE).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from bondwell.accounts.models import Site, User

ZONE_FRESH_SECONDS = 60.0
_ZONES: dict[int, tuple[str, float]] = {}  # site id -> (zone name, when it was read, monotonic)
_ZONES_LOCK = threading.Lock()


def site_zone_name(site_id: int) -> str:
    """The site's zone name as this process last read it, read again once it is ZONE_FRESH_SECONDS old."""
    now = time.monotonic()
    with _ZONES_LOCK:
        known = _ZONES.get(site_id)
    if known is not None and now - known[1] < ZONE_FRESH_SECONDS:
        return known[0]
    site = Site.objects.only("time_zone", "country").filter(pk=site_id).first()
    name = site.zone_name if site is not None else ""
    with _ZONES_LOCK:
        _ZONES[site_id] = (name, now)
    return name


def forget_site_zone(site_id: int) -> None:
    """The site's zone has changed (or may have): the next request of its people reads it again."""
    with _ZONES_LOCK:
        _ZONES.pop(site_id, None)


def forget_site_zones() -> None:
    """Every site's zone is read again at its next request (a new process starts so; the tests do)."""
    with _ZONES_LOCK:
        _ZONES.clear()


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
    user = request.user
    if not user.is_authenticated or not isinstance(user, User) or user.site_id is None:
        return None
    name = site_zone_name(user.site_id)
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None
