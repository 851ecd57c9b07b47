"""Idle sign-out without a database write on every request.

Sessions end after SESSION_COOKIE_AGE of inactivity. Saving the session on every request would keep that exact
but costs a write per page view; renewing it once every SESSION_RENEW_SECONDS keeps the idle limit within that
margin and leaves ordinary page views read-only.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

RENEWED_AT = "_bondwell_renewed_at"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if request.user.is_authenticated:
            now = int(time.time())
            renewed_at = session.get(RENEWED_AT, 0)
            if now - int(renewed_at) >= settings.SESSION_RENEW_SECONDS:
                session[RENEWED_AT] = now  # marks the session modified: saved with a fresh expiry
        return self.get_response(request)
