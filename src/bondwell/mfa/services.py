"""Every change to a person's second factors: one function per change, each audited in its transaction."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from bondwell.accounts.access import audit
from bondwell.accounts.models import User
from bondwell.mfa.models import Passkey, RecoveryCode, RememberedDevice

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def has_second_factor(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or Passkey.objects.filter(user=user).exists()
    )


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def pending_totp(user: User) -> TOTPDevice:
    """The authenticator key being set up (made on first view of the set-up page, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        RecoveryCode.objects.create(user=user, digest=digest(raw))
    return codes


def confirm_totp(code: str, *, by: User) -> list[str] | None:
    """Confirm her pending authenticator with a code from it: returns new recovery codes, or None if wrong."""
    user = by
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-id").first()
        if device is None or not device.verify_token(code.strip().replace(" ", "")):
            audit(None, "mfa:setup-failed", obj=user, actor=user)
            return None
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit(None, "mfa:setup-totp", obj=user, actor=user)
    return codes


def new_recovery_codes(*, by: User) -> list[str]:
    """Replace her recovery codes with ten new ones (shown once)."""
    user = by
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit(None, "mfa:new-recovery-codes", obj=user, actor=user)
    return codes


@dataclass(frozen=True)
class Verification:
    ok: bool
    method: str = ""
    message: str = ""


def verify_code(code: str, *, by: User) -> Verification:
    """Check her code from the authenticator app or a recovery code (used once), audited either way."""
    user = by
    cleaned = code.strip().replace(" ", "")
    with transaction.atomic():
        if cleaned.isdigit():
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("-id").first()
            if device is not None:
                allowed, _ = device.verify_is_allowed()
                if not allowed:
                    audit(None, "mfa:throttled", obj=user, actor=user)
                    return Verification(False, message="Too many wrong codes. Wait a minute, then try again.")
                if device.verify_token(cleaned):
                    audit(None, "mfa:verified", obj=user, actor=user, detail="method=totp")
                    return Verification(True, "totp")
        else:
            recovery = (
                RecoveryCode.objects.select_for_update()
                .filter(user=user, digest=digest(_normalise_recovery(cleaned)), used_at__isnull=True)
                .first()
            )
            if recovery is not None:
                recovery.used_at = timezone.now()
                recovery.save(update_fields=["used_at"])
                audit(None, "mfa:verified", obj=user, actor=user, detail="method=recovery-code")
                return Verification(True, "recovery-code")
        audit(None, "mfa:failed", obj=user, actor=user)
    return Verification(False, message="That code is not right. Enter the 6-digit code your app shows now, "
                                       "or one of your recovery codes.")


def remember_device(*, by: User, user_agent: str = "") -> str:
    """Remember her browser for the configured days; returns the token the view sets as its cookie."""
    user = by
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        RememberedDevice.objects.create(
            user=user, digest=digest(token),
            expires_at=timezone.now() + timedelta(days=settings.BONDWELL_MFA_REMEMBER_DAYS),
            user_agent=user_agent[:200],
        )
        audit(None, "mfa:remember-device", obj=user, actor=user)
    return token


def is_remembered(user: User, token: str) -> bool:
    if not token:
        return False
    return RememberedDevice.objects.filter(user=user, digest=digest(token), expires_at__gt=timezone.now()).exists()


def forget_devices(*, by: User) -> int:
    """Forget every browser she asked to be remembered."""
    user = by
    with transaction.atomic():
        count, _ = RememberedDevice.objects.filter(user=user).delete()
        audit(None, "mfa:forget-devices", obj=user, actor=user, detail=f"devices={count}")
    return count


def reset_second_factor(person: User, *, by: User, reason: str) -> None:
    """An administrator or site lead clears a lost factor: the person sets a new one at next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=person).delete()
        Passkey.objects.filter(user=person).delete()
        RecoveryCode.objects.filter(user=person).delete()
        RememberedDevice.objects.filter(user=person).delete()
        audit(None, "mfa:reset", obj=person, actor=by, detail=f"reason={reason}"[:200])


def enrol_demo_totp(user: User, key_hex: str) -> TOTPDevice:
    """Demo staff come with an authenticator already set up, with a key printed by `bondwell demo`."""
    with transaction.atomic():
        device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True, key=key_hex)
        audit(None, "mfa:setup-totp", obj=user, actor=user, detail="demo key")
    return device
