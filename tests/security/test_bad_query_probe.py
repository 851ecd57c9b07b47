"""Hand-made query strings never give a 500: every page of the access matrix, for every role."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from tests.test_access_matrix import CASES, ROLE_PAGES

QUERIES = [
    {"q": "²"}, {"q": "\x00"}, {"q": "%" * 300}, {"q": "a" * 10_000}, {"page": "-1"},
    {"page": "99999999999999999999999"}, {"page": "1e308"}, {"end": "not-a-date"}, {"start": "2026-02-30"},
    {"course": "abc"}, {"course": "99999999999999999999"}, {"severity": "<script>"}, {"n": "1e20"}, {"week": "nan"},
    {"fmt": "../../etc/passwd"}, {"sort": "-password"},
]


def test_a_nul_character_is_refused_naming_the_field(world: Any, client_as: Any) -> None:
    response = client_as(world.users["clinician"]).get("/mothers/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert "'q' contains a NUL character" in response.content.decode()
    form = client_as(world.users["clinician"]).post("/login/", {"username": "x\x00@a.test", "password": "p"})
    assert form.status_code == 400


def test_no_hand_made_query_gives_a_server_error(world: Any) -> None:
    client = Client(raise_request_exception=False)
    failures: list[str] = []
    for role, user in world.users.items():
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        urls = [reverse(page.url_name, kwargs=page.kwargs) for page in ROLE_PAGES]
        urls += [reverse(c.url_name, kwargs=c.kwargs(world, world.own_mother_for(role))) for c in CASES
                 if c.method == "get"]
        for url in urls:
            for query in QUERIES:
                status = client.get(url, query).status_code
                if status >= 500:
                    failures.append(f"{role} GET {url}?{next(iter(query))}=… -> {status}")
        client.logout()
    assert not failures, "server errors:\n" + "\n".join(failures)
