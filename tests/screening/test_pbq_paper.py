"""The Postpartum Bonding Questionnaire entered from paper: scored, and its risk-of-abuse scale raises an alert."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse

from bondwell import instruments
from bondwell.screening.models import AlertKind, RiskAlert
from tests.screening.helpers import paper

PBQ = instruments.load("pbq")
# The answer that scores 0 on each item: "Always" on the warm items, "Never" on the others.
CALM = {item.key: item.options.index(next(o for o in item.options if o.score == 0)) for item in PBQ.items}


def test_a_calm_paper_pbq_is_scored_and_raises_no_alert(world: Any) -> None:
    assessment = paper(world.mother_a, world.users["clinician"], CALM, instrument="pbq")
    assert assessment.total == 0
    assert assessment.subscales["risk_of_abuse"] == 0
    assert not RiskAlert.objects.exists()


def test_the_risk_of_abuse_scale_at_its_cut_off_raises_an_alert_due_within_the_hour(world: Any) -> None:
    # Items 18 and 24 make scale 4; scored 1 and 1 they reach its revised cut-off of 2 (Brockington et al. 2006).
    answers = {**CALM, "q18": 4, "q24": 4}
    assessment = paper(world.mother_a, world.users["clinician"], answers, instrument="pbq")
    assert assessment.subscales["risk_of_abuse"] == 2
    assert assessment.flags == ["infant_harm"]
    alert = RiskAlert.objects.get(assessment=assessment)
    assert alert.kind == AlertKind.INFANT_HARM
    assert alert.ack_due_at - alert.raised_at == timedelta(hours=1)


def test_never_on_both_harm_items_raises_no_alert_and_any_other_answer_does(world: Any) -> None:
    paper(world.mother_a, world.users["clinician"], {**CALM, "q1": 3, "q2": 3}, instrument="pbq")  # scale 4 = 0
    assert not RiskAlert.objects.exists()
    rarely = paper(world.mother_a, world.users["clinician"], {**CALM, "q18": 4}, instrument="pbq")  # scale 4 = 1
    assert RiskAlert.objects.get(assessment=rarely).kind == AlertKind.INFANT_HARM


def test_the_paper_form_lists_every_pbq_item_by_its_theme(world: Any, client_as: Any) -> None:
    url = reverse("screening-paper", kwargs={"mother_id": world.mother_a.pk, "instrument": "pbq"})
    page = client_as(world.users["clinician"]).get(url).content.decode()
    assert "Feeling close to the baby" in page
    assert "Urges to hurt the baby" in page
