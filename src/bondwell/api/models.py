"""Per-user API tokens (only a hash is stored) and the per-minute request counts that rate-limit them.

State changes go through `bondwell.api.tokens`; these models hold data and constraints only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from bondwell.accounts.fields import user_link


class ApiToken(models.Model):
    """A bearer token of one user: its SHA-256 hash, scopes, expiry and revocation. The token itself is shown
    once, when it is made, and never stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=80, blank=True)
    prefix = models.CharField(max_length=16, help_text="The token's first characters, to tell tokens apart.")
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = user_link(null=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = user_link(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"API token {self.prefix}… of user {self.user_id}"


class ApiTokenWindow(models.Model):
    """How many requests a token made in one minute (the rate limit counts these rows)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="windows")
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "minute"], name="api_one_window_per_minute")]

    def __str__(self) -> str:
        return f"{self.count} requests of token {self.token_id} at {self.minute:%H:%M}"
