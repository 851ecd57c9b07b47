"""The base of a record's time-stamped steps (an alert's, a follow-up's): when, which step, who, and a detail."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from bondwell.accounts.fields import user_link


class StepEvent(models.Model):
    """One step; the concrete model adds the foreign key to the record whose steps these are."""

    at = models.DateTimeField(default=timezone.now)
    step = models.CharField(max_length=20)
    actor = user_link(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.step} at {self.at:%Y-%m-%d %H:%M}"
