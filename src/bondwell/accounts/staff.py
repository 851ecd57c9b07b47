"""Staff lifecycle: a site lead (or an administrator) edits a person, changes her role, deactivates her.

Deactivation, in one transaction with its audit event: the account can no longer sign in, every session it has
is ended, it leaves alert routing at once (routing only ever picks active staff), its on-call shifts now and
ahead are taken off the rota, and messages still waiting for it are cancelled.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.sessions.models import Session
from django.db import transaction

from bondwell.accounts.access import audit
from bondwell.accounts.models import User
from bondwell.accounts.roles import Role
from bondwell.errors import BondwellError

LEAD_MAY_GIVE = (Role.EDUCATOR, Role.CLINICIAN, Role.SITE_LEAD)


class StaffError(BondwellError):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def may_manage(manager: User, person: User) -> bool:
    if person.role == Role.MOTHER:
        return False
    if manager.role == Role.ADMIN:
        return True
    return manager.role == Role.SITE_LEAD and person.site_id is not None and person.site_id == manager.site_id


def _check(manager: User, person: User) -> None:
    if not may_manage(manager, person):
        raise StaffError("You cannot manage this person.")


def update(person: User, *, by: User, full_name: str, role: str) -> User:
    """A site lead (her site's staff) or an administrator changes a person's name or role."""
    manager = by
    _check(manager, person)
    name = full_name.strip()
    if not name:
        raise StaffError("Enter the person's full name.", "full_name")
    allowed = LEAD_MAY_GIVE if manager.role == Role.SITE_LEAD else tuple(r for r in Role if r != Role.MOTHER)
    if role not in allowed:
        raise StaffError("Choose one of the roles listed.", "role")
    if person.pk == manager.pk and role != manager.role:
        raise StaffError("You cannot change your own role; ask another lead or an administrator.", "role")
    with transaction.atomic():
        before = User.objects.select_for_update().get(pk=person.pk)
        User.objects.filter(pk=person.pk).update(full_name=name[:120], role=role)
        changes = [f"role {before.role}->{role}"] if before.role != role else []
        if before.full_name != name:
            changes.append("name changed")
        audit(None, "update:user", obj=person, actor=manager, detail="; ".join(changes) or "no change")
        if before.role != role and role not in (Role.CLINICIAN, Role.SITE_LEAD):
            from django.utils import timezone

            from bondwell.notify import rota

            rota.take_off_rota(person, timezone.now())  # only clinicians and leads are ever on call
    return User.objects.get(pk=person.pk)


def end_sessions(user: User, now: datetime) -> int:
    """Delete every live session signed in as this user; returns how many."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=now).iterator(chunk_size=500):
        if str(session.get_decoded().get("_auth_user_id", "")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def deactivate(person: User, *, by: User, now: datetime) -> User:
    """Sign a member of staff out for good: sessions ended, off the rota, her queued messages cancelled."""
    manager = by
    from bondwell.notify import outbox, rota

    _check(manager, person)
    if person.pk == manager.pk:
        raise StaffError("You cannot deactivate yourself; ask another lead or an administrator.")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        if not locked.is_active:
            return locked
        User.objects.filter(pk=person.pk).update(is_active=False, deactivated_at=now)
        shifts = rota.take_off_rota(person, now)
        cancelled = outbox.cancel_for_user(person, now)
        sessions = end_sessions(person, now)
        audit(None, "deactivate:user", obj=person, actor=manager,
              detail=f"sessions ended {sessions}; shifts removed {shifts}; messages cancelled {cancelled}")
    return User.objects.get(pk=person.pk)


def reactivate(person: User, *, by: User) -> User:
    manager = by
    _check(manager, person)
    with transaction.atomic():
        User.objects.filter(pk=person.pk).update(is_active=True, deactivated_at=None)
        audit(None, "reactivate:user", obj=person, actor=manager)
    return User.objects.get(pk=person.pk)
