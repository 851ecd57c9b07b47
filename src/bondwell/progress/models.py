"""The dashboard's materialised summaries (`bondwell.progress.summary`) and the mothers' first EPDS for the site's
baseline SD (`bondwell.progress.baseline`): progress only reads and reports."""

from __future__ import annotations

from django.db import models


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


class MotherBaseline(models.Model):
    """One mother's first complete, current EPDS (None: she has none), materialised (`bondwell.progress.baseline`):
    the site's baseline SD for the clinician's reliable-change index adds these up instead of looking each up."""

    mother = models.OneToOneField(
        "accounts.Mother", on_delete=models.CASCADE, primary_key=True, related_name="progress_baseline"
    )
    epds = models.SmallIntegerField(null=True)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"first EPDS of mother {self.mother_id}"


class SummaryState(models.Model):
    """The one row saying how far the summaries have read: the highest ids seen of each source table, when the
    worker last swept for changed rows, and a version that changes whenever a summary does (cache keys)."""

    assessment_id = models.BigIntegerField(default=0)
    attendance_id = models.BigIntegerField(default=0)
    practice_id = models.BigIntegerField(default=0)
    booking_id = models.BigIntegerField(default=0)
    swept_at = models.DateTimeField(null=True)
    version = models.BigIntegerField(default=0)
    # The stored first EPDS of every mother (`bondwell.progress.baseline`): the highest assessment id seen, and
    # when the worker last stored them (None: never yet; the clinician's page then computes the SD itself).
    baseline_id = models.BigIntegerField(default=0)
    baselines_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"dashboard summaries at version {self.version}"
