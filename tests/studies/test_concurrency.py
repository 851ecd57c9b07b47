"""PostgreSQL only: simultaneous randomisations in one stratum take turns (no duplicate or skipped sequence)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from bondwell.studies.allocation import do_randomise
from bondwell.studies.models import Allocation
from bondwell.studies.services import StudyError
from tests.studies.factory import enrol, new_mother, recruiting_study


@pytest.mark.postgres
def test_parallel_randomisations_get_consecutive_sequence_numbers(transactional_db: None, world: Any) -> None:
    study = recruiting_study(world, stratify_by_site=False, stratify_by_severity=False)
    participants = [enrol(world, study, new_mother(world.site_a, f"Parallel {i}")) for i in range(6)]
    lead = world.users["site_lead"]
    barrier = threading.Barrier(len(participants))
    errors: list[BaseException] = []

    def randomise(participant: Any) -> None:
        try:
            barrier.wait()
            do_randomise(None, participant, by=lead)
        except (StudyError, Exception) as error:  # collected and reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=randomise, args=(p,)) for p in participants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = sorted(Allocation.objects.filter(study=study).values_list("sequence", flat=True))
    assert sequences == [1, 2, 3, 4, 5, 6]
