"""REST under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs), FHIR R4 under /fhir/R4/, and the
page where a user manages her API tokens.

Under /api/ and /fhir/ even a path or method that does not exist answers in the API's own terms: a problem
document (an OperationOutcome under /fhir/), never Django's HTML error page. REST operations refuse query
parameters they do not declare, as they refuse unknown body fields.
"""

import re
from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, path, re_path

from bondwell.api import views
from bondwell.api.fhir_api import fhir, outcome
from bondwell.api.http import problem
from bondwell.api.rest import api

Refusal = Callable[..., HttpResponse]


@cache
def _query_names() -> dict[tuple[str, str], frozenset[str]]:
    """The query parameters each REST operation declares, by (path template, method), from its OpenAPI schema."""
    schema = api.get_openapi_schema(path_prefix="")
    return {
        (path, method.upper()): frozenset(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")
        for path, operations in schema["paths"].items() for method, operation in operations.items()
    }


def _strict_query(view: Callable[..., HttpResponse], route: str) -> Callable[..., HttpResponse]:
    """Refuse query parameters the operation does not declare (422 naming each), as unknown body fields are."""
    template = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        declared = _query_names().get((template, request.method or ""))
        unknown = sorted(set(request.GET) - declared) if declared is not None else []
        if unknown:
            return problem(request, 422, f"Unknown query parameter(s): {', '.join(k[:40] for k in unknown[:10])}.",
                           [(k[:40], "not a parameter of this operation") for k in unknown[:10]])
        return view(request, *args, **kwargs)

    return wrapped


def _methods_in_terms(view: Callable[..., HttpResponse], refuse: Refusal) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # the routers' root pages
            return refuse(request, 404, "Nothing here: see the OpenAPI schema or the CapabilityStatement.")
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response.get("Allow", "")
            return refuse(request, 405, f"{request.method} is not allowed here; use {allowed}.",
                          headers={"Allow": allowed})
        return response

    return wrapped


def _in_terms(urls: Any, refuse: Refusal, *, strict_query: bool = False) -> Any:
    patterns, app_name, namespace = urls
    for entry in patterns:
        if isinstance(entry, URLPattern):
            view = _strict_query(entry.callback, str(entry.pattern)) if strict_query else entry.callback
            entry.callback = _methods_in_terms(view, refuse)
        elif isinstance(entry, URLResolver):  # pragma: no cover - ninja's routers are flat here
            _in_terms((entry.url_patterns, None, None), refuse)
    return patterns, app_name, namespace


def _api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return problem(request, 404, "No such API resource: see /api/v1/openapi.json.")


def _fhir_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return outcome(request, 404, "No such FHIR resource or interaction: see /fhir/R4/metadata.")


urlpatterns = [
    path("api/v1/", _in_terms(api.urls, problem, strict_query=True)),
    # FHIR search ignores parameters it does not know, as the FHIR specification asks of servers by default.
    path("fhir/R4/", _in_terms(fhir.urls, outcome)),
    re_path(r"^api/(?P<rest>.*)$", _api_not_found),
    re_path(r"^fhir/(?P<rest>.*)$", _fhir_not_found),
    path("account/api-tokens/", views.token_list, name="api-tokens"),
    path("account/api-tokens/<int:token_id>/revoke/", views.token_revoke, name="api-tokens-revoke"),
]
