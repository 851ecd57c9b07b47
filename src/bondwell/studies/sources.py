"""What studies read from other capabilities: questionnaire totals (screening) and home practice (programme).

The study app never scores a questionnaire itself: every EPDS total comes from a submitted screening
Assessment, so the risk rules and alerts of the screening module apply to study follow-ups too. These
functions are the only places that know the other apps' models; when an app is not installed they return
nothing, and the study pages say so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class ScoreRecord:
    mother_id: int
    total: int
    answered_on: date  # the day she answered (a paper form may be entered later)
    submitted_at: datetime
    reference: str  # "screening.Assessment:<pk>"
    scheduled_for: str = ""  # "studies.Visit:<pk>" when it answered a questionnaire a study scheduled


def screening_installed() -> bool:
    return apps.is_installed("bondwell.screening")


def programme_installed() -> bool:
    return apps.is_installed("bondwell.programme")


def _assessments() -> Any:
    return apps.get_model("screening", "Assessment")


def _current(queryset: Any, model: Any) -> Any:
    # A corrected assessment is superseded by its new version: read only the current versions.
    names = {f.name for f in model._meta.get_fields()}
    if "superseded_by" in names:
        return queryset.filter(superseded_by__isnull=True)
    if "is_current" in names:
        return queryset.filter(is_current=True)
    return queryset


def scores(
    mother_ids: Iterable[int], instrument: str, since: date | None = None, until: date | None = None
) -> list[ScoreRecord]:
    """Submitted totals of one instrument for these mothers, oldest first."""
    ids = list(mother_ids)
    if not screening_installed() or not ids:
        return []
    model = _assessments()
    queryset = model.objects.filter(mother_id__in=ids, instrument=instrument, total__isnull=False)
    if since is not None:
        queryset = queryset.filter(answered_on__gte=since)
    if until is not None:
        queryset = queryset.filter(answered_on__lte=until)
    queryset = _current(queryset, model).order_by("answered_on", "submitted_at", "pk")
    rows = queryset.values_list("pk", "mother_id", "total", "answered_on", "submitted_at",
                                "scheduled__study_timepoint_ref")
    return [
        ScoreRecord(mother_id, int(total), answered_on, submitted_at, f"screening.Assessment:{pk}", ref or "")
        for pk, mother_id, total, answered_on, submitted_at, ref in rows
    ]


def latest_score(mother_id: int, instrument: str, since: date, until: date) -> ScoreRecord | None:
    """The most recent total answered between `since` and `until` (inclusive)."""
    found = scores([mother_id], instrument, since, until)
    return found[-1] if found else None


def practice_log_rows(mother_id: int, start: date, end: date) -> list[tuple[date, float]]:
    """(day, minutes) of one mother's completed practice in [start, end): for per-visit adherence."""
    if not programme_installed():
        return []
    model = apps.get_model("programme", "PracticeLog")
    rows = model.objects.filter(
        mother_id=mother_id, started_at__date__gte=start, started_at__date__lt=end, outcome="completed"
    ).values_list("started_at", "duration_seconds")
    return [(started.date(), seconds / 60.0) for started, seconds in rows]


def schedule_follow_up(mother: Any, instrument: str, due: date, *, by: Any, visit: Any) -> bool:
    """Ask the screening module to invite the mother when the visit is due; False when it cannot."""
    if not screening_installed():
        return False
    try:
        from bondwell.screening import services
    except ImportError:
        return False
    schedule = getattr(services, "schedule_questionnaire", None)
    if schedule is None:
        return False
    schedule(mother, instrument, due, by=by, study_timepoint=visit)
    return True


def cancel_follow_ups(visits: Iterable[Any], *, by: Any) -> int:
    """Cancel the screening module's pending invitations for these visits (no further contact). Returns how many."""
    if not screening_installed():
        return 0
    from bondwell.screening import services

    model = apps.get_model("screening", "ScheduledQuestionnaire")
    refs = [f"studies.Visit:{visit.pk}" for visit in visits]
    pending = model.objects.filter(study_timepoint_ref__in=refs, status="scheduled")
    cancelled = 0
    for scheduled in pending:
        services.cancel_scheduled(scheduled, by=by)
        cancelled += 1
    return cancelled


@dataclass(frozen=True)
class AlertRecord:
    mother_id: int
    kind: str  # the screening module's label, e.g. "Self-harm item answered positively"
    closed: bool
    raised_at: datetime


def risk_alerts(mother_ids: Iterable[int], since: datetime) -> list[AlertRecord]:
    """Risk alerts raised for these mothers since `since` (the DMC report counts them by arm)."""
    if not screening_installed():
        return []
    model = apps.get_model("screening", "RiskAlert")
    rows = model.objects.filter(mother_id__in=list(mother_ids), raised_at__gte=since).order_by("raised_at", "id")
    return [AlertRecord(r.mother_id, r.get_kind_display(), r.status == "closed", r.raised_at) for r in rows]
