"""Every state change of the follow-up pathway, one function each, inside a transaction, audited."""

from __future__ import annotations

from django.db.models import QuerySet

from bondwell.accounts.models import Mother
from bondwell.pathway.models import FollowUp


def open_follow_ups(mother: Mother) -> QuerySet[FollowUp]:
    """Her follow-ups still waiting for an outcome, the soonest due first."""
    return FollowUp.objects.filter(mother=mother, status=FollowUp.Status.OPEN).order_by("due_at", "id")
