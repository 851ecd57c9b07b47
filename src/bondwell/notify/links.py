"""Acknowledgement links: signed, single-use and expiring. Signing in is still needed to use one or see detail.

The token is the link row's nonce signed with SECRET_KEY (`TimestampSigner`), so it cannot be guessed or forged;
the row records when it expires and when (and by whom) it was used, so it works once. What an acknowledgement
does belongs to the capability that made the link: settings.BONDWELL_ACK_HANDLERS maps a topic's prefix
("alert") to `handler(topic, request) -> url` which acts, audits and returns where to go next.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.module_loading import import_string

from bondwell.accounts.models import User
from bondwell.notify.models import AckLink

SALT = "bondwell.notify.ack-link"
VALID_FOR = timedelta(hours=24)

Handler = Callable[[str, HttpRequest], str]


class LinkError(ValueError):
    """The link cannot be used; the message says why in plain words."""


def absolute(path: str) -> str:
    """`path` on the public address of this Bondwell (BONDWELL_BASE_URL)."""
    return settings.BONDWELL_BASE_URL.rstrip("/") + path


def make(topic: str, user: User | None, now: datetime, valid_for: timedelta = VALID_FOR) -> str:
    """A new link (absolute URL) acknowledging `topic`; call inside the transaction that queues the message."""
    row = AckLink.objects.create(topic=topic, user=user, created_at=now, expires_at=now + valid_for)
    token = signing.TimestampSigner(salt=SALT).sign(row.nonce)
    return absolute(reverse("notify-ack", kwargs={"token": token}))


def find(token: str, now: datetime) -> AckLink:
    """The link a token names, if it is genuine, unused and unexpired."""
    try:
        nonce = signing.TimestampSigner(salt=SALT).unsign(token)
    except signing.BadSignature as error:
        raise LinkError("This link is not valid. Open the alert from Bondwell's alert list instead.") from error
    row = AckLink.objects.filter(nonce=nonce).first()
    if row is None:
        raise LinkError("This link is not valid. Open the alert from Bondwell's alert list instead.")
    if row.used_at is not None:
        raise LinkError("This link has already been used. Open the alert from Bondwell's alert list.")
    if row.expires_at <= now:
        raise LinkError("This link has expired. Open the alert from Bondwell's alert list instead.")
    return row


def redeem(token: str, request: HttpRequest, now: datetime) -> str:
    """Use the link once: the capability's handler acts (and audits); returns the page to go to next."""
    user = request.user
    assert isinstance(user, User)
    with transaction.atomic():
        row = find(token, now)
        locked = AckLink.objects.select_for_update().get(pk=row.pk)
        if locked.used_at is not None:
            raise LinkError("This link has already been used. Open the alert from Bondwell's alert list.")
        prefix = locked.topic.partition(":")[0]
        handlers: dict[str, str] = getattr(settings, "BONDWELL_ACK_HANDLERS", {})
        if prefix not in handlers:
            raise LinkError("This link is not valid any more.")
        handler: Handler = import_string(handlers[prefix])
        target = handler(locked.topic, request)
        AckLink.objects.filter(pk=locked.pk).update(used_at=now, used_by=user)
    return target
