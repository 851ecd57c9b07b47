"""Site rules: crisis contacts per country with sources, acknowledgement windows and working days."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from bondwell.accounts.models import Site
from bondwell.screening.safety import add_working_days, crisis_contacts

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


@settings(max_examples=200, derandomize=True, database=None)
@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    days=st.integers(min_value=1, max_value=10),
)
def test_working_days_skip_weekends_and_keep_the_time_of_day(start: datetime, days: int) -> None:
    moment = timezone.make_aware(start)
    due = add_working_days(moment, days)
    assert due.weekday() < 5
    assert due.time() == timezone.localtime(moment).time()  # the same wall-clock time, across DST changes
    calendar_days = (due.date() - timezone.localtime(moment).date()).days
    weekdays = sum(
        1 for d in range(1, calendar_days + 1) if (timezone.localtime(moment).date() + timedelta(days=d)).weekday() < 5
    )
    assert weekdays == days


def test_a_self_harm_alert_must_be_acknowledged_within_the_sites_window(world: Any) -> None:
    from bondwell.screening.models import SiteSafetySettings
    from bondwell.screening.safety import acknowledge_window

    now = timezone.now()
    assert acknowledge_window("self_harm", world.site_a, now) == now + timedelta(hours=1)
    SiteSafetySettings.objects.create(site=world.site_a, self_harm_ack_minutes=20)
    assert acknowledge_window("self_harm", world.site_a, now) == now + timedelta(minutes=20)
