"""The base of what reaches the clinicians' queue (a risk alert, an educator's concern): raised, then
acknowledged by one clinician, then closed by one, each step stamped with when and by whom."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class QueueItem(models.Model):
    """Its status and who moved it on; the concrete model adds the mother, what was raised and what was done."""

    class Status(models.TextChoices):
        OPEN = "open", "Open, not yet acknowledged"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        CLOSED = "closed", "Closed"

    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
