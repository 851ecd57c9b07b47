"""In Chromium: a clinician sets up TOTP at first sign-in and signs in with it; a passkey on a virtual authenticator."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from bondwell.accounts.models import AuditEvent
from tests.conftest import browser_login, browser_sign_out, enter_password, make_world, totp_code


@pytest.mark.browser
def test_a_clinician_sets_up_totp_at_first_sign_in_and_signs_in_with_it(
    live_server: Any, new_page: Any, transactional_db: None
) -> None:
    world = make_world()
    base = live_server.url
    page = new_page(360, 740)
    enter_password(page, base, "clinician@a.test")
    assert "/mfa/setup/" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Set up your authenticator app"
    page.goto(f"{base}/mothers/{world.mother_a.pk}/")  # no record before the second factor
    assert "/mfa/setup/" in page.url
    key = page.locator("[data-totp-key]").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(totp_code(key))
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your recovery codes"
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("link", name="I have kept my codes").click()
    assert "Mother A" in page.content()  # back at the record asked for

    second = new_page()
    enter_password(second, base, "clinician@a.test")
    assert "/mfa/verify/" in second.url
    second.get_by_label("Code").fill("000000")
    second.get_by_role("button", name="Continue").click()
    assert "That code is not right" in second.content()
    device = TOTPDevice.objects.get(user=world.users["clinician"])
    second.get_by_label("Code").fill(totp_code(base64.b32encode(bytes.fromhex(device.key)).decode(), device.last_t))
    second.get_by_role("button", name="Continue").click()
    second.wait_for_load_state("networkidle")
    assert second.get_by_role("heading", level=1).inner_text() == "Clinic"


@pytest.mark.browser
def test_a_passkey_on_a_virtual_authenticator_is_added_and_then_signs_in(
    live_server: Any, new_page: Any, transactional_db: None
) -> None:
    world = make_world()
    base = live_server.url
    page = new_page()
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True,
    }})
    browser_login(page, base, "clinician@a.test")  # sets up TOTP on the way
    page.goto(f"{base}/mfa/")
    page.get_by_label("Name for this passkey").fill("Work laptop")
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_load_state("networkidle")
    page.get_by_text("Work laptop, added").wait_for()
    browser_sign_out(page)

    enter_password(page, base, "clinician@a.test")
    assert "/mfa/verify/" in page.url
    page.get_by_role("button", name="Use your passkey").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Clinic"
    assert AuditEvent.objects.filter(actor=world.users["clinician"], action="mfa:verified",
                                     detail="method=passkey").exists()
