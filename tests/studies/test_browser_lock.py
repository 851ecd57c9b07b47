"""In a real browser: while the trial runs the recruiting site lead gets 403 on the by-arm analysis; the trial
statistician locks the database (a recorded, audited step) and downloads the DMC report; after the lock the
site lead sees the final analysis."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bondwell.accounts.models import AuditEvent, User
from bondwell.studies.allocation import randomise_participant
from bondwell.studies.models import DatabaseLock, StudyMember
from bondwell.studies.services import set_study_status
from tests.conftest import PASSWORD, browser_login, make_world
from tests.studies.factory import enrol, new_mother, recruiting_study


@pytest.mark.browser
def test_the_statistician_locks_the_database_and_downloads_the_dmc_report(
    live_server: Any, new_page: Any, transactional_db: None
) -> None:
    world = make_world()
    study = recruiting_study(world, block_sizes="2,4")
    statistician: User = world.users["statistician"]
    StudyMember.objects.create(study=study, user=statistician, added_by=world.users["site_lead"])
    for index in range(6):
        participant = enrol(world, study, new_mother(world.site_a, f"Mum {index}"), baseline=15 + index)
        randomise_participant(participant, by=world.users["site_lead"])
    base = live_server.url
    study_url = f"{base}/studies/{study.pk}/"

    lead = new_page()
    browser_login(lead, base, "site_lead@a.test", PASSWORD)
    assert lead.goto(f"{study_url}analysis/").status == 403  # blinded while the trial recruits
    lead.goto(f"{study_url}follow-up/")
    assert lead.locator("[data-blinded]").count() == 1
    set_study_status(study, "closed", by=world.users["site_lead"])

    page = new_page()
    browser_login(page, base, statistician.email, PASSWORD)
    page.goto(f"{study_url}follow-up/")
    assert page.locator("[data-blinded]").count() == 0
    page.get_by_role("link", name="Lock the database").first.click()
    page.get_by_label("Why lock now").fill("Last follow-up window closed; queries resolved")
    page.get_by_label("Lock the database: the data are frozen for the final analysis").check()
    page.get_by_role("button", name="Lock the database").click()
    assert "is locked" in page.content()
    assert page.locator("[data-locked]").count() == 1
    lock = DatabaseLock.objects.get(study=study)
    assert lock.locked_by == statistician
    assert AuditEvent.objects.filter(action="study:database-lock").count() == 1

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the DMC report (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert download.value.suggested_filename.endswith("-dmc-report.pdf")
    assert AuditEvent.objects.filter(action="export:study-dmc-report").count() == 1

    assert lead.goto(f"{study_url}analysis/").status == 200  # the blinding ends with the lock
    assert lead.locator("[data-locked]").count() == 1
