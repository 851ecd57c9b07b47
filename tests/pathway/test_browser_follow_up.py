"""In a real browser on a 390×844 phone: an EPDS of 11 schedules its repeat screen, which her clinician sees; an
EPDS of 17 puts a follow-up on the clinician's worklist, which she phones about and closes with an outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bondwell.pathway.models import FollowUp
from bondwell.screening.models import ScheduledQuestionnaire
from tests.conftest import browser_open, make_world
from tests.pathway.helpers import EPDS_11, EPDS_17
from tests.screening.helpers import start_short_questionnaire

LETTERS = "ABCD"


Answered = Callable[[dict[str, int]], tuple[Any, Any]]


@pytest.fixture
def answered_then_worklist(live_server: Any, new_page: Any, transactional_db: None, epds_pack: Any) -> Answered:
    """In a fresh world, the mother answers the EPDS (test text pack) on the whole-form page on her phone; then
    her clinician opens the follow-up worklist on hers. Both pages, which must fit a phone."""
    make_world()
    return lambda answers: _answer_then_open_worklist(new_page, live_server.url, answers)


def _answer_then_open_worklist(new_page: Any, base: str, answers: dict[str, int]) -> tuple[Any, Any]:
    mother = new_page(390, 844)
    start_short_questionnaire(mother, base)
    mother.get_by_role("link", name="See all questions").click()
    for number in range(1, 11):
        letter = LETTERS[answers[f"q{number}"]]
        mother.get_by_label(f"Placeholder option {letter} of item {number}", exact=True).check()
    mother.get_by_role("button", name="Send my answers").click()
    mother.wait_for_load_state()
    assert mother.evaluate("document.documentElement.scrollWidth") <= 390, "the page must fit a phone"
    clinician = new_page(390, 844)
    browser_open(clinician, base, "clinician@a.test", "Follow-ups")
    assert clinician.evaluate("document.documentElement.scrollWidth") <= 390
    return mother, clinician


@pytest.mark.browser
def test_epds_11_then_the_clinician_sees_the_repeat_screen_scheduled(answered_then_worklist: Answered) -> None:
    mother, clinician = answered_then_worklist(EPDS_11)
    assert "We will ask you to answer this questionnaire again on" in mother.content()
    repeat = ScheduledQuestionnaire.objects.get(instrument="epds")
    due = f"{repeat.due_on:%a} {repeat.due_on.day} {repeat.due_on:%b}"
    item = clinician.get_by_role("link", name="Repeat the questionnaire")
    assert item.count() == 1
    assert f"repeat questionnaire due {due}" in item.inner_text()
    item.click()
    clinician.wait_for_load_state()
    assert "Repeat questionnaire scheduled for" in clinician.content()


@pytest.mark.browser
def test_epds_17_follow_up_on_the_worklist_phoned_and_closed_with_an_outcome(answered_then_worklist: Answered) -> None:
    mother, clinician = answered_then_worklist(EPDS_17)
    assert "Someone from your care team will contact you by" in mother.content()
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
