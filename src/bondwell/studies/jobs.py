"""Worker job: fill follow-up visits from the screening assessments mothers submit."""

from __future__ import annotations

from datetime import datetime

from bondwell.studies.models import Study, StudyStatus
from bondwell.studies.outcomes import link_outcomes


def run(now: datetime) -> int:
    filled = 0
    for study in Study.objects.exclude(status=StudyStatus.SETUP).only("id", "primary_outcome"):
        filled += link_outcomes(study, now)
    return filled
