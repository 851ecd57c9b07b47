"""In Debian's Chromium: two reviewers import a RIS file, screen with one conflict, resolve it, extract, judge
RoB 2 and publish. The public page changes only on publish, and its PRISMA counts equal the records' states."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bondwell.accounts.models import User
from bondwell.evidence.models import Record, Review, ReviewVersion
from bondwell.evidence.review import prisma
from bondwell.evidence.shipped import load_shipped_review
from tests.conftest import PASSWORD, browser_login

RIS = Path(__file__).parents[1] / "fixtures" / "evidence" / "search.ris"
TRIAL = "A randomised trial of mother-led infant massage for postnatal depression"
SLEEP = "Infant massage and infant sleep in the first year"
EXTRACTION = {"label": "Testwell 2025", "pnd_definition": "EPDS 13 or more", "comparator": "routine care",
              "time_point": "6 weeks", "n_massage": "40", "mean_massage": "8", "sd_massage": "3",
              "n_control": "40", "mean_control": "11", "sd_control": "3.5", "source": "Table 2"}  # fmt: skip
LOW_ROB2 = {"1.1": "Y", "1.2": "Y", "1.3": "N", "2.1": "N", "2.2": "N", "2.6": "Y", "3.1": "Y", "4.1": "N",
            "4.2": "N", "4.3": "N", "5.1": "Y", "5.2": "N", "5.3": "N"}  # fmt: skip


def _main_text(page: Any) -> str:
    return str(page.locator("main").inner_text())


def _screen(page: Any, url: str, stage: str, title: str, include: bool, reason: str = "") -> None:
    page.goto(f"{url}/evidence/review/screen/{stage}/")
    record = page.get_by_test_id("record").filter(has_text=title)
    if reason:
        record.get_by_label("Reason for excluding").fill(reason)
    record.get_by_role("button", name="Include" if include else "Exclude").click()
    page.wait_for_load_state("networkidle")


def _extract(page: Any, url: str, pk: int) -> None:
    page.goto(f"{url}/evidence/review/records/{pk}/extract/")
    for name, value in EXTRACTION.items():
        page.locator(f"#id_{name}").fill(value)
    page.locator("#id_design").select_option("rct")
    page.get_by_role("button", name="Save my extraction").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
def test_two_reviewers_take_a_study_from_search_results_to_the_public_page(
    live_server: Any, new_page: Any, transactional_db: None
) -> None:
    review = load_shipped_review(Review, Record, ReviewVersion)
    for email, name in (("ann@review.test", "Ann Reviewer"), ("ben@review.test", "Ben Reviewer")):
        User.objects.create_user(email, PASSWORD, full_name=name, role="researcher")
    url = live_server.url
    public = new_page(360, 800)
    public.goto(f"{url}/evidence/")
    assert public.get_by_test_id("version-number").inner_text() == "1"
    before = _main_text(public)
    assert "Testwell" not in before

    ann, ben = new_page(1280, 900), new_page(360, 800)  # Ben screens and extracts on a phone
    browser_login(ann, url, "ann@review.test")
    browser_login(ben, url, "ben@review.test")
    ann.goto(f"{url}/evidence/review/")
    ann.get_by_label("Where the records come from").fill("PubMed")
    ann.get_by_label("Search results (.ris, .nbib or .csv)").set_input_files(str(RIS))
    ann.get_by_role("button", name="Import").click()
    assert "4 records imported from PubMed; 2 were duplicates" in ann.locator(".messages").inner_text()

    # Title and abstract: they agree on the trial and disagree on the sleep study.
    _screen(ann, url, "title_abstract", TRIAL, include=True)
    _screen(ann, url, "title_abstract", SLEEP, include=False, reason="No maternal depression outcome")
    _screen(ben, url, "title_abstract", TRIAL, include=True)
    _screen(ben, url, "title_abstract", SLEEP, include=True)
    ben.goto(f"{url}/evidence/review/screen/title_abstract/")
    assert ben.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ann.goto(f"{url}/evidence/review/conflicts/")
    conflict = ann.get_by_test_id("conflict").filter(has_text=SLEEP)
    assert "exclude (No maternal depression outcome)" in conflict.inner_text()
    conflict.get_by_label("Reason for excluding").fill("No maternal depression outcome")
    conflict.get_by_role("button", name="Resolve: exclude").click()
    ann.get_by_test_id("no-conflicts").wait_for()

    _screen(ann, url, "full_text", TRIAL, include=True)
    _screen(ben, url, "full_text", TRIAL, include=True)
    trial = Record.objects.get(review=review, doi="10.9999/testwell.2025")
    assert trial.state == prisma.INCLUDED

    _extract(ann, url, trial.pk)
    _extract(ben, url, trial.pk)
    ben.get_by_test_id("agreed").wait_for()
    assert ben.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    ann.goto(f"{url}/evidence/review/records/{trial.pk}/rob/")
    assert "RoB 2" in _main_text(ann)
    for question, answer in LOW_ROB2.items():
        ann.locator(f'[name="q{question}"]').select_option(answer)
    ann.get_by_role("button", name="Save the judgement").click()
    assert "Risk of bias for Testwell 2025: Low risk." in ann.locator(".messages").inner_text()

    # Nothing public has changed before publishing.
    public.goto(f"{url}/evidence/")
    assert public.get_by_test_id("version-number").inner_text() == "1"
    assert re.sub(r"\s+", " ", _main_text(public)) == re.sub(r"\s+", " ", before)

    ann.goto(f"{url}/evidence/review/publish/")
    assert "Study added: Testwell 2025." in ann.get_by_test_id("pending-changes").inner_text()
    ann.get_by_role("button", name="Publish").click()
    public.goto(f"{url}/evidence/")
    assert public.get_by_test_id("version-number").inner_text() == "2"
    assert public.get_by_test_id("pooled-k").inner_text() == "2"
    assert "Testwell 2025" in _main_text(public)
    assert public.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # fits a 360 px phone
    forest = public.locator(".forest-plot svg").first.inner_html()
    assert "Favours massage" in forest
    assert ">D1<" in forest  # risk-of-bias columns beside each study

    # The PRISMA boxes on the public page are the records' states.
    states = {s: Record.objects.filter(review=review, state=s).count() for s in prisma.STATES}
    diagram = public.get_by_test_id("prisma").inner_text()
    assert f"Duplicates: {states[prisma.DUPLICATE]}" in diagram
    assert re.search(rf"Records excluded:\s+{states[prisma.TA_EXCLUDED]}\b", diagram)
    assert re.search(rf"Studies included in the review:\s+{states[prisma.INCLUDED]}\b", diagram)
    assert re.search(rf"Total: {sum(states.values())}\b", diagram)
