"""In a real browser: a site lead sets up a two-arm study, screens, enrols and randomises demo mothers and
downloads the CONSORT diagram; the study's researcher downloads the SPSS file, which reads back without names."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pyreadstat
import pytest
from django.utils import timezone

from bondwell.accounts.models import Mother, User
from bondwell.demo import DEMO_PASSWORD, load
from bondwell.studies.demo import record_epds
from bondwell.studies.models import Allocation
from tests.conftest import browser_login, browser_sign_out


def _screenable_demo_mothers(count: int) -> list[Mother]:
    clinician = User.objects.get(email="clinician@demo.bondwell.test")
    mothers = list(
        Mother.objects.filter(site=clinician.site, user__isnull=True, study_screenings__isnull=True)
        .order_by("id")[:count]
    )
    for mother in mothers:  # today's EPDS, as the clinic would have recorded it
        record_epds(mother, 17, timezone.localdate(), clinician)
    return mothers


@pytest.mark.browser
def test_a_site_lead_runs_a_two_arm_study_and_the_researcher_exports_it(
    live_server: Any, new_page: Any, transactional_db: None
) -> None:
    load(reset=False)
    mothers = _screenable_demo_mothers(2)
    page = new_page()
    base = live_server.url
    browser_login(page, base, "lead@demo.bondwell.test", DEMO_PASSWORD)

    page.goto(f"{base}/studies/new/")
    page.get_by_label("Title").fill("Massage after birth (browser test)")
    page.get_by_label("Code").fill("BT")
    page.get_by_label("Consent text").fill("I agree to take part and may withdraw at any time.")
    page.get_by_label("Baby's age up to (days)").fill("365")  # demo babies are up to 200 days old
    page.get_by_role("button", name="Save the study").click()
    page.get_by_role("button", name="Open recruitment").click()
    assert "Recruiting" in page.content()
    study_url = page.url

    page.get_by_role("link", name="Researchers").click()
    page.get_by_label("Researcher's email").fill("researcher@demo.bondwell.test")
    page.get_by_role("button", name="Add researcher").click()
    assert "is now a member" in page.content()

    for mother in mothers:
        page.goto(f"{study_url}enrol/?q={mother.full_name}")
        page.get_by_role("link", name=f"Screen {mother.full_name}").first.click()
        page.get_by_role("button", name="Screen and log").click()
        page.get_by_label("She has read the consent text above and agrees to take part").check()
        page.get_by_role("button", name="Record consent and enrol").click()
        assert "is enrolled as BT-" in page.content()
        page.get_by_role("link", name="Randomise").click()
        # The confirmation shows what is open for her (a positive screen opens a follow-up) before it is final.
        assert page.locator("[data-open-risks], [data-no-open-risks]").count() == 1
        page.get_by_label("I have checked her open risk alerts and follow-ups above").check()
        page.get_by_role("button", name="Randomise her now").click()
        assert page.locator("[data-allocation]").count() == 1
        assert page.get_by_role("link", name="Randomise").count() == 0  # final: no second chance
    assert Allocation.objects.filter(study__code="BT").count() == 2

    page.goto(study_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="CONSORT diagram (SVG)").click()
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Randomised (n=2)" in svg
    assert "Assessed for eligibility (n=2)" in svg

    browser_sign_out(page)
    browser_login(page, base, "researcher@demo.bondwell.test", DEMO_PASSWORD)
    page.goto(study_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="SPSS (.sav)").click()
    content = Path(download.value.path()).read_bytes()
    with tempfile.NamedTemporaryFile(suffix=".sav") as handle:
        handle.write(content)
        handle.flush()
        frame, meta = pyreadstat.read_sav(handle.name)
    assert sorted(set(frame["study_id"])) == ["BT-0001", "BT-0002"]
    assert meta.variable_value_labels["arm"] == {0.0: "Control", 1.0: "Intervention (infant massage)"}
    for mother in mothers:
        assert mother.full_name.encode() not in content
        assert mother.full_name not in frame.astype(str).to_csv()
