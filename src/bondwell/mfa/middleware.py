"""Holds a signed-in person who needs a second factor at the second step until they pass it.

Staff without a factor go to set one up (enrolment at first sign-in); staff with one go to the second step. A
browser remembered after an earlier second step passes without it until its remembered device expires.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from bondwell.accounts.access import audit
from bondwell.accounts.models import User
from bondwell.mfa import services
from bondwell.mfa.policy import open_before_second_step, second_factor_required
from bondwell.mfa.session import NOT_ENROLLED_KEY, mark_verified, verified_method

REMEMBER_COOKIE = "bondwell_remember"


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        held = self._hold(request)
        return held if held is not None else self.get_response(request)

    def _hold(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated:
            return None
        session = request.session
        if verified_method(session, user) is not None or session.get(NOT_ENROLLED_KEY) == user.pk:
            return None
        required = second_factor_required(user.role)
        enrolled = services.has_second_factor(user)
        if not required and not enrolled:
            session[NOT_ENROLLED_KEY] = user.pk  # a mother who has not opted in
            return None
        if enrolled and services.is_remembered(user, request.COOKIES.get(REMEMBER_COOKIE, "")):
            mark_verified(session, user, "remembered-device")
            audit(request, "mfa:verified", obj=user, detail="method=remembered-device")
            return None
        if open_before_second_step(request):
            return None
        target = reverse("mfa-verify" if enrolled else "mfa-setup")
        next_path = request.get_full_path() if request.method == "GET" else reverse("home")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=403)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(f"{target}?{urlencode({'next': next_path})}")
