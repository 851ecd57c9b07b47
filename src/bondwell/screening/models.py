"""Screening: scheduled questionnaires, drafts, immutable assessments, risk alerts and site safety settings.

Messages (alerts, invitations, reminders) go through the one outbox in `bondwell.notify`.

State changes go through `bondwell.screening.services` (and the worker jobs in `bondwell.screening.jobs`);
these models hold data and constraints only. The one exception is the immutability guard on Assessment, which
must hold whatever code path tries to rewrite a submitted result (the same guard the access audit uses).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from bondwell.accounts.fields import user_link
from bondwell.accounts.models import Mother, Site
from bondwell.append_only import AppendOnlyModel, AppendOnlyQuerySet
from bondwell.queue_items import QueueItem
from bondwell.step_events import StepEvent


def new_key() -> str:
    return uuid.uuid4().hex


class Source(models.TextChoices):
    MOTHER = "mother", "Answered by the mother"
    PAPER = "paper", "Paper form entered by a clinician"


# The pathway's own requests (a repeat screen) are marked "pathway:…"; a clinician's carry no reference.
PATHWAY_REF_PREFIX = "pathway:"


class ScheduledQuestionnaire(models.Model):
    """A questionnaire a mother is asked to answer by a date (scheduled by a clinician or a study)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="scheduled_questionnaires")
    instrument = models.CharField(max_length=20)
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    created_by = user_link(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A study time point (or other caller) as "app.Model:pk", so screening needs no import of the studies app.
    study_timepoint_ref = models.CharField(max_length=80, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["mother", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} due {self.due_on} ({self.status})"

    @property
    def for_study_visit(self) -> bool:
        """Asked by a study's visit ("studies.Visit:N"), not by her care team or the pathway's repeat screen."""
        return bool(self.study_timepoint_ref) and not self.study_timepoint_ref.startswith(PATHWAY_REF_PREFIX)


class Draft(models.Model):
    """A mother's answers so far. Its key becomes the Assessment's idempotency key, so a retried submit of
    the same draft can only ever create one Assessment."""

    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="screening_drafts")
    instrument = models.CharField(max_length=20)
    profile = models.CharField(max_length=4)
    scheduled = models.ForeignKey(
        ScheduledQuestionnaire, null=True, blank=True, on_delete=models.PROTECT, related_name="drafts"
    )
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    answers = models.JSONField(default=dict)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["mother", "submitted_at", "-updated_at"])]

    def __str__(self) -> str:
        return f"draft {self.instrument} for mother {self.mother_id}"


class AssessmentQuerySet(AppendOnlyQuerySet["Assessment"]):
    def current(self) -> AssessmentQuerySet:
        """Versions not replaced by a correction."""
        return self.filter(superseded_by__isnull=True)


