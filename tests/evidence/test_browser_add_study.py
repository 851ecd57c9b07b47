"""In Debian's Chromium: a researcher opens the evidence, adds a study by the form and sees the pool change."""

from __future__ import annotations

from typing import Any

import pytest

from bondwell.accounts.models import User
from bondwell.evidence.pool import fmt
from bondwell.evidence.shipped import sync
from tests.conftest import PASSWORD, browser_login
from tests.evidence.conftest import valid_study


@pytest.mark.browser
def test_a_researcher_adds_a_study_and_sees_the_pooled_estimate_change(
    live_server: Any, new_page: Any, transactional_db: None
) -> None:
    sync()  # transactional tests start from flushed tables
    User.objects.create_user("res@evidence.test", PASSWORD, full_name="Rhea Search", role="researcher")
    page = new_page(1280, 900)
    page.goto(f"{live_server.url}/evidence/")
    before = page.get_by_test_id("pooled-g").inner_text()
    assert before == fmt(-0.6825)
    assert page.get_by_test_id("pooled-k").inner_text() == "1"
    assert page.locator(".forest-plot svg").count() == 1

    browser_login(page, live_server.url, "res@evidence.test")
    page.goto(f"{live_server.url}/evidence/")
    page.get_by_role("link", name="Add a study").click()
    fields = ("short_label", "citation", "doi", "pnd_definition", "comparator", "time_point", "n_massage",
              "mean_massage", "sd_massage", "n_control", "mean_control", "sd_control", "source")  # fmt: skip
    study = valid_study()
    for field in fields:
        page.locator(f"#id_{field}").fill(study[field])
    page.locator("#id_design").select_option("rct")
    # A wrong SD first: the form comes back with the error on that field and nothing is added.
    page.locator("#id_sd_control").fill("0")
    page.get_by_role("button", name="Add the study").click()
    assert "must be greater than 0" in page.locator("#id_sd_control_error").inner_text()
    page.locator("#id_sd_control").fill(study["sd_control"])
    page.get_by_role("button", name="Add the study").click()

    page.get_by_test_id("pooled-k").wait_for()
    assert page.get_by_test_id("pooled-k").inner_text() == "2"
    after = page.get_by_test_id("pooled-g").inner_text()
    assert after != before
    assert f"Hedges' g is now {after} from 2 studies" in page.locator(".messages").inner_text()
    assert "Testwell 2025" in page.locator("#pool ~ section table").inner_text()
    assert page.locator(".forest-plot svg").count() == 1
