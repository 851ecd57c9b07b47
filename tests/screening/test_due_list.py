"""A mother is offered a button only for questionnaires she can answer on her phone; the rest her team goes through."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bondwell.screening import services


def test_a_scheduled_pbq_without_its_wording_is_not_offered_as_a_button(world: Any, client_as: Any) -> None:
    due = timezone.localdate() + timedelta(days=3)
    phq9 = services.schedule_questionnaire(world.mother_a, "phq9", due, by=world.users["clinician"])
    pbq = services.schedule_questionnaire(world.mother_a, "pbq", due, by=world.users["clinician"])
    client = client_as(world.users["mother"])
    for url in (reverse("home"), reverse("screening-my")):
        page = client.get(url).content.decode()
        assert f"?scheduled={phq9.pk}" in page
        assert f"?scheduled={pbq.pk}" not in page
        assert "The PBQ: your care team will go through it with you" in page
    start = client.get(reverse("screening-start", args=["pbq"]) + f"?scheduled={pbq.pk}")
    assert start.status_code == 404


def test_questionnaires_are_named_as_their_authors_write_them(world: Any, client_as: Any) -> None:
    due = timezone.localdate() + timedelta(days=3)
    for name in ("phq9", "gad7"):
        services.schedule_questionnaire(world.mother_a, name, due, by=world.users["clinician"])
    mother_home = client_as(world.users["mother"]).get(reverse("home")).content.decode()
    record = client_as(world.users["clinician"]).get(
        reverse("mother-record", args=[world.mother_a.pk])
    ).content.decode()
    assert "Answer the PHQ-9" in mother_home
    assert "PHQ-9 by" in record
    assert "GAD-7 by" in record
    assert "PHQ9" not in mother_home + record
    assert "GAD7" not in mother_home + record
