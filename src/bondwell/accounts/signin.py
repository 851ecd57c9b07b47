"""Password reset with a rate limit and no timing difference, and a completed reset lifting the lock-out.

- A reset request answers the same page, after the same minimum time, whether or not the email has an
  account, and whether or not a limit was reached: nobody learns who has an account.
- At most BONDWELL_RESET_LIMIT_PER_EMAIL requests per address and BONDWELL_RESET_LIMIT_PER_CLIENT per client
  address an hour are acted on; the rest are audited and dropped.
- A completed reset unlocks the account (the lock-out page tells people to reset), and is audited.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect

from bondwell.accounts.access import audit, client_address
from bondwell.accounts.models import User

WINDOW_SECONDS = 3600


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _count(key: str) -> int:
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def within_limits(email: str, client: str) -> bool:
    by_email = _count("bw:reset:email:" + hashlib.sha256(email.lower().encode()).hexdigest())
    by_client = _count(f"bw:reset:client:{client}")
    return by_email <= settings.BONDWELL_RESET_LIMIT_PER_EMAIL and by_client <= settings.BONDWELL_RESET_LIMIT_PER_CLIENT


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form: Any) -> HttpResponse:
        started = time.monotonic()
        email = str(form.cleaned_data["email"])
        if within_limits(email, client_address(self.request) or "unknown"):
            response = super().form_valid(form)
        else:
            audit(self.request, "password:reset-limited")
            response = HttpResponseRedirect(self.get_success_url())
        remaining = settings.BONDWELL_RESET_MIN_SECONDS - (time.monotonic() - started)
        _sleep(max(0.0, remaining))  # known, unknown and limited addresses all take the same time
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = form.user
            if isinstance(user, User):
                audit(self.request, "password:reset", obj=user, actor=user)
        if isinstance(user, User):
            axes_reset(username=user.email)  # the lock-out page says a reset lets you back in
        return response
