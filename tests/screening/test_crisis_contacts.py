"""Crisis contacts that cannot be lost: national lines always, site contacts added after them, hours on each,
"call now" only for lines open now or 24/7, non-crisis lines labelled, Lifeline for Northern Ireland."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bondwell.accounts.models import Country
from bondwell.screening.crisis import contacts_for
from bondwell.screening.models import SiteCrisisContact
from tests.screening.helpers import draft_for

SYDNEY = ZoneInfo("Australia/Sydney")
SUNDAY_3AM = datetime(2026, 11, 29, 3, tzinfo=SYDNEY)
MONDAY_10AM = datetime(2026, 11, 30, 10, tzinfo=SYDNEY)


def _weekday_team(site: Any) -> SiteCrisisContact:
    return SiteCrisisContact.objects.create(
        site=site, name="Harbour perinatal team", phone="02 5550 1234", opens_at="09:00", closes_at="17:00",
        days="01234",
    )


def test_a_site_contact_added_leaves_the_national_lines_on_the_support_screen(world: Any, client_as: Any) -> None:
    _weekday_team(world.site_a)
    draft = draft_for(world.mother_a)
    page = client_as(world.users["mother"]).get(reverse("screening-support", kwargs={"draft_id": draft.pk}))
    text = page.content.decode()
    for national in ('href="tel:000"', 'href="tel:131114"', 'href="tel:1300726306"', 'href="tel:0255501234"'):
        assert national in text, national
    assert "Monday to Friday 09:00 to 17:00" in text, "each contact says its hours"


@pytest.mark.parametrize(
    ("moment", "now_names", "later_names"),
    [
        (SUNDAY_3AM, ["Emergency (ambulance, police)", "Lifeline"],
         ["PANDA National Perinatal Mental Health Helpline", "Harbour perinatal team"]),
        (MONDAY_10AM, ["Emergency (ambulance, police)", "Lifeline", "PANDA National Perinatal Mental Health Helpline",
                       "Harbour perinatal team"], []),
    ],
)
def test_call_now_holds_only_lines_open_now_or_24_7(
    world: Any, moment: datetime, now_names: list[str], later_names: list[str]
) -> None:
    _weekday_team(world.site_a)
    shown = contacts_for(world.site_a, moment)
    assert sorted(c.name for c in shown.call_now) == sorted(now_names)
    assert sorted(c.name for c in shown.later) == sorted(later_names)
    assert [c.name for c in shown.call_now][:2] == ["Emergency (ambulance, police)", "Lifeline"]


def test_lines_that_are_not_crisis_lines_say_so(world: Any) -> None:
    world.site_a.country = Country.UNITED_STATES
    world.site_a.save()
    shown = contacts_for(world.site_a, datetime(2026, 11, 30, 15, tzinfo=ZoneInfo("America/New_York")))
    by_name = {c.name: c for c in shown.all}
    assert not by_name["Postpartum Support International HelpLine"].crisis_line
    assert not by_name["National Maternal Mental Health Hotline"].crisis_line
    assert by_name["988 Suicide & Crisis Lifeline"].crisis_line
    assert "Postpartum Support International HelpLine" not in {c.name for c in shown.call_now}, "a call-back line"
    assert "calls you back" in by_name["Postpartum Support International HelpLine"].when


@pytest.mark.parametrize(
    ("region", "has_lifeline_ni", "has_nhs_111"), [("NIR", True, False), ("ENG", False, True), ("", False, True)]
)
def test_northern_ireland_gets_lifeline_instead_of_nhs_111(
    world: Any, region: str, has_lifeline_ni: bool, has_nhs_111: bool
) -> None:
    world.site_b.region = region
    world.site_b.save()
    phones = {c.phone for c in contacts_for(world.site_b).all}
    assert ("0808 808 8000" in phones) is has_lifeline_ni
    assert ("111" in phones) is has_nhs_111
    assert {"999", "116 123"} <= phones


@pytest.mark.parametrize("phone", ["ring the ward", "12", "0400", "ext 4412"])
def test_a_contact_number_that_cannot_be_dialled_is_refused(world: Any, client_as: Any, phone: str) -> None:
    client = client_as(world.users["site_lead"])
    data = {"part": "contact", "name": "Ward", "phone": phone, "open_24_7": "on", "order": "0"}
    page = client.post(reverse("screening-settings"), data)
    assert page.status_code == 200
    assert "phone" in page.context["contact_form"].errors
    assert not SiteCrisisContact.objects.exists()
    with pytest.raises(ValidationError) as refused:
        SiteCrisisContact(site=world.site_a, name="Ward", phone=phone, open_24_7=True).full_clean()
    assert "phone" in refused.value.message_dict


def test_a_contact_that_is_not_24_7_must_give_its_hours(world: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        SiteCrisisContact(site=world.site_a, name="Team", phone="02 5550 1234").full_clean()
    assert {"opens_at", "closes_at"} <= set(refused.value.message_dict)
