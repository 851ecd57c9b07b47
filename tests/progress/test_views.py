"""The mother's progress, her clinician's timeline, and PBQ scheduling from it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bondwell.accounts.models import Mother
from bondwell.pathway.services import release_result
from bondwell.progress import series
from bondwell.screening.models import ScheduledQuestionnaire
from tests.progress.conftest import _epds


def test_a_mother_sees_her_own_scores_and_kind_words(cohort: Any, client_as: Any) -> None:
    world = cohort.world
    clinician = world.users["clinician"]
    start = timezone.localdate() - timedelta(days=60)
    for day, total in ((start, 16), (start + timedelta(days=40), 9)):
        # Entered from paper: she sees them once her clinician releases them.
        release_result(_epds(world.mother_a, day, total, clinician), by=clinician)
    page = client_as(world.users["mother"]).get(reverse("progress-mine")).content.decode()
    assert "come down from 16 to 9" in page
    # Her browser draws the chart from the numbers the page carries (phone-charts.js): no server rendering.
    assert 'data-chart="epds-data"' in page
    assert '<script id="epds-data" type="application/json">' in page
    for piece in ('"title": "Your EPDS scores over time"', '"y": 16', '"y": 9', "Usual range"):
        assert piece in page
    assert "<caption" in page  # the same numbers as a table
    assert not re.search(r"\bM[1-8]\b", page), "another mother's name appears on her page"
    summary = client_as(world.users["mother"]).get(reverse("progress-summary")).content.decode()
    assert "Progress summary for Mother A" in summary
    assert "not a diagnosis" in summary


def test_the_clinician_sees_change_since_baseline_with_reliable_change(cohort: Any, client_as: Any) -> None:
    # Ten more mothers at site A give a first EPDS of 10 … 19 alongside M1–M7 (first scores 18 15 12 20 10 16 25).
    clinician = cohort.world.users["clinician"]
    for total in range(10, 20):
        mother = Mother.objects.create(site=cohort.world.site_a, full_name=f"Extra {total}")
        _epds(mother, cohort.start, total, clinician)
    m1 = cohort.mothers[0]
    epds = series.scores(m1, "epds")
    assert [p.total for p in epds] == [18, 10, 9]
    from bondwell.accounts.access import mothers_in_scope

    change = series.change_since_baseline(epds, mothers_in_scope(clinician))
    assert change is not None
    assert change.change == -9
    # First EPDS of the site's mothers with one: 10…19 and 18 15 12 20 10 16 25 → n = 17, sum 261, sum of
    # squares 2185 + 2074 = 4259; SS = 4259 − 261²/17 = 251.882; SD = √(251.882/16) = 3.96770.
    assert change.sd_mothers == 17
    assert change.sd == pytest.approx(3.96770, abs=1e-5)
    # Reliable at 1.96 · √2 · 3.96770 · √0.13 = 3.965 points; −9 is a reliable improvement.
    assert change.threshold == pytest.approx(3.9653, abs=1e-3)
    assert change.category == "improved"
    page = client_as(clinician).get(reverse("progress-mother", args=[m1.pk])).content.decode()
    assert "Reliable change (Jacobson &amp; Truax): <strong>improved</strong>" in page
    assert "Cox, Holden &amp; Sagovsky 1987" in page
    assert "Home practice" in page  # practice and results on one timeline


def test_reliable_change_is_not_guessed_without_enough_mothers(world: Any) -> None:
    from bondwell.accounts.access import mothers_in_scope

    clinician = world.users["clinician"]
    _epds(world.mother_a, timezone.localdate() - timedelta(days=50), 18, clinician)
    _epds(world.mother_a, timezone.localdate() - timedelta(days=5), 8, clinician)
    change = series.change_since_baseline(series.scores(world.mother_a, "epds"), mothers_in_scope(clinician))
    assert change is not None
    assert change.category is None
    assert change.sd_mothers == 1


def test_the_educator_gets_403_on_questionnaire_results(cohort: Any, client_as: Any) -> None:
    client = client_as(cohort.world.users["educator"])
    assert client.get(reverse("progress-mother", args=[cohort.world.mother_a.pk])).status_code == 403
    assert client.get(reverse("progress-export", args=[cohort.world.mother_a.pk])).status_code == 403


def test_the_clinician_schedules_the_pbq_through_screening(cohort: Any, client_as: Any) -> None:
    m1 = cohort.mothers[0]
    client = client_as(cohort.world.users["clinician"])
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    url = reverse("screening-schedule-pbq", args=[m1.pk])
    assert client.post(url, {"due_on": due}).status_code == 302
    scheduled = ScheduledQuestionnaire.objects.get(mother=m1, instrument="pbq")
    assert scheduled.status == ScheduledQuestionnaire.Status.SCHEDULED
    client.post(url, {"due_on": due})
    assert ScheduledQuestionnaire.objects.filter(mother=m1, instrument="pbq").count() == 1  # not twice
