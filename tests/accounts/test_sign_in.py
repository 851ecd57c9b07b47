"""Signing in: email and password, one message for any failure, lock-out after repeated failures."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD


def _login(client: Any, email: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR="10.0.0.9")


def test_a_right_email_and_password_sign_in_and_reach_the_role_home(world: Any, client: Any) -> None:
    response = _login(client, "mother@a.test", PASSWORD)
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert b"Your space" in home.content


def test_staff_pass_a_second_step_after_the_password(world: Any, client: Any) -> None:
    # The second step itself is tested in tests/mfa; here: the password alone does not open the clinic.
    assert _login(client, "clinician@a.test", PASSWORD).status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("mfa-setup"))


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(world: Any, client: Any) -> None:
    wrong_password = _login(client, "clinician@a.test", "not-the-password").content.decode()
    unknown_email = _login(client, "nobody@a.test", PASSWORD).content.decode()
    message = "That email and password do not match an account."
    assert message in wrong_password
    assert message in unknown_email
    for page in (wrong_password, unknown_email):
        assert "no account" not in page.lower()
        assert "incorrect password" not in page.lower()


def test_a_malformed_email_gets_a_message_next_to_the_field(world: Any, client: Any) -> None:
    page = _login(client, "not-an-email", PASSWORD).content.decode()
    assert 'id="id_username_error"' in page
    assert "Enter a valid email address." in page


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_for_the_right_password(world: Any, client: Any) -> None:
    for _ in range(5):
        _login(client, "mother@a.test", "wrong-password-again")
    locked = _login(client, "mother@a.test", PASSWORD)
    assert locked.status_code == 429
    assert b"Signing in is paused" in locked.content
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_password_reset_sends_a_link_only_to_a_known_address(world: Any, client: Any) -> None:
    from django.utils import timezone

    from bondwell.notify.outbox import deliver_due

    response = client.post(reverse("password_reset"), {"email": "mother@a.test"})
    assert response.status_code == 302
    assert mail.outbox == [], "queued in the outbox, sent by the worker"
    deliver_due(timezone.now())
    assert len(mail.outbox) == 1
    assert "/password/reset/" in mail.outbox[0].body
    client.post(reverse("password_reset"), {"email": "stranger@a.test"})
    deliver_due(timezone.now())
    assert len(mail.outbox) == 1  # and the page said the same thing either way


def test_the_session_ends_after_an_idle_hour_and_with_the_browser(settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE == 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_activity_renews_the_session_at_most_every_five_minutes(world: Any, client: Any, monkeypatch: Any) -> None:
    import time

    from django.contrib.sessions.models import Session

    clock = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    _login(client, "clinician@a.test", PASSWORD)
    client.get(reverse("home"))
    key = client.session.session_key

    def expiry() -> Any:
        return Session.objects.get(session_key=key).expire_date

    first = expiry()
    clock[0] += 60  # a minute later: reading a page writes nothing
    client.get(reverse("home"))
    assert expiry() == first
    clock[0] += 300  # past five minutes: the idle hour starts again
    client.get(reverse("home"))
    assert expiry() > first


def test_passwords_are_hashed_with_argon2(db: None) -> None:
    from django.conf import settings as django_settings
    from django.contrib.auth.hashers import check_password, make_password
    from django.test import override_settings

    from bondwell import settings as production

    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        assert django_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
        hashed = make_password("a-long-test-password-42")
        assert hashed.startswith("argon2")
        assert check_password("a-long-test-password-42", hashed)
