"""A site is never left saying "your care team has been told" to nobody: its alert settings cannot be saved while
nobody could receive an alert, and her pages then never claim anyone was told."""

from __future__ import annotations

from typing import Any

from bondwell.accounts.models import User
from bondwell.screening.alerts import has_alert_recipient
from bondwell.screening.forms import SafetySettingsForm
from bondwell.screening.safety import safety_settings

RULES = {"self_harm_ack_minutes": "60", "urgent_band_ack_working_days": "1", "fallback_contact_name": ""}


def test_a_site_with_no_alert_recipient_is_refused_until_it_names_one(world: Any) -> None:
    User.objects.filter(site=world.site_a, role__in=("clinician", "site_lead")).update(is_active=False)
    assert not has_alert_recipient(world.site_a)
    refused = SafetySettingsForm({**RULES, "fallback_contact_email": ""}, instance=safety_settings(world.site_a))
    assert not refused.is_valid()
    assert "Nobody at this site could receive an alert" in str(refused.errors)
    named = SafetySettingsForm(
        {**RULES, "fallback_contact_email": "oncall@a.test"}, instance=safety_settings(world.site_a)
    )
    assert named.is_valid(), named.errors


def test_a_staffed_site_saves_without_a_fallback(world: Any) -> None:
    form = SafetySettingsForm({**RULES, "fallback_contact_email": ""}, instance=safety_settings(world.site_a))
    assert form.is_valid(), form.errors
    assert has_alert_recipient(world.site_a)
