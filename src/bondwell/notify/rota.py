"""The on-call rota: a site lead adds and removes shifts; deactivating a person takes her off it at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from bondwell.accounts.access import audit
from bondwell.accounts.models import Site, User
from bondwell.accounts.roles import Role
from bondwell.errors import BondwellError
from bondwell.notify.models import OnCallShift

MAX_SHIFT = timedelta(days=7)


class RotaError(BondwellError):
    """A shift that cannot be saved; `field` names the form field at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def add_shift(
    site: Site, user: User, starts_at: datetime, ends_at: datetime, *, by: User, now: datetime,
) -> OnCallShift:
    if user.site_id != site.pk or not user.is_active or user.role not in (Role.CLINICIAN, Role.SITE_LEAD):
        raise RotaError("Choose an active clinician or site lead of your site.", "user")
    if ends_at <= starts_at:
        raise RotaError("The shift must end after it starts.", "ends_at")
    if ends_at - starts_at > MAX_SHIFT:
        raise RotaError("A shift can last at most 7 days; add several shifts for longer.", "ends_at")
    if ends_at <= now:
        raise RotaError("This shift has already ended; give an end in the future.", "ends_at")
    with transaction.atomic():
        shift = OnCallShift.objects.create(site=site, user=user, starts_at=starts_at, ends_at=ends_at, created_by=by,
                                           created_at=now)
        audit(None, "add:on-call-shift", obj=shift, actor=by,
              detail=f"user={user.pk} {starts_at:%Y-%m-%d %H:%M}–{ends_at:%Y-%m-%d %H:%M} UTC")
    return shift


def remove_shift(shift: OnCallShift, *, by: User) -> None:
    with transaction.atomic():
        audit(None, "remove:on-call-shift", obj=shift, actor=by, detail=f"user={shift.user_id}")
        OnCallShift.objects.filter(pk=shift.pk).delete()


def take_off_rota(user: User, now: datetime) -> int:
    """End her current shift now and drop her future ones (call inside the deactivation's transaction)."""
    ended = OnCallShift.objects.filter(user=user, starts_at__lt=now, ends_at__gt=now).update(ends_at=now)
    dropped, _ = OnCallShift.objects.filter(user=user, starts_at__gte=now).delete()
    return ended + dropped


def upcoming(site: Site, now: datetime, limit: int = 100) -> list[OnCallShift]:
    return list(
        OnCallShift.objects.filter(site=site, ends_at__gt=now).select_related("user")
        .order_by("starts_at", "id")[:limit]
    )
