"""Trial integrity: blinding by role, the database lock and the final analysis on its snapshot, the DMC report,
the safety check before randomisation, who opens and closes recruitment, consent-limited withdrawal and the
stratum and allocation sequence in the exports."""

from __future__ import annotations

import io
import re
from typing import Any

import pandas as pd
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bondwell.accounts.models import AuditEvent
from bondwell.studies.allocation import randomise_participant
from bondwell.studies.analysis import analyse_study
from bondwell.studies.enrolment import withdraw_participant
from bondwell.studies.locking import lock_database
from bondwell.studies.models import Allocation, DatabaseLock, StudyMember, Visit
from bondwell.studies.safety_check import open_risks
from bondwell.studies.services import StudyError, set_study_status
from tests.studies.factory import enrol, new_mother, recruiting_study


def _trial(world: Any, n: int = 8) -> Any:
    study = recruiting_study(world, block_sizes="2,4")
    for role in ("researcher", "statistician"):
        StudyMember.objects.create(study=study, user=world.users[role], added_by=world.users["site_lead"])
    for index in range(n):
        site = world.site_a if index % 2 == 0 else world.site_b
        participant = enrol(world, study, new_mother(site, f"Mum {index}"), baseline=14 + index % 5)
        lead = world.users["site_lead"] if site == world.site_a else world.users_b["site_lead"]
        randomise_participant(participant, by=lead)
    return study


def _url(name: str, study: Any, **extra: Any) -> str:
    return reverse(name, kwargs={"study_id": study.pk, **extra})


def test_recruiting_staff_are_blinded_and_the_statistician_is_not(world: Any, client_as: Any) -> None:
    study = _trial(world)
    for role in ("site_lead", "clinician", "researcher"):
        client = client_as(world.users[role])
        assert client.get(_url("study-analysis", study)).status_code == 403, role
        assert client.get(_url("study-report-pdf", study)).status_code == 403, role
        follow = client.get(_url("study-followup", study)).content.decode()
        assert "data-blinded" in follow
        assert "Attrition by arm" not in follow
        assert "all arms" in follow
    assert AuditEvent.objects.filter(action="refused:study-by-arm-blinded").count() == 6
    statistician = client_as(world.users["statistician"])
    assert statistician.get(_url("study-analysis", study)).status_code == 200
    assert "Attrition by arm" in statistician.get(_url("study-followup", study)).content.decode()


def test_researcher_exports_mask_the_arm_and_carry_stratum_and_sequence(world: Any, client_as: Any) -> None:
    study = _trial(world)
    blinded = pd.read_csv(io.BytesIO(client_as(world.users["researcher"]).get(_url(
        "study-export", study, fmt="csv")).content))
    unblinded = pd.read_csv(io.BytesIO(client_as(world.users["statistician"]).get(_url(
        "study-export", study, fmt="csv")).content))
    for column in ("arm", "adherence_min_week", "received_intervention", "withdrawal_scope"):
        assert blinded[column].isna().all(), column  # nothing that would tell the arm
    assert set(unblinded["arm"].dropna()) == {0, 1}
    assert unblinded["received_intervention"].notna().all()
    allocations = {a.participant.code: a for a in Allocation.objects.select_related("participant")}
    for frame in (blinded, unblinded):
        for row in frame.drop_duplicates("study_id").itertuples():
            allocation = allocations[row.study_id]
            assert row.stratum == allocation.stratum
            assert row.allocation_sequence == allocation.sequence


def test_only_the_studys_site_leads_open_and_close_recruitment(world: Any, client_as: Any) -> None:
    study = _trial(world, n=2)
    for role in ("researcher", "statistician", "clinician"):
        response = client_as(world.users[role]).post(_url("study-status", study), {"status": "closed"})
        assert response.status_code == 403, role
    with pytest.raises(StudyError, match="site lead of a site taking part"):
        set_study_status(study, "closed", by=world.users["researcher"])
    assert client_as(world.users["site_lead"]).post(_url("study-status", study), {"status": "closed"}).status_code \
        == 302
    study.refresh_from_db()
    assert study.status == "closed"
    page = client_as(world.users["researcher"]).get(_url("study-detail", study)).content.decode()
    assert "Close recruitment" not in page
    assert "Open recruitment" not in page


def test_the_database_lock_is_recorded_audited_final_and_the_analysis_uses_its_snapshot(world: Any) -> None:
    study = _trial(world)
    statistician = world.users["statistician"]
    with pytest.raises(StudyError, match="Close recruitment"):
        lock_database(study, by=statistician, reason="interim")
    with pytest.raises(StudyError, match="trial statistician"):
        lock_database(study, by=world.users["researcher"], reason="interim")
    set_study_status(study, "closed", by=world.users["site_lead"])
    with pytest.raises(StudyError, match="why"):
        lock_database(study, by=statistician, reason="  ")
    # A result arrives before the lock...
    visit = Visit.objects.filter(participant__study=study, timepoint__week=6).order_by("id").first()
    assert visit is not None
    Visit.objects.filter(pk=visit.pk).update(epds_total=9, completed_at=timezone.now())
    lock = lock_database(study, by=statistician, reason="last follow-up window closed")
    assert lock.n_participants == 8
    assert AuditEvent.objects.filter(action="study:database-lock", actor=statistician).count() == 1
    with pytest.raises(StudyError, match="already locked"):
        lock_database(study, by=statistician, reason="again")
    with pytest.raises(PermissionError), transaction.atomic():
        DatabaseLock.objects.filter(pk=lock.pk).update(reason="changed")
    before = analyse_study(study).frame
    # ...and one after it: the final analysis does not see it.
    other = Visit.objects.filter(participant__study=study, timepoint__week=6).exclude(pk=visit.pk).first()
    assert other is not None
    Visit.objects.filter(pk=other.pk).update(epds_total=3, completed_at=timezone.now())
    after = analyse_study(study).frame
    pd.testing.assert_frame_equal(before, after)
    assert after["epds"].notna().sum() == before["epds"].notna().sum()
    assert 9.0 in set(after["epds"])


