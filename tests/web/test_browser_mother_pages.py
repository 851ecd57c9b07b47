"""Every page a mother sees, on two phones (390×844 and 360×740): no sideways scroll, no text under 12 px
(computed styles), every interactive target at least 44 × 44 px, and no serious or critical axe-core
violation. Pages with a form are also measured showing their errors. The pages come from tests/web/mother_pages.py,
the one list the pseudo-locale test reads too (test_mother_pages.py holds it complete)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bondwell.demo import DEMO_PASSWORD, load
from tests.conftest import browser_login
from tests.web.mother_pages import SIGNED_IN, SIGNED_OUT
from tests.web.phone import problems

MOTHER = "mother@demo.bondwell.test"


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
    for name in SIGNED_OUT:
        if name == "password_reset_confirm":
            path = reverse(name, kwargs={"uidb64": "MQ", "token": "set-password"})  # a link that no longer works
        else:
            path = reverse(name)
        page.goto(f"{base}{path}")
        _check(page, path, found)
    browser_login(page, base, MOTHER, DEMO_PASSWORD)
    for path in [reverse(name) for name in SIGNED_IN]:
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
        page.goto(page.url.split("?")[0] + "?view=all")
        for fieldset in page.locator("fieldset").all():
            fieldset.locator("input[type=radio]").first.check()
        page.get_by_role("button", name="Send my answers").click()
        page.wait_for_load_state("networkidle")
        assert "/questionnaires/result/" in page.url, page.url
        _check(page, "questionnaire: result", found)
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
