"""Lock-out per account and client (the real client behind a trusted proxy), not restarted while locked, lifted
by a completed reset; password reset rate-limited and answered alike for known and unknown addresses."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bondwell.accounts.models import AuditEvent
from tests.conftest import PASSWORD

PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def behind_a_proxy(settings: Any) -> None:
    settings.BONDWELL_TRUSTED_PROXIES = [PROXY]
    settings.BONDWELL_CLIENT_IP_META = "HTTP_X_FORWARDED_FOR"


def _login(client: Client, password: str, client_ip: str, email: str = "mother@a.test") -> Any:
    return client.post(reverse("login"), {"username": email, "password": password},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{client_ip}, {PROXY}")


def test_five_wrong_passwords_from_one_client_leave_the_account_open_to_another(world: Any) -> None:
    attacker, owner = Client(), Client()
    for _ in range(5):
        _login(attacker, "wrong-password-1", "203.0.113.5")
    assert _login(attacker, PASSWORD, "203.0.113.5").status_code == 429
    assert _login(owner, PASSWORD, "198.51.100.7").status_code == 302
    assert AccessAttempt.objects.filter(ip_address="203.0.113.5").exists()
    assert not AccessAttempt.objects.filter(ip_address=PROXY).exists()


def test_a_forwarded_header_from_an_untrusted_address_is_ignored(world: Any, settings: Any) -> None:
    settings.BONDWELL_TRUSTED_PROXIES = []
    client = Client()
    for n in range(5):  # an attacker rotating a forged header still counts as one address
        client.post(reverse("login"), {"username": "mother@a.test", "password": "nope-nope-1"},
                    REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert client.post(reverse("login"), {"username": "mother@a.test", "password": PASSWORD},
                       REMOTE_ADDR="192.0.2.50").status_code == 429


def test_attempts_during_the_lock_do_not_restart_it(world: Any) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "wrong-password-1", "203.0.113.5")
    first = AccessAttempt.objects.get(ip_address="203.0.113.5").attempt_time
    for _ in range(3):
        assert _login(client, "wrong-password-1", "203.0.113.5").status_code == 429
    assert AccessAttempt.objects.get(ip_address="203.0.113.5").attempt_time == first


def test_a_completed_password_reset_lifts_the_lock(world: Any) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "wrong-password-1", "203.0.113.5")
    assert _login(client, PASSWORD, "203.0.113.5").status_code == 429
    user = world.users["mother"]
    url = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})
    form = client.get(url, follow=True)
    new = "a-brand-new-password-77"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert AuditEvent.objects.filter(action="password:reset", actor=user).exists()
    assert _login(Client(), new, "203.0.113.5").status_code == 302


def test_the_audit_records_the_real_client_address(world: Any, client_as: Any) -> None:
    client = client_as(world.users["clinician"])
    client.get(reverse("mother-record", args=[world.mother_a.pk]), REMOTE_ADDR=PROXY,
               HTTP_X_FORWARDED_FOR=f"198.51.100.23, {PROXY}")
    assert AuditEvent.objects.get(action="view:record").ip_address == "198.51.100.23"


def test_password_reset_is_rate_limited_and_known_and_unknown_addresses_are_answered_alike(
    world: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from django.contrib.auth import views as auth_views

    from bondwell.accounts import signin

    settings.BONDWELL_RESET_LIMIT_PER_EMAIL = 2
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "reset-limits"}}
    waits: list[float] = []
    monkeypatch.setattr(signin, "_sleep", waits.append)
    sent: list[str] = []
    original = auth_views.PasswordResetView.form_valid

    def counting(self: Any, form: Any) -> Any:
        sent.append(form.cleaned_data["email"])
        return original(self, form)

    monkeypatch.setattr(auth_views.PasswordResetView, "form_valid", counting)
    client = Client()
    answers = [client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR="198.51.100.9")
               for email in ("mother@a.test", "nobody@a.test", "mother@a.test", "mother@a.test")]
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, reverse("password_reset_done"))}
    assert sent == ["mother@a.test", "nobody@a.test", "mother@a.test"]  # the third for mother@ was dropped
    assert len(waits) == 4  # every answer, known or unknown or limited, waits to the same minimum time
    assert all(w >= 0 for w in waits)
    assert AuditEvent.objects.filter(action="password:reset-limited").count() == 1
