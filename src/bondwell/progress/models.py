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
