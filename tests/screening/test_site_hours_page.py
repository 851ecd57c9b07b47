"""A site lead sets when her clinicians are at work; alerts and what mothers are promised follow from the next
moment. Bad values are refused beside their field and change nothing; each change is audited."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from django.urls import reverse

from bondwell.accounts.models import AuditEvent, Site
from bondwell.accounts.services import AccountError, update_site_hours
from bondwell.pathway.promises import next_steps
from bondwell.screening import services as screening
from tests.pathway.helpers import sydney
from tests.screening.helpers import PHQ9_CALM

MONDAY_6PM = sydney(2026, 11, 30, 18)
GOOD = {"part": "hours", "working_days": ["0", "1", "2", "3", "4"], "opens_at": "08:00", "closes_at": "20:00",
        "time_zone": "", "region": "NSW"}


def _hours(site: Site) -> tuple[str, time, time, str, str]:
    site.refresh_from_db()
    return site.working_days, site.opens_at, site.closes_at, site.time_zone, site.region


def test_the_lead_keeps_her_site_open_until_8pm_and_a_mother_at_6pm_is_promised_today(
    world: Any, client_as: Any
) -> None:
    client = client_as(world.users["site_lead"])
    page = client.get(reverse("screening-settings")).content.decode()
    assert "When clinicians are at work" in page
    assert "(Australia/Sydney)" in page
    response = client.post(reverse("screening-settings"), GOOD, follow=True)
    assert "Working hours saved" in response.content.decode()
    assert _hours(world.site_a) == ("01234", time(8), time(20), "", "NSW")
    event = AuditEvent.objects.get(action="update:site-hours")
    assert event.actor == world.users["site_lead"]
    assert "08:00-20:00" in event.detail
    assessment = screening.record_assessment(
        world.mother_a, "phq9", {**PHQ9_CALM, "q9": 1}, source="paper", by=world.users["clinician"],
        answered_on=MONDAY_6PM.date(), idempotency_key=screening.new_submission_key(), now=MONDAY_6PM,
    )
    text = " ".join(next_steps(world.mother_a, assessment, now=MONDAY_6PM).lines)
    assert "A clinician will try to contact you today, before 20:00." in text


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"closes_at": "07:00"}, "closes_at", "end after they start"),
    ({"working_days": []}, "working_days", "at least one day"),
    ({"time_zone": "Sydney"}, "time_zone", "not a time zone name"),
    ({"region": "XYZ"}, "region", "not a region of AU"),
    ({"opens_at": "9am"}, "opens_at", "hours and minutes"),
])
def test_a_bad_value_is_refused_beside_its_field_and_changes_nothing(
    world: Any, client_as: Any, change: dict[str, Any], field: str, words: str
) -> None:
    before = _hours(world.site_a)
    client = client_as(world.users["site_lead"])
    response = client.post(reverse("screening-settings"), {**GOOD, **change})
    assert response.status_code == 200
    errors = response.context["hours_form"].errors
    assert list(errors) == [field]
    assert words in " ".join(errors[field])
    assert "There is a problem" in response.content.decode()
    assert _hours(world.site_a) == before
    assert not AuditEvent.objects.filter(action="update:site-hours").exists()


def test_only_her_own_sites_lead_or_an_administrator_changes_its_hours(world: Any) -> None:
    hours = {"working_days": "0123456", "opens_at": time(0), "closes_at": time(23, 59)}
    for someone in (world.users_b["site_lead"], world.users["clinician"]):
        with pytest.raises(AccountError):
            update_site_hours(world.site_a, by=someone, **hours)
    assert _hours(world.site_a)[0] == "01234"
    update_site_hours(world.site_a, by=world.users["admin"], **hours)
    assert _hours(world.site_a)[0] == "0123456"


def test_clinicians_cannot_open_the_page(world: Any, client_as: Any) -> None:
    client = client_as(world.users["clinician"])
    assert client.post(reverse("screening-settings"), GOOD).status_code == 403
    assert _hours(world.site_a)[1] == time(9)


def test_a_new_time_zone_is_her_own_pages_clock_at_once(world: Any, client_as: Any) -> None:
    client = client_as(world.users["site_lead"])
    client.post(reverse("screening-settings"), {**GOOD, "time_zone": "Australia/Perth", "region": "WA"})
    assert "(Australia/Perth)" in client.get(reverse("screening-settings")).content.decode()
