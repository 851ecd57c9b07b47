"""The shell's own views: the role home page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bondwell.accounts.roles import Role
from bondwell.web.navigation import home_panels

HOME_TITLES: dict[str, str] = {
    Role.MOTHER: "Your space",
    Role.EDUCATOR: "Your classes",
    Role.CLINICIAN: "Clinic",
    Role.SITE_LEAD: "Your site",
    Role.RESEARCHER: "Research",
    Role.ADMIN: "Administration",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = str(getattr(request.user, "role", ""))
    return render(
        request,
        "web/home.html",
        {"title": HOME_TITLES.get(role, "Home"), "role": role, "panels": home_panels(request)},
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure makes the service unhealthy
        return JsonResponse({"status": "error", "database": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
