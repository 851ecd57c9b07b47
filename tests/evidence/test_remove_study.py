"""A study added by mistake can be removed by a researcher or programme lead; shipped studies cannot."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bondwell.accounts.models import AuditEvent
from bondwell.evidence.models import EvidenceOutcome, EvidenceStudy
from tests.evidence.conftest import valid_study


def add(client: Any) -> EvidenceStudy:
    client.post(reverse("evidence-add"), valid_study())
    return EvidenceStudy.objects.get(added_by_user=True)


def test_removing_an_added_study_takes_it_out_of_the_pool(client_as: Any, world: Any, shipped: None) -> None:
    researcher = client_as(world.users["researcher"])
    study = add(researcher)
    assert 'data-testid="pooled-k">2<' in researcher.get(reverse("evidence")).content.decode()
    response = researcher.post(reverse("evidence-remove", kwargs={"key": study.key}))
    assert response.status_code == 302
    assert not EvidenceStudy.objects.filter(pk=study.pk).exists()
    assert not EvidenceOutcome.objects.filter(study_id=study.pk).exists()
    assert 'data-testid="pooled-k">1<' in researcher.get(reverse("evidence")).content.decode()
    assert AuditEvent.objects.filter(action="delete:evidence-study", actor=world.users["researcher"]).exists()


def test_shipped_studies_cannot_be_removed_from_the_page(client_as: Any, world: Any, shipped: None) -> None:
    lead = client_as(world.users["site_lead"])
    response = lead.post(reverse("evidence-remove", kwargs={"key": "raisidehkordi2019"}))
    assert response.status_code == 404
    assert EvidenceStudy.objects.filter(key="raisidehkordi2019").exists()


def test_other_roles_cannot_remove_an_added_study(client_as: Any, world: Any, shipped: None) -> None:
    study = add(client_as(world.users["researcher"]))
    for role in ("mother", "educator", "clinician", "admin"):
        response = client_as(world.users[role]).post(reverse("evidence-remove", kwargs={"key": study.key}))
        assert response.status_code == 403
    assert EvidenceStudy.objects.filter(pk=study.pk).exists()
