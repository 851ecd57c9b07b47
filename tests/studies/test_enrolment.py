"""Set-up, screening log, consent and enrolment, follow-up scheduling and withdrawal, through the pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bondwell.accounts.models import AuditEvent
from bondwell.screening.models import ScheduledQuestionnaire
from bondwell.studies.demo import record_epds
from bondwell.studies.enrolment import screen_mother, withdraw_participant
from bondwell.studies.models import Participant, ScreeningEntry, Study, StudyMember, Visit
from bondwell.studies.outcomes import link_outcomes
from tests.studies.factory import CONSENT, enrol, new_mother, recruiting_study

FORM = {
    "title": "Touch and mood", "code": "tm", "design": "two_arm", "epds_min": "13", "baby_age_min_days": "0",
    "baby_age_max_days": "120", "consent_text": CONSENT, "consent_version": "1.0", "method": "blocks",
    "block_sizes": "4,6", "stratify_by_site": "on", "stratify_by_severity": "on", "severity_cutoff": "20",
    "minimisation_probability": "0.8", "anchor": "enrolment", "schedule_weeks": "0, 6, 13, 26, 52",
    "window_days": "14", "shift_dates": "on",
}


def test_a_site_lead_sets_up_a_two_arm_study_with_its_schedule(world: Any, client_as: Any) -> None:
    client = client_as(world.users["site_lead"])
    response = client.post(reverse("study-new"), {**FORM, "sites": [world.site_a.pk], "secondary": ["gad7"]})
    study = Study.objects.get(code="TM")
    assert response.status_code == 302
    assert [a.code for a in study.arms.all()] == ["intervention", "control"]
    assert [(t.week, t.label) for t in study.timepoints.all()] == [
        (0, "Baseline"), (6, "6 weeks"), (13, "3 months"), (26, "6 months"), (52, "12 months")
    ]
    assert study.secondary_outcomes == "gad7"
    assert AuditEvent.objects.filter(action="study:create", object_id=str(study.pk)).exists()


def test_set_up_errors_sit_next_to_their_fields(world: Any, client_as: Any) -> None:
    client = client_as(world.users["site_lead"])
    page = client.post(reverse("study-new"), {**FORM, "sites": [world.site_b.pk]}).content.decode()
    assert 'id="id_sites_error"' in page
    page = client.post(reverse("study-new"), {**FORM, "sites": [world.site_a.pk], "block_sizes": "4,5"}).content
    assert b'id="id_block_sizes_error"' in page
    assert b"multiples of 2" in page
    page = client.post(reverse("study-new"), {**FORM, "sites": [world.site_a.pk], "schedule_weeks": "6, 12"}).content
    assert b'id="id_schedule_weeks_error"' in page
    assert not Study.objects.exists()


def test_a_researcher_who_sets_up_a_study_becomes_its_member(world: Any, client_as: Any) -> None:
    client = client_as(world.users["researcher"])
    client.post(reverse("study-new"), {**FORM, "sites": [world.site_a.pk, world.site_b.pk]})
    study = Study.objects.get()
    assert StudyMember.objects.filter(study=study, user=world.users["researcher"]).exists()
    assert client.get(reverse("study-detail", kwargs={"study_id": study.pk})).status_code == 200


def test_the_protocol_is_fixed_once_recruitment_opens(world: Any, client_as: Any) -> None:
    study = recruiting_study(world)
    client = client_as(world.users["site_lead"])
    response = client.post(reverse("study-edit", kwargs={"study_id": study.pk}),
                           {**FORM, "sites": [world.site_a.pk], "code": study.code})
    assert response.status_code == 302
    assert Study.objects.get().title == "Massage trial"


def test_the_screening_log_records_each_reason_for_not_enrolling(world: Any) -> None:
    study = recruiting_study(world)
    clinician = world.users["clinician"]
    low = new_mother(world.site_a, "Low Score")
    record_epds(low, 8, timezone.localdate(), clinician)
    old_baby = new_mother(world.site_a, "Older Baby", baby_age_days=400)
    record_epds(old_baby, 18, timezone.localdate(), clinician)
    stale = new_mother(world.site_a, "Stale Score")
    record_epds(stale, 18, timezone.localdate() - timedelta(days=40), clinician)
    declines = new_mother(world.site_a, "Says No")
    record_epds(declines, 18, timezone.localdate(), clinician)
    reasons = {
        screen_mother(study, low, by=clinician).exclusion_reason,
        screen_mother(study, old_baby, by=clinician).exclusion_reason,
        screen_mother(study, stale, by=clinician).exclusion_reason,
        screen_mother(study, declines, by=clinician, declined=True).exclusion_reason,
    }
    assert reasons == {"epds_below", "baby_age", "no_epds", "declined"}
    assert ScreeningEntry.objects.filter(eligible=True).count() == 1  # only the one who declined was eligible


def test_consent_is_recorded_with_its_version_and_time_and_visits_are_scheduled(world: Any, client_as: Any) -> None:
    study = recruiting_study(world)
    mother = new_mother(world.site_a, "Ready Mum")
    record_epds(mother, 17, timezone.localdate(), world.users["clinician"])
    client = client_as(world.users["clinician"])
    screen_url = reverse("study-screen", kwargs={"study_id": study.pk, "mother_id": mother.pk})
    response = client.post(screen_url, {})
    entry = ScreeningEntry.objects.get(mother=mother)
    assert response.url == reverse("study-consent", kwargs={"study_id": study.pk, "entry_id": entry.pk})
    consent_url = response.url
    at = timezone.localtime().replace(second=0, microsecond=0)
    wrong = client.post(consent_url, {"consent_given": "on", "consent_version": "1.0",
                                      "consented_at": at.strftime("%Y-%m-%dT%H:%M")}).content
    assert b'id="id_consent_version_error"' in wrong
    client.post(consent_url, {"consent_given": "on", "consent_version": "2.1",
                              "consented_at": at.strftime("%Y-%m-%dT%H:%M")})
    participant = Participant.objects.get(mother=mother)
    assert participant.code == "MT-0001"
    assert participant.consent_version == "2.1"
    assert participant.consented_at == at
    assert participant.baseline_epds == 17
    visits = list(participant.visits.select_related("timepoint").order_by("due_on"))
    assert [v.timepoint.week for v in visits] == [0, 6, 13, 26, 52]
    assert visits[0].epds_total == 17
    six = visits[1]
    assert six.due_on == participant.anchor_date + timedelta(weeks=6)
    assert (six.opens_on, six.closes_on) == (six.due_on - timedelta(days=14), six.due_on + timedelta(days=14))
    # Follow-ups go to the mother through the screening module's invitations and reminders.
    scheduled = ScheduledQuestionnaire.objects.filter(mother=mother, instrument="epds").order_by("due_on")
    assert [s.study_timepoint_ref for s in scheduled] == [f"studies.Visit:{v.pk}" for v in visits[1:]]
    assert all(v.invited for v in visits[1:])


def test_a_follow_up_fills_its_visit_only_inside_the_window(world: Any) -> None:
    study = recruiting_study(world)
    day = timezone.localdate() - timedelta(days=60)
    participant = enrol(world, study, new_mother(world.site_a, "Follow Me", baby_age_days=90), baseline=19, on=day)
    six = participant.visits.get(timepoint__week=6)
    record_epds(participant.mother, 11, six.opens_on - timedelta(days=2), world.users["clinician"])
    assert link_outcomes(study) == 0
    record_epds(participant.mother, 9, six.due_on + timedelta(days=3), world.users["clinician"])
    assert link_outcomes(study) == 1
    six.refresh_from_db()
    assert (six.epds_total, six.assessed_on) == (9, six.due_on + timedelta(days=3))
    assert link_outcomes(study) == 0  # idempotent


def test_withdrawal_keeps_the_data_already_given(world: Any, client_as: Any) -> None:
    study = recruiting_study(world)
    participant = enrol(world, study, new_mother(world.site_a, "Going Away"), baseline=18)
    client = client_as(world.users["clinician"])
    url = reverse("study-withdraw", kwargs={"study_id": study.pk, "participant_id": participant.pk})
    client.post(url, {"scope": "intervention", "reason": "No time for classes"})
    participant.refresh_from_db()
    assert (participant.status, participant.withdrawal_scope) == ("active", "intervention")
    assert ScheduledQuestionnaire.objects.filter(mother=participant.mother, status="scheduled").count() == 4
    withdraw_participant(participant, by=world.users["clinician"], scope="follow_up", reason="Moving")
    participant.refresh_from_db()
    assert participant.status == "withdrawn"
    # No further contact: the screening module's invitations for the visits to come are cancelled.
    statuses = set(ScheduledQuestionnaire.objects.filter(mother=participant.mother).values_list("status", flat=True))
    assert statuses == {"cancelled"}
    assert Visit.objects.get(participant=participant, timepoint__week=0).epds_total == 18
    assert AuditEvent.objects.filter(action="study:withdraw", mother=participant.mother).count() == 2


def test_staff_lists_show_only_their_own_site_and_researchers_never_see_names(world: Any, client_as: Any) -> None:
    study = recruiting_study(world)
    StudyMember.objects.create(study=study, user=world.users["researcher"], added_by=world.users["site_lead"])
    enrol(world, study, new_mother(world.site_a, "Alpha Mum"))
    enrol(world, study, new_mother(world.site_b, "Bravo Mum"))
    page = client_as(world.users["clinician"]).get(
        reverse("study-participants", kwargs={"study_id": study.pk})).content.decode()
    assert "Alpha Mum" in page
    assert "Bravo Mum" not in page
    researcher = client_as(world.users["researcher"])
    for name in ("study-detail", "study-followup", "study-analysis"):
        content = researcher.get(reverse(name, kwargs={"study_id": study.pk})).content.decode()
        assert "Alpha Mum" not in content
        assert "Bravo Mum" not in content


def test_before_recruitment_the_set_up_can_change_design_and_schedule(world: Any, client_as: Any) -> None:
    client = client_as(world.users["site_lead"])
    client.post(reverse("study-new"), {**FORM, "sites": [world.site_a.pk]})
    study = Study.objects.get()
    response = client.post(reverse("study-edit", kwargs={"study_id": study.pk}),
                           {**FORM, "sites": [world.site_a.pk], "design": "wait_list", "schedule_weeks": "0,8,26",
                            "window_days": "10"})
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.design == "wait_list"
    assert [(t.week, t.window_days) for t in study.timepoints.all()] == [(0, 10), (8, 10), (26, 10)]
    assert [a.label for a in study.arms.all()] == ["Infant massage now", "Wait-list (massage after follow-up)"]


def test_the_answer_to_the_questionnaire_scheduled_for_the_visit_wins_inside_the_window(world: Any) -> None:
    from bondwell.screening.models import Source
    from bondwell.screening.services import new_submission_key, record_assessment
    from bondwell.studies.demo import epds_answers

    study = recruiting_study(world)
    day = timezone.localdate() - timedelta(days=60)
    participant = enrol(world, study, new_mother(world.site_a, "Scheduled Mum", baby_age_days=90), on=day)
    six = participant.visits.get(timepoint__week=6)
    invitation = ScheduledQuestionnaire.objects.get(study_timepoint_ref=f"studies.Visit:{six.pk}")
    record_epds(participant.mother, 12, six.due_on, world.users["clinician"])  # a routine screen on the due day
    record_assessment(participant.mother, "epds", epds_answers(7), source=Source.PAPER,
                      by=world.users["clinician"], answered_on=six.due_on + timedelta(days=9),
                      idempotency_key=new_submission_key(), scheduled=invitation)
    link_outcomes(study)
    six.refresh_from_db()
    assert (six.epds_total, six.assessed_on) == (7, six.due_on + timedelta(days=9))
