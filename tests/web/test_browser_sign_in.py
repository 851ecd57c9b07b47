"""In a real browser: every demo role signs in with the printed demo login and lands on its own home page."""

from __future__ import annotations

from typing import Any

import pytest

from bondwell.demo import DEMO_PASSWORD, load
from tests.conftest import browser_login, browser_sign_out

HOMES = {
    "mother@demo.bondwell.test": "Your space",
    "educator@demo.bondwell.test": "Your classes",
    "clinician@demo.bondwell.test": "Clinic",
    "lead@demo.bondwell.test": "Your site",
    "researcher@demo.bondwell.test": "Research",
    "admin@demo.bondwell.test": "Administration",
}


@pytest.mark.browser
def test_each_demo_role_signs_in_and_sees_its_home(live_server: Any, new_page: Any, transactional_db: None) -> None:
    load(reset=False)
    page = new_page()
    for email, title in HOMES.items():
        browser_login(page, live_server.url, email, DEMO_PASSWORD)
        assert page.get_by_role("heading", level=1).inner_text() == title
        assert "synthetic" in page.content()
        browser_sign_out(page)


@pytest.mark.browser
def test_a_wrong_password_is_refused_without_saying_which_part(
    live_server: Any, new_page: Any, transactional_db: None
) -> None:
    load(reset=False)
    page = new_page(360, 740)
    browser_login(page, live_server.url, "clinician@demo.bondwell.test", "wrong-password")
    assert "That email and password do not match an account." in page.content()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
