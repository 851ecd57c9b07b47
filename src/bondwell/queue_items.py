"""The base of what reaches the clinicians' queue (a risk alert, an educator's concern): raised, then
acknowledged by one clinician, then closed by one, each step stamped with when and by whom."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from bondwell.accounts.fields import user_link


class QueueItem(models.Model):
    """Its status and who moved it on; the concrete model adds the mother, what was raised and what was done."""

    class Status(models.TextChoices):
        OPEN = "open", "Open, not yet acknowledged"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        CLOSED = "closed", "Closed"

    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = user_link(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = user_link(null=True, blank=True)

    class Meta:
        abstract = True
