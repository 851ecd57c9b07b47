"""Site rules: crisis contacts per country with sources, and acknowledgement windows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bondwell.accounts.models import Site
from bondwell.screening.crisis import crisis_contacts

EXPECTED = {
    "AU": {"000", "13 11 14", "1300 726 306"},
    "UK": {"999", "116 123", "111"},
    "US": {"911", "988", "1-800-944-4773"},
}


@pytest.mark.parametrize("country", sorted(EXPECTED))
def test_each_country_has_its_emergency_number_first_and_every_contact_has_a_source(db: None, country: str) -> None:
    contacts = crisis_contacts(Site.objects.create(name="x", slug="x", country=country))
    assert EXPECTED[country] <= {c.phone for c in contacts}
    assert contacts[0].phone in {"000", "999", "911"}
    assert all(c.source for c in contacts)


def test_an_urgent_band_is_acknowledged_within_the_sites_working_days(world: Any) -> None:
    # One rule for working days: the site's own week and public holidays (accounts.service_hours).
    from bondwell.accounts import service_hours
    from bondwell.screening.safety import acknowledge_window

    friday = timezone.make_aware(datetime(2026, 12, 4, 15, 0))
    due = acknowledge_window("urgent_band", world.site_a, friday)
    assert due == service_hours.add_working_days(world.site_a, friday, 1)
    assert due.weekday() == 0  # the weekend is skipped


def test_a_self_harm_alert_must_be_acknowledged_within_the_sites_window(world: Any) -> None:
    from bondwell.screening.models import SiteSafetySettings
    from bondwell.screening.safety import acknowledge_window

    now = timezone.now()
    assert acknowledge_window("self_harm", world.site_a, now) == now + timedelta(hours=1)
    SiteSafetySettings.objects.create(site=world.site_a, self_harm_ack_minutes=20)
    assert acknowledge_window("self_harm", world.site_a, now) == now + timedelta(minutes=20)
