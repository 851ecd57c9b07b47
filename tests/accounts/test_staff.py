"""Adding people: site leads add staff to their own site, administrators anyone; errors sit by their field."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bondwell.accounts.models import User
from bondwell.notify.outbox import deliver_due


def test_a_site_lead_adds_a_clinician_who_is_emailed_a_link(world: Any, client_as: Any) -> None:
    client = client_as(world.users["site_lead"])
    response = client.post(
        reverse("staff-new"),
        {"full_name": "New Clinician", "email": "New@A.test", "role": "clinician", "site": world.site_a.pk},
    )
    assert response.status_code == 302
    created = User.objects.get(email="new@a.test")
    assert created.site == world.site_a
    assert not created.has_usable_password()
    assert mail.outbox == [], "queued with the account, sent by the worker"
    deliver_due(timezone.now())
    assert mail.outbox[0].to == ["new@a.test"]
    assert "/password/reset/" in mail.outbox[0].body


def test_a_site_lead_cannot_add_staff_to_another_site(world: Any, client_as: Any) -> None:
    client = client_as(world.users["site_lead"])
    page = client.post(
        reverse("staff-new"),
        {"full_name": "X", "email": "x@b.test", "role": "clinician", "site": world.site_b.pk},
    ).content.decode()
    assert 'id="id_site_error"' in page
    assert not User.objects.filter(email="x@b.test").exists()


def test_each_bad_field_gets_its_own_message(world: Any, client_as: Any) -> None:
    client = client_as(world.users["admin"])
    page = client.post(
        reverse("staff-new"), {"full_name": "", "email": "mother@a.test", "role": "clinician", "site": ""}
    ).content.decode()
    assert 'id="id_full_name_error"' in page
    assert "An account with this email already exists." in page
    assert "Choose the site this person works at." in page


def test_a_site_lead_lists_only_her_site_staff(world: Any, client_as: Any) -> None:
    page = client_as(world.users["site_lead"]).get(reverse("staff-list")).content.decode()
    assert "clinician@a.test" in page
    assert "clinician@b.test" not in page
    assert "mother@a.test" not in page
