"""Follow-ups: what must happen after a positive screen, who owns it, by when, what was tried and how it ended.

State changes go through `bondwell.pathway.services`; these models hold data and constraints only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from bondwell.accounts.fields import user_link
from bondwell.accounts.models import Mother
from bondwell.screening.models import Assessment, RiskAlert, ScheduledQuestionnaire
from bondwell.step_events import StepEvent

# "Unable to contact" closes a follow-up only after this many unsuccessful tries.
UNABLE_TO_CONTACT_AFTER = 3


class FollowUp(models.Model):
    class Action(models.TextChoices):
        REPEAT_SCREEN = "repeat_screen", "Repeat the questionnaire"
        FOLLOW_UP = "follow_up", "Further assessment"
        IMMEDIATE = "immediate", "Immediate risk assessment"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        ASSESSED = "assessed", "Assessed"
        REFERRED = "referred", "Referred to…"
        DECLINED = "declined", "She declined"
        UNABLE_TO_CONTACT = "unable_to_contact", "Unable to contact"
        RESCREENED = "rescreened", "Repeat questionnaire answered"

    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="follow_ups")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    alert = models.ForeignKey(RiskAlert, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups")
    scheduled = models.ForeignKey(
        ScheduledQuestionnaire, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    instrument = models.CharField(max_length=20)
    profile = models.CharField(max_length=4)
    trigger = models.CharField(max_length=300, help_text='e.g. "band:likely", "flag:self_harm"')
    action = models.CharField(max_length=16, choices=Action.choices)
    what = models.TextField()
    owner_role = models.CharField(max_length=40)
    owner = user_link(null=True, blank=True)
    source = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    next_escalation_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_detail = models.CharField(max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = user_link(null=True, blank=True)
    # What raised it (the assessment's key and the action): one follow-up per result and action, never two.
    dedupe_key = models.CharField(max_length=140, unique=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(outcome=""), name="pathway_closed_follow_up_has_outcome"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["status", "next_escalation_at"]),
            # Her open follow-ups, soonest first (every page she reads asks): the order is in the index, so SQLite
            # does not prefer (status, due_at) and walk every open follow-up of every site to find hers.
            models.Index(fields=["mother", "status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} for mother {self.mother_id} due {self.due_at:%Y-%m-%d} ({self.status})"

    @property
    def unsuccessful_attempts(self) -> int:
        return sum(1 for a in self.attempts.all() if a.result != FollowUpAttempt.Result.SPOKE)


class FollowUpAttempt(models.Model):
    """One try at reaching her."""

    class Result(models.TextChoices):
        SPOKE = "spoke", "Phoned: spoke with her"
        NO_ANSWER = "no_answer", "Phoned: no answer"
        MESSAGE_LEFT = "message_left", "Phoned: message left"

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="attempts")
    at = models.DateTimeField(default=timezone.now)
    by = user_link()
    result = models.CharField(max_length=14, choices=Result.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.result} at {self.at:%Y-%m-%d %H:%M}"


class FollowUpEvent(StepEvent):
    """Every step of a follow-up, time-stamped: created, attempt, escalated, assigned, closed."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="events")


class ResultRelease(models.Model):
    """A clinician let her see a result entered from paper (until then it is not shown to her)."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="release")
    released_by = user_link()
    released_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"release of assessment {self.assessment_id}"
