"""The educator's class observation. State changes go through `bondwell.progress.services`."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from bondwell.accounts.models import Mother
from bondwell.progress.checklist import SCALE, SCALE_MAX


def _item() -> models.PositiveSmallIntegerField:  # type: ignore[type-arg]
    return models.PositiveSmallIntegerField(choices=SCALE, validators=[MaxValueValidator(SCALE_MAX)])


class Observation(models.Model):
    """What an educator saw of one mother and her baby during one class (a non-validated checklist)."""

    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="class_observations")
    session = models.ForeignKey(
        "programme.ClassSession", on_delete=models.PROTECT, related_name="observations"
    )
    observed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    eye_contact = _item()
    responds_to_cues = _item()
    talks_to_baby = _item()
    gentle_touch = _item()
    baby_engagement = _item()
    checklist_sum = models.PositiveSmallIntegerField()
    checklist_version = models.CharField(max_length=10)
    note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "mother"], name="progress_one_observation_per_class"),
        ]
        indexes = [models.Index(fields=["mother", "-recorded_at"])]

    def __str__(self) -> str:
        return f"observation of mother {self.mother_id} in class {self.session_id}"


class BookingSummary(models.Model):
    """One booking's dashboard integers, materialised (`bondwell.progress.summary`): the EPDS in the baseline and
    end-of-course windows, classes attended, practice seconds in the dose weeks, an EPDS in each follow-up window.
    Computed with the course's start and dose weeks it stores; the dashboard joins the live booking and course."""

    booking = models.OneToOneField(
        "programme.Booking", on_delete=models.CASCADE, primary_key=True, related_name="progress_summary"
    )
    starts_on = models.DateField()
    dose_weeks = models.PositiveSmallIntegerField()
    baseline = models.SmallIntegerField(null=True)
    post = models.SmallIntegerField(null=True)
    present = models.PositiveIntegerField(default=0)
    practice_seconds = models.PositiveIntegerField(default=0)
    follow_up_6 = models.BooleanField(default=False)
    follow_up_12 = models.BooleanField(default=False)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"dashboard summary of booking {self.booking_id}"


class SummaryState(models.Model):
    """The one row saying how far the summaries have read: the highest ids seen of each source table, when the
    worker last swept for changed rows, and a version that changes whenever a summary does (cache keys)."""

    assessment_id = models.BigIntegerField(default=0)
    attendance_id = models.BigIntegerField(default=0)
    practice_id = models.BigIntegerField(default=0)
    booking_id = models.BigIntegerField(default=0)
    swept_at = models.DateTimeField(null=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"dashboard summaries at version {self.version}"
