"""Stored XSS: markup typed into free-text fields is shown as text on every page of every role, never run."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.test_access_matrix import CASES, ROLE_PAGES

SCRIPT = '<script>bwxss()</script>'
IMAGE = '"><img src=x onerror=bwxss()>'
PAYLOAD = f"{SCRIPT}{IMAGE}"


def _plant(world: Any) -> None:
    from bondwell.accounts.models import Baby, Mother, Site, User
    from bondwell.programme.models import Course

    for site in Site.objects.all():
        Site.objects.filter(pk=site.pk).update(name=f"{site.pk} {PAYLOAD}"[:120])
    User.objects.update(full_name=PAYLOAD)
    Mother.objects.update(full_name=PAYLOAD)
    Baby.objects.update(name=PAYLOAD[:80])
    Course.objects.update(title=PAYLOAD[:120], description=PAYLOAD, place=PAYLOAD[:120])


SHOWN: list[str] = []


def _live_markup(response: Any) -> bool:
    kind = response.get("Content-Type", "")
    if not (kind.startswith("text/html") or "svg" in kind):
        return False
    text = response.content.decode(errors="replace")
    if "&lt;script&gt;bwxss()" in text:
        SHOWN.append(response.wsgi_request.path)
    return SCRIPT in text or "<img src=x onerror" in text


def test_stored_markup_is_inert_on_every_page_for_every_role(world: Any, client: Any) -> None:
    _plant(world)
    live: list[str] = []
    for role, user in world.users.items():
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for page in ROLE_PAGES:
            response = client.get(reverse(page.url_name, kwargs=page.kwargs))
            if _live_markup(response):
                live.append(f"{role} {page.url_name}")
        for case in CASES:
            if case.method != "get":
                continue
            response = client.get(reverse(case.url_name, kwargs=case.kwargs(world, world.own_mother_for(role))))
            if _live_markup(response):
                live.append(f"{role} {case.url_name}")
        _plant(world)  # cases may have made new rows (studies, courses) with their own text
        client.logout()
    assert not live, f"stored markup ran on: {live}"
    assert len(set(SHOWN)) >= 10, "the planted text should be shown (escaped) on many pages"
