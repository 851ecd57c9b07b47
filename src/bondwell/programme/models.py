"""Courses, classes, bookings (with a waiting list), attendance, practice at home, doses and reminders.

State changes go through `bondwell.programme.services`; these models hold data and constraints only.
"""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bondwell.accounts.fields import user_link
from bondwell.accounts.models import Baby, Mother, Site
from bondwell.programme.checklist import SCALE, SCALE_MAX

# A frequently studied dose: about 15 minutes, once a day, for six weeks (see docs/content-review.md).
DEFAULT_MINUTES_PER_SESSION = 15
DEFAULT_SESSIONS_PER_WEEK = 7
DEFAULT_DOSE_WEEKS = 6
# The most a dose may prescribe (each part is at least 1); the forms offer the same bounds.
MOST_MINUTES_PER_SESSION = 60
MOST_SESSIONS_PER_WEEK = 21
MOST_DOSE_WEEKS = 26


def _dose_part(most: int, default: object = NOT_PROVIDED) -> models.PositiveSmallIntegerField:  # type: ignore[type-arg]
    """One part of a home-practice dose (a course's default or a mother's own): a whole number from 1 to `most`."""
    return models.PositiveSmallIntegerField(default=default, validators=[MinValueValidator(1), MaxValueValidator(most)])


class Course(models.Model):
    """A series of small classes (e.g. five weekly classes) run by one educator at one site."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    educator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="courses_taught"
    )
    place = models.CharField(max_length=200)
    capacity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(50)])
    starts_on = models.DateField()
    # The home-practice dose a mother on this course is prescribed unless her own dose says otherwise.
    minutes_per_session = _dose_part(MOST_MINUTES_PER_SESSION, default=DEFAULT_MINUTES_PER_SESSION)
    sessions_per_week = _dose_part(MOST_SESSIONS_PER_WEEK, default=DEFAULT_SESSIONS_PER_WEEK)
    dose_weeks = _dose_part(MOST_DOSE_WEEKS, default=DEFAULT_DOSE_WEEKS)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="courses_created"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_on", "id"]
        indexes = [
            models.Index(fields=["site", "-starts_on"]),
            models.Index(fields=["educator", "-starts_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%d %b %Y})"


class ClassSession(models.Model):
    """One class of a course: when, how long, and what it teaches."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    teaches = models.CharField(max_length=200, help_text="What this class teaches, in a line.")
    routine_areas = models.JSONField(default=list, blank=True, help_text="Routine area keys covered.")
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "number"], name="programme_session_number")]
        indexes = [models.Index(fields=["course", "starts_at"]), models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"Class {self.number}: {self.teaches}"


class Booking(models.Model):
    """A mother's place on a course, or her place in its waiting list (first come, first promoted)."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="bookings")
    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="programme_bookings")
    status = models.CharField(max_length=10, choices=Status.choices)
    requested_at = models.DateTimeField(default=timezone.now)
    placed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    booked_by = user_link(null=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "mother"],
                condition=Q(status__in=["booked", "waiting"]),
                name="programme_one_active_booking",
            )
        ]
        indexes = [
            models.Index(fields=["course", "status", "requested_at"]),
            models.Index(fields=["mother", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.mother} · {self.course} · {self.status}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Sent apologies"

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="attendance")
    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="programme_attendance")
    status = models.CharField(max_length=10, choices=Status.choices)
    note = models.CharField(max_length=300, blank=True, help_text="The educator's observation, if any.")
    recorded_by = user_link(null=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["session__starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "mother"], name="programme_one_attendance")]
        indexes = [models.Index(fields=["mother", "session"])]

    def __str__(self) -> str:
        return f"{self.mother} · {self.session} · {self.status}"


def _checklist_item() -> models.PositiveSmallIntegerField:  # type: ignore[type-arg]
    return models.PositiveSmallIntegerField(choices=SCALE, validators=[MaxValueValidator(SCALE_MAX)])


class Observation(models.Model):
    """What an educator saw of one mother and her baby during one class (a non-validated checklist,
    `bondwell.programme.checklist`). Written by `bondwell.programme.observations.record_observation`.

    Moved from the progress app: the table keeps its name, so no row moved."""

    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="class_observations")
    session = models.ForeignKey(ClassSession, on_delete=models.PROTECT, related_name="observations")
    observed_by = user_link()
    eye_contact = _checklist_item()
    responds_to_cues = _checklist_item()
    talks_to_baby = _checklist_item()
    gentle_touch = _checklist_item()
    baby_engagement = _checklist_item()
    checklist_sum = models.PositiveSmallIntegerField()
    checklist_version = models.CharField(max_length=10)
    note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        db_table = "progress_observation"
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "mother"], name="progress_one_observation_per_class"),
        ]
        indexes = [models.Index(fields=["mother", "-recorded_at"], name="progress_ob_mother__9d4b8b_idx")]

    def __str__(self) -> str:
        return f"observation of mother {self.mother_id} in class {self.session_id}"


class Mood(models.IntegerChoices):
    """Her own mood, one tap on five faces (1 = very low … 5 = very good)."""

    VERY_LOW = 1, _("Very low")
    LOW = 2, _("Low")
    OKAY = 3, _("Okay")
    GOOD = 4, _("Good")
    VERY_GOOD = 5, _("Very good")


class BabyResponse(models.TextChoices):
    ENJOYED = "enjoyed", _("Enjoyed it")
    CALM = "calm", _("Calm or sleepy")
    MIXED = "mixed", _("Mixed")
    UNSETTLED = "unsettled", _("Unsettled")


class PracticeLog(models.Model):
    """One massage session at home, guided by the app or logged afterwards."""

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        STOPPED_EARLY = "stopped_early", _("Stopped early")

    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="practice_logs")
    baby = models.ForeignKey(
        Baby, null=True, blank=True, on_delete=models.PROTECT, related_name="practice_logs"
    )
    started_at = models.DateTimeField()
    duration_seconds = models.PositiveIntegerField(validators=[MaxValueValidator(3 * 60 * 60)])
    guided = models.BooleanField(default=False)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.COMPLETED)
    mood_before = models.PositiveSmallIntegerField(null=True, blank=True, choices=Mood.choices)
    mood_after = models.PositiveSmallIntegerField(null=True, blank=True, choices=Mood.choices)
    baby_response = models.CharField(max_length=10, blank=True, choices=BabyResponse.choices)
    steps_completed = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)
    routine_version = models.CharField(max_length=20, blank=True)
    # The guided page sends one token per session, so a double tap or a retried request saves it once.
    client_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["mother", "-started_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(mood_before__isnull=True) | Q(mood_before__gte=1, mood_before__lte=5),
                name="programme_mood_before_range",
            ),
            models.CheckConstraint(
                condition=Q(mood_after__isnull=True) | Q(mood_after__gte=1, mood_after__lte=5),
                name="programme_mood_after_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mother} · {self.started_at:%Y-%m-%d %H:%M} · {self.duration_seconds // 60} min"

    @property
    def stopped_early(self) -> bool:
        return self.outcome == self.Outcome.STOPPED_EARLY

    @property
    def completed(self) -> bool:
        return self.outcome == self.Outcome.COMPLETED


class PracticeDose(models.Model):
    """A dose prescribed to one mother from a date (overrides her course's default dose)."""

    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="practice_doses")
    minutes_per_session = _dose_part(MOST_MINUTES_PER_SESSION)
    sessions_per_week = _dose_part(MOST_SESSIONS_PER_WEEK)
    starts_on = models.DateField()
    weeks = _dose_part(MOST_DOSE_WEEKS, default=DEFAULT_DOSE_WEEKS)
    set_by = user_link(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["mother", "-starts_on"])]

    def __str__(self) -> str:
        return f"{self.minutes_per_session} min × {self.sessions_per_week}/week from {self.starts_on}"


