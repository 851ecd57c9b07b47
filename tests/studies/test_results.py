"""Exports (pseudonymised, labelled, date-shifted, audited), the analysis page and report, CONSORT, follow-up
dashboard and sample size, on a small trial built through the services."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import pandas as pd
import pyreadstat
import pytest
from django.urls import reverse
from django.utils import timezone

from bondwell.accounts.models import AuditEvent
from bondwell.stats.trial import sample_size
from bondwell.studies.allocation import randomise_participant
from bondwell.studies.consort import consort_flow
from bondwell.studies.demo import record_epds
from bondwell.studies.enrolment import mark_lost, record_intervention_received, screen_mother
from bondwell.studies.exports import REDCAP_HEADER, VARIABLES
from bondwell.studies.models import Participant, Study, StudyMember
from bondwell.studies.outcomes import link_outcomes
from tests.studies.factory import enrol, new_mother, recruiting_study

DAYS_AGO = 100


@pytest.fixture
def trial(world: Any) -> Study:
    study = recruiting_study(world, block_sizes="2,4")
    StudyMember.objects.create(study=study, user=world.users["researcher"], added_by=world.users["site_lead"])
    StudyMember.objects.create(study=study, user=world.users["statistician"], added_by=world.users["site_lead"])
    day = timezone.localdate() - timedelta(days=DAYS_AGO)
    for index in range(12):
        site = world.site_a if index % 2 else world.site_b
        mother = new_mother(site, f"Named Mother {index}", baby_age_days=DAYS_AGO + 30)
        participant = enrol(world, study, mother, baseline=15 + index % 6, on=day)
        lead = world.users["site_lead"] if site == world.site_a else world.users_b["site_lead"]
        allocation = randomise_participant(participant, by=lead)
        if allocation.arm.code == "intervention":
            record_intervention_received(participant, index != 3, by=lead)
        six = participant.visits.get(timepoint__week=6)
        if index != 0:
            drop = 5 if allocation.arm.code == "intervention" else 2
            record_epds(mother, 15 + index % 6 - drop, six.due_on + timedelta(days=index % 3), world.users["clinician"])
    mark_lost(Participant.objects.get(mother__full_name="Named Mother 0"), by=world.users["site_lead"],
                 reason="Moved interstate")
    clinician = world.users["clinician"]
    low = new_mother(world.site_a, "Below Cutoff")
    record_epds(low, 6, timezone.localdate(), clinician)
    screen_mother(study, low, by=clinician)
    link_outcomes(study)  # what the worker job does
    return study


def _read(reader: Any, content: bytes, suffix: str) -> tuple[pd.DataFrame, Any]:
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(content)
        handle.flush()
        return reader(handle.name)  # type: ignore[no-any-return]


def _export(world: Any, client_as: Any, study: Study, fmt: str) -> bytes:
    response = client_as(world.users["researcher"]).get(
        reverse("study-export", kwargs={"study_id": study.pk, "fmt": fmt}))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return bytes(response.content)


def _identifiers(study: Study) -> list[str]:
    mothers = [p.mother for p in study.participants.select_related("mother")]
    return [m.full_name for m in mothers] + [m.email for m in mothers] + [m.phone for m in mothers] + [
        m.pseudonym for m in mothers
    ]


def test_the_spss_file_reads_back_labelled_without_names_or_contacts(world: Any, client_as: Any,
                                                                     trial: Study) -> None:
    content = _export(world, client_as, trial, "sav")
    frame, meta = _read(pyreadstat.read_sav, content, ".sav")
    assert list(frame.columns) == [v.name for v in VARIABLES]
    assert len(frame) == 12 * 5  # participants × timepoints
    assert meta.variable_value_labels["arm"] == {0.0: "Control", 1.0: "Intervention (infant massage)"}
    assert meta.variable_value_labels["site"] == {1.0: "Site A", 2.0: "Site B"}
    assert dict(zip(meta.column_names, meta.column_labels, strict=True))["epds_total"] == "EPDS total (0-30)"
    assert set(frame["study_id"]) == {p.code for p in trial.participants.all()}
    text = frame.astype(str).to_csv()
    for identifier in _identifiers(trial):
        assert identifier not in text
        assert identifier.encode() not in content


def test_stata_csv_and_excel_hold_the_same_pseudonymised_rows(world: Any, client_as: Any, trial: Study) -> None:
    dta, meta = _read(pyreadstat.read_dta, _export(world, client_as, trial, "dta"), ".dta")
    assert meta.variable_value_labels["arm"] == {0: "Control", 1: "Intervention (infant massage)"}
    table = pd.read_csv(io.BytesIO(_export(world, client_as, trial, "csv")))
    sheets = pd.read_excel(io.BytesIO(_export(world, client_as, trial, "xlsx")), sheet_name=None)
    assert set(sheets) == {"data", "dictionary"}
    assert list(table["study_id"]) == list(dta["study_id"]) == list(sheets["data"]["study_id"])
    assert table["epds_total"].dropna().tolist() == dta["epds_total"].dropna().tolist()
    for identifier in _identifiers(trial):
        assert identifier not in table.to_csv()
        assert identifier not in sheets["data"].to_csv()


def test_dates_move_by_each_participants_own_hidden_shift_and_intervals_stay_true(world: Any, client_as: Any,
                                                                                 trial: Study) -> None:
    table = pd.read_csv(io.BytesIO(_export(world, client_as, trial, "csv")), parse_dates=["due_date",
                        "assessed_date", "enrolment_date"])
    shifts = dict(trial.participants.values_list("code", "date_shift_days"))
    assert len(set(shifts.values())) > 1
    true_enrolment = timezone.localdate() - timedelta(days=DAYS_AGO)
    for code, shift in shifts.items():
        rows = table[table["study_id"] == code]
        assert (rows["enrolment_date"].dt.date == true_enrolment + timedelta(days=shift)).all()
        measured = rows.dropna(subset=["assessed_date"])
        gaps = (measured["assessed_date"] - measured["enrolment_date"]).dt.days
        assert gaps.tolist() == measured["days_from_enrolment"].astype(int).tolist()
        page = client_as(world.users["site_lead"]).get(reverse("study-participants", kwargs={"study_id": trial.pk}))
        assert f"shift {shift}".encode() not in page.content


def test_the_data_dictionary_is_redcap_shaped_and_describes_every_exported_column(world: Any, client_as: Any,
                                                                                  trial: Study) -> None:
    rows = list(csv.reader(io.StringIO(_export(world, client_as, trial, "dictionary").decode())))
    assert rows[0] == REDCAP_HEADER
    by_name = {row[0]: row for row in rows[1:]}
    assert list(by_name) == [v.name for v in VARIABLES]
    assert by_name["arm"][3] == "radio"
    assert by_name["arm"][5] == "1, Intervention (infant massage) | 0, Control"
    assert by_name["epds_total"][7:10] == ["integer", "0", "30"]


def test_every_export_is_audited(world: Any, client_as: Any, trial: Study) -> None:
    for fmt in ("csv", "sav", "dictionary"):
        _export(world, client_as, trial, fmt)
    actions = set(AuditEvent.objects.filter(actor=world.users["researcher"]).values_list("action", flat=True))
    assert {"export:study-csv", "export:study-sav", "export:study-dictionary"} <= actions


def test_consort_counts_come_from_the_screening_log_and_the_participants(trial: Study) -> None:
    flow = consort_flow(trial)
    assert flow.assessed == 13
    assert flow.excluded == (("EPDS below the threshold", 1),)
    assert flow.randomised == 12
    arms = {a.code: a for a in flow.arms}
    assert arms["intervention"].allocated + arms["control"].allocated == 12
    assert sum(a.analysed for a in flow.arms) == 11  # the mother lost before week 6 has no follow-up
    assert [a.lost for a in flow.arms if a.lost] == [(("Moved interstate", 1),)]


def test_consort_downloads_as_svg_and_pdf(world: Any, client_as: Any, trial: Study) -> None:
    client = client_as(world.users["site_lead"])
    svg = client.get(reverse("study-consort", kwargs={"study_id": trial.pk, "fmt": "svg"}))
    root = ElementTree.fromstring(svg.content)
    assert root.tag.endswith("svg")
    assert b"Assessed for eligibility (n=13)" in svg.content or "Assessed for eligibility" in svg.content.decode()
    pdf = client.get(reverse("study-consort", kwargs={"study_id": trial.pk, "fmt": "pdf"}))
    assert pdf.content.startswith(b"%PDF")
    assert client.get(reverse("study-consort", kwargs={"study_id": trial.pk, "fmt": "png"})).status_code == 404


def _as_statistician(client_as: Any, world: Any, url_name: str, trial: Study) -> Any:
    """One of the trial's pages as its statistician gets it (by arm while the trial runs: she is unblinded)."""
    return client_as(world.users["statistician"]).get(reverse(url_name, kwargs={"study_id": trial.pk}))


