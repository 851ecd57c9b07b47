"""The educator's class observation: recorded through its page, labelled non-validated, refused where it should be."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bondwell.accounts.models import AuditEvent
from bondwell.programme import checklist
from bondwell.programme.models import Observation
from bondwell.programme.observations import record_observation
from bondwell.programme.services import ProgrammeError
from tests.progress.conftest import Cohort, make_cohort

ALL_OFTEN = {key: 2 for key in checklist.ITEM_KEYS}


@pytest.fixture
def cohort(world: Any) -> Cohort:
    return make_cohort(world)


def _session(cohort: Any, number: int = 1) -> Any:
    return cohort.course.sessions.get(number=number)


def test_the_educator_records_an_observation_labelled_non_validated(cohort: Any, client_as: Any) -> None:
    world = cohort.world
    m1 = cohort.mothers[0]
    client = client_as(world.users["educator"])
    url = reverse("programme-observe-mother", args=[_session(cohort).pk, m1.pk])
    assert url == f"/progress/observe/{_session(cohort).pk}/{m1.pk}/"  # the address it always had
    form = client.get(url).content.decode()
    assert checklist.NON_VALIDATED_LABEL in form
    response = client.post(url, {**ALL_OFTEN, "eye_contact": 3, "note": "Calm, lots of smiles."})
    assert response.status_code == 302
    observation = Observation.objects.get(mother=m1)
    assert observation.checklist_sum == 11
    assert AuditEvent.objects.filter(action="record:observation", mother=m1).exists()
    listing = client.get(reverse("programme-observe")).content.decode()
    assert checklist.NON_VALIDATED_LABEL in listing
    clinician_page = client_as(world.users["clinician"]).get(reverse("progress-mother", args=[m1.pk]))
    assert checklist.NON_VALIDATED_LABEL in clinician_page.content.decode()
    export = client_as(world.users["clinician"]).get(reverse("progress-export", args=[m1.pk])).content.decode()
    assert checklist.NON_VALIDATED_LABEL in export
    assert "Not a study outcome" in export


def test_an_observation_is_refused_outside_the_educators_course_and_twice(cohort: Any) -> None:
    world = cohort.world
    session = _session(cohort)
    record_observation(session, cohort.mothers[0], ALL_OFTEN, by=world.users["educator"])
    with pytest.raises(ProgrammeError, match="already"):
        record_observation(session, cohort.mothers[0], ALL_OFTEN, by=world.users["educator"])
    with pytest.raises(ProgrammeError, match="not booked"):
        record_observation(session, world.mother_a2, ALL_OFTEN, by=world.users["educator"])
    with pytest.raises(ProgrammeError, match="Only the educator"):
        record_observation(session, cohort.mothers[1], ALL_OFTEN, by=world.users["clinician"])
    with pytest.raises(ValueError, match="out of range"):
        record_observation(session, cohort.mothers[1], {**ALL_OFTEN, "gentle_touch": 4}, by=world.users["educator"])


def test_the_observation_table_is_the_one_progress_made() -> None:
    # Moved from progress by a state-only migration: the rows stay in their table.
    assert Observation._meta.db_table == "progress_observation"
