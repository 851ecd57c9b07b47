"""The staff workspace in a real browser (issue 16): from an alert to her phone in one click and her record in one
more; a paper EPDS entered with the keyboard alone closes its schedule; an educator's concern reaches the
clinicians' queue. axe-core finds no serious or critical violation on these pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bondwell.screening import services
from bondwell.screening.models import Assessment, RiskAlert, ScheduledQuestionnaire
from tests.conftest import World, browser_login, browser_open, make_world
from tests.screening.helpers import PHQ9_SELF_HARM
from tests.workspace.axe import serious_violations


@pytest.fixture
def world_with_contact(transactional_db: None) -> World:
    """The world, with Mother A's phone, date of birth and preferred contact times on her record."""
    world = make_world()
    mother = world.mother_a
    mother.phone, mother.date_of_birth, mother.preferred_contact_times = "0491 570 156", date(1991, 3, 14), "Mornings"
    mother.save()
    return world


@pytest.mark.browser
def test_from_an_alert_her_phone_is_one_click_away_and_her_full_record_one_more(
    live_server: Any, new_page: Any, world_with_contact: World
) -> None:
    world = world_with_contact
    services.record_assessment(  # she answers on her phone: an open self-harm alert for the care team
        world.mother_a, "phq9", PHQ9_SELF_HARM, source="mother", by=world.users["mother"],
        answered_on=timezone.localdate(), idempotency_key=services.new_submission_key(),
    )
    page = new_page(390, 844)
    browser_open(page, live_server.url, "clinician@a.test", "Alerts")
    queue = page.content()
    assert "left" in queue  # the time left to acknowledge
    assert "Item 9" in queue  # the answer that raised it, in words
    assert serious_violations(page) == []

    page.get_by_role("link", name="Self-harm").first.click()  # one click: the alert, with her banner
    page.wait_for_load_state()
    call = page.locator('a[href="tel:0491570156"]')
    assert call.is_visible()
    assert "Call 0491 570 156" in call.inner_text()
    assert "Mornings" in page.content()
    assert "14 Mar 1991" in page.content()
    assert serious_violations(page) == []

    page.get_by_role("link", name="Full record of Mother A").click()  # one more: her whole record
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Mother A: record").is_visible()
    for section in ("Questionnaires over time", "Alerts and follow-ups", "Concerns", "Notes",
                    "Programme: attendance and practice", "Recent access to this record"):
        assert page.get_by_role("heading", name=section).count() == 1, section
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []


@pytest.mark.browser
def test_a_paper_epds_entered_with_the_keyboard_alone_in_under_40_keys_closes_its_schedule(
    live_server: Any, new_page: Any, transactional_db: None, epds_pack: Any
) -> None:
    world = make_world()
    scheduled = services.schedule_questionnaire(world.mother_a2, "epds", timezone.localdate() + timedelta(days=3))
    page = new_page(1280, 900)
    browser_login(page, live_server.url, "clinician@a.test")
    page.goto(f"{live_server.url}/screening/mothers/{world.mother_a2.pk}/paper/epds/")
    assert "saving closes it" in page.content()
    assert page.evaluate("document.activeElement.type") == "radio"  # the first item has the focus
    assert page.locator("input[type=radio]:checked").count() == 0  # nothing chosen for her
    assert serious_violations(page) == []
    keys = ["1", "2", "1", "1", "2", "1", "1", "1", "1", "4"]  # item 10, bottom option: "never" as printed
    for key in keys:
        page.keyboard.press(key)
    assert "Total so far:" in page.locator("#live-total").inner_text()
    assert "10 of 10 items entered" in page.locator("#live-total").inner_text()
    assert page.evaluate("document.activeElement.type") == "submit"  # after the last item: Save
    keys.append("Enter")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Paper form entered. It answers the EPDS due" in page.content()
    assert len(keys) < 40
    assessment = Assessment.objects.get()
    assert assessment.complete
    assert assessment.answers == {f"q{n}": int(k) - 1 for n, k in enumerate(keys[:10], start=1)}
    scheduled.refresh_from_db()
    assert scheduled.status == ScheduledQuestionnaire.Status.COMPLETED
    assert assessment.scheduled_id == scheduled.pk
    assert not RiskAlert.objects.exists()


@pytest.mark.browser
def test_an_educators_concern_appears_in_the_clinicians_queue(
    live_server: Any, new_page: Any, transactional_db: None
) -> None:
    make_world()
    educator = new_page(390, 844)
    browser_open(educator, live_server.url, "educator@a.test", "Mothers")
    educator.get_by_role("link", name="Mother A", exact=True).click()
    educator.get_by_role("link", name="I'm worried about this mother").click()
    educator.get_by_role("button", name="Send to the clinicians").click()  # empty: refused, with the summary
    educator.wait_for_load_state()
    assert "There is a problem" in educator.content()
    educator.get_by_label("What worries you about her?").fill("She cried through class and says she is not sleeping.")
    assert serious_violations(educator) == []
    educator.get_by_role("button", name="Send to the clinicians").click()
    educator.wait_for_load_state()
    assert "in the clinicians' queue" in educator.content()

    clinician = new_page(390, 844)
    browser_open(clinician, live_server.url, "clinician@a.test", "Alerts")
    assert "not sleeping" in clinician.content()
    clinician.get_by_role("link", name="Concern from Educator A").click()
    clinician.get_by_role("button", name="Acknowledge").click()
    clinician.wait_for_load_state()
    clinician.get_by_label("What was done").fill("Phoned her; GP appointment booked tomorrow.")
    clinician.get_by_role("button", name="Close the concern").click()
    clinician.wait_for_load_state()
    assert "Concern closed." in clinician.content()
    assert "not sleeping" not in clinician.content()  # closed: off the queue


@pytest.mark.browser
def test_the_other_workspace_pages_have_no_serious_accessibility_violation_and_fit_360_px(
    live_server: Any, new_page: Any, world_with_contact: World
) -> None:
    world = world_with_contact
    services.schedule_questionnaire(world.mother_a, "phq9", timezone.localdate() - timedelta(days=5))
    page = new_page(360, 780)
    browser_login(page, live_server.url, "clinician@a.test")
    for path in ("/mothers/", "/mothers/?q=14/03/1991", "/screening/overdue/",
                 f"/screening/mothers/{world.mother_a.pk}/", f"/mothers/{world.mother_a.pk}/audit/"):
        page.goto(live_server.url + path)
        assert serious_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    lead = new_page(360, 780)
    browser_login(lead, live_server.url, "site_lead@a.test")
    lead.goto(live_server.url + "/progress/dashboard/")
    assert serious_violations(lead) == []
