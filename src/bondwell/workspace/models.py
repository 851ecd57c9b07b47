"""An educator's concern about a mother: a worry in her own words, not a screening result.

It reaches the clinicians' queue beside the risk alerts and is acknowledged and closed like one. State changes go
through `bondwell.workspace.concerns`; this model holds data and constraints only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bondwell.accounts.models import Mother


class Concern(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open, not yet acknowledged"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        CLOSED = "closed", "Closed"

    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="concerns")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=1000)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=500, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="open") | Q(acknowledged_at__isnull=False),
                                   name="workspace_concern_acknowledged_has_time"),
            models.CheckConstraint(condition=~Q(status="closed") | ~Q(outcome=""),
                                   name="workspace_closed_concern_has_outcome"),
        ]
        indexes = [models.Index(fields=["status", "-raised_at"]), models.Index(fields=["mother", "-raised_at"])]

    def __str__(self) -> str:
        return f"concern about mother {self.mother_id} ({self.status})"
