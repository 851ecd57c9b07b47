"""The mother's questionnaire: one question at a time, a draft she can resume, support the moment she needs it,
her result in kind words; and only her own."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bondwell.accounts.models import Country
from bondwell.pathway.services import release_result
from bondwell.screening.models import Assessment, Draft, RiskAlert, SiteCrisisContact
from tests.screening.helpers import EPDS_SELF_HARM, PHQ9_CALM, paper


def start(client: Any, instrument: str = "phq9") -> str:
    response = client.get(reverse("screening-start", kwargs={"instrument": instrument}))
    assert response.status_code == 302
    return str(response["Location"])


def test_she_answers_one_question_at_a_time_and_resumes_where_she_stopped(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    url = start(client)
    page = client.get(url)
    assert b"Question 1 of 9" in page.content
    assert b"0 of 9 answered" in page.content
    response = client.post(url, {"q": "1", "q1": "2", "go": "next"})
    assert response["Location"].endswith("?q=2")
    client.post(url, {"q": "2", "q2": "1", "go": "next"})
    back = client.post(url, {"q": "3", "go": "back"})
    assert back["Location"].endswith("?q=2")
    # She closes the phone and comes back later: same draft, at the first unanswered question.
    assert start(client) == url
    resumed = client.get(url)
    assert b"Question 3 of 9" in resumed.content
    assert b"2 of 9 answered" in resumed.content
    assert Draft.objects.get().answers == {"q1": 2, "q2": 1}


def test_she_cannot_send_before_answering_everything(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    url = start(client)
    client.post(url, {"q": "1", "q1": "0", "go": "next"})
    response = client.post(url, {"q": "1", "go": "submit"}, follow=True)
    assert b"Please answer every question" in response.content
    assert not Assessment.objects.exists()


def test_a_self_harm_answer_shows_support_and_alerts_before_she_finishes(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    url = start(client)
    response = client.post(url, {"q": "9", "q9": "1", "go": "next"})
    assert "/support/" in response["Location"]
    alert = RiskAlert.objects.get()
    assert alert.kind == "self_harm"
    assert alert.assessment is None
    assert alert.draft == Draft.objects.get()
    support = client.get(response["Location"])
    text = support.content.decode()
    assert "Your care team has been told" in text
    for number in ("13 11 14", "1300 726 306", "000"):  # site A is Australian
        assert number in text
    assert 'href="tel:131114"' in text


def test_the_whole_form_view_saves_and_sends(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    url = start(client)
    data = {"view": "all", "go": "submit", **{k: str(v) for k, v in PHQ9_CALM.items()}}
    response = client.post(url, data)
    assessment = Assessment.objects.get()
    assert response["Location"] == reverse("screening-result", kwargs={"assessment_id": assessment.pk})
    result = client.get(response["Location"]).content.decode()
    assert "Your answers show few signs of low mood right now." in result
    assert "cannot diagnose" in result
    assert "Support is here" not in result
    assert assessment.source == "mother"
    assert assessment.entered_by == world.users["mother"]


def test_the_epds_is_offered_only_where_its_wording_is_installed(world: Any, client_as: Any, epds_pack: Any) -> None:
    client = client_as(world.users["mother"])
    page = client.get(reverse("screening-my")).content.decode()
    assert reverse("screening-start", kwargs={"instrument": "epds"}) in page
    url = start(client, "epds")
    assert b"Placeholder wording for item 1" in client.get(url).content
    data = {"view": "all", "go": "submit", **{k: str(v) for k, v in EPDS_SELF_HARM.items()}}
    sent = client.post(url, data)
    assessment = Assessment.objects.get()
    assert sent["Location"] == reverse("screening-result", kwargs={"assessment_id": assessment.pk})
    assert "Support is here for you" in client.get(sent["Location"]).content.decode()
    assert assessment.instrument == "epds"
    assert "self_harm" in assessment.flags
    assert RiskAlert.objects.get().assessment == assessment


def test_without_the_epds_wording_she_cannot_open_the_epds(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    assert client.get(reverse("screening-start", kwargs={"instrument": "epds"})).status_code == 404


def test_her_result_with_a_risk_flag_shows_support_with_her_countrys_contacts(world: Any, client_as: Any) -> None:
    world.site_a.country = Country.UNITED_KINGDOM
    world.site_a.save()
    assessment = paper(world.mother_a, world.users["clinician"], {**PHQ9_CALM, "q9": 3})
    release_result(assessment, by=world.users["clinician"])  # entered from paper: she sees it once released
    page = client_as(world.users["mother"]).get(reverse("screening-result", kwargs={"assessment_id": assessment.pk}))
    text = page.content.decode()
    assert "Support is here for you" in text
    assert "116 123" in text
    assert "999" in text
    never_a_diagnosis = text.replace("cannot diagnose", "").replace("does not diagnose", "")
    assert "diagnos" not in never_a_diagnosis
    assert "depression" not in never_a_diagnosis


def test_a_sites_own_crisis_contacts_are_added_after_the_national_lines(world: Any, client_as: Any) -> None:
    SiteCrisisContact.objects.create(
        site=world.site_a, name="Harbour perinatal on call", phone="02 5550 1234", open_24_7=True
    )
    assessment = paper(world.mother_a, world.users["clinician"], {**PHQ9_CALM, "q9": 1})
    release_result(assessment, by=world.users["clinician"])
    text = client_as(world.users["mother"]).get(
        reverse("screening-result", kwargs={"assessment_id": assessment.pk})
    ).content.decode()
    assert "02 5550 1234" in text
    assert text.index('href="tel:000"') < text.index('href="tel:131114"') < text.index('href="tel:0255501234"')


def test_her_home_shows_what_is_due(world: Any, client_as: Any) -> None:
    from datetime import date

    from bondwell.screening.services import schedule_questionnaire

    schedule_questionnaire(world.mother_a, "phq9", date(2030, 1, 2), by=world.users["clinician"])
    home = client_as(world.users["mother"]).get(reverse("home")).content.decode()
    assert "Answer the PHQ-9" in home
    assert "2 Jan 2030" in home  # the one date format (DATE_FORMAT), as on her questionnaires page


def test_an_alert_raised_while_answering_stays_when_she_changes_that_answer(world: Any, client_as: Any) -> None:
    client = client_as(world.users["mother"])
    url = start(client)
    client.post(url, {"q": "9", "q9": "2", "go": "next"})
    data = {"view": "all", "go": "submit", **{k: str(v) for k, v in PHQ9_CALM.items()}}  # item 9 back to 0
    client.post(url, data)
    assessment = Assessment.objects.get()
    alert = RiskAlert.objects.get()
    assert assessment.flags == []
    assert alert.status == "open"
    assert alert.assessment == assessment
