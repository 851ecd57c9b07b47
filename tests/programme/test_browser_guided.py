"""On a 390×844 phone: the demo mother follows the whole guided routine (time driven by Playwright's clock), the
session appears in her log and in her educator's adherence column; "stop for now" saves a shorter session."""

from __future__ import annotations

from typing import Any

import pytest

from bondwell.demo import DEMO_PASSWORD
from bondwell.programme.content import load_content
from bondwell.programme.models import Booking, PracticeLog
from tests.conftest import browser_login
from tests.programme.helpers import load_programme_demo, pass_the_safety_check

MOTHER, EDUCATOR = "mother@demo.bondwell.test", "educator@demo.bondwell.test"


def _tap(page: Any, phase: str, face: str) -> None:
    page.locator(f'[data-phase="{phase}"] label[title="{face}"]').click()


@pytest.mark.browser
def test_a_demo_mother_does_a_full_guided_session_and_a_stopped_one(
    live_server: Any, new_page: Any, transactional_db: None, settings: Any
) -> None:
    load_programme_demo(settings)
    booking = Booking.objects.select_related("mother", "course").get(mother__user__email=MOTHER, status="booked")
    maya = booking.mother
    PracticeLog.objects.filter(mother=maya).delete()  # a clean week, so the educator's column must move
    total_ms = load_content().routine.total_seconds * 1000

    page = new_page(390, 844)
    page.clock.install()
    browser_login(page, live_server.url, MOTHER, DEMO_PASSWORD)
    pass_the_safety_check(page, f"{live_server.url}/practice/guided/")
    _tap(page, "before", "Low")
    page.get_by_role("button", name="Start").click()
    assert page.get_by_role("heading", name="A warm, quiet place").is_visible()
    stop = page.get_by_role("button", name="Baby isn't enjoying this")
    assert stop.bounding_box()["height"] >= 44
    assert page.get_by_role("button", name="Stop", exact=True).bounding_box()["height"] >= 44
    spoken = page.get_by_role("button", name="Spoken guidance")
    assert spoken.get_attribute("aria-pressed") == "true"  # on by default
    assert page.locator('[data-phase="step"]:not([hidden]) [data-say]').count() >= 2  # title and instructions
    page.get_by_role("button", name="Pause").click()
    page.clock.run_for(120_000)  # a paused timer stays put
    assert page.get_by_role("heading", name="A warm, quiet place").is_visible()
    page.get_by_role("button", name="Resume").click()
    page.clock.run_for(total_ms + 1_000)
    assert page.get_by_role("heading", name="All done. Thank you, both of you.").is_visible()
    _tap(page, "after", "Good")
    page.get_by_text("Enjoyed it").click()
    page.get_by_role("button", name="Save this session").click()
    page.wait_for_url("**/practice/")
    assert "Saved. Thank you for this time together." in page.content()
    assert "Completed · guided" in page.locator(".log-list li").first.inner_text()

    full = PracticeLog.objects.get(mother=maya)
    steps = len(load_content().routine.steps)
    assert (full.outcome, full.guided, full.steps_completed, full.steps_total) == ("completed", True, steps, steps)
    assert abs(full.duration_seconds - total_ms / 1000) <= 2  # the pause is not counted
    assert (full.mood_before, full.mood_after, full.baby_response) == (2, 4, "enjoyed")

    educator = new_page(390, 844)
    browser_login(educator, live_server.url, EDUCATOR, DEMO_PASSWORD)
    educator.goto(f"{live_server.url}/programme/courses/{booking.course_id}/")
    expected = round(min(1.0, full.duration_seconds / 60 / booking.course.minutes_per_session /
                         booking.course.sessions_per_week) * 100)
    row = educator.locator(f'tr[data-mother="{maya.full_name}"]')
    assert row.locator("[data-adherence]").inner_text() == f"{expected}%"
    assert expected > 0

    pass_the_safety_check(page, f"{live_server.url}/practice/guided/")
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(65_000)  # the first step (60 s) is done, the second has begun
    assert page.get_by_role("heading", name="Your hands, and oil if you use it").is_visible()
    page.get_by_role("button", name="Baby isn't enjoying this").click()
    assert page.get_by_role("heading", name="Thank you for listening to your baby.").is_visible()
    page.get_by_text("Unsettled").click()
    page.get_by_role("button", name="Save this session").click()
    page.wait_for_url("**/practice/")
    assert page.locator(".log-list li", has_text="Stopped early · guided").count() == 1
    stopped = PracticeLog.objects.filter(mother=maya).order_by("-id").first()
    assert stopped is not None
    assert (stopped.outcome, stopped.steps_completed, stopped.baby_response) == ("stopped_early", 1, "unsettled")
    assert 60 <= stopped.duration_seconds <= 70

    # A neutral stop: no reason given, no thanks for listening to the baby, the part she did is saved.
    pass_the_safety_check(page, f"{live_server.url}/practice/guided/")
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(10_000)
    page.get_by_role("button", name="Stop", exact=True).click()
    assert page.get_by_role("heading", name="Stopped for now.").is_visible()
    assert not page.get_by_role("heading", name="Thank you for listening to your baby.").is_visible()
    page.get_by_role("button", name="Save this session").click()
    page.wait_for_url("**/practice/")
    assert PracticeLog.objects.filter(mother=maya).count() == 3
