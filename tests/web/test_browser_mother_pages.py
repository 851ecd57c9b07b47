"""Every page a mother sees, on two phones (390×844 and 360×740): no sideways scroll, no text under 12 px
(computed styles), every interactive target at least 44 × 44 px, and no serious or critical axe-core
violation. Pages with a form are also measured showing their errors."""

from __future__ import annotations

from typing import Any

import pytest

from bondwell.demo import DEMO_PASSWORD, load
from tests.conftest import browser_login
from tests.web.phone import problems

MOTHER = "mother@demo.bondwell.test"
PAGES = [
    "/", "/me/", "/me/data/", "/mfa/", "/questionnaires/", "/practice/", "/practice/new/", "/practice/reminders/",
    "/practice/guided/", "/programme/routine/", "/programme/courses/", "/progress/mine/", "/progress/mine/summary/",
    "/offline/", "/evidence/",
]


def _check(page: Any, label: str, found: dict[str, list[str]]) -> None:
    issues = problems(page)
    if issues:
        found[label] = issues


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(390, 844), (360, 740)])
def test_every_mother_page_fits_a_phone(
    live_server: Any, new_page: Any, transactional_db: None, width: int, height: int
) -> None:
    load(reset=False)
    from bondwell.evidence.models import Record, Review, ReviewVersion
    from bondwell.evidence.shipped import load_shipped_review

    if not Review.objects.exists():  # an earlier transactional test flushed the migration's published review
        load_shipped_review(Review, Record, ReviewVersion)
    base = live_server.url
    page = new_page(width, height)
    found: dict[str, list[str]] = {}
    page.goto(f"{base}/login/")
    _check(page, "/login/", found)
    browser_login(page, base, MOTHER, DEMO_PASSWORD)
    for path in PAGES:
        response = page.goto(f"{base}{path}")
        assert response is not None
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        _check(page, path, found)

    # The questionnaire (its first page and its result), the guided session and a form with its errors.
    page.goto(f"{base}/questionnaires/")
    start = page.locator("form[action*='/questionnaires/start/'] button, a[href*='/questionnaires/start/']").first
    if start.count():
        start.click()
        page.wait_for_load_state("networkidle")
        _check(page, "questionnaire", found)
    page.goto(f"{base}/practice/guided/")
    page.get_by_role("button", name="Continue").click()  # nothing answered: the browser asks first
    for fieldset in page.locator("fieldset.yes-no").all():
        fieldset.get_by_text("Yes").click()
    page.get_by_role("button", name="Continue").click()
    page.locator('[data-phase="before"]').wait_for()
    _check(page, "guided: before", found)
    page.get_by_role("button", name="Start").click()
    _check(page, "guided: a step", found)
    page.get_by_role("button", name="Stop", exact=True).click()
    _check(page, "guided: after", found)
    page.goto(f"{base}/practice/new/")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    _check(page, "/practice/new/ with errors", found)

    assert not found, "\n".join(f"{where} ({width}px): {'; '.join(issues)}" for where, issues in found.items())
