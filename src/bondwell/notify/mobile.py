"""A staff member's mobile number is trusted for alerts only after she types back a code texted to it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from bondwell.accounts.access import audit
from bondwell.accounts.models import User
from bondwell.accounts.phones import PhoneNumberError, mobile_e164
from bondwell.errors import BondwellError
from bondwell.notify import outbox
from bondwell.notify.channels import sms_available
from bondwell.notify.models import Channel, MobileCheck, Purpose

CODE_VALID = timedelta(minutes=15)
MAX_TRIES = 5


class MobileError(BondwellError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def _hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def start(text: str, *, by: User, now: datetime) -> MobileCheck:
    """Check the number and text it a six-digit code; the number is stored, unverified, until she confirms."""
    user = by
    country = user.site.country if user.site else "AU"
    try:
        number = mobile_e164(text, country)
    except PhoneNumberError as error:
        raise MobileError(str(error), "mobile") from error
    if not sms_available():
        raise MobileError("Text messages are not set up for this service yet (SMS_URL), so a code cannot be sent.",
                          "mobile")
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(mobile=number, mobile_verified_at=None)
        check = MobileCheck.objects.create(user=user, mobile=number, code_hash=_hash(code), created_at=now,
                                           expires_at=now + CODE_VALID)
        outbox.queue(
            channel=Channel.SMS, recipient=number, purpose=Purpose.VERIFICATION, dedupe_key=f"mobile-check:{check.pk}",
            now=now, template="mobile_code", context={"code": code}, site=user.site, user=user, urgent=True,
        )
        audit(None, "start:mobile-check", obj=user, actor=user, detail=number[-4:])
    return check


def confirm(code: str, *, by: User, now: datetime) -> None:
    """She types the code we texted: her number is verified."""
    user = by
    with transaction.atomic():
        check = MobileCheck.objects.select_for_update().filter(user=user, used_at__isnull=True).first()
        if check is None or check.expires_at <= now or check.tries >= MAX_TRIES:
            raise MobileError("This code has expired or was tried too often: send a new code.", "code")
        if not hmac.compare_digest(check.code_hash, _hash(code.strip())):
            MobileCheck.objects.filter(pk=check.pk).update(tries=check.tries + 1)
            raise MobileError("That code does not match the one we sent. Check the text message and try again.",
                              "code")
        MobileCheck.objects.filter(pk=check.pk).update(used_at=now)
        User.objects.filter(pk=user.pk, mobile=check.mobile).update(mobile_verified_at=now)
        audit(None, "verify:mobile", obj=user, actor=user, detail=check.mobile[-4:])


def set_preferences(*, by: User, by_email: bool, by_sms: bool) -> None:
    """How she is sent urgent alerts: email, text or both (at least one)."""
    user = by
    if not by_email and not by_sms:
        raise MobileError("Choose at least one way to receive urgent alerts.", "alerts_by_email")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(alerts_by_email=by_email, alerts_by_sms=by_sms)
        audit(None, "update:alert-preferences", obj=user, actor=user, detail=f"email={by_email} sms={by_sms}")
