"""The alert queue's audit (docs/security.md, "What is audited"): opening the queue is always audited; its live
partial, polled every 15 s, is audited when the set of alerts it shows changes for this session, and at least
once every LIST_AUDIT_SECONDS; opening an alert (a record) is audited every time."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bondwell.accounts import list_audit
from bondwell.accounts.models import AuditEvent
from tests.screening.helpers import LIVE, alert_for

pytestmark = pytest.mark.usefixtures("empty_cache")


def queue_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="view:alert-queue").order_by("id"))


def poll(client: Any) -> str:
    response = client.get(reverse("screening-queue"), headers=LIVE)
    assert response.status_code == 200
    return str(response.content.decode())


def test_polls_that_show_the_same_alerts_are_audited_once(world: Any, client_as: Any) -> None:
    clinician = world.users["clinician"]
    first = alert_for(world.mother_a, clinician)
    client = client_as(clinician)
    assert client.get(reverse("screening-queue")).status_code == 200  # opening the page: always audited
    for _ in range(5):
        assert f"/alerts/{first.pk}/" in poll(client)
    events = queue_events()
    assert len(events) == 1
    assert events[0].actor == clinician
    assert events[0].detail == f"shown=1 ids={first.pk}"

    second = alert_for(world.mother_a2, clinician)  # the list changes: the next poll is audited, with what it showed
    poll(client)
    poll(client)
    events = queue_events()
    assert len(events) == 2
    assert events[1].detail == f"shown=2 ids={','.join(str(pk) for pk in sorted([first.pk, second.pk]))}"

    client.get(reverse("screening-queue"))  # opening the page again is audited even when nothing changed
    assert len(queue_events()) == 3


def test_an_unchanged_list_is_audited_again_after_the_period(
    world: Any, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    alert_for(world.mother_a, world.users["clinician"])
    client = client_as(world.users["clinician"])
    poll(client)
    poll(client)
    assert len(queue_events()) == 1
    later = time.time() + list_audit.LIST_AUDIT_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)  # the cache's clock: the remembered list has expired
    poll(client)
    assert len(queue_events()) == 2


def test_each_session_and_each_user_is_audited_on_its_own(world: Any, client_as: Any) -> None:
    alert_for(world.mother_a, world.users["clinician"])
    poll(client_as(world.users["clinician"]))
    other = Client()
    other.force_login(world.users["site_lead"], backend="django.contrib.auth.backends.ModelBackend")
    poll(other)
    assert [e.actor for e in queue_events()] == [world.users["clinician"], world.users["site_lead"]]


def test_opening_an_alert_is_audited_every_time(world: Any, client_as: Any) -> None:
    alert = alert_for(world.mother_a, world.users["clinician"])
    client = client_as(world.users["clinician"])
    poll(client)
    for _ in range(3):
        assert client.get(reverse("screening-alert", args=[alert.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="view:alert", mother=world.mother_a).count() == 3


def test_an_unreachable_cache_means_every_poll_is_audited(
    world: Any, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    alert_for(world.mother_a, world.users["clinician"])
    client = client_as(world.users["clinician"])

    def down(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    monkeypatch.setattr(list_audit.cache, "get", down)
    monkeypatch.setattr(list_audit.cache, "set", down)
    poll(client)
    poll(client)
    assert len(queue_events()) == 2
