"""A mother's request that her identifiable data be erased, and what became of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from bondwell.accounts.fields import user_link
from bondwell.accounts.models import Mother


class ErasureRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the site lead"
        DONE = "done", "Erased"

    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="erasure_requests")
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    processed_at = models.DateTimeField(null=True, blank=True)
    processed_by = user_link(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"erasure request {self.pk} ({self.status})"
