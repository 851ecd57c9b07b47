"""API test helpers: a token per role of the shared two-site world, and a client that sends it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

ALL = ["all:write"]


def make_token(user: Any, scopes: list[str] | None = None, days: int = 30) -> str:
    from bondwell.api import tokens

    return tokens.create_token(user, scopes or ALL, timezone.now() + timedelta(days=days), by=user).secret


class ApiClient:
    """Django's test client with a bearer token; JSON in and out."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: Any = None, content_type: str = "application/json") -> Any:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body if body is not None else {})
        return self.client.post(path, data, content_type=content_type, headers=self.headers)


@pytest.fixture
def api_as(world: Any) -> Callable[..., ApiClient]:
    def client(role_or_user: Any, scopes: list[str] | None = None) -> ApiClient:
        user = world.users[role_or_user] if isinstance(role_or_user, str) else role_or_user
        return ApiClient(make_token(user, scopes))

    return client


def assert_problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    if field is not None:
        assert field in {e["field"] for e in body["errors"]}, body
    return body
