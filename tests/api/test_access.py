"""Every API and FHIR operation against every role's token, on its own scope and on records it must not see."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver

from tests.access_matrix import ALL_ROLES
from tests.api.access_cases import OPEN, TOKEN_CASES, TokenCase
from tests.api.conftest import make_token
from tests.test_access_matrix import _named_patterns


def _call(client: Client, token: str | None, case: TokenCase, url: str, body: Any) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if case.method == "post":
        return client.post(url, json.dumps(body or {}), content_type="application/json", headers=headers).status_code
    return client.get(url, headers=headers).status_code


def test_every_api_operation_is_in_the_token_matrix() -> None:
    names = {n for n in _named_patterns(get_resolver()) if n.startswith(("api-v1:", "fhir-r4:"))}
    declared = {c.url_name for c in TOKEN_CASES} | OPEN
    assert names - declared == set(), "declare these API operations in tests/api/access_cases.py"


@pytest.mark.parametrize("case", TOKEN_CASES, ids=lambda c: c.url_name)
def test_api_operations_answer_each_role_as_declared(case: TokenCase, world: Any) -> None:
    client = Client()
    answers = {}
    for role in ALL_ROLES:
        token = make_token(world.users[role])
        own = world.own_mother_for(role)
        url = case.path(world, own)
        answers[role] = _call(client, token, case, url, case.body(world, own) if case.body else None)
        if case.record:
            for other in world.foreign_mothers_for(role):
                if role == "mother" and other.site == world.site_a and "course" in case.url_name:
                    continue  # a course is her site's, not one mother's: she may see her site's courses
                foreign = _call(client, token, case, case.path(world, other),
                                case.body(world, other) if case.body else None)
                assert foreign == 404, f"{role} on another's record via {case.url_name}: {foreign}"
    assert answers == case.own, case.url_name
    assert _call(client, None, case, case.path(world, world.mother_a), None) == 401


def test_a_browser_session_opens_no_api(world: Any) -> None:
    client = Client()
    client.force_login(world.users["clinician"], backend="django.contrib.auth.backends.ModelBackend")
    for case in TOKEN_CASES:
        status = _call(client, None, case, case.path(world, world.mother_a), case.body(world, world.mother_a)
                       if case.body else None)
        assert status == 401, case.url_name
