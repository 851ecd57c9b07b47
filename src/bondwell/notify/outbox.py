"""The one outbox: every message is queued as a row in the transaction that causes it and sent by the worker.

`queue(...)` (inside the caller's transaction) writes the row; nothing is sent in a request or a transaction.
`deliver_due(now)` claims one due message at a time (row lock, SKIP LOCKED on PostgreSQL, so several workers
share the queue and never take the same row), sends it outside any transaction, then records the attempt:
- each send is isolated: whatever goes wrong with one message (a malformed recipient, a refused number, an
  exception in a transport) is recorded on that message and the next one is sent;
- a permanent failure (bad recipient, refused by the provider) is marked failed at once and shown to the site
  lead; a passing one is retried with backoff, urgent messages until they go, routine ones up to
  MAX_ROUTINE_ATTEMPTS;
- every try is an `Attempt` row; `sent_at` is the moment that message went, not the start of the batch;
- a claim names its worker: claims of a worker that died (its process gone on this host, or its heartbeat
  stale) are released at the start of the next cycle of any worker, and every claim runs out after
  CLAIM_SECONDS in any case.

Message text comes from templates per channel: `notify/messages/<name>.<channel>.txt` in any app's templates
folder; an email template's first line is `Subject: …`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

from bondwell.accounts.models import Site, User
from bondwell.notify import heartbeat
from bondwell.notify.channels import SendError, recipient_problem, transport
from bondwell.notify.models import Attempt, Channel, Message

log = logging.getLogger("bondwell.notify.outbox")

CLAIM_SECONDS = 120  # longer than one send may take (SMTP and SMS timeouts are 10 s by default)
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 15 * 60
MAX_URGENT_RETRY_SECONDS = 2 * 60
MAX_ROUTINE_ATTEMPTS = 8
BATCH = 100

Hook = Callable[[Message, str, datetime], None]


def render_message(template: str, channel: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) from `notify/messages/<template>.<channel>.txt`."""
    text = render_to_string(f"notify/messages/{template}.{channel}.txt", context).strip()
    subject = ""
    if channel == Channel.EMAIL:
        first, _, rest = text.partition("\n")
        if not first.startswith("Subject:"):
            raise ValueError(f"{template}.{channel}.txt must start with a 'Subject:' line")
        subject, text = first.removeprefix("Subject:").strip(), rest.strip()
    return subject, text + "\n"


def queue(
    *,
    channel: str,
    recipient: str,
    purpose: str,
    dedupe_key: str,
    now: datetime,
    template: str = "",
    context: dict[str, Any] | None = None,
    subject: str = "",
    body: str = "",
    topic: str = "",
    site: Site | None = None,
    user: User | None = None,
    urgent: bool = False,
    deliver_by: datetime | None = None,
) -> Message:
    """Queue one message (once per `dedupe_key`). Call inside the transaction of the change that causes it.

    A recipient that can never receive on this channel is stored already failed, with the reason, so the site
    lead sees it; it never reaches the worker's batch.
    """
    if template:
        subject, body = render_message(template, channel, context or {})
    problem = recipient_problem(channel, recipient)
    key = dedupe_key[:160]
    # Inserted first, looked up only when the key is taken: every caller queues a key at most once in the
    # common case (a new alert's topic, a reminder marked handled), so get_or_create's read before the insert
    # was one more statement inside the caller's write transaction (an alert's: under SQLite's one writer lock).
    try:
        with transaction.atomic():
            message = Message.objects.create(
                dedupe_key=key, channel=channel, recipient=recipient[:254], subject=subject[:200], body=body,
                purpose=purpose, topic=topic[:80], site=site, user=user, urgent=urgent, created_at=now,
                next_attempt_at=now, deliver_by=deliver_by,
                **({"status": Message.Status.FAILED, "failed_at": now, "last_error": problem[:300]} if problem else {}),
            )
    except IntegrityError:
        queued = Message.objects.filter(dedupe_key=key).first()
        if queued is None:  # another constraint refused it: not a repeat
            raise
        return queued
    if problem:
        log.error("message %s to a malformed recipient not queued for sending: %s", message.pk, problem)
        _run_hooks(message, "failed", now)
    return message


def retry_delay(attempts: int, *, urgent: bool = False) -> timedelta:
    """30 s, 1 min, 2 min, … capped (2 min for urgent messages, 15 min for others)."""
    seconds = FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, MAX_URGENT_RETRY_SECONDS if urgent else MAX_RETRY_SECONDS))


def claim_length() -> timedelta:
    """How long a claim lasts: CLAIM_SECONDS, or longer where a send may take longer (long transport timeouts)."""
    from bondwell.notify.channels import sms_config

    longest = max(float(getattr(settings, "EMAIL_TIMEOUT", None) or 10), sms_config().timeout)
    return timedelta(seconds=max(CLAIM_SECONDS, 2 * longest + 30))


@dataclass(frozen=True)
class Claim:
    message_id: int
    worker: str


def release_dead_claims(now: datetime) -> int:
    """Give back the claims of workers that are gone; returns how many messages were released."""
    held = (
        Message.objects.filter(status=Message.Status.PENDING, claimed_until__gt=now)
        .exclude(claimed_by="")
        .values_list("claimed_by", flat=True)
        .distinct()
    )
    dead = [worker for worker in held if heartbeat.is_dead(worker, now)]
    if not dead:
        return 0
    with transaction.atomic():
        released = Message.objects.filter(
            status=Message.Status.PENDING, claimed_by__in=dead, claimed_until__gt=now
        ).update(claimed_until=None, claimed_by="")
    log.warning("released %d message(s) claimed by worker(s) no longer running: %s", released, ", ".join(dead))
    return released


