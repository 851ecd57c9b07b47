"""Follow-up results: visits filled from the EPDS assessments mothers submit to the screening module."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from bondwell.studies import sources
from bondwell.studies.models import (
    Study,
    Visit,
    VisitOutcome,
)


def link_outcomes(study: Study, now: datetime | None = None) -> int:
    """Fill open follow-up visits from submitted screening assessments inside their windows.

    Only answers inside the visit's window count (outside it the visit is missed, as the protocol says). Among
    them, the one answering the questionnaire the study scheduled for this visit wins, then the one answered
    nearest the due date. Each assessment fills at most one visit. Returns the visits filled.
    """
    if hasattr(study, "database_lock"):
        return 0  # the data are frozen at the lock
    return _link_primary(study, now) + sum(_link_secondary(study, name, now) for name in study.secondary)


def _link_secondary(study: Study, instrument: str, now: datetime | None) -> int:
    """Secondary outcomes: the same rule (inside the window; the scheduled answer first, then the nearest)."""
    today = timezone.localdate(now or timezone.now())
    visits = list(
        Visit.objects.filter(participant__study=study, opens_on__lte=today)
        .exclude(secondary__instrument=instrument).select_related("participant").order_by("due_on", "id")
    )
    if not visits:
        return 0
    used = set(VisitOutcome.objects.filter(visit__participant__study=study, instrument=instrument)
               .values_list("source", flat=True))
    records = sources.scores({v.participant.mother_id for v in visits}, instrument,
                             since=min(v.opens_on for v in visits))

    def record(visit: Visit, best: sources.ScoreRecord) -> None:
        VisitOutcome.objects.create(visit=visit, instrument=instrument, total=best.total,
                                    assessed_on=best.answered_on, completed_at=best.submitted_at,
                                    source=best.reference)

    return _fill(visits, records, used, record)


def _fill(visits: list[Visit], records: list[sources.ScoreRecord], used: set[str],
          record: Callable[[Visit, sources.ScoreRecord], None]) -> int:
    """Give each visit its best unused result (one transaction); `record` stores it. Returns the visits filled."""
    filled = 0
    with transaction.atomic():
        for visit in visits:
            best = _best_record(visit, records, used)
            if best is None:
                continue
            record(visit, best)
            used.add(best.reference)
            filled += 1
    return filled


def _best_record(visit: Visit, records: list[sources.ScoreRecord], used: set[str]) -> sources.ScoreRecord | None:
    """The unused result of her own in the visit's window: the one this visit asked for, else the nearest its day."""
    own = f"studies.Visit:{visit.pk}"
    candidates = [
        r for r in records
        if r.mother_id == visit.participant.mother_id and r.reference not in used
        and visit.opens_on <= r.answered_on <= visit.closes_on
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda r: (r.scheduled_for != own, abs((r.answered_on - visit.due_on).days)))


def _link_primary(study: Study, now: datetime | None) -> int:
    today = timezone.localdate(now or timezone.now())
    visits = list(
        Visit.objects.filter(participant__study=study, completed_at__isnull=True, timepoint__week__gt=0,
                             opens_on__lte=today)
        .select_related("participant").order_by("due_on", "id")
    )
    if not visits:
        return 0
    mother_ids = {v.participant.mother_id for v in visits}
    used = set(Visit.objects.filter(participant__study=study).exclude(source="").values_list("source", flat=True))
    records = sources.scores(mother_ids, study.primary_outcome, since=min(v.opens_on for v in visits))

    def record(visit: Visit, best: sources.ScoreRecord) -> None:
        visit.epds_total, visit.completed_at, visit.source = best.total, best.submitted_at, best.reference
        visit.assessed_on = best.answered_on
        visit.save(update_fields=["epds_total", "completed_at", "assessed_on", "source"])

    return _fill(visits, records, used, record)
