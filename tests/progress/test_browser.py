"""In a real browser: the demo mother's progress as herself and as her clinician, the site's dashboard as the
programme lead, and the educator turned away from questionnaire results."""

from __future__ import annotations

from typing import Any

import pytest

from bondwell.demo import DEMO_PASSWORD
from tests.conftest import browser_login
from tests.progress.test_demo import load_demo


@pytest.mark.browser
def test_progress_as_mother_clinician_lead_and_educator(transactional_db: Any, live_server: Any,
                                                        new_page: Any) -> None:
    context = load_demo()
    maya = context.mothers[0]
    url = live_server.url

    page = new_page()
    browser_login(page, url, "mother@demo.bondwell.test", DEMO_PASSWORD)
    page.get_by_role("link", name="My progress").click()
    page.get_by_role("heading", name="My progress").wait_for()
    chart = page.get_by_role("img", name="Your EPDS scores over time")  # drawn by her browser from the numbers
    chart.wait_for()
    assert chart.bounding_box()["width"] <= 390
    assert page.locator("#fig-epds-data svg circle").count() >= 1
    assert page.get_by_role("table").first.is_visible()  # the same numbers, first on a phone
    page.get_by_role("link", name="A summary to print or take to your GP").click()
    page.get_by_role("heading", name="Progress summary for Maya Demo").wait_for()

    clinician = new_page(width=1280, height=900)
    browser_login(clinician, url, "clinician@demo.bondwell.test", DEMO_PASSWORD)
    clinician.goto(f"{url}/progress/mothers/{maya.pk}/")
    clinician.get_by_role("heading", name="Change since baseline (EPDS)").wait_for()
    assert clinician.get_by_text("Reliable change (Jacobson & Truax)").is_visible()
    assert clinician.get_by_role("heading", name="Timeline").is_visible()

    lead = new_page(width=1280, height=900)
    browser_login(lead, url, "lead@demo.bondwell.test", DEMO_PASSWORD)
    lead.get_by_role("link", name="Programme dashboard").click()
    lead.get_by_role("heading", name="Programme dashboard: Harbourside Perinatal Service (synthetic)").wait_for()
    assert lead.get_by_text("is not proof that the course caused it").is_visible()
    assert lead.get_by_text("Mothers who finished a course with an EPDS before and after: n =").is_visible()
    assert "Noor Demo" not in lead.content()  # no names, and nothing of the other site

    educator = new_page()
    browser_login(educator, url, "educator@demo.bondwell.test", DEMO_PASSWORD)
    response = educator.goto(f"{url}/progress/mothers/{maya.pk}/")
    assert response is not None
    assert response.status == 403
