"""A NUL character in a form field or query string is refused with 400 before any view sees it.

PostgreSQL text cannot hold NUL (0x00): a search for "\\x00" was a 500 there (and fine on SQLite). No person types
one, so the request is refused as malformed, naming the field.

The API (/api/, /fhir/) is left to refuse it itself, in its own format (a problem document or an OperationOutcome
naming the parameter): its every parameter is typed or patterned, and the fuzzer in tests/api sends NULs.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

SELF_VALIDATING = ("/api/", "/fhir/")


def _field_with_nul(request: HttpRequest) -> str | None:
    for source in (request.GET, request.POST if request.method == "POST" else None):
        if source is None:
            continue
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key.replace("\x00", "")
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(SELF_VALIDATING):
            return self.get_response(request)
        field = _field_with_nul(request)
        if field is not None:
            return HttpResponseBadRequest(
                f"The field {field[:40]!r} contains a NUL character, which is not allowed. Remove it and try again.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
