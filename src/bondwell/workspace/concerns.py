"""Every state change of a concern: raised by an educator, acknowledged, closed with what was done. Each in one
transaction with its audit event."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from bondwell.accounts.access import audit
from bondwell.accounts.models import Mother, User
from bondwell.errors import BondwellError
from bondwell.workspace.models import Concern


class ConcernError(BondwellError):
    """A request the rules refuse (the message is fit to show to the person who made it)."""


def raise_concern(
    mother: Mother, note: str, *, by: User, now: datetime | None = None
) -> Concern:
    text = note.strip()
    if not text:
        raise ConcernError("Say what worries you about her.", field="note")
    with transaction.atomic():
        concern = Concern.objects.create(
            mother=mother, raised_by=by, raised_at=now or timezone.now(), note=text[:1000],
            is_synthetic=mother.is_synthetic,
        )
        audit(None, "raise:concern", mother=mother, obj=concern, actor=by)
    return concern


def acknowledge_concern(concern: Concern, *, by: User) -> Concern:
    now = timezone.now()
    with transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        if locked.status != Concern.Status.OPEN:
            return locked  # a colleague acknowledged it already
        Concern.objects.filter(pk=locked.pk).update(
            status=Concern.Status.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=by
        )
        audit(None, "acknowledge:concern", mother=locked.mother, obj=locked, actor=by)
    return Concern.objects.get(pk=concern.pk)


def close_concern(concern: Concern, outcome: str, *, by: User) -> Concern:
    text = outcome.strip()
    if not text:
        raise ConcernError("Say what was done before closing the concern.", field="outcome")
    now = timezone.now()
    with transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        if locked.status == Concern.Status.CLOSED:
            return locked
        Concern.objects.filter(pk=locked.pk).update(
            status=Concern.Status.CLOSED, outcome=text[:500], closed_at=now, closed_by=by,
            acknowledged_at=locked.acknowledged_at or now, acknowledged_by=locked.acknowledged_by or by,
        )
        audit(None, "close:concern", mother=locked.mother, obj=locked, actor=by, detail=text)
    return Concern.objects.get(pk=concern.pk)