def test_after_the_lock_everyone_in_the_study_sees_by_arm(world: Any, client_as: Any) -> None:
    study = _trial(world)
    set_study_status(study, "closed", by=world.users["site_lead"])
    lock_database(study, by=world.users["statistician"], reason="done")
    for role in ("site_lead", "clinician", "researcher"):
        page = client_as(world.users[role]).get(_url("study-analysis", study))
        assert page.status_code == 200, role
        assert "data-locked" in page.content.decode()


def test_the_dmc_report_is_the_statisticians_and_audited(world: Any, client_as: Any) -> None:
    study = _trial(world)
    for role in ("site_lead", "researcher"):
        assert client_as(world.users[role]).get(_url("study-dmc-report", study)).status_code == 403
    response = client_as(world.users["statistician"]).get(_url("study-dmc-report", study))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].endswith('-dmc-report.pdf"')
    assert AuditEvent.objects.filter(action="export:study-dmc-report").count() == 1
    from bondwell.studies import dmc

    report = dmc.build(study)
    titles = [title for title, _, _ in report.tables]
    assert "Recruitment" in titles
    assert "Retention by arm" in titles
    assert any(title.startswith("Safety events and alerts by arm") for title in titles)


def test_randomising_shows_her_open_risks_and_records_the_decision(world: Any, client_as: Any) -> None:
    from bondwell.screening.alerts import raise_alert

    study = recruiting_study(world)
    participant = enrol(world, study, new_mother(world.site_a, "Needs Care"))
    with transaction.atomic():
        raise_alert(mother=participant.mother, kind="self_harm", instrument="epds", reason="item 10",
                    source_key="test:1", now=timezone.now())
    risks = open_risks(participant.mother)
    assert len(risks.alerts) == 1
    lead = client_as(world.users["site_lead"])
    url = _url("study-randomise", study, participant_id=participant.pk)
    page = lead.get(url).content.decode()
    assert "data-open-risks" in page
    assert "Self-harm item answered positively" in page
    shown = dict(re.findall(r'name="(alerts_shown|follow_ups_shown)" value="(\d+)"', page))

    # Deciding not to randomise now is recorded too.
    assert lead.post(url, {"decision": "defer", "note": "call her first"}).status_code == 302
    assert AuditEvent.objects.filter(action="study:randomise-deferred").count() == 1
    assert not Allocation.objects.exists()

    # A new alert after the page was shown: asked to look again.
    with transaction.atomic():
        raise_alert(mother=participant.mother, kind="urgent_band", instrument="epds", reason="score",
                    source_key="test:2", now=timezone.now())
    refused = lead.post(url, {"confirm": "on", "decision": "proceed", **shown})
    assert refused.status_code == 200
    assert lead.post(url, {"confirm": "on", "decision": "proceed", "alerts_shown": "two"}).status_code == 200
    assert "check again" in refused.content.decode()
    assert not Allocation.objects.exists()

    page = lead.get(url).content.decode()
    shown = dict(re.findall(r'name="(alerts_shown|follow_ups_shown)" value="(\d+)"', page))
    assert lead.post(url, {"confirm": "on", "decision": "proceed", "note": "care team involved", **shown}
                     ).status_code == 302
    allocation = Allocation.objects.get()
    assert allocation.open_alerts_seen == 2
    assert "care team involved" in allocation.safety_decision
    event = AuditEvent.objects.get(action="study:randomise")
    assert "open_alerts=2" in event.detail


def test_withdrawal_choices_follow_the_consent_version(world: Any, client_as: Any) -> None:
    study = recruiting_study(world, withdrawal_scopes=("intervention",))
    participant = enrol(world, study, new_mother(world.site_a, "Version Two"))
    page = client_as(world.users["clinician"]).get(
        _url("study-withdraw", study, participant_id=participant.pk)).content.decode()
    assert 'value="intervention"' in page
    assert 'value="follow_up"' not in page
    with pytest.raises(StudyError, match="does not offer"):
        withdraw_participant(participant, by=world.users["clinician"], scope="follow_up", reason="")
    withdraw_participant(participant, by=world.users["clinician"], scope="intervention", reason="")


def test_no_pyplot_anywhere_in_the_web_process() -> None:
    """pyplot keeps global figure state, not thread-safe under granian's threads: charts draw on their own
    Figure and Agg canvas instead."""
    from pathlib import Path

    import bondwell

    root = Path(bondwell.__file__).parent
    offenders = [
        str(path.relative_to(root)) for path in root.rglob("*.py")
        if re.search(r"^\s*(import matplotlib\.pyplot|from matplotlib import pyplot)", path.read_text(), re.M)
    ]
    assert offenders == []


def test_the_dmc_report_prints_user_text_as_text(world: Any) -> None:
    from bondwell.studies import dmc

    study = _trial(world, n=2)
    study.title = "Trial <para><unclosed & co"
    study.save(update_fields=["title"])
    assert dmc.render_pdf(dmc.build(study)).startswith(b"%PDF")
