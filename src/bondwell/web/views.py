"""The shell's own views: the role home page, the health check and the Prometheus metrics."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bondwell.accounts.roles import Role
from bondwell.web.navigation import home_panels

HOME_TITLES: dict[str, str | Promise] = {
    Role.MOTHER: _("Your space"),
    Role.EDUCATOR: _("Your classes"),
    Role.CLINICIAN: _("Clinic"),
    Role.SITE_LEAD: _("Your site"),
    Role.RESEARCHER: _("Research"),
    Role.STATISTICIAN: _("Trial statistics"),
    Role.ADMIN: _("Administration"),
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = str(getattr(request.user, "role", ""))
    return render(
        request,
        "web/home.html",
        {"title": HOME_TITLES.get(role, _("Home")), "role": role, "panels": home_panels(request)},
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 {"status": "ok"} only when the database answers, a worker is beating and no alert is undelivered
    past its window; otherwise 503 with the reasons (for load balancers and monitoring)."""
    from bondwell.notify import health

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure makes the service unhealthy
        return JsonResponse({"status": "error", "database": type(error).__name__}, status=503)
    report = {"database": "ok", **health.report(timezone.now())}
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for a scraper bearing BONDWELL_METRICS_TOKEN (404 without a token configured)."""
    from bondwell.notify.metrics import exposition

    token = settings.BONDWELL_METRICS_TOKEN
    if not token:
        raise Http404("Metrics are off: set BONDWELL_METRICS_TOKEN.")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        response = HttpResponse("A valid bearer token is required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(timezone.now()), content_type="text/plain; version=0.0.4; charset=utf-8")
