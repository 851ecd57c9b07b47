"""Practice without a connection: the installable web app (manifest, service worker), the offline copy of the
guided session, and the endpoint that receives practice logs queued on her phone.

The service worker is rendered by Django so it knows the hashed static file names it must cache; it caches the
routine, the guided session and their files, never a questionnaire (a risk answer must reach the server at
once: offline, questionnaire pages answer with the offline page that says so). A log made offline carries the
session's token (its idempotency key): sending it twice saves it once.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bondwell.accounts.access import own_mother_record, require_role
from bondwell.accounts.models import User
from bondwell.accounts.roles import Role
from bondwell.programme import services
from bondwell.programme.content import shipped_content
from bondwell.programme.forms import GuidedSaveForm
from bondwell.programme.models import BabyResponse, PracticeLog

# Static files the routine and the guided session need without a connection.
OFFLINE_STATIC = (
    "bondwell/bondwell.css", "bondwell/vendor/htmx-2.0.11.min.js", "bondwell/offline-queue.js",
    "programme/programme.css", "programme/guided.js", "bondwell/icons/icon-192.png", "bondwell/icons/icon-512.png",
)
# Pages cached when she is online and shown from the cache without a connection.
OFFLINE_PAGES = ("programme-routine", "programme-guided", "programme-guided-offline", "offline")
MAX_OFFLINE_AGE = timedelta(days=30)


def _files_digest() -> str:
    """Changes when a cached file's (hashed) name does: the worker then replaces its cache."""
    names = "|".join(static(p) for p in OFFLINE_STATIC)
    return hashlib.sha256(names.encode()).hexdigest()[:12]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    content = shipped_content()
    pages = [reverse(name) for name in OFFLINE_PAGES]
    response = render(request, "programme/sw.js", {
        "version": f"{content.routine.version}-{_files_digest()}",
        "pages": json.dumps(pages), "static_files": json.dumps([static(p) for p in OFFLINE_STATIC]),
        "static_prefix": json.dumps(static("")), "offline": json.dumps(reverse("offline")),
        "guided_check": json.dumps(reverse("programme-guided")),
        "guided_offline": json.dumps(reverse("programme-guided-offline")),
    }, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "Bondwell", "short_name": "Bondwell", "lang": get_language(), "dir": "rtl" if get_language_bidi()
        else "ltr", "start_url": reverse("programme-practice"), "scope": "/", "display": "standalone",
        "background_color": "#fbfaf7", "theme_color": "#2f6f62",
        "description": _("Infant massage at home, one step at a time."),
        "icons": [
            {"src": static("bondwell/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("bondwell/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("bondwell/icons/icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    return HttpResponse(json.dumps(data), content_type="application/manifest+json")


def offline(request: HttpRequest) -> HttpResponse:
    """What she sees on a page that needs a connection while she has none (served by the service worker)."""
    return render(request, "programme/offline.html", {"title": _("You are offline")})


@require_role(Role.MOTHER)
@require_GET
def guided_offline(request: HttpRequest) -> HttpResponse:
    """The guided session as the service worker keeps it: the safety check's answers come in the address (the
    worker puts them there when the check cannot reach the server) and the page's script applies the same rules
    from the same content: a "no" to a question that blocks ends the session kindly before it starts."""
    own_mother_record(request)
    content = shipped_content()
    steps = [(step, content.diagram_svg(step)) for step in content.routine.steps]
    return render(request, "programme/guided.html", {
        "title": _("Guided massage"), "content": content, "steps": steps, "token": "", "offline_copy": True,
        "baby_responses": BabyResponse.choices, "advice": [], "safety_check": content.safety_check,
        "total_minutes": round(content.routine.total_seconds / 60),
    })


@require_role(Role.MOTHER)
@require_POST
def offline_log(request: HttpRequest) -> JsonResponse:
    """A guided session sent by her phone's script (at once, or later from its queue). JSON in, JSON out; the
    token makes a resend save nothing new (200 with the same id instead of 201)."""
    own_mother_record(request)
    user = request.user
    assert isinstance(user, User)
    try:
        payload: Any = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": _("That session could not be read.")}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": _("That session could not be read.")}, status=400)
    form = GuidedSaveForm({k: "" if v is None else str(v) for k, v in payload.items()})
    if not form.is_valid():
        return JsonResponse({"error": _("That session could not be saved."), "fields": list(form.errors)}, status=400)
    data = form.cleaned_data
    now = timezone.now()
    started = form.started_at()
    if started > now + timedelta(minutes=5):
        started = now - timedelta(seconds=data["duration_seconds"])  # a phone clock far ahead: trust ours
    if started < now - MAX_OFFLINE_AGE:
        return JsonResponse({"error": _("That session is too old to add.")}, status=400)
    entry = form.entry(started, shipped_content().routine.version)
    before = PracticeLog.objects.filter(client_token=data["token"], mother__user=user).exists()
    try:
        log = services.log_practice(entry, by=user)
    except services.ProgrammeError:
        return JsonResponse({"error": _("That session could not be saved.")}, status=400)
    if payload.get("announce"):
        # Saved while she is on the page: the practice page she goes to says so, as the form post does.
        messages.success(request, _("Saved. Thank you for this time together.") if entry.completed else
                         _("Saved. Stopping when your baby has had enough is part of the massage: well done."))
    return JsonResponse({"id": log.pk, "saved": not before}, status=200 if before else 201)
