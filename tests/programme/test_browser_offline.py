"""With the network cut (Playwright offline): the guided routine runs from the service worker's cache, the
session she saves waits on the phone, and once online it appears in her log exactly once, even when her phone
sends it again."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bondwell.demo import DEMO_PASSWORD
from bondwell.programme.content import load_content
from bondwell.programme.models import PracticeLog
from tests.conftest import browser_login
from tests.programme.helpers import load_programme_demo, pass_the_safety_check

MOTHER = "mother@demo.bondwell.test"
KEPT = """async () => {
  const keys = await caches.keys();
  for (const key of keys) {
    const cache = await caches.open(key);
    if (await cache.match('/practice/guided/offline/') && await cache.match('/practice/guided/')) { return true; }
  }
  return false;
}"""


@pytest.mark.browser
def test_the_routine_runs_offline_and_its_log_arrives_once(
    live_server: Any, new_page: Any, transactional_db: None, settings: Any
) -> None:
    load_programme_demo(settings)
    PracticeLog.objects.filter(mother__user__email=MOTHER).delete()
    steps = len(load_content().routine.steps)

    page = new_page(360, 740)
    browser_login(page, live_server.url, MOTHER, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/practice/guided/")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== undefined")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function(KEPT, polling=200)

    page.context.set_offline(True)
    # The safety check, from the cache; its Continue cannot reach the server: the kept session answers.
    pass_the_safety_check(page, f"{live_server.url}/practice/guided/")
    page.get_by_role("button", name="Start").click()
    assert page.get_by_role("heading", name="A warm, quiet place").is_visible()
    assert page.locator(".diagram svg").first.is_visible()
    for _ in range(steps):
        page.get_by_role("button", name="Next").click()
    assert page.get_by_role("heading", name="All done. Thank you, both of you.").is_visible()
    page.get_by_text("Enjoyed it").click()
    page.get_by_role("button", name="Save this session").click()
    assert page.get_by_role("heading", name="Saved on this phone").is_visible()
    assert not PracticeLog.objects.filter(mother__user__email=MOTHER).exists()
    waiting = page.evaluate("() => localStorage.getItem('bondwell-practice-queue')")

    page.context.set_offline(False)  # the 'online' event sends it
    page.wait_for_function("() => localStorage.getItem('bondwell-practice-queue') === '{}'", polling=200)
    assert PracticeLog.objects.filter(mother__user__email=MOTHER).count() == 1

    # Her phone sends the same session again (a retry after a lost answer): still one.
    page.evaluate("(q) => localStorage.setItem('bondwell-practice-queue', q)", waiting)
    page.goto(f"{live_server.url}/practice/")
    page.wait_for_function("() => localStorage.getItem('bondwell-practice-queue') === '{}'", polling=200)
    log = PracticeLog.objects.get(mother__user__email=MOTHER)
    assert (log.outcome, log.steps_completed, log.baby_response) == ("completed", steps, "enjoyed")
    assert str(log.client_token) in json.loads(waiting)
    page.reload()
    assert page.locator(".log-list li", has_text="Completed · guided").count() == 1


@pytest.mark.browser
def test_a_questionnaire_offline_says_it_needs_a_connection(
    live_server: Any, new_page: Any, transactional_db: None, settings: Any
) -> None:
    load_programme_demo(settings)
    page = new_page(390, 844)
    browser_login(page, live_server.url, MOTHER, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/programme/routine/")
    page.wait_for_function(KEPT, polling=200)
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/questionnaires/")
    assert page.get_by_role("heading", name="Questionnaires need a connection").is_visible()
    assert page.get_by_text("Questionnaires cannot be answered offline").is_visible()
    page.goto(f"{live_server.url}/programme/routine/")  # the routine itself stays readable
    assert page.get_by_role("heading", name="Knees to tummy").is_visible()