def test_the_analysis_page_reports_itt_first_and_labels_per_protocol_as_sensitivity(world: Any, client_as: Any,
                                                                                  trial: Study) -> None:
    text = _as_statistician(client_as, world, "study-analysis", trial).content.decode()
    assert "ANCOVA, EPDS adjusted for baseline (intention-to-treat)" in text
    assert "per-protocol (sensitivity)" in text
    assert "<svg" in text
    assert "Limits" in text
    for identifier in _identifiers(trial):
        assert identifier not in text
    report = _as_statistician(client_as, world, "study-report-pdf", trial)
    assert report.content.startswith(b"%PDF")


def test_the_analysis_uses_every_week_6_result_and_excludes_the_non_receiver_per_protocol(trial: Study) -> None:
    from bondwell.studies.analysis import analyse_study

    analysis = analyse_study(trial)
    assert analysis.trial is not None
    itt = analysis.trial.intention_to_treat
    assert [(e.week, e.n) for e in itt.ancova.effects] == [(6, 11)]
    assert itt.ancova.effects[0].estimate < 0  # the built-in larger drop with massage
    per_protocol = analysis.trial.per_protocol
    assert per_protocol is not None
    non_receivers = trial.participants.filter(received_intervention=False).count()
    assert per_protocol.ancova.effects[0].n == 11 - non_receivers


