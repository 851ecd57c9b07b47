"""Notify fixtures: the fake SMS provider and SMTP server on loopback, staff with verified mobiles, fixed clocks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.notify.servers import FakeSmsProvider, Inbox, serve_smtp

SYDNEY = ZoneInfo("Australia/Sydney")
# Site A (AU, no region: national holidays; Mon–Fri 09:00–17:00 Sydney time).
MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=SYDNEY)
CHRISTMAS_2AM = datetime(2026, 12, 25, 2, 0, tzinfo=SYDNEY)  # a Friday and a public holiday
CHRISTMAS_11AM = datetime(2026, 12, 25, 11, 0, tzinfo=SYDNEY)

CLINICIAN_MOBILE = "+61412000001"
ON_CALL_MOBILE = "+61412000002"
LEAD_MOBILE = "+61412000003"
FALLBACK_MOBILE = "+61412000009"


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sms(settings: Any) -> Iterator[FakeSmsProvider]:
    provider = FakeSmsProvider()
    provider.start()
    settings.SMS_BACKEND = provider.settings()
    yield provider
    provider.stop()


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    yield from serve_smtp(settings)


def verify_mobile(user: Any, number: str, at: datetime = MONDAY_10AM) -> Any:
    user.mobile = number
    user.mobile_verified_at = at
    user.save(update_fields=["mobile", "mobile_verified_at"])
    return user


@pytest.fixture
def staffed(world: Any) -> Any:
    """Site A's clinician and lead with verified mobiles, a second clinician who is on call, and shifts."""
    from bondwell.accounts.models import User
    from tests.conftest import PASSWORD

    verify_mobile(world.users["clinician"], CLINICIAN_MOBILE)
    verify_mobile(world.users["site_lead"], LEAD_MOBILE)
    world.on_call = verify_mobile(
        User.objects.create_user("oncall@a.test", PASSWORD, full_name="On Call A", role="clinician",
                                 site=world.site_a),
        ON_CALL_MOBILE,
    )
    return world
