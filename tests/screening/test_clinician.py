"""Clinicians: the queue (most urgent, newest first), each alert's time-stamped steps, the report and its PDF,
paper entry and response times. Site leads see alerts without answers; educators see nothing of screening."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bondwell.screening import services
from bondwell.screening.models import Assessment, RiskAlert
from tests.screening.helpers import EPDS_SELF_HARM, PHQ9_CALM, PHQ9_SELF_HARM, PHQ9_SEVERE, paper


def test_the_queue_lists_open_self_harm_alerts_before_urgent_bands_newest_first(world: Any, client_as: Any) -> None:
    clinician = world.users["clinician"]
    t0 = timezone.now() - timedelta(hours=3)
    older_harm = paper(world.mother_a, clinician, PHQ9_SELF_HARM, now=t0)
    band = paper(world.mother_a2, clinician, PHQ9_SEVERE, now=t0 + timedelta(hours=2))
    newer_harm = paper(world.mother_a2, clinician, PHQ9_SELF_HARM, now=t0 + timedelta(hours=1))
    done = RiskAlert.objects.get(assessment=older_harm)
    services.acknowledge_alert(done, by=clinician)
    paper(world.mother_b, world.users_b["clinician"], PHQ9_SELF_HARM)  # another site's alert
    page = client_as(clinician).get(reverse("screening-queue"))
    rows = [a.assessment for a in page.context["page"]]
    assert rows == [newer_harm, band, older_harm]  # open before acknowledged; self-harm before band
    refreshed = client_as(clinician).get(reverse("screening-queue"), headers={"HX-Request": "true"})
    assert b"<html" not in refreshed.content
    assert refreshed.content.count(b"alert-row") == 3


def test_acknowledge_act_and_close_are_each_time_stamped(world: Any, client_as: Any) -> None:
    alert = RiskAlert.objects.get(assessment=paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM))
    client = client_as(world.users["clinician"])
    url = reverse("screening-alert", kwargs={"alert_id": alert.pk})
    closing_early = client.post(url, {"step": "close"}, follow=True)
    assert b"Record what was done" in closing_early.content
    client.post(url, {"step": "acknowledge"})
    client.post(url, {"step": "action", "action": "safety_plan", "note": "Called, plan agreed"})
    client.post(url, {"step": "close"})
    alert.refresh_from_db()
    assert alert.status == "closed"
    assert alert.action == "safety_plan"
    assert alert.raised_at <= alert.acknowledged_at <= alert.action_at <= alert.closed_at
    assert alert.acknowledged_by == world.users["clinician"]
    assert alert.closed_by == world.users["clinician"]
    assert list(alert.events.values_list("step", flat=True)) == ["raised", "acknowledged", "action", "closed"]


def test_a_site_lead_sees_the_alert_but_not_the_answers_or_score(world: Any, client_as: Any) -> None:
    assessment = paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM)
    alert = RiskAlert.objects.get(assessment=assessment)
    lead = client_as(world.users["site_lead"])
    text = lead.get(reverse("screening-alert", kwargs={"alert_id": alert.pk})).content.decode()
    assert "Self-harm" in text
    assert reverse("screening-report", kwargs={"assessment_id": assessment.pk}) not in text
    assert "Several days" not in text  # the answer she gave to item 9
    assert lead.get(reverse("screening-report", kwargs={"assessment_id": assessment.pk})).status_code == 403


def test_the_report_shows_answers_score_band_flags_and_trend_and_never_says_diagnosis(
    world: Any, client_as: Any
) -> None:
    clinician = world.users["clinician"]
    today = timezone.localdate()
    paper(world.mother_a, clinician, PHQ9_CALM, on=today - timedelta(days=28))
    latest = paper(world.mother_a, clinician, PHQ9_SELF_HARM, on=today)
    response = client_as(clinician).get(reverse("screening-report", kwargs={"assessment_id": latest.pk}))
    text = response.content.decode()
    assert "Several days" in text
    assert "self_harm" in text
    assert "Few or no symptoms reported" in text
    assert len(response.context["trend"]) == 2
    assert "not a diagnosis" in text
    assert "diagnos" not in text.replace("not a diagnosis", "").replace("does not diagnose", "")


def test_the_epds_report_shows_the_anxiety_subscale(world: Any, client_as: Any) -> None:
    assessment = paper(world.mother_a, world.users["clinician"], EPDS_SELF_HARM, instrument="epds")
    text = client_as(world.users["clinician"]).get(
        reverse("screening-report", kwargs={"assessment_id": assessment.pk})
    ).content.decode()
    assert "Anxiety subscale (EPDS-3A" in text
    assert "Option C as printed" in text


def test_the_report_downloads_as_a_pdf(world: Any, client_as: Any) -> None:
    assessment = paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM)
    url = reverse("screening-pdf", kwargs={"assessment_id": assessment.pk})
    response = client_as(world.users["clinician"]).get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert world.mother_a.pseudonym in response["Content-Disposition"]


def test_a_paper_epds_with_a_positive_item_10_raises_the_alert(world: Any, client_as: Any) -> None:
    client = client_as(world.users["clinician"])
    url = reverse("screening-paper", kwargs={"mother_id": world.mother_a.pk, "instrument": "epds"})
    form = client.get(url).context["form"]
    blanks = {f"q{n}": "blank" for n in range(1, 10)}  # left blank on paper, said so item by item
    data = {"key": form.initial["key"], "answered_on": timezone.localdate().isoformat(), "q10": "1", **blanks}
    response = client.post(url, data)
    assessment = Assessment.objects.get()
    assert response["Location"] == reverse("screening-report", kwargs={"assessment_id": assessment.pk})
    assert assessment.source == "paper"
    assert not assessment.complete
    assert RiskAlert.objects.get().assessment == assessment
    client.post(url, data)  # a resubmitted form (back button, double click) is the same entry
    assert Assessment.objects.count() == 1


def test_time_to_acknowledge_median_and_90th_percentile(world: Any, client_as: Any) -> None:
    clinician = world.users["clinician"]
    now = timezone.now()
    for minutes in (10, 20, 30, 40, 100):
        alert = RiskAlert.objects.get(assessment=paper(world.mother_a, clinician, PHQ9_SELF_HARM, now=now))
        RiskAlert.objects.filter(pk=alert.pk).update(acknowledged_at=now + timedelta(minutes=minutes),
                                                     status="acknowledged")
    context = client_as(world.users["site_lead"]).get(reverse("screening-dashboard")).context
    assert context["count"] == 5
    assert context["median"] == 30
    assert abs(context["p90"] - 76) < 1e-9  # 40 + 0.6 * (100 - 40), R's and numpy's default quantile


def test_clinicians_home_shows_the_open_alert_count(world: Any, client_as: Any) -> None:
    paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM)
    home = client_as(world.users["clinician"]).get(reverse("home")).content.decode()
    assert "1 open" in home
    assert reverse("screening-queue") in home


def test_educators_see_no_questionnaire_answers_or_scores_anywhere(world: Any, client_as: Any) -> None:
    assessment = paper(world.mother_a, world.users["clinician"], PHQ9_SELF_HARM)
    client = client_as(world.users["educator"])
    for name, kwargs in [
        ("screening-report", {"assessment_id": assessment.pk}),
        ("screening-queue", {}),
        ("screening-alert", {"alert_id": RiskAlert.objects.get().pk}),
        ("screening-mother", {"mother_id": world.mother_a.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    assert "alert" not in client.get(reverse("home")).content.decode().lower()
