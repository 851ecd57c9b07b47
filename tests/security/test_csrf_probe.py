"""Every URL refuses a POST without a CSRF token, signed in or not; the only exceptions are declared here."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Views that take no session cookie and so need no CSRF token: the JSON API authenticates each request by a
# bearer token (an attacker's page cannot send it). Each entry: URL name prefix or name -> why.
EXEMPT_NAMESPACES = {
    "api-v1": "REST API: bearer token per request, no cookie authentication",
    "fhir-r4": "FHIR API: bearer token per request, no cookie authentication",
}
SAMPLE = {"int": 1, "str": "x", "slug": "x", "path": "x", "uuid": uuid.UUID(int=1)}


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, Any, dict[str, Any]]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found.extend(_patterns(entry, f"{entry.namespace}:" if entry.namespace else prefix))
        elif isinstance(entry, URLPattern) and entry.name:
            converters = getattr(entry.pattern, "converters", {})
            kwargs = {name: SAMPLE.get(type(conv).__name__.replace("Converter", "").lower(), "x")
                      for name, conv in converters.items()}
            found.append((prefix + entry.name, entry.callback, kwargs))
    return found


def _exempt(name: str) -> bool:
    return ":" in name and name.split(":", 1)[0] in EXEMPT_NAMESPACES


def _urls() -> list[tuple[str, str, bool]]:
    rows = []
    for name, callback, kwargs in _patterns(get_resolver()):
        try:
            url = reverse(name, kwargs=kwargs)
        except Exception:  # a converter our sample does not fit: covered by the matrix tests instead
            continue
        rows.append((name, url, bool(getattr(callback, "csrf_exempt", False))))
    return rows


def test_only_declared_views_skip_the_csrf_check() -> None:
    undeclared = sorted(name for name, _, exempt in _urls() if exempt and not _exempt(name))
    assert not undeclared, f"csrf_exempt views not declared in tests/security/test_csrf_probe.py: {undeclared}"


@pytest.mark.parametrize("who", ["anonymous", "clinician", "site_lead", "mother", "admin"])
def test_every_post_without_a_csrf_token_is_refused(world: Any, who: str) -> None:
    client = Client(enforce_csrf_checks=True)
    if who != "anonymous":
        client.force_login(world.users[who], backend="django.contrib.auth.backends.ModelBackend")
    accepted = []
    for name, url, exempt in _urls():
        if exempt:
            continue
        response = client.post(url, {"x": "1"})
        if response.status_code != 403 or b"CSRF" not in response.content:
            accepted.append(f"{name} {url} -> {response.status_code}")
    assert not accepted, "POSTs without a CSRF token that were not refused: " + "; ".join(accepted)
