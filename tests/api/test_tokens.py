"""API tokens: printed once, only a hash stored, scopes, expiry, revocation, a rate limit, every use audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from bondwell.accounts.models import AuditEvent
from bondwell.api import tokens
from bondwell.api.models import ApiToken
from bondwell.cli import app
from tests.api.conftest import ApiClient, assert_problem, make_token

MOTHERS = "/api/v1/mothers"


def test_cli_prints_the_token_once_and_stores_only_its_hash(world: Any) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["api-token", "create", "clinician@a.test", "--scope", "mothers:read",
                               "--scope", "alerts:write", "--expires", "30d", "--name", "EMR bridge"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[0]
    assert secret.startswith("bw_")
    assert len(secret) > 40
    token = ApiToken.objects.get()
    assert token.token_hash == tokens.hash_token(secret)
    assert secret not in str(vars(token))
    assert token.scopes == ["alerts:write", "mothers:read"]
    assert ApiClient(secret).get(MOTHERS).status_code == 200
    listed = runner.invoke(app, ["api-token", "list", "clinician@a.test"])
    assert token.prefix in listed.stdout
    assert secret not in listed.stdout
    revoked = runner.invoke(app, ["api-token", "revoke", str(token.pk)])
    assert revoked.exit_code == 0, revoked.output
    assert_problem(ApiClient(secret).get(MOTHERS), 401)
    assert runner.invoke(app, ["api-token", "create", "clinician@a.test", "--scope", "nonsense:read"]).exit_code != 0


def test_expired_unknown_and_missing_tokens_are_refused(world: Any) -> None:
    secret = make_token(world.users["clinician"])
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = assert_problem(ApiClient(secret).get(MOTHERS), 401)
    assert response["detail"]
    assert_problem(ApiClient("bw_not-a-real-token").get(MOTHERS), 401)
    assert_problem(ApiClient(None).get(MOTHERS), 401)


def test_a_signed_in_browser_session_opens_no_api(world: Any, client: Any) -> None:
    client.force_login(world.users["clinician"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(MOTHERS).status_code == 401


def test_scopes_limit_what_a_token_does(world: Any) -> None:
    reader = ApiClient(make_token(world.users["clinician"], ["mothers:read"]))
    assert reader.get(MOTHERS).status_code == 200
    assert_problem(reader.get("/api/v1/alerts"), 403)
    assert_problem(reader.post(f"/api/v1/mothers/{world.mother_a.pk}/schedules",
                               {"instrument": "phq9", "due_on": "2030-01-01"}), 403)


def test_tokens_are_made_by_their_user_or_an_administrator(world: Any) -> None:
    later = timezone.now() + timedelta(days=10)
    with pytest.raises(Exception, match="administrator"):
        tokens.create_token(world.users["mother"], ["mothers:read"], later, by=world.users["clinician"])
    made = tokens.create_token(world.users["mother"], ["mothers:read"], later, by=world.users["admin"])
    with pytest.raises(Exception, match="at most"):
        tokens.create_token(world.users["mother"], ["mothers:read"], later + timedelta(days=400), by=None)
    assert AuditEvent.objects.filter(action="api-token:create", object_id=str(made.token.pk)).exists()


def test_rate_limit_per_token(world: Any, settings: Any) -> None:
    settings.BONDWELL_API_RATE_PER_MINUTE = 3
    busy = ApiClient(make_token(world.users["clinician"]))
    other = ApiClient(make_token(world.users["clinician"]))
    statuses = [busy.get(MOTHERS).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    if statuses[3] != 429:  # the four requests straddled a minute boundary: the fifth is in the new window
        statuses.append(busy.get(MOTHERS).status_code)
        assert statuses[-1] in {200, 429}
    else:
        refused = busy.get(MOTHERS)
        assert_problem(refused, 429)
        assert 1 <= int(refused["Retry-After"]) <= 60
    assert other.get(MOTHERS).status_code == 200  # the limit is per token
    assert AuditEvent.objects.filter(action="api:use").count() >= 5
