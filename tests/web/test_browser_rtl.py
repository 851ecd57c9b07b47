"""A right-to-left language mirrors her pages: the document says dir="rtl", text starts on the right, the brand
sits at the right of the header and sign-out at the left, and the page still fits a 360 px phone."""

from __future__ import annotations

from typing import Any

import pytest

from bondwell.demo import DEMO_PASSWORD, load
from tests.conftest import browser_login
from tests.web.phone import measure


@pytest.mark.browser
def test_an_arabic_page_renders_mirrored(
    live_server: Any, new_page: Any, transactional_db: None, settings: Any
) -> None:
    settings.LANGUAGES = [("en-au", "English"), ("ar", "العربية")]
    load(reset=False)
    page = new_page(360, 740)
    browser_login(page, live_server.url, "mother@demo.bondwell.test", DEMO_PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
    for path in ("/programme/courses/", "/progress/mine/", "/practice/guided/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("html").get_attribute("lang") == "ar"
        assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
        brand = page.locator(".brand").bounding_box()
        signout = page.locator(".signout button").bounding_box()
        assert brand["x"] > signout["x"], path  # mirrored: brand on the right, sign-out on the left
        heading = page.locator("h1").first.bounding_box()
        assert heading["x"] + heading["width"] > 300, path  # text starts at the right edge
        assert measure(page)["overflow"] <= 0, path
