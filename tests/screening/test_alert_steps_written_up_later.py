"""A clinician who phoned the mother first and writes it up afterwards records when she acknowledged, acted and
closed (`at`): never in the future, never before the step it follows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bondwell.accounts.models import AuditEvent
from bondwell.screening import services
from bondwell.screening.models import AlertEvent, RiskAlert
from tests.screening.helpers import PHQ9_SELF_HARM, paper


def _alert_raised(world: Any, ago: timedelta) -> RiskAlert:
    assessment = paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM, now=timezone.now() - ago)
    return RiskAlert.objects.get(assessment=assessment)


def test_each_step_keeps_when_it_was_done_and_the_audit_who_did_it(world: Any) -> None:
    clinician = world.users["clinician"]
    alert = _alert_raised(world, timedelta(hours=3))
    phoned = alert.raised_at + timedelta(minutes=10)
    services.acknowledge_alert(alert, by=clinician, at=phoned)
    services.record_alert_action(alert, "phoned", "Safe at home.", by=clinician, at=phoned + timedelta(minutes=5))
    done = services.close_alert(alert, by=clinician, at=phoned + timedelta(hours=1))
    assert (done.acknowledged_at, done.action_at, done.closed_at) == (
        phoned, phoned + timedelta(minutes=5), phoned + timedelta(hours=1))
    steps = dict(AlertEvent.objects.filter(alert=alert).values_list("step", "at"))
    assert steps["acknowledged"] == phoned
    assert steps["closed"] == phoned + timedelta(hours=1)
    assert AuditEvent.objects.get(action="close:alert", object_id=str(alert.pk)).actor == clinician


def test_a_step_in_the_future_or_before_the_one_it_follows_is_refused(world: Any) -> None:
    clinician = world.users["clinician"]
    alert = _alert_raised(world, timedelta(hours=3))
    for wrong in (alert.raised_at - timedelta(minutes=1), timezone.now() + timedelta(minutes=5)):
        with pytest.raises(services.ScreeningError) as refused:
            services.acknowledge_alert(alert, by=clinician, at=wrong)
        assert refused.value.field == "at"
    assert RiskAlert.objects.get(pk=alert.pk).status == RiskAlert.Status.OPEN
    services.acknowledge_alert(alert, by=clinician, at=alert.raised_at + timedelta(hours=1))
    with pytest.raises(services.ScreeningError):
        services.record_alert_action(alert, "phoned", "", by=clinician, at=alert.raised_at + timedelta(minutes=30))
