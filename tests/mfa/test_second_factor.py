"""Staff second factor: enforced before any page, set up at first sign-in, codes, recovery, remembered browsers."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from bondwell.accounts.models import AuditEvent
from bondwell.mfa.middleware import REMEMBER_COOKIE
from bondwell.mfa.models import RememberedDevice
from tests.conftest import PASSWORD, totp_code

STAFF = ("educator", "clinician", "site_lead", "researcher", "admin")


def _password(client: Client, email: str) -> None:
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302, "the password step should pass"


def _code(user: Any) -> str:
    device = TOTPDevice.objects.filter(user=user).latest("id")
    return totp_code(base64.b32encode(bytes.fromhex(device.key)).decode(), device.last_t)


def _enrol(client: Client, user: Any) -> list[str]:
    client.get(reverse("mfa-setup"))
    page = client.post(reverse("mfa-setup"), {"code": _code(user), "next": "/"})
    assert page.status_code == 200
    codes = list(page.context["codes"])
    assert len(codes) == 10
    return codes


@pytest.mark.parametrize("role", STAFF)
def test_staff_with_only_a_password_open_no_page_and_are_sent_to_set_up(world: Any, role: str) -> None:
    client = Client()
    _password(client, f"{role}@a.test")
    for url in (reverse("home"), reverse("mother-record", args=[world.mother_a.pk]), reverse("mother-list")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("mfa-setup"))
    assert not AuditEvent.objects.filter(mother=world.mother_a, action__startswith="view").exists()


def test_a_clinician_sets_up_totp_at_first_sign_in_then_opens_records(world: Any) -> None:
    clinician = world.users["clinician"]
    client = Client()
    _password(client, "clinician@a.test")
    setup = client.get(reverse("mfa-setup"))
    assert b"data-totp-key" in setup.content
    wrong = client.post(reverse("mfa-setup"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "That code does not match" in wrong.content.decode()
    assert client.get(reverse("mother-record", args=[world.mother_a.pk])).status_code == 302
    codes = _enrol(client, clinician)
    assert len(set(codes)) == 10
    assert client.get(reverse("mother-record", args=[world.mother_a.pk])).status_code == 200
    assert AuditEvent.objects.filter(actor=clinician, action="mfa:setup-totp").exists()
    assert AuditEvent.objects.filter(actor=clinician, action="mfa:setup-failed").exists()


def test_next_sign_in_asks_for_a_code_and_a_stolen_password_cannot_set_up_a_new_factor(world: Any) -> None:
    clinician = world.users["clinician"]
    _enrol(_signed_in("clinician@a.test"), clinician)
    thief = Client()
    _password(thief, "clinician@a.test")
    held = thief.get(reverse("mother-record", args=[world.mother_a.pk]))
    assert held["Location"].startswith(reverse("mfa-verify"))
    setup = thief.get(reverse("mfa-setup"))
    assert setup.status_code == 302
    assert setup["Location"].startswith(reverse("mfa-verify"))
    assert thief.post(reverse("mfa-setup"), {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=clinician, confirmed=True).count() == 1
    wrong = thief.post(reverse("mfa-verify"), {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert 'id="id_code_error"' in wrong.content.decode()
    assert thief.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(actor=clinician, action="mfa:failed").exists()


def _signed_in(email: str) -> Client:
    client = Client()
    _password(client, email)
    return client


def test_a_code_from_the_app_passes_the_second_step_and_goes_to_the_page_asked_for(world: Any) -> None:
    clinician = world.users["clinician"]
    _enrol(_signed_in("clinician@a.test"), clinician)
    client = _signed_in("clinician@a.test")
    record = reverse("mother-record", args=[world.mother_a.pk])
    held = client.get(record)
    page = client.post(held["Location"], {"code": _code(clinician), "next": record})
    assert page.status_code == 302
    assert page["Location"] == record
    assert client.get(record).status_code == 200
    assert AuditEvent.objects.filter(actor=clinician, action="mfa:verified", detail="method=totp").exists()


def test_an_offsite_next_is_ignored(world: Any) -> None:
    clinician = world.users["clinician"]
    _enrol(_signed_in("clinician@a.test"), clinician)
    client = _signed_in("clinician@a.test")
    page = client.post(reverse("mfa-verify"), {"code": _code(clinician), "next": "https://evil.example/"})
    assert page["Location"] == reverse("home")


def test_a_recovery_code_works_once(world: Any) -> None:
    clinician = world.users["clinician"]
    codes = _enrol(_signed_in("clinician@a.test"), clinician)
    first = _signed_in("clinician@a.test")
    assert first.post(reverse("mfa-verify"), {"code": codes[0].upper()})["Location"] == reverse("home")
    assert first.get(reverse("home")).status_code == 200
    second = _signed_in("clinician@a.test")
    again = second.post(reverse("mfa-verify"), {"code": codes[0]})
    assert again.status_code == 200
    assert second.get(reverse("home")).status_code == 302


def test_a_remembered_browser_skips_the_second_step_until_it_expires_or_is_forgotten(world: Any) -> None:
    clinician = world.users["clinician"]
    _enrol(_signed_in("clinician@a.test"), clinician)
    client = _signed_in("clinician@a.test")
    response = client.post(reverse("mfa-verify"), {"code": _code(clinician), "remember": "on"})
    cookie = response.cookies[REMEMBER_COOKIE]
    assert cookie["httponly"]
    assert int(cookie["max-age"]) == 30 * 24 * 3600
    client.post(reverse("logout"))

    _password(client, "clinician@a.test")  # same browser, the cookie kept
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(actor=clinician, detail="method=remembered-device").exists()
    other = _signed_in("clinician@a.test")  # another browser: no cookie
    assert other.get(reverse("home")).status_code == 302

    client.post(reverse("logout"))
    RememberedDevice.objects.filter(user=clinician).update(expires_at=timezone.now() - timedelta(seconds=1))
    _password(client, "clinician@a.test")
    assert client.get(reverse("home")).status_code == 302  # expired

    RememberedDevice.objects.filter(user=clinician).update(expires_at=timezone.now() + timedelta(days=1))
    client.post(reverse("mfa-verify"), {"code": _code(clinician)})
    client.post(reverse("mfa-forget-devices"))
    assert not RememberedDevice.objects.filter(user=clinician).exists()


def test_an_administrator_resets_a_lost_factor_with_a_reason_and_it_is_audited(world: Any, client_as: Any) -> None:
    clinician = world.users["clinician"]
    _enrol(_signed_in("clinician@a.test"), clinician)
    admin = client_as(world.users["admin"])
    url = reverse("mfa-reset", args=[clinician.pk])
    assert url in admin.get(reverse("staff-list")).content.decode()  # linked from the staff list
    missing = admin.post(url, {"reason": ""})
    assert missing.status_code == 200
    assert "Enter why the second factor is being reset." in missing.content.decode()
    assert TOTPDevice.objects.filter(user=clinician).exists()
    assert admin.post(url, {"reason": "phone lost, seen in person"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=clinician).exists()
    event = AuditEvent.objects.get(action="mfa:reset")
    assert event.actor == world.users["admin"]
    assert event.object_id == str(clinician.pk)
    assert "phone lost" in event.detail
    again = _signed_in("clinician@a.test")
    assert again.get(reverse("home"))["Location"].startswith(reverse("mfa-setup"))


def test_a_mother_opts_in_and_is_then_asked_for_her_code(world: Any) -> None:
    mother = world.users["mother"]
    client = _signed_in("mother@a.test")
    assert client.get(reverse("my-record")).status_code == 200  # no second factor needed
    _enrol(client, mother)
    later = _signed_in("mother@a.test")
    assert later.get(reverse("my-record"))["Location"].startswith(reverse("mfa-verify"))


def test_wrong_codes_are_slowed_down(world: Any, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 1000  # after 3 wrong codes: a wait of 4000 s, longer than any test run
    clinician = world.users["clinician"]
    _enrol(_signed_in("clinician@a.test"), clinician)
    client = _signed_in("clinician@a.test")
    for _ in range(3):
        client.post(reverse("mfa-verify"), {"code": "000000"})
    throttled = client.post(reverse("mfa-verify"), {"code": _code(clinician)})
    assert "Too many wrong codes" in throttled.content.decode()
    assert client.get(reverse("home")).status_code == 302