# Callables, not `time` values: Django's check for a "fixed default" (fields.W161) compares a fixed time with the
# clock and warns, failing `check --deploy`, within ten seconds of 21:00 or 08:00 UTC.
def _quiet_from() -> time:
    return time(21, 0)


def _quiet_until() -> time:
    return time(8, 0)


class ReminderPreference(models.Model):
    """When a mother would like a practice reminder by email, and when she wants quiet."""

    mother = models.OneToOneField(Mother, on_delete=models.CASCADE, related_name="reminder_preference")
    enabled = models.BooleanField(default=False)
    times = models.JSONField(default=list, blank=True, help_text='Local times "HH:MM", at most four.')
    quiet_start = models.TimeField(default=_quiet_from)
    quiet_end = models.TimeField(default=_quiet_until)
    updated_at = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["enabled"])]

    def __str__(self) -> str:
        return f"Reminders for {self.mother}: {'on' if self.enabled else 'off'}"


class PracticeReminder(models.Model):
    """One reminder due at one moment: the unique (mother, due_at) makes the worker idempotent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    mother = models.ForeignKey(Mother, on_delete=models.CASCADE, related_name="practice_reminders")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    handled_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["mother", "due_at"], name="programme_one_reminder")]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.mother} · {self.due_at:%Y-%m-%d %H:%M} · {self.status}"
