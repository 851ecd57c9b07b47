"""The token page: a user makes (shown once) and revokes her own tokens; an administrator anyone's."""

from __future__ import annotations

import re
from typing import Any

from bondwell.api.models import ApiToken
from tests.api.conftest import ApiClient, make_token


def test_a_user_makes_a_token_shown_once_and_revokes_it(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    page = client.post("/account/api-tokens/", {"step": "create", "name": "my app", "scopes": ["mothers:read"],
                                                "expires_on": "2099-01-01"})
    assert page.status_code == 200
    assert "expires_on" in page.context["form"].errors  # more than a year ahead
    page = client.post("/account/api-tokens/", {"step": "create", "name": "my app", "scopes": ["mothers:read"],
                                                "expires_on": _soon()})
    secret = re.search(r"bw_[A-Za-z0-9_-]{40,}", page.content.decode())
    assert secret is not None
    assert ApiClient(secret.group(0)).get("/api/v1/mothers").status_code == 200
    again = client.get("/account/api-tokens/").content.decode()
    assert secret.group(0) not in again  # shown once
    token = ApiToken.objects.get(user=world.users["mother"])
    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 302
    assert ApiClient(secret.group(0)).get("/api/v1/mothers").status_code == 401


def _soon() -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.localdate() + timedelta(days=30)).isoformat()


def test_only_an_administrator_makes_or_revokes_another_users_token(world: Any, client_as: Any) -> None:
    secret = make_token(world.users["clinician"])
    token = ApiToken.objects.get(user=world.users["clinician"])
    assert client_as(world.users["site_lead"]).post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
    assert ApiClient(secret).get("/api/v1/mothers").status_code == 200
    admin = client_as(world.users["admin"])
    listed = admin.get("/account/api-tokens/").content.decode()
    assert token.prefix in listed
    assert admin.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 302
    assert ApiClient(secret).get("/api/v1/mothers").status_code == 401
    made = admin.post("/account/api-tokens/", {"step": "create", "scopes": ["mothers:read"], "expires_on": _soon(),
                                               "owner_email": "mother@a.test"})
    assert made.status_code == 200
    assert ApiToken.objects.filter(user=world.users["mother"], created_by=world.users["admin"]).count() == 1
    refused = client_as(world.users["clinician"]).post(
        "/account/api-tokens/", {"step": "create", "scopes": ["mothers:read"], "expires_on": _soon(),
                                 "owner_email": "mother@a.test"})
    assert "owner_email" in refused.context["form"].errors
