"""Several workers escalating overdue follow-ups at once: each is escalated once per level (PostgreSQL only)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bondwell.pathway import services
from bondwell.pathway.models import FollowUp, FollowUpEvent
from tests.pathway.helpers import EPDS_17, sydney
from tests.threads import run_together


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_escalate_each_overdue_follow_up_once_on_postgresql() -> None:
    from bondwell.screening.services import new_submission_key, record_assessment
    from tests.conftest import make_world

    world = make_world()
    start = sydney(2026, 11, 30, 10)
    for _ in range(12):
        record_assessment(
            world.mother_a, "epds", EPDS_17, source="paper", by=world.users["clinician"],
            answered_on=date(2026, 11, 30), idempotency_key=new_submission_key(), now=start,
        )
    later = start + timedelta(days=8)
    counts = run_together([lambda: services.escalate_overdue(later)] * 4)
    assert sum(counts) == 12
    assert set(FollowUp.objects.values_list("escalation_level", flat=True)) == {1}
    assert FollowUpEvent.objects.filter(step="escalated").count() == 12
