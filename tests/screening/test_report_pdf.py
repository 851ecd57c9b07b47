"""The report PDF (issue 16): service, identifiers, times, printed by and at, page x of y, the alert's handling,
and what reportlab can give a screen reader (title, language, bookmarks)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from bondwell.screening import services
from bondwell.screening.models import RiskAlert
from tests.screening.helpers import PHQ9_SELF_HARM, paper


def test_the_pdf_names_the_service_her_identifiers_times_who_printed_it_the_pages_and_the_alerts_handling(
    world: Any, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "pageCompression", 0)  # readable page text for the assertions
    world.mother_a.date_of_birth = date(1990, 5, 17)
    world.mother_a.save()
    clinician = world.users["clinician"]
    assessment = paper(world.mother_a, clinician, PHQ9_SELF_HARM)
    alert = RiskAlert.objects.get(assessment=assessment)
    services.record_alert_action(alert, "phoned", "Safe at home with her partner.", by=clinician)
    response = client_as(clinician).get(reverse("screening-pdf", kwargs={"assessment_id": assessment.pk}))
    pdf = response.content.decode("latin-1")
    for text in ("Site A", "Mother A", world.mother_a.pseudonym, "17 May 1990", "Australia/Sydney",
                 "Clinician A \\(Clinician\\)", "Page 1 of ", "Self-harm item answered positively",
                 "acknowledged by Clinician A", "Safe at home", "not a diagnosis"):
        assert text in pdf, text
    # What a screen reader gets from reportlab: a title shown by the viewer, the language, bookmarks.
    assert "/Lang (en)" in pdf
    assert "/DisplayDocTitle true" in pdf
    assert "/Outlines" in pdf
    assert "PHQ-9" in pdf
