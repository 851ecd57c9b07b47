"""PostgreSQL only: simultaneous randomisations in one stratum take turns (no duplicate or skipped sequence)."""

from __future__ import annotations

from typing import Any

import pytest

from bondwell.studies.allocation import randomise_participant
from bondwell.studies.models import Allocation
from tests.studies.factory import enrol, new_mother, recruiting_study
from tests.threads import run_together


@pytest.mark.postgres
def test_parallel_randomisations_get_consecutive_sequence_numbers(transactional_db: None, world: Any) -> None:
    study = recruiting_study(world, stratify_by_site=False, stratify_by_severity=False)
    participants = [enrol(world, study, new_mother(world.site_a, f"Parallel {i}")) for i in range(6)]
    lead = world.users["site_lead"]
    run_together([lambda p=p: randomise_participant(p, by=lead) for p in participants])
    sequences = sorted(Allocation.objects.filter(study=study).values_list("sequence", flat=True))
    assert sequences == [1, 2, 3, 4, 5, 6]
