"""Response headers every page carries, and Bondwell's own error pages in every mode.

- Content-Security-Policy: scripts only from Bondwell's own static files (no inline script, no eval), no
  plugins, no framing (frame-ancestors 'none'), forms post only to Bondwell.
- Permissions-Policy: no camera, microphone, location or payment; passkeys for Bondwell itself only.
- Cache-Control: no-store on every page a signed-in person sees (records must not stay in shared caches or
  the browser's back-forward cache after sign-out).
- A 404 is Bondwell's page even under DEBUG (Django's debug page lists every URL); 403 always; 500 without
  DEBUG (with DEBUG the developer sees the traceback).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.utils.cache import patch_vary_headers

log = logging.getLogger("bondwell.security")

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PERMISSIONS_POLICY = ", ".join([
    "camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()", "serial=()", "bluetooth=()",
    "publickey-credentials-create=(self)", "publickey-credentials-get=(self)",
])
MARK = "_bondwell_error_page"


def error_page(request: HttpRequest, status: int) -> HttpResponse:
    template = loader.get_template(f"{status}.html")
    context = {"exception": ""}
    try:
        body = template.render(context, request)
    except Exception:  # a page that cannot render (e.g. the database is down): plain words still
        log.exception("error page %s could not render", status)
        body = f"<!doctype html><title>Error {status}</title><h1>Something went wrong ({status})</h1>"
    response = HttpResponse(body, status=status)
    setattr(response, MARK, True)
    return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (settings.DEBUG and response.status_code == 404 and not getattr(response, MARK, False)
                and response.get("Content-Type", "").startswith("text/html")):
            response = error_page(request, 404)  # never Django's debug page listing every URL
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
            patch_vary_headers(response, ("Cookie",))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # Without DEBUG, Django already answers with 404.html, 403.html and 500.html.
        if settings.DEBUG and isinstance(exception, Http404):
            return error_page(request, 404)
        return None


def favicon(request: HttpRequest) -> HttpResponse:
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.shortcuts import redirect

    return redirect(staticfiles_storage.url("bondwell/favicon.svg"), permanent=True)