def test_the_follow_up_dashboard_counts_by_arm_and_lists_due_visits_for_staff(world: Any, client_as: Any,
                                                                              trial: Study) -> None:
    text = _as_statistician(client_as, world, "study-followup", trial).content.decode()
    assert "Attrition by arm" in text
    assert "6 weeks" in text
    from bondwell.studies.followup import attrition_by_arm, follow_up_table

    rows = follow_up_table(trial, timezone.localdate())
    six = [r for r in rows if r.label == "6 weeks"]
    assert sum(r.counts["completed"] for r in six) == 11
    assert sum(r.counts["stopped"] for r in six) == 1
    thirteen = [r for r in rows if r.label == "3 months"]
    assert sum(r.counts["due"] + r.counts["overdue"] for r in thirteen) == 11  # day 100 of a 91 ± 14 window
    assert sum(a.lost for a in attrition_by_arm(trial)) == 1


def test_the_sample_size_page_gives_the_statistics_result(world: Any, client_as: Any) -> None:
    query = {"smd": "0.5", "power": "0.8", "alpha": "0.05", "baseline_correlation": "0.5", "attrition": "0.2",
             "icc": "0", "cluster_size": "1"}
    page = client_as(world.users["researcher"]).get(reverse("study-sample-size"), query).content.decode()
    expected = sample_size(0.5, 0.8, 0.05, 0.5, 0.2, 0.0, 1.0)
    assert f"<strong>{expected.n_total}</strong>" in page
    assert f"<strong>{expected.n_per_arm_adjusted}</strong>" in page
