"""API tokens: made, revoked, checked and counted here, and nowhere else.

A token is `bw_` followed by 43 random URL-safe characters (256 bits). Only its SHA-256 hash is stored, so a
copy of the database gives no usable token; it is printed once, when it is made. Each token carries scopes
(`RESOURCE:read` / `RESOURCE:write`, `write` including `read`; `all:read` and `all:write` for every resource),
an expiry, and can be revoked. Requests are counted per token and minute for the rate limit.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from bondwell.accounts.access import audit
from bondwell.accounts.models import User
from bondwell.accounts.roles import Role
from bondwell.api.models import ApiToken, ApiTokenWindow
from bondwell.errors import BondwellError

TOKEN_PREFIX = "bw_"
RESOURCES = (
    "mothers", "schedules", "assessments", "alerts", "followups", "practice", "courses", "bookings", "studies",
    "fhir", "redcap",
)
ACCESS = ("read", "write")
MAX_DAYS = 366
DEFAULT_RATE_PER_MINUTE = 120


def all_scopes() -> list[str]:
    return [f"{r}:{a}" for r in RESOURCES for a in ACCESS] + ["all:read", "all:write"]


class TokenError(BondwellError):
    """A token the rules refuse (unknown scope, expiry out of range, inactive account); names the field."""


def rate_per_minute() -> int:
    return int(getattr(settings, "BONDWELL_API_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE))


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def check_scopes(scopes: list[str]) -> list[str]:
    known = set(all_scopes())
    unknown = [s for s in scopes if s not in known]
    if unknown or not scopes:
        raise TokenError(f"Unknown scope(s) {', '.join(unknown) or '(none given)'}; "
                         f"use RESOURCE:read or RESOURCE:write with RESOURCE one of "
                         f"{', '.join(RESOURCES)}, or all:read / all:write.", field="scope")
    return sorted(set(scopes))


def has_scope(token: ApiToken, resource: str, access: str) -> bool:
    granted = set(token.scopes)
    wanted = {f"{resource}:write", "all:write"}
    if access == "read":
        wanted |= {f"{resource}:read", "all:read"}
    return bool(granted & wanted)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once


def _may_manage(actor: User, owner: User) -> bool:
    return actor.pk == owner.pk or actor.role == Role.ADMIN


def create_token(
    owner: User, scopes: list[str], expires_at: datetime, *, by: User | None, name: str = "",
) -> NewToken:
    """Make a token for `owner` (by herself or an administrator; `by=None`: the operator's command line)."""
    if by is not None and not _may_manage(by, owner):
        raise PermissionDenied("Only the user herself or an administrator makes her tokens.")
    if not owner.is_active:
        raise TokenError("This account is not active.", field="user")
    clean = check_scopes(scopes)
    now = timezone.now()
    if expires_at <= now:
        raise TokenError("The expiry must be in the future.", field="expires")
    if expires_at > now + timedelta(days=MAX_DAYS):
        raise TokenError(f"A token lasts at most {MAX_DAYS} days.", field="expires")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=owner, name=name[:80], prefix=secret[:10], token_hash=hash_token(secret), scopes=clean,
            created_by=by, expires_at=expires_at, created_at=now,
        )
        audit(None, "api-token:create", obj=token, actor=by or owner,
              detail=f"{token.prefix} for {owner.email}: {' '.join(clean)} until {expires_at:%Y-%m-%d}")
    return NewToken(token, secret)


def revoke_token(token: ApiToken, *, by: User | None) -> ApiToken:
    if by is not None and not _may_manage(by, token.user):
        raise PermissionDenied("Only the user herself or an administrator revokes her tokens.")
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        if updated:
            audit(None, "api-token:revoke", obj=token, actor=by or token.user, detail=token.prefix)
    return ApiToken.objects.get(pk=token.pk)


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def find_active(raw: str, now: datetime | None = None) -> ApiToken | None:
    """The live token with this secret (not expired, not revoked, active user), or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    now = now or timezone.now()
    token = ApiToken.objects.filter(token_hash=hash_token(raw)).select_related("user__site").first()
    if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    return token


def count_request(token: ApiToken, now: datetime | None = None) -> tuple[bool, int]:
    """Count one request in the token's current minute: (allowed, seconds until the next minute)."""
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    with transaction.atomic():
        updated = ApiTokenWindow.objects.filter(token=token, minute=minute).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    ApiTokenWindow.objects.create(token=token, minute=minute, count=1)
            except IntegrityError:
                ApiTokenWindow.objects.filter(token=token, minute=minute).update(count=F("count") + 1)
        count = ApiTokenWindow.objects.filter(token=token, minute=minute).values_list("count", flat=True).first()
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        # Old windows are of no further use.
        ApiTokenWindow.objects.filter(token=token, minute__lt=minute - timedelta(minutes=5)).delete()
    return (count or 0) <= rate_per_minute(), 60 - now.second