class Assessment(AppendOnlyModel):
    """One submitted questionnaire with its score as `bondwell.instruments` computed it. Immutable."""

    refused_change: ClassVar[str] = "A submitted assessment is immutable: record a correction instead."
    refused_delete: ClassVar[str] = "A submitted assessment is immutable and is never deleted."

    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="assessments")
    instrument = models.CharField(max_length=20)
    profile = models.CharField(max_length=4)
    definition_version = models.CharField(max_length=20)
    answers = models.JSONField()  # item key -> position of the chosen option as printed (0 = top option)
    complete = models.BooleanField()  # False: unscoreable (items missing); risk flags still apply
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    subscales = models.JSONField(default=dict)
    band_key = models.CharField(max_length=40, blank=True)
    band_urgent = models.BooleanField(default=False)
    flags = models.JSONField(default=list)
    source = models.CharField(max_length=8, choices=Source.choices)
    answered_on = models.DateField(help_text="The day the mother answered (the date on a paper form).")
    submitted_at = models.DateTimeField(default=timezone.now)
    entered_by = user_link()
    scheduled = models.ForeignKey(
        ScheduledQuestionnaire, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.CharField(max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    is_synthetic = models.BooleanField(default=False)

    objects = AssessmentQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager than the base's

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["mother", "instrument", "-answered_on"]),
            models.Index(fields=["-submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.total} on {self.answered_on}"


class AlertKind(models.TextChoices):
    SELF_HARM = "self_harm", "Self-harm item answered positively"
    URGENT_BAND = "urgent_band", "Score in an urgent band"
    INFANT_HARM = "infant_harm", "Bonding risk-of-abuse scale at or above its cut-off"


class AlertAction(models.TextChoices):
    PHONED = "phoned", "Phoned the mother"
    SAFETY_PLAN = "safety_plan", "Safety plan made or reviewed"
    REFERRAL_GP = "referral_gp", "Referred to her GP"
    REFERRAL_PMH = "referral_pmh", "Referred to perinatal mental health"
    EMERGENCY = "emergency", "Emergency services called"
    # Among the actions of an infant-harm alert (PBQ scale 4, items 18 and 24): child protection under local procedure.
    SAFEGUARDING = "safeguarding", "Safeguarding referral made"
    OTHER = "other", "Other (see note)"


class RiskAlert(QueueItem):
    """A risk signal a clinician must act on. Created in the same transaction as what raised it."""

    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="risk_alerts")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="risk_alerts"
    )
    draft = models.ForeignKey(
        Draft, null=True, blank=True, on_delete=models.PROTECT, related_name="risk_alerts"
    )
    # What raised it (a draft's or an assessment's key) and the kind: one alert per signal, never two.
    source_key = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    instrument = models.CharField(max_length=20)
    reason = models.CharField(max_length=300)
    priority = models.PositiveSmallIntegerField(help_text="0 is the most urgent.")
    ack_due_at = models.DateTimeField()
    escalation_level = models.PositiveSmallIntegerField(default=0)  # 0 care team, 1 site lead, 2+ fallback
    escalated_at = models.DateTimeField(null=True, blank=True)
    action = models.CharField(max_length=16, choices=AlertAction.choices, blank=True)
    action_note = models.CharField(max_length=500, blank=True)
    action_at = models.DateTimeField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["priority", "-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source_key", "kind"], name="screening_one_alert_per_signal"),
        ]
        indexes = [
            models.Index(fields=["status", "priority", "-raised_at"]),
            models.Index(fields=["status", "ack_due_at"]),
            models.Index(fields=["mother", "-raised_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} alert for mother {self.mother_id} ({self.status})"


class AlertEvent(StepEvent):
    """Every step of an alert, time-stamped: raised, notified, escalated, acknowledged, action, closed."""

    alert = models.ForeignKey(RiskAlert, on_delete=models.PROTECT, related_name="events")

    class Meta(StepEvent.Meta):
        indexes = [models.Index(fields=["alert", "at"])]


class SiteSafetySettings(models.Model):
    """Per-site alerting rules; a site without a row uses the defaults below."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="safety_settings")
    self_harm_ack_minutes = models.PositiveIntegerField(default=60)
    urgent_band_ack_working_days = models.PositiveSmallIntegerField(default=1)
    fallback_contact_name = models.CharField(max_length=120, blank=True)
    fallback_contact_email = models.EmailField(blank=True)
    # The last link of the alert chain: texted when nobody has acknowledged (E.164, checked as a mobile number).
    fallback_phone = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name_plural = "site safety settings"

    def __str__(self) -> str:
        return f"safety settings of {self.site}"


class SiteCrisisContact(models.Model):
    """A contact a site adds to the national crisis lines (it never replaces them), with its hours."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="crisis_contacts")
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=40, help_text="A number that can be dialled in the site's country.")
    when = models.CharField(
        max_length=120, blank=True, help_text="Anything to add about the hours, e.g. 'not on public holidays'."
    )
    description = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    open_24_7 = models.BooleanField(default=False, verbose_name="Open 24 hours, 7 days")
    days = models.CharField(max_length=7, default="01234", blank=True, help_text="Days open, 0 = Monday … 6 = Sunday.")
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    is_crisis_line = models.BooleanField(
        default=False, help_text="Answers people in crisis. Leave unticked for a support or call-back service."
    )

    class Meta:
        ordering = ["site", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(phone=""), name="screening_crisis_contact_has_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.phone}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from bondwell.accounts.phones import PhoneNumberError, dialable

        problems: dict[str, str] = {}
        if self.site_id is not None and self.phone:
            try:
                self.phone = dialable(self.phone, self.site.country)
            except PhoneNumberError as error:
                problems["phone"] = str(error)
        if not self.open_24_7:
            if self.opens_at is None:
                problems["opens_at"] = "Give the time it opens, or tick 'Open 24 hours, 7 days'."
            if self.closes_at is None:
                problems["closes_at"] = "Give the time it closes, or tick 'Open 24 hours, 7 days'."
            if self.opens_at is not None and self.closes_at is not None and self.opens_at >= self.closes_at:
                problems["closes_at"] = "It must close after it opens."
            days = self.days or ""
            if not days or any(c not in "0123456" for c in days) or len(set(days)) != len(days):
                problems["days"] = "Give each day it is open once as a digit, 0 = Monday to 6 = Sunday (e.g. 01234)."
        if problems:
            raise ValidationError(problems)
