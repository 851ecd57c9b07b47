"""In a real browser on a 390×844 phone: a mother answers with a positive self-harm item and sees support at
once; her clinician's queue shows the alert and she acknowledges it. A paper EPDS raises the same alert."""

from __future__ import annotations

from typing import Any

import pytest

from bondwell.screening.models import RiskAlert
from tests.conftest import browser_login, browser_open, make_world
from tests.screening.helpers import start_short_questionnaire


def answer_one_at_a_time(page: Any, choices: list[str], harm_at: int) -> None:
    """Tick each question's option label; stop when the support screen appears after item `harm_at`."""
    for number, label in enumerate(choices, start=1):
        assert page.get_by_text(f"Question {number} of {len(choices)}").is_visible()
        page.get_by_label(label, exact=True).check()
        page.get_by_role("button", name="Review" if number == len(choices) else "Next").click()
        page.wait_for_load_state()
        if number == harm_at:
            return


def answer_see_support_and_send(page: Any, choices: list[str], harm_at: int) -> None:
    """Answer up to the self-harm item, see the support screen (Australia's 000), carry on and send."""
    answer_one_at_a_time(page, choices, harm_at)
    support = page.get_by_role("alert")
    assert "Support is here for you" in support.inner_text()
    assert "Your care team has been told" in support.inner_text()
    assert page.locator('a[href="tel:000"]').is_visible()
    page.get_by_role("link", name="Carry on with the questions").click()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()


def clinician_acknowledges(page: Any, base: str) -> None:
    browser_open(page, base, "clinician@a.test", "Alerts")
    page.get_by_role("link", name="Self-harm").first.click()
    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state()
    assert "Acknowledged" in page.content()


@pytest.mark.browser
def test_a_mother_answering_the_phq9_sees_support_and_her_clinician_acknowledges(
    live_server: Any, new_page: Any, transactional_db: None
) -> None:
    make_world()
    page = new_page(390, 844)
    start_short_questionnaire(page, live_server.url)
    answer_see_support_and_send(page, ["Not at all"] * 8 + ["Several days"], harm_at=9)
    assert "Support is here for you" in page.get_by_role("alert").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page must fit a phone"
    alert = RiskAlert.objects.get()
    assert alert.kind == "self_harm"
    assert alert.assessment is not None

    clinician = new_page(390, 844)
    clinician_acknowledges(clinician, live_server.url)
    alert.refresh_from_db()
    assert alert.status == "acknowledged"


@pytest.mark.browser
def test_a_mother_answering_the_epds_from_the_text_pack_sees_support(
    live_server: Any, new_page: Any, transactional_db: None, epds_pack: Any
) -> None:
    make_world()
    page = new_page(390, 844)
    start_short_questionnaire(page, live_server.url)
    # Option A of each item as printed; item 10's option B ("hardly ever" on the real form) scores 1... of 3.
    labels = [f"Placeholder option A of item {n}" for n in range(1, 10)] + ["Placeholder option C of item 10"]
    answer_see_support_and_send(page, labels, harm_at=10)
    assert "Support is here for you" in page.content()
    alert = RiskAlert.objects.get()
    assert alert.instrument == "epds"
    assert alert.assessment is not None


@pytest.mark.browser
def test_a_clinicians_paper_epds_with_a_positive_item_10_raises_the_alert(
    live_server: Any, new_page: Any, transactional_db: None
) -> None:
    world = make_world()
    page = new_page(390, 844)
    browser_login(page, live_server.url, "clinician@a.test")
    page.goto(f"{live_server.url}/screening/mothers/{world.mother_a2.pk}/paper/epds/")
    for item in range(1, 10):  # nothing is chosen for her: items she left blank are entered as blank
        page.locator(f'input[name="q{item}"][value="blank"]').check()
    page.get_by_label("Option B as printed (scores 2)").last.check()  # item 10, second option from the top
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Self-harm item answered positively" in page.content()
    page.get_by_role("link", name="Alerts").first.click()
    assert page.get_by_role("link", name="Self-harm").count() == 1
    assert RiskAlert.objects.get().mother == world.mother_a2
