"""A right-to-left language mirrors her pages: the document says dir="rtl", text starts on the right, the brand
sits at the right of the header and sign-out at the left, and the page still fits a 360 px phone. Checked on
her classes, her progress, the guided routine (its safety check and a running step), a questionnaire's question
(the options' radio buttons on the right of their words) and her home page, in Arabic and in Farsi."""

from __future__ import annotations

from typing import Any

import pytest

from bondwell.demo import DEMO_PASSWORD, load
from tests.conftest import browser_login
from tests.web.phone import measure

WIDTH = 360


def _mirrored(page: Any, label: str, language: str) -> None:
    assert page.locator("html").get_attribute("dir") == "rtl", label
    assert page.locator("html").get_attribute("lang") == language, label
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl", label
    brand = page.locator(".brand").bounding_box()
    signout = page.locator(".signout button").bounding_box()
    assert brand["x"] > signout["x"], label  # mirrored: brand on the right, sign-out on the left
    heading = page.locator("main h1:visible, main h2:visible").first.bounding_box()
    assert heading["x"] + heading["width"] > WIDTH - 60, label  # text starts at the right edge
    assert measure(page)["overflow"] <= 0, label


@pytest.mark.browser
@pytest.mark.parametrize("language", ["ar", "fa"])
def test_a_right_to_left_page_renders_mirrored(
    live_server: Any, new_page: Any, transactional_db: None, settings: Any, language: str
) -> None:
    settings.LANGUAGES = [("en-au", "English"), ("ar", "العربية"), ("fa", "فارسی")]
    load(reset=False)
    page = new_page(WIDTH, 740)
    browser_login(page, live_server.url, "mother@demo.bondwell.test", DEMO_PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    for path in ("/", "/programme/courses/", "/progress/mine/", "/practice/guided/"):
        page.goto(f"{live_server.url}{path}")
        _mirrored(page, path, language)

    # The guided routine: past its safety check, a step running.
    for fieldset in page.locator("fieldset.yes-no").all():
        fieldset.locator("input[type=radio]").first.check()
    page.locator("form.safety-check button[type=submit]").click()
    page.locator('[data-phase="before"]').wait_for()
    page.locator('[data-action="start"]').click()
    page.locator('[data-phase="step"]:visible').first.wait_for()
    _mirrored(page, "guided: a step", language)

    # A questionnaire's question: each option's radio button sits to the right of its words.
    page.goto(f"{live_server.url}/questionnaires/start/phq9/")
    assert "/questionnaires/answer/" in page.url, page.url
    _mirrored(page, "questionnaire", language)
    option = page.locator("ul.options label").first
    radio = option.locator("input[type=radio]").bounding_box()
    words = option.locator("span").bounding_box()
    assert radio["x"] > words["x"], "questionnaire: the radio button is on the right in a right-to-left page"
