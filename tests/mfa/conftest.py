from typing import Any

import pytest


@pytest.fixture(autouse=True)
def no_wait_after_a_wrong_code(settings: Any) -> None:
    """django-otp slows codes after a wrong one (2^n seconds); tests of it set the factor themselves."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
