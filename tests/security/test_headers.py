"""Every response carries the security headers; clinical pages are never cached; Bondwell's own error pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bondwell.security.headers import CSP


def _script_src(policy: str) -> str:
    return next(part for part in policy.split(";") if part.strip().startswith("script-src"))


@pytest.mark.parametrize("url", ["/login/", "/healthz", "/no-such-page/", "/password/reset/"])
def test_every_response_carries_a_strict_policy(db: None, client: Any, url: str, settings: Any) -> None:
    settings.DEBUG = False
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in _script_src(policy)
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_for_a_signed_in_person_are_not_stored(world: Any, client_as: Any) -> None:
    response = client_as(world.users["clinician"]).get(reverse("mother-record", args=[world.mother_a.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("debug", [True, False])
def test_a_missing_page_is_bondwells_own_in_every_mode(db: None, client: Any, settings: Any, debug: bool) -> None:
    settings.DEBUG = debug
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Not found" in text
    assert "URLconf" not in text  # Django's debug page lists every URL
    assert "Content-Security-Policy" in response


def test_a_missing_record_under_debug_is_bondwells_page_too(world: Any, client_as: Any, settings: Any) -> None:
    settings.DEBUG = True
    response = client_as(world.users["clinician"]).get(reverse("mother-record", args=[world.mother_b.pk]))
    assert response.status_code == 404
    assert "Not found" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_server_error_shows_bondwells_page(db: None, settings: Any) -> None:
    from django.template import loader

    text = loader.get_template("500.html").render({})
    assert "Sorry, something went wrong" in text
    assert "safety procedure" in text


def test_the_favicon_is_served(db: None, client: Any) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_the_policy_allows_no_inline_script() -> None:
    assert _script_src(CSP).split() == ["script-src", "'self'"]
