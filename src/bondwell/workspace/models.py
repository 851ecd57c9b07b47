"""An educator's concern about a mother: a worry in her own words, not a screening result.

It reaches the clinicians' queue beside the risk alerts and is acknowledged and closed like one. State changes go
through `bondwell.workspace.concerns`; this model holds data and constraints only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from bondwell.accounts.fields import user_link
from bondwell.accounts.models import Mother
from bondwell.queue_items import QueueItem


class Concern(QueueItem):
    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="concerns")
    raised_by = user_link()
    note = models.CharField(max_length=1000)
    outcome = models.CharField(max_length=500, blank=True)
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
