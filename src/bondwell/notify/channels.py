"""How a message leaves: email through Django's mail backend, SMS through a provider.

A transport's `send(message)` returns the provider's reference, or raises `SendError` saying whether the failure
is permanent (this recipient or message will never be accepted: not tried again) or passing (tried again later).
Each recipient is validated before any connection is made, so a malformed address fails alone.

SMS providers implement `SmsProvider`. `TwilioSms` speaks Twilio's Messages REST API (form-encoded POST to
/2010-04-01/Accounts/{sid}/Messages.json with HTTP basic auth) and sends the message's key in an
`Idempotency-Key` header; a provider (or proxy) that honours that header never delivers a retried try twice.
`FileSms` writes each text to a file for local use and `LocmemSms` keeps them in memory for tests of routing.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import smtplib
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email

from bondwell.notify.models import Channel, Message

log = logging.getLogger("bondwell.notify.channels")

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SMS_MAX_CHARS = 459  # three concatenated GSM-7 parts


class SendError(Exception):
    """The message did not leave. `permanent`: it never will (bad recipient, refused by the provider)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


def recipient_problem(channel: str, recipient: str) -> str | None:
    """Why this recipient cannot receive on this channel, or None when it can (checked before sending)."""
    if recipient != recipient.strip() or any(c in recipient for c in "\r\n\t"):
        return f"recipient {recipient!r} has spaces or line breaks around or inside it"
    if channel == Channel.EMAIL:
        try:
            validate_email(recipient)
        except ValidationError:
            return f"recipient {recipient!r} is not an email address"
        return None
    if channel == Channel.SMS:
        return None if E164.match(recipient) else f"recipient {recipient!r} is not a mobile number in +E.164 form"
    return f"no channel {channel!r}"


class Transport(Protocol):
    def send(self, message: Message) -> str: ...


class EmailTransport:
    """Email through Django's configured backend (SMTP in production: EMAIL_URL)."""

    def send(self, message: Message) -> str:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={
                # The same Message-ID on every try: a repeated try is recognisable as the same message.
                "Message-ID": f"<{message.key}@bondwell>",
                "X-Bondwell-Notification": str(message.pk),
            },
        )
        try:
            sent = email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as error:
            raise SendError(f"the mail server refused the recipient: {error}", permanent=True) from error
        except (OSError, smtplib.SMTPException) as error:
            raise SendError(f"{type(error).__name__}: {error}") from error
        if sent != 1:
            raise SendError("the mail backend accepted no message")
        return f"<{message.key}@bondwell>"


class SmsProvider(Protocol):
    idempotent: bool

    def send_sms(self, to: str, body: str, key: str) -> str: ...


@dataclass(frozen=True)
class SmsConfig:
    kind: str  # twilio, file, console, locmem, or "" (not configured)
    endpoint: str = ""
    account: str = ""
    token: str = ""
    sender: str = ""
    path: str = ""
    timeout: float = 10.0
    idempotent: bool = True


class TwilioSms:
    """Twilio's Messages API (and any provider speaking it, such as the test suite's fake on loopback)."""

    def __init__(self, config: SmsConfig) -> None:
        self.config = config
        self.idempotent = config.idempotent

    def send_sms(self, to: str, body: str, key: str) -> str:
        config = self.config
        url = f"{config.endpoint}/2010-04-01/Accounts/{urllib.parse.quote(config.account)}/Messages.json"
        data = urllib.parse.urlencode({"To": to, "From": config.sender, "Body": body}).encode()
        credentials = base64.b64encode(f"{config.account}:{config.token}".encode()).decode()
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Authorization": f"Basic {credentials}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Idempotency-Key": key,
            "User-Agent": "Bondwell",
        })
        try:
            with urllib.request.urlopen(request, timeout=config.timeout) as response:
                payload: Any = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = _error_detail(error)
            # 4xx: this message or number will not be accepted as it is (429: too many, try later).
            permanent = 400 <= error.code < 500 and error.code not in (408, 429)
            raise SendError(f"SMS provider answered {error.code}: {detail}", permanent=permanent) from error
        except (OSError, ValueError) as error:  # refused, reset, timed out, unreadable answer
            raise SendError(f"SMS provider unreachable: {type(error).__name__}: {error}") from error
        return str(payload.get("sid", "")) if isinstance(payload, dict) else ""


def _error_detail(error: urllib.error.HTTPError) -> str:
    try:
        payload = json.loads(error.read() or b"{}")
    except (OSError, ValueError):
        return error.reason or ""
    if isinstance(payload, dict):
        return str(payload.get("message") or payload.get("detail") or error.reason)[:200]
    return str(error.reason)


class FileSms:
    """Each text as a file under a folder (local use): the same key overwrites the same file."""

    idempotent = True

    def __init__(self, config: SmsConfig) -> None:
        self.folder = Path(config.path)

    def send_sms(self, to: str, body: str, key: str) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{key}.txt"
        target.write_text(f"To: {to}\n\n{body}\n", encoding="utf-8")
        return str(target)


class ConsoleSms:
    idempotent = False

    def __init__(self, config: SmsConfig) -> None:
        pass

    def send_sms(self, to: str, body: str, key: str) -> str:
        log.warning("SMS to %s (%s): %s", to, key, body)
        return key


@dataclass(frozen=True)
class SentSms:
    to: str
    body: str
    key: str


class LocmemSms:
    """Keeps texts in `LocmemSms.outbox` (as Django's locmem mail backend keeps email)."""

    idempotent = True
    outbox: list[SentSms] = []
    _lock = threading.Lock()

    def __init__(self, config: SmsConfig) -> None:
        pass

    def send_sms(self, to: str, body: str, key: str) -> str:
        with self._lock:
            if all(sms.key != key for sms in LocmemSms.outbox):
                LocmemSms.outbox.append(SentSms(to, body, key))
        return key


PROVIDERS: dict[str, type[TwilioSms] | type[FileSms] | type[ConsoleSms] | type[LocmemSms]] = {
    "twilio": TwilioSms, "file": FileSms, "console": ConsoleSms, "locmem": LocmemSms,
}


def sms_config() -> SmsConfig:
    raw: dict[str, Any] = dict(getattr(settings, "SMS_BACKEND", {}) or {})
    return SmsConfig(**raw) if raw else SmsConfig(kind="")


def sms_available() -> bool:
    """Whether texts can be sent at all (SMS_URL is set)."""
    return sms_config().kind in PROVIDERS


def sms_provider() -> SmsProvider:
    config = sms_config()
    if config.kind not in PROVIDERS:
        raise SendError("SMS is not configured (set SMS_URL)", permanent=True)
    provider: SmsProvider = PROVIDERS[config.kind](config)
    return provider


class SmsTransport:
    def send(self, message: Message) -> str:
        return sms_provider().send_sms(message.recipient, message.body[:SMS_MAX_CHARS], message.key)


def transport(channel: str) -> Transport:
    if channel == Channel.EMAIL:
        return EmailTransport()
    if channel == Channel.SMS:
        return SmsTransport()
    raise SendError(f"no channel {channel!r}", permanent=True)