def claim_next(now: datetime, worker: str) -> Claim | None:
    """Claim the most urgent due message for this worker alone, or None when nothing is due."""
    with transaction.atomic():
        due = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Message.Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
            .order_by("-urgent", "next_attempt_at", "id")
            .only("id")
            .first()
        )
        if due is None:
            return None
        Message.objects.filter(pk=due.pk).update(claimed_until=now + claim_length(), claimed_by=worker)
    return Claim(due.pk, worker)


def deliver_due(now: datetime, limit: int = BATCH, *, worker: str | None = None) -> int:
    """Send due messages one by one (each isolated from the others); returns how many were sent.

    `now` is the start of this cycle; each message is stamped with the moment it actually went.
    """
    started = time.monotonic()

    def clock() -> datetime:
        return now + timedelta(seconds=time.monotonic() - started)

    who = worker or heartbeat.worker_id()
    release_dead_claims(now)
    sent = 0
    for _ in range(limit):
        if heartbeat.stop_requested.is_set():
            break  # asked to stop: what is left stays queued for the next worker
        heartbeat.beat_if_due(clock())
        claim = claim_next(clock(), who)
        if claim is None:
            break
        sent += send_claimed(claim, clock)
    return sent


def send_claimed(claim: Claim, clock: Callable[[], datetime]) -> int:
    """Send one claimed message and record the outcome; 1 when it went. Never raises for a bad message."""
    message = Message.objects.select_related("user").get(pk=claim.message_id)
    began = clock()
    if message.user is not None and not message.user.is_active:
        Message.objects.filter(pk=message.pk, claimed_by=claim.worker, status=Message.Status.PENDING).update(
            status=Message.Status.CANCELLED, claimed_until=None, claimed_by="", failed_at=began, deliver_by=None,
            last_error="recipient deactivated",
        )
        return 0
    try:
        problem = recipient_problem(message.channel, message.recipient)
        if problem:
            raise SendError(problem, permanent=True)
        reference = transport(message.channel).send(message)
    except SendError as error:
        _record_failure(message, claim, began, clock(), str(error), permanent=error.permanent)
        return 0
    except Exception as error:  # a bug or surprise in one transport must not hold back the other messages
        log.exception("message %s: unexpected error while sending", message.pk)
        _record_failure(message, claim, began, clock(), f"{type(error).__name__}: {error}", permanent=False)
        return 0
    _record_success(message, claim, began, clock(), reference)
    return 1


def _run_hooks(message: Message, event: str, now: datetime) -> None:
    for path in getattr(settings, "BONDWELL_NOTIFY_HOOKS", []):
        hook: Hook = import_string(path)
        hook(message, event, now)


def _record_success(message: Message, claim: Claim, began: datetime, ended: datetime, reference: str) -> None:
    with transaction.atomic():
        updated = Message.objects.filter(
            pk=message.pk, status=Message.Status.PENDING, claimed_by=claim.worker
        ).update(
            status=Message.Status.SENT, sent_at=ended, attempts=F("attempts") + 1, claimed_until=None,
            claimed_by="", last_error="", provider_ref=reference[:120],
        )
        Attempt.objects.create(message=message, started_at=began, finished_at=ended, worker=claim.worker, ok=True)
        if updated:
            message.sent_at = ended
            _run_hooks(message, "sent", ended)


def _record_failure(
    message: Message, claim: Claim, began: datetime, ended: datetime, error: str, *, permanent: bool
) -> None:
    attempts = message.attempts + 1
    give_up = permanent or (not message.urgent and attempts >= MAX_ROUTINE_ATTEMPTS)
    log.warning("message %s not sent (attempt %d%s): %s", message.pk, attempts, ", given up" if give_up else "",
                error)
    with transaction.atomic():
        updated = Message.objects.filter(
            pk=message.pk, status=Message.Status.PENDING, claimed_by=claim.worker
        ).update(
            status=Message.Status.FAILED if give_up else Message.Status.PENDING,
            failed_at=ended if give_up else None,
            attempts=attempts,
            next_attempt_at=ended + retry_delay(attempts, urgent=message.urgent),
            claimed_until=None,
            claimed_by="",
            last_error=error[:300],
        )
        Attempt.objects.create(
            message=message, started_at=began, finished_at=ended, worker=claim.worker, ok=False,
            permanent=permanent, error=error[:300],
        )
        if updated and give_up:
            _run_hooks(message, "failed", ended)


def failed_for_site(site: Site | None, limit: int = 50) -> list[Message]:
    """The latest messages that could not be sent, for a site (None: messages of no site, for administrators)."""
    rows = Message.objects.filter(status=Message.Status.FAILED)
    rows = rows.filter(site=site) if site is not None else rows.filter(site__isnull=True)
    return list(rows.order_by("-failed_at", "-id")[:limit])


def cancel_topic(topic: str, now: datetime) -> int:
    """Stop sending what is still waiting about `topic` (e.g. an acknowledged alert); returns how many."""
    with transaction.atomic():
        Message.objects.filter(topic=topic).exclude(status=Message.Status.SENT).update(deliver_by=None)
        return Message.objects.filter(topic=topic, status=Message.Status.PENDING).update(
            status=Message.Status.CANCELLED, claimed_until=None, claimed_by="", failed_at=now
        )


def cancel_for_user(user: User, now: datetime) -> int:
    """Cancel what is still waiting for a person who has left (call in the deactivation's transaction)."""
    return Message.objects.filter(user=user, status=Message.Status.PENDING).update(
        status=Message.Status.CANCELLED, claimed_until=None, claimed_by="", failed_at=now, deliver_by=None
    )
