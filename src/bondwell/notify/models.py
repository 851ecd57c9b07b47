"""The outbox and its attempts, the on-call rota, acknowledgement links, mobile verification, worker heartbeats.

State changes go through `bondwell.notify.outbox`, `bondwell.notify.rota`, `bondwell.notify.links`,
`bondwell.notify.mobile` and `bondwell.notify.heartbeat`; these models hold data and constraints only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from bondwell.accounts.fields import user_link
from bondwell.accounts.models import Site


def new_key() -> str:
    return uuid.uuid4().hex


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message (SMS)"


class Purpose(models.TextChoices):
    ALERT = "alert", "Risk alert"
    ESCALATION = "escalation", "Risk alert escalation"
    INVITATION = "invitation", "Questionnaire invitation"
    REMINDER = "reminder", "Questionnaire reminder"
    PRACTICE_REMINDER = "practice_reminder", "Practice reminder"
    STAFF_INVITATION = "staff_invitation", "Invitation to set a password"
    PASSWORD_RESET = "password_reset", "Password reset"
    STUDY = "study", "Study message"
    VERIFICATION = "verification", "Mobile number check"


class Message(models.Model):
    """One message to one recipient on one channel: written in the transaction that causes it, sent by the worker.

    The worker claims a row (row lock, SKIP LOCKED on PostgreSQL), sends it outside any transaction and marks it.
    `key` travels with every try (the SMS provider's idempotency key, the email's Message-ID), so a try repeated
    after a crash between sending and marking is recognisable as the same message.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"
        CANCELLED = "cancelled", "Not needed any more"

    key = models.CharField(max_length=32, unique=True, default=new_key, editable=False)
    # Identifies the event so the same message is never queued twice (e.g. "alert:12:level0:user5:sms").
    dedupe_key = models.CharField(max_length=160, unique=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    # What the message is about, for the capability that queued it ("alert:12", "scheduled:7").
    topic = models.CharField(max_length=80, blank=True)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = user_link(null=True, blank=True)
    urgent = models.BooleanField(default=False, help_text="Sent first; retried until it goes or is refused.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    deliver_by = models.DateTimeField(null=True, blank=True, help_text="Undelivered after this, the site is unsafe.")
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=80, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    provider_ref = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["topic", "created_at"]),
            models.Index(fields=["site", "status", "-created_at"]),
            models.Index(fields=["status", "deliver_by"]),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} by {self.channel} to {self.recipient} ({self.status})"


class Attempt(models.Model):
    """Every try at sending a message: when it started and ended, by which worker, and what happened."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_rows")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    worker = models.CharField(max_length=80, blank=True)
    ok = models.BooleanField()
    permanent = models.BooleanField(default=False, help_text="Refused for good: not tried again.")
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["message", "started_at"])]

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'failed'} at {self.started_at:%Y-%m-%d %H:%M:%S}"


class OnCallShift(models.Model):
    """One clinician on call for a site from one moment to another (the out-of-hours rota)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="on_call_shifts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="on_call_shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = user_link(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="notify_shift_ends_after_start"),
        ]
        indexes = [models.Index(fields=["site", "starts_at", "ends_at"]), models.Index(fields=["user", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} on call at {self.site_id} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class AckLink(models.Model):
    """A single-use acknowledgement link sent in a message; the signed token names `nonce`."""

    nonce = models.CharField(max_length=32, unique=True, default=new_key, editable=False)
    topic = models.CharField(max_length=80)  # what it acknowledges, e.g. "alert:12"
    user = user_link(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = user_link(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["topic"])]

    def __str__(self) -> str:
        return f"ack link for {self.topic}"


class MobileCheck(models.Model):
    """A code texted to a staff member's new mobile number; entering it marks the number verified."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mobile = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"mobile check for {self.user_id}"


class WorkerHeartbeat(models.Model):
    """One running (or dead) worker process: it writes `beat_at` every cycle."""

    worker_id = models.CharField(max_length=80, unique=True)
    host = models.CharField(max_length=120)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()
    cycles = models.PositiveBigIntegerField(default=0)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-beat_at"]
        indexes = [models.Index(fields=["-beat_at"])]

    def __str__(self) -> str:
        return f"worker {self.worker_id} last seen {self.beat_at:%Y-%m-%d %H:%M:%S}"
