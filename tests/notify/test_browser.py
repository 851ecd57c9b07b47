"""In a real browser on a 360 px phone: a clinician on call acknowledges an alert from the link in her text message;
a site lead puts a clinician on the rota and deactivates another; staff see the banner while no worker runs."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bondwell.accounts.models import User
from bondwell.notify.models import Message, OnCallShift
from bondwell.notify.outbox import deliver_due
from bondwell.screening.models import RiskAlert
from tests.conftest import browser_login, make_world
from tests.notify.conftest import CLINICIAN_MOBILE, verify_mobile
from tests.notify.helpers import mother_answers
from tests.screening.helpers import PHQ9_SELF_HARM


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page must fit a 360 px phone"


@pytest.mark.browser
def test_the_clinician_on_call_acknowledges_from_the_link_in_her_text(
    live_server: Any, new_page: Any, transactional_db: None, sms: Any, settings: Any
) -> None:
    world = make_world()
    settings.BONDWELL_BASE_URL = live_server.url
    clinician = verify_mobile(world.users["clinician"], CLINICIAN_MOBILE)
    now = timezone.now()
    OnCallShift.objects.create(site=world.site_a, user=clinician, starts_at=now - timedelta(hours=1),
                               ends_at=now + timedelta(hours=8))
    mother_answers(world, PHQ9_SELF_HARM, now=now)
    deliver_due(timezone.now())
    (text,) = sms.to(CLINICIAN_MOBILE)
    link = re.search(r"(http://\S+/notify/ack/\S+/)", text.body)
    assert link is not None, text.body

    page = new_page(360, 740)
    browser_login(page, live_server.url, clinician.email)
    banner = page.get_by_role("alert").filter(has_text="Alerts may not reach anyone")
    assert "the background worker has stopped" in banner.inner_text()  # no worker in this test
    page.goto(link.group(1))
    assert "Acknowledge the alert" in page.content()
    assert world.mother_a.full_name not in page.content()
    _fits(page)
    button = page.get_by_role("button", name="Acknowledge and open the alert")
    assert button.bounding_box()["height"] >= 44
    button.click()
    page.wait_for_load_state()
    assert "Acknowledged" in page.content()
    _fits(page)
    assert RiskAlert.objects.get().status == "acknowledged"
    page.goto(link.group(1))
    assert "already been used" in page.content()
    assert not Message.objects.filter(status="pending").exists(), "nothing left to send once acknowledged"


@pytest.mark.browser
def test_a_site_lead_puts_a_clinician_on_call_and_deactivates_another(
    live_server: Any, new_page: Any, transactional_db: None
) -> None:
    from tests.conftest import PASSWORD

    world = make_world()
    leaving = User.objects.create_user("leaving@a.test", PASSWORD, full_name="Leaving Clinician", role="clinician",
                                       site=world.site_a)
    page = new_page(360, 740)
    browser_login(page, live_server.url, "site_lead@a.test")
    page.get_by_role("link", name="On-call rota").first.click()
    page.get_by_label("Who is on call").select_option(label="Clinician A <clinician@a.test>")
    page.get_by_label("Starts").fill("2030-01-02T17:00")
    page.get_by_label("Ends").fill("2030-01-02T09:00")
    page.get_by_role("button", name="Add shift").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.content()
    assert page.locator("#id_ends_at_error").inner_text().strip() == "The shift must end after it starts."
    _fits(page)
    page.get_by_label("Ends").fill("2030-01-03T09:00")
    page.get_by_role("button", name="Add shift").click()
    page.wait_for_load_state()
    assert "Shift added to the on-call rota." in page.content()
    assert OnCallShift.objects.filter(user=world.users["clinician"]).count() == 1

    page.get_by_role("link", name="Staff").first.click()
    page.get_by_role("link", name="Leaving Clinician", exact=True).click()
    page.get_by_role("button", name="Deactivate Leaving Clinician").click()
    page.wait_for_load_state()
    assert "was deactivated" in page.content()
    _fits(page)
    leaving.refresh_from_db()
    assert not leaving.is_active
