"""Every read or change of a mother's record leaves an audit event that nobody can edit."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bondwell.accounts.models import AuditEvent


def test_opening_a_record_writes_who_what_when_and_from_where(world: Any, client_as: Any) -> None:
    client = client_as(world.users["clinician"])
    client.get(reverse("mother-record", args=[world.mother_a.pk]), REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="UA")
    event = AuditEvent.objects.get(mother=world.mother_a, action="view:record")
    assert event.actor == world.users["clinician"]
    assert event.actor_role == "clinician"
    assert event.ip_address == "192.0.2.7"
    assert event.user_agent == "UA"
    assert event.at is not None


def test_a_denied_opening_is_audited_too(world: Any, client_as: Any) -> None:
    client = client_as(world.users["clinician"])
    client.get(reverse("mother-record", args=[world.mother_b.pk]))
    assert not AuditEvent.objects.filter(mother=world.mother_b).exists()  # out of scope: not even revealed
    # The educator teaches mother_a (in her scope) but may not read her questionnaire results: refused, audited.
    educator = world.users["educator"]
    response = client_as(educator).get(reverse("progress-mother", args=[world.mother_a.pk]))
    assert response.status_code == 403
    denied = AuditEvent.objects.get(mother=world.mother_a, actor=educator)
    assert (denied.action, denied.detail) == ("denied", "purpose=clinical")


def test_a_mother_reading_her_own_record_is_audited(world: Any, client_as: Any) -> None:
    client_as(world.users["mother"]).get(reverse("my-record"))
    assert AuditEvent.objects.filter(mother=world.mother_a, action="view:own-record").count() == 1


def test_staff_see_the_trail_of_a_record(world: Any, client_as: Any) -> None:
    client_as(world.users["mother"]).get(reverse("my-record"))
    page = client_as(world.users["clinician"]).get(reverse("mother-audit", args=[world.mother_a.pk]))
    assert page.status_code == 200
    assert "view:own-record" in page.content.decode()


def test_audit_events_cannot_be_changed_or_deleted(world: Any, client_as: Any) -> None:
    client_as(world.users["clinician"]).get(reverse("mother-record", args=[world.mother_a.pk]))
    event = AuditEvent.objects.get(mother=world.mother_a)
    event.action = "nothing happened"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "view:record"
