"""Demo staff come with the demo's authenticator key, printed by `make run` and `bondwell demo`."""

from __future__ import annotations

import random
from typing import Any

import pyotp
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from typer.testing import CliRunner

from bondwell.accounts.models import User
from bondwell.cli import app
from bondwell.demo import DemoContext
from bondwell.mfa import demo


def test_demo_staff_are_enrolled_with_the_printed_key_and_mothers_are_not(world: Any) -> None:
    User.objects.filter(pk__in=[u.pk for u in world.users.values()]).update(is_synthetic=True)
    now = timezone.now()
    demo.load(DemoContext(now=now, today=now.date(), rng=random.Random(1)))
    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__role", flat=True))
    assert enrolled == {role for role in world.users if role != "mother"}
    device = TOTPDevice.objects.get(user=world.users["clinician"])
    assert device.verify_token(pyotp.TOTP(demo.DEMO_TOTP_KEY).now())
    assert "BOND WELL DEMO" in demo.note()
    code = CliRunner().invoke(app, ["demo-code"])
    assert code.exit_code == 0
    assert code.output.strip().isdigit()
