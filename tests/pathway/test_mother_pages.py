"""What a mother reads is true: promises from the site's hours and her real record, no false reassurance while
anything is open, changed answers never lost, paper results only once released, progress across instruments."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bondwell import instruments
from bondwell.accounts.models import AuditEvent, Country, User
from bondwell.pathway.models import FollowUp
from bondwell.pathway.promises import immediate_lines, next_steps
from bondwell.screening import services as screening
from bondwell.screening.models import Assessment, RiskAlert
from tests.pathway.helpers import EPDS_17, EPDS_CALM, PBQ_CALM, PHQ9_14, PHQ9_CALM, SOMETIMES, sydney

PHQ9_SELF_HARM_LOW = {**PHQ9_CALM, "q9": 1}  # total 1: the "few signs of low mood" band, with a self-harm answer
SATURDAY_11PM = sydney(2026, 11, 28, 23)


def _record(world: Any, answers: dict[str, int], instrument: str = "phq9", *, by_mother: bool = False,
            now: datetime | None = None) -> Assessment:
    return screening.record_assessment(
        world.mother_a, instrument, answers, source="mother" if by_mother else "paper",
        by=world.users["mother" if by_mother else "clinician"], answered_on=date.today(),
        idempotency_key=screening.new_submission_key(), now=now,
    )


def _pages(client: Any, assessment: Assessment) -> dict[str, str]:
    her = assessment.mother.user
    assert her is not None
    draft = screening.start_draft(assessment.mother, "phq9", by=her)
    urls = {
        "result": reverse("screening-result", kwargs={"assessment_id": assessment.pk}),
        "questionnaires": reverse("screening-my"),
        "progress": reverse("progress-mine"),
        "summary": reverse("progress-summary"),
        "support": reverse("screening-support", kwargs={"draft_id": draft.pk}),
        "home": reverse("home"),
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


# ---- promises that are true --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [
        SATURDAY_11PM,
        sydney(2026, 11, 29, 12),  # Sunday noon
        sydney(2026, 11, 27, 17, 30),  # Friday after hours
        sydney(2026, 11, 30, 8),  # Monday before opening
        sydney(2026, 12, 25, 10),  # Christmas Day, a Friday
    ],
)
def test_a_promise_made_out_of_hours_never_says_today(world: Any, moment: datetime) -> None:
    assessment = _record(world, PHQ9_SELF_HARM_LOW, now=moment)
    steps = next_steps(world.mother_a, assessment, now=moment)
    assert steps.urgent
    assert not steps.today
    text = " ".join(steps.lines)
    assert "today" not in text.lower()
    assert "not at work now" in text
    assert "09:00" in text, "she is told when they start again"
    assert "call one of the numbers below now" in text


def test_a_promise_in_working_hours_says_today_and_until_when(world: Any) -> None:
    monday = sydney(2026, 11, 30, 10)
    assessment = _record(world, PHQ9_SELF_HARM_LOW, now=monday)
    steps = next_steps(world.mother_a, assessment, now=monday)
    assert steps.today
    assert "A clinician will try to contact you today, before 17:00." in " ".join(steps.lines)


def test_out_of_hours_with_a_clinician_on_call_she_is_told_the_on_call_clinician_knows(world: Any) -> None:
    from bondwell.notify.models import OnCallShift

    OnCallShift.objects.create(
        site=world.site_a, user=world.users["clinician"], starts_at=SATURDAY_11PM - timedelta(hours=2),
        ends_at=SATURDAY_11PM + timedelta(hours=10),
    )
    assessment = _record(world, PHQ9_SELF_HARM_LOW, now=SATURDAY_11PM)
    text = " ".join(next_steps(world.mother_a, assessment, now=SATURDAY_11PM).lines)
    assert "the clinician on call for them has been told" in text
    assert "today" not in text.lower()
    later = " ".join(next_steps(world.mother_a, assessment, now=SATURDAY_11PM + timedelta(hours=11)).lines)
    assert "on call" not in later, "the shift has ended"


def test_late_in_the_working_day_she_is_not_promised_today(world: Any) -> None:
    late = sydney(2026, 11, 30, 16, 30)  # 30 minutes before closing; a self-harm alert has 60 to be acknowledged
    assessment = _record(world, PHQ9_SELF_HARM_LOW, now=late)
    steps = next_steps(world.mother_a, assessment, now=late)
    text = " ".join(steps.lines)
    assert not steps.today
    assert "today" not in text.lower()
    assert "Their working day ends at 17:00" in text
    assert "09:00 on Tuesday 1 December" in text


def test_the_result_page_at_23_on_a_saturday_never_says_today(
    world: Any, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assessment = _record(world, PHQ9_SELF_HARM_LOW, by_mother=True)
    client = client_as(world.users["mother"])
    monkeypatch.setattr(timezone, "now", lambda: SATURDAY_11PM)
    page = client.get(reverse("screening-result", kwargs={"assessment_id": assessment.pk})).content.decode()
    assert "Support is here for you" in page
    assert "today" not in page.lower()
    assert "09:00 on Monday 30 November" in page


def test_a_follow_up_promise_names_the_day_it_is_due(world: Any) -> None:
    monday = sydney(2026, 11, 30, 10)
    assessment = _record(world, EPDS_17, instrument="epds", now=monday)
    lines = next_steps(world.mother_a, assessment, now=monday).lines
    assert lines == [
        "Someone from your care team will contact you by Monday 7 December to talk about how you are feeling."
    ]


def test_without_anyone_to_receive_an_alert_she_is_never_told_her_care_team_knows(world: Any) -> None:
    User.objects.filter(site=world.site_a).exclude(role="mother").update(is_active=False)
    assessment = _record(world, PHQ9_SELF_HARM_LOW, by_mother=True)
    for moment in (SATURDAY_11PM, sydney(2026, 11, 30, 10)):
        lines = next_steps(world.mother_a, assessment, now=moment).lines + immediate_lines(world.mother_a, moment)
        text = " ".join(lines)
        assert "has been told" not in text
        assert "call one of the numbers below now" in text


# ---- no false reassurance ----------------------------------------------------------------------------------


@pytest.mark.parametrize("country", [Country.AUSTRALIA, Country.UNITED_KINGDOM, Country.UNITED_STATES])
def test_no_page_shown_to_a_mother_with_an_open_flag_contains_a_reassuring_band_text(
    world: Any, client_as: Any, country: str
) -> None:
    world.site_a.country = country
    world.site_a.save()
    profile = {"AU": "AU", "UK": "UK", "US": "US"}[country]
    reassuring = {text for name in instruments.available()
                  for text in instruments.load(name, profile=profile).reassuring_messages}
    assert len(reassuring) >= 4
    assessment = _record(world, PHQ9_SELF_HARM_LOW, by_mother=True)
    assert assessment.band_key == "minimal"
    assert assessment.flags == ["self_harm"]
    pages = _pages(client_as(world.users["mother"]), assessment)
    for name, page in pages.items():
        for text in reassuring:
            assert text not in page, (name, text)
    assert "Support is here for you" in pages["result"]


def test_a_calm_result_does_not_reassure_while_an_earlier_follow_up_is_open(world: Any, client_as: Any) -> None:
    _record(world, PHQ9_14, by_mother=True)
    calm = _record(world, PHQ9_CALM, by_mother=True)
    assert FollowUp.objects.filter(status="open").exists()
    page = client_as(world.users["mother"]).get(reverse("screening-result", kwargs={"assessment_id": calm.pk}))
    assert "few signs of low mood" not in page.content.decode()
    FollowUp.objects.update(status="closed", outcome="assessed")
    again = client_as(world.users["mother"]).get(reverse("screening-result", kwargs={"assessment_id": calm.pk}))
    assert "Your answers show few signs of low mood right now." in again.content.decode()


def test_a_pbq_harm_answer_never_meets_its_reassuring_text(world: Any, client_as: Any) -> None:
    pbq = _record(world, dict(PBQ_CALM, q24=SOMETIMES), instrument="pbq")
    assert pbq.band_key == "below_cutoff"
    screening_client = client_as(world.users["clinician"])
    screening_client.post(reverse("pathway-mother", kwargs={"mother_id": world.mother_a.pk}), {"assessment": pbq.pk})
    page = client_as(world.users["mother"]).get(reverse("screening-result", kwargs={"assessment_id": pbq.pk}))
    text = page.content.decode()
    assert page.status_code == 200
    assert "do not suggest difficulties in your feelings towards your baby" not in text
    assert "Support is here for you" in text


# ---- a changed answer is never lost ------------------------------------------------------------------------


def _send_whole_form(client: Any, url: str, answers: dict[str, int]) -> Any:
    return client.post(url, {"view": "all", "go": "submit", **{k: str(v) for k, v in answers.items()}})


def test_a_resubmission_after_back_that_adds_a_self_harm_answer_is_recorded_and_alerts(
    world: Any, client_as: Any
) -> None:
    client = client_as(world.users["mother"])
    url = str(client.get(reverse("screening-start", kwargs={"instrument": "phq9"}))["Location"])
    _send_whole_form(client, url, PHQ9_CALM)
    first = Assessment.objects.get()
    assert not RiskAlert.objects.exists()
    # She goes Back, changes item 9 to "Nearly every day" and sends again from the same page.
    response = _send_whole_form(client, url, {**PHQ9_CALM, "q9": 3})
    second = Assessment.objects.exclude(pk=first.pk).get()
    assert response["Location"] == reverse("screening-result", kwargs={"assessment_id": second.pk})
    assert second.supersedes == first
    assert second.answers["q9"] == 3
    assert second.correction_reason
    alert = RiskAlert.objects.get()
    assert (alert.kind, alert.assessment) == ("self_harm", second)
    assert AuditEvent.objects.filter(action="correct:assessment", mother=world.mother_a).exists()
    result = client.get(response["Location"]).content.decode()
    assert "Support is here for you" in result
    assert "You changed your answers after sending them" in result
    # The old result's address now leads to the newest version.
    old = client.get(reverse("screening-result", kwargs={"assessment_id": first.pk}))
    assert old["Location"] == reverse("screening-result", kwargs={"assessment_id": second.pk})


def test_one_question_at_a_time_a_changed_answer_after_sending_is_recorded(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    url = str(client.get(reverse("screening-start", kwargs={"instrument": "phq9"}))["Location"])
    _send_whole_form(client, url, PHQ9_CALM)
    client.post(url, {"q": "9", "q9": "2", "go": "next"})
    assert Assessment.objects.current().get().answers["q9"] == 2
    assert RiskAlert.objects.filter(kind="self_harm").count() == 1


def test_the_same_answers_sent_again_change_nothing(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    url = str(client.get(reverse("screening-start", kwargs={"instrument": "phq9"}))["Location"])
    _send_whole_form(client, url, PHQ9_CALM)
    again = _send_whole_form(client, url, PHQ9_CALM)
    assert Assessment.objects.count() == 1
    assert again["Location"] == reverse("screening-result", kwargs={"assessment_id": Assessment.objects.get().pk})


def test_a_paper_form_re_sent_with_the_same_key_and_a_changed_answer_is_a_correction_that_alerts(world: Any) -> None:
    key = screening.new_submission_key()
    kwargs = {"source": "paper", "by": world.users["clinician"], "answered_on": date.today(),
              "idempotency_key": key}
    first = screening.record_assessment(world.mother_a, "epds", EPDS_CALM, **kwargs)
    same = screening.record_assessment(world.mother_a, "epds", EPDS_CALM, **kwargs)
    assert same == first
    changed = screening.record_assessment(world.mother_a, "epds", {**EPDS_CALM, "q10": 2}, **kwargs)
    assert changed.supersedes == first
    assert changed.flags == ["self_harm"]
    assert RiskAlert.objects.get().assessment == changed
    retried = screening.record_assessment(world.mother_a, "epds", {**EPDS_CALM, "q10": 2}, **kwargs)
    assert retried == changed, "the same change re-sent is stored once"
    assert Assessment.objects.count() == 2


# ---- results entered from paper, and her progress ------------------------------------------------------------


def test_a_paper_result_reaches_her_only_when_her_clinician_releases_it(world: Any, client_as: Any) -> None:
    pbq = _record(world, PBQ_CALM, instrument="pbq")
    mother = client_as(world.users["mother"])
    url = reverse("screening-result", kwargs={"assessment_id": pbq.pk})
    assert mother.get(url).status_code == 404
    assert "PBQ" not in mother.get(reverse("screening-my")).content.decode()
    clinician = client_as(world.users["clinician"])
    page = clinician.get(reverse("pathway-mother", kwargs={"mother_id": world.mother_a.pk})).content.decode()
    assert "not yet shown to her" in page
    clinician.post(reverse("pathway-mother", kwargs={"mother_id": world.mother_a.pk}), {"assessment": pbq.pk})
    assert AuditEvent.objects.filter(action="release:result", mother=world.mother_a).exists()
    mother = client_as(world.users["mother"])
    assert mother.get(url).status_code == 200
    assert "PBQ" in mother.get(reverse("screening-my")).content.decode()


def test_her_progress_shows_every_instrument_most_recent_first_and_never_praises_across_them(
    world: Any, client_as: Any
) -> None:
    day = timezone.localdate()
    for answered_on, instrument, answers in (
        (day - timedelta(days=30), "epds", EPDS_17),
        (day - timedelta(days=10), "epds", EPDS_CALM),
        (day, "phq9", {**PHQ9_14, "q9": 1}),
    ):
        screening.record_assessment(
            world.mother_a, instrument, answers, source="mother", by=world.users["mother"],
            answered_on=answered_on, idempotency_key=screening.new_submission_key(),
        )
    client = client_as(world.users["mother"])
    for name in ("progress-mine", "progress-summary"):
        page = client.get(reverse(name)).content.decode()
        assert "come down" not in page, name
        assert "worth noticing" not in page, name
        assert "Your care team is following up" in page
        table = page[page.index("most recent first"):]
        assert table.index("Patient Health Questionnaire-9") < table.index("Edinburgh Postnatal Depression Scale")
    FollowUp.objects.update(status="closed", outcome="assessed")
    RiskAlert.objects.update(status="closed")
    page = client.get(reverse("progress-mine")).content.decode()
    assert "come down" not in page, "her latest answers are a PHQ-9: an EPDS fall is not hers to be praised for"


def test_a_paper_form_posted_again_with_a_changed_answer_says_it_was_saved_as_a_correction(
    world: Any, client_as: Any
) -> None:
    client = client_as(world.users["clinician"])
    url = reverse("screening-paper", kwargs={"mother_id": world.mother_a.pk, "instrument": "epds"})
    form = {"key": screening.new_submission_key(), "answered_on": date.today().isoformat()}
    client.post(url, {**form, **{k: str(v) for k, v in EPDS_CALM.items()}})
    again = client.post(url, {**form, **{k: str(v) for k, v in {**EPDS_CALM, "q10": 1}.items()}}, follow=True)
    assert "saved as a correction" in again.content.decode()
    assert Assessment.objects.count() == 2
    assert RiskAlert.objects.get().kind == "self_harm"


def test_a_clinicians_correction_of_a_result_she_has_seen_stays_visible_to_her(world: Any, client_as: Any) -> None:
    mine = _record(world, PHQ9_CALM, by_mother=True)
    corrected = screening.correct_assessment(
        mine, {**PHQ9_CALM, "q1": 1}, by=world.users["clinician"], reason="She meant several days",
        idempotency_key=screening.new_submission_key(),
    )
    client = client_as(world.users["mother"])
    old = client.get(reverse("screening-result", kwargs={"assessment_id": mine.pk}))
    assert old["Location"] == reverse("screening-result", kwargs={"assessment_id": corrected.pk})
    assert client.get(old["Location"]).status_code == 200
    unseen = _record(world, PBQ_CALM, instrument="pbq")
    hidden = screening.correct_assessment(
        unseen, {**PBQ_CALM, "q1": 1}, by=world.users["clinician"], reason="typo",
        idempotency_key=screening.new_submission_key(),
    )
    assert client.get(reverse("screening-result", kwargs={"assessment_id": hidden.pk})).status_code == 404


@pytest.mark.parametrize("value", ["²", "9" * 30, "-1", "x"])
def test_a_hand_made_answer_or_result_id_is_refused_plainly_never_a_server_error(
    world: Any, client_as: Any, value: str
) -> None:
    client = client_as(world.users["mother"])
    url = str(client.get(reverse("screening-start", kwargs={"instrument": "phq9"}))["Location"])
    response = client.post(url, {"q": "1", "q1": value, "go": "next"})
    assert response.status_code == 200
    assert "q1" in response.content.decode()
    clinician = client_as(world.users["clinician"])
    page = clinician.post(reverse("pathway-mother", kwargs={"mother_id": world.mother_a.pk}), {"assessment": value})
    assert page.status_code == 302
