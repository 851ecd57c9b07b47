"""A site lead sets her site's alert windows, fallback contact and crisis contacts; each change is audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bondwell.accounts.models import AuditEvent
from bondwell.screening.crisis import crisis_contacts
from bondwell.screening.models import SiteCrisisContact
from bondwell.screening.safety import acknowledge_window


def test_the_site_lead_changes_the_window_and_the_fallback_contact(world: Any, client_as: Any) -> None:
    client = client_as(world.users["site_lead"])
    data = {
        "part": "rules", "self_harm_ack_minutes": "30", "urgent_band_ack_working_days": "2",
        "fallback_contact_name": "On-call perinatal team", "fallback_contact_email": "oncall@a.test",
    }
    assert client.post(reverse("screening-settings"), data).status_code == 302
    now = timezone.now()
    assert acknowledge_window("self_harm", world.site_a, now) == now + timedelta(minutes=30)
    assert AuditEvent.objects.filter(action="update:safety-settings").exists()


def test_a_self_harm_window_cannot_be_switched_off(world: Any, client_as: Any) -> None:
    client = client_as(world.users["site_lead"])
    data = {"part": "rules", "self_harm_ack_minutes": "0", "urgent_band_ack_working_days": "1"}
    page = client.post(reverse("screening-settings"), data)
    assert page.status_code == 200
    assert "self_harm_ack_minutes" in page.context["form"].errors
    assert acknowledge_window("self_harm", world.site_a, timezone.now()) > timezone.now()


def test_her_own_crisis_contacts_are_added_to_the_national_lines_and_can_be_removed(
    world: Any, client_as: Any
) -> None:
    client = client_as(world.users["site_lead"])
    data = {"part": "contact", "name": "Local on-call", "phone": "02 5550 0000", "open_24_7": "on", "order": "0"}
    client.post(reverse("screening-settings"), data)
    shown = [c.phone for c in crisis_contacts(world.site_a)]
    assert shown[:2] == ["000", "13 11 14"], "the national lines stay first"
    assert "02 5550 0000" in shown
    contact = SiteCrisisContact.objects.get()
    client.post(reverse("screening-settings"), {"part": "remove", "contact": str(contact.pk)})
    assert "000" in {c.phone for c in crisis_contacts(world.site_a)}
    other_site = SiteCrisisContact.objects.create(site=world.site_b, name="B", phone="999", open_24_7=True)
    client.post(reverse("screening-settings"), {"part": "remove", "contact": str(other_site.pk)})
    assert SiteCrisisContact.objects.filter(pk=other_site.pk).exists(), "another site's contact is not hers"
