"""Demo staff come with an authenticator already set up, so the demo still signs in with a second factor.

The key is public (it is printed by `make run` and `bondwell demo`) and only synthetic accounts get it.
"""

from __future__ import annotations

import base64
import time

from bondwell.accounts.models import User
from bondwell.demo import DemoContext
from bondwell.mfa import services
from bondwell.mfa.policy import STAFF_ROLES

DEMO_TOTP_KEY = "BONDWELLDEMOSTAFFKEYSYNTHETIC234"


def demo_key_hex() -> str:
    return base64.b32decode(DEMO_TOTP_KEY).hex()


def load(context: DemoContext) -> None:
    for user in User.objects.filter(is_synthetic=True, role__in=STAFF_ROLES, totpdevice__isnull=True):
        services.enrol_demo_totp(user, demo_key_hex())


def current_code() -> str:
    import pyotp

    return str(pyotp.TOTP(DEMO_TOTP_KEY).at(int(time.time())))


def note() -> str:
    """The lines `make run` and `bondwell demo` print about the demo's second factor."""
    if not User.objects.filter(is_synthetic=True, role__in=STAFF_ROLES).exists():
        return ""
    key = " ".join(DEMO_TOTP_KEY[i:i + 4] for i in range(0, len(DEMO_TOTP_KEY), 4))
    return (f"Staff also enter a code from an authenticator app set up with the demo key {key} "
            f"(or run `bondwell demo-code`; mothers need no code).")
