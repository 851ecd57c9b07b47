"""The notification outbox: messages are written in the transaction that needs them and sent afterwards.

`deliver_due(now)` claims due rows (row locks with SKIP LOCKED on PostgreSQL, so several workers share the
work and never take the same row), sends each one outside any transaction, and records the attempt. A failed
send is retried with exponential backoff; alert messages are retried until they go through, routine ones
give up after `MAX_ROUTINE_ATTEMPTS`. A worker that dies after claiming loses nothing: its claim runs out
after `CLAIM_SECONDS` and another worker sends the message.

Channels are pluggable: `BONDWELL_NOTIFICATION_CHANNELS` (optional setting) maps a channel name to the dotted
path of a class with `send(notification)`, raising DeliveryError when the message did not go out.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils.module_loading import import_string

from bondwell.screening.models import AlertEvent, DeliveryAttempt, Notification

log = logging.getLogger("bondwell.screening.outbox")

CLAIM_SECONDS = 300  # far longer than one send may take (SMTP timeout: EMAIL_TIMEOUT, 10 s by default)
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 15 * 60
MAX_ROUTINE_ATTEMPTS = 8
BATCH = 50
DEFAULT_CHANNELS = {"email": "bondwell.screening.outbox.EmailChannel"}


class DeliveryError(Exception):
    """The message did not leave; it will be tried again."""


class Channel(Protocol):
    def send(self, notification: Notification) -> None: ...


class EmailChannel:
    """Email through Django's configured backend (SMTP in production, EMAIL_URL)."""

    def send(self, notification: Notification) -> None:
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.recipient],
            headers={"X-Bondwell-Notification": str(notification.pk)},
        )
        try:
            sent = message.send(fail_silently=False)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        if sent != 1:
            raise DeliveryError("the mail backend accepted no message")


def channel(name: str) -> Channel:
    paths = {**DEFAULT_CHANNELS, **getattr(settings, "BONDWELL_NOTIFICATION_CHANNELS", {})}
    if name not in paths:
        raise DeliveryError(f"no channel {name!r} is configured")
    factory = import_string(paths[name])
    instance: Channel = factory()
    return instance


def base_url() -> str:
    """Where links in messages point (the public address of this Bondwell)."""
    return os.environ.get("BONDWELL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … capped at 15 min: `attempts` is how many tries have failed so far."""
    seconds = FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, MAX_RETRY_SECONDS))


@dataclass(frozen=True)
class Claim:
    notification_id: int
    token: str


def claim_due(now: datetime, limit: int = BATCH) -> list[Claim]:
    """Claim up to `limit` due notifications, alert messages first, for this worker alone."""
    claims: list[Claim] = []
    with transaction.atomic():
        due = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        )
        alerts_first = list(due.filter(alert__isnull=False).order_by("next_attempt_at", "id")[:limit])
        room = limit - len(alerts_first)
        rest = list(due.filter(alert__isnull=True).order_by("next_attempt_at", "id")[:room])
        for notification in alerts_first + rest:
            token = secrets.token_hex(8)
            Notification.objects.filter(pk=notification.pk).update(
                claimed_until=now + timedelta(seconds=CLAIM_SECONDS), claim_token=token
            )
            claims.append(Claim(notification.pk, token))
    return claims


def deliver_due(now: datetime, limit: int = BATCH) -> int:
    """Send every due notification once; returns how many were sent."""
    sent = 0
    for claim in claim_due(now, limit):
        notification = Notification.objects.get(pk=claim.notification_id)
        try:
            channel(notification.channel).send(notification)
        except DeliveryError as error:
            _record_failure(notification, claim, now, str(error))
            continue
        _record_success(notification, claim, now)
        sent += 1
    return sent


def _record_success(notification: Notification, claim: Claim, now: datetime) -> None:
    with transaction.atomic():
        updated = Notification.objects.filter(pk=notification.pk, claim_token=claim.token).update(
            status=Notification.Status.SENT, sent_at=now, attempts=F("attempts") + 1, claimed_until=None,
            last_error="",
        )
        DeliveryAttempt.objects.create(notification=notification, at=now, ok=True)
        if updated and notification.alert_id is not None:
            AlertEvent.objects.create(
                alert_id=notification.alert_id, at=now, step="notified",
                detail=f"{notification.get_purpose_display()} sent to {notification.recipient}",
            )


def _record_failure(notification: Notification, claim: Claim, now: datetime, error: str) -> None:
    attempts = notification.attempts + 1
    routine = notification.alert_id is None
    give_up = routine and attempts >= MAX_ROUTINE_ATTEMPTS
    log.warning("notification %s not sent (attempt %d): %s", notification.pk, attempts, error)
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk, claim_token=claim.token).update(
            status=Notification.Status.FAILED if give_up else Notification.Status.PENDING,
            attempts=attempts,
            next_attempt_at=now + retry_delay(attempts),
            claimed_until=None,
            last_error=error[:300],
        )
        DeliveryAttempt.objects.create(notification=notification, at=now, ok=False, error=error[:300])
