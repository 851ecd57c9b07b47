"""In a real browser on a 390×844 phone: an EPDS of 11 schedules its repeat screen, which her clinician sees; an
EPDS of 17 puts a follow-up on the clinician's worklist, which she phones about and closes with an outcome."""

from __future__ import annotations

from typing import Any

import pytest

from bondwell.pathway.models import FollowUp
from bondwell.screening.models import ScheduledQuestionnaire
from tests.conftest import browser_login, make_world
from tests.pathway.helpers import EPDS_11, EPDS_17

LETTERS = "ABCD"


def answer_epds(page: Any, base: str, answers: dict[str, int]) -> None:
    """The mother answers the EPDS (test text pack) on the whole-form page and sends it."""
    browser_login(page, base, "mother@a.test")
    page.get_by_role("link", name="Questionnaires").first.click()
    page.get_by_role("link", name="Answer a short questionnaire").click()
    page.get_by_role("link", name="See all questions").click()
    for number in range(1, 11):
        letter = LETTERS[answers[f"q{number}"]]
        page.get_by_label(f"Placeholder option {letter} of item {number}", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page must fit a phone"


def open_worklist(page: Any, base: str) -> None:
    browser_login(page, base, "clinician@a.test")
    page.get_by_role("link", name="Follow-ups").first.click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.browser
def test_epds_11_then_the_clinician_sees_the_repeat_screen_scheduled(
    live_server: Any, new_page: Any, transactional_db: None, epds_pack: Any
) -> None:
    make_world()
    mother = new_page(390, 844)
    answer_epds(mother, live_server.url, EPDS_11)
    assert "We will ask you to answer this questionnaire again on" in mother.content()
    repeat = ScheduledQuestionnaire.objects.get(instrument="epds")
    due = f"{repeat.due_on:%a} {repeat.due_on.day} {repeat.due_on:%b}"

    clinician = new_page(390, 844)
    open_worklist(clinician, live_server.url)
    item = clinician.get_by_role("link", name="Repeat the questionnaire")
    assert item.count() == 1
    assert f"repeat questionnaire due {due}" in item.inner_text()
    item.click()
    clinician.wait_for_load_state()
    assert "Repeat questionnaire scheduled for" in clinician.content()


@pytest.mark.browser
def test_epds_17_follow_up_on_the_worklist_phoned_and_closed_with_an_outcome(
    live_server: Any, new_page: Any, transactional_db: None, epds_pack: Any
) -> None:
    make_world()
    mother = new_page(390, 844)
    answer_epds(mother, live_server.url, EPDS_17)
    assert "Someone from your care team will contact you by" in mother.content()

    clinician = new_page(390, 844)
    open_worklist(clinician, live_server.url)
    clinician.get_by_role("link", name="Further assessment").click()
    clinician.wait_for_load_state()
    clinician.get_by_label("Phoned: spoke with her").check()
    clinician.get_by_role("button", name="Record").click()
    clinician.wait_for_load_state()
    assert "Phoned: spoke with her by Clinician A" in clinician.content()
    # Closing without saying whom she was referred to is refused at the field, with a summary at the top.
    clinician.get_by_label("Referred to…").check()
    clinician.get_by_role("button", name="Close follow-up").click()
    clinician.wait_for_load_state()
    assert "There is a problem" in clinician.content()
    clinician.get_by_label("Referred to…").check()
    clinician.get_by_label("Referred to, or other detail").fill("Perinatal mental health team")
    clinician.get_by_role("button", name="Close follow-up").click()
    clinician.wait_for_load_state()
    assert "Follow-up closed." in clinician.content()
    assert "No open follow-ups." in clinician.content()
    closed = FollowUp.objects.get()
    assert (closed.status, closed.outcome) == ("closed", "referred")
    assert closed.outcome_detail == "Perinatal mental health team"
    assert closed.attempts.get().result == "spoke"
