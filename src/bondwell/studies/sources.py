"""What studies read from other capabilities: questionnaire totals (screening) and home practice (programme).

The study app never scores a questionnaire itself: every EPDS total comes from a submitted screening
Assessment, so the risk rules and alerts of the screening module apply to study follow-ups too. These
functions are the only places where studies reads the other apps' models (imported directly: studies needs both).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bondwell.accounts.models import Mother, User
from bondwell.programme.models import PracticeLog
from bondwell.screening import services as screening
from bondwell.screening.models import Assessment, RiskAlert, ScheduledQuestionnaire
from bondwell.studies.models import Visit


@dataclass(frozen=True)
class ScoreRecord:
    mother_id: int
    total: int
    answered_on: date  # the day she answered (a paper form may be entered later)
    submitted_at: datetime
    reference: str  # "screening.Assessment:<pk>"
    scheduled_for: str = ""  # "studies.Visit:<pk>" when it answered a questionnaire a study scheduled


def scores(
    mother_ids: Iterable[int], instrument: str, since: date | None = None, until: date | None = None
) -> list[ScoreRecord]:
    """Submitted totals of one instrument for these mothers, oldest first (current versions: a corrected
    assessment is superseded by its new version)."""
    ids = list(mother_ids)
    if not ids:
        return []
    queryset = Assessment.objects.current().filter(mother_id__in=ids, instrument=instrument, total__isnull=False)
    if since is not None:
        queryset = queryset.filter(answered_on__gte=since)
    if until is not None:
        queryset = queryset.filter(answered_on__lte=until)
    rows = queryset.order_by("answered_on", "submitted_at", "pk").values_list(
        "pk", "mother_id", "total", "answered_on", "submitted_at", "scheduled__study_timepoint_ref"
    )
    return [
        ScoreRecord(mother_id, total, answered_on, submitted_at, f"screening.Assessment:{pk}", ref or "")
        for pk, mother_id, total, answered_on, submitted_at, ref in rows
        if total is not None  # never: filtered above (the type cannot say so)
    ]


def latest_score(mother_id: int, instrument: str, since: date, until: date) -> ScoreRecord | None:
    """The most recent total answered between `since` and `until` (inclusive)."""
    found = scores([mother_id], instrument, since, until)
    return found[-1] if found else None


def practice_log_rows(mother_id: int, start: date, end: date) -> list[tuple[date, float]]:
    """(day, minutes) of one mother's completed practice in [start, end): for per-visit adherence."""
    rows = PracticeLog.objects.filter(
        mother_id=mother_id, started_at__date__gte=start, started_at__date__lt=end,
        outcome=PracticeLog.Outcome.COMPLETED,
    ).values_list("started_at", "duration_seconds")
    return [(started.date(), seconds / 60.0) for started, seconds in rows]


def schedule_follow_up(mother: Mother, instrument: str, due: date, *, by: User, visit: Visit) -> bool:
    """Ask screening to invite the mother when the visit is due (True: she is invited)."""
    screening.schedule_questionnaire(mother, instrument, due, by=by, study_timepoint=visit)
    return True


def cancel_follow_ups(visits: Iterable[Visit], *, by: User) -> int:
    """Cancel screening's pending invitations for these visits (no further contact). Returns how many."""
    refs = [f"studies.Visit:{visit.pk}" for visit in visits]
    pending = ScheduledQuestionnaire.objects.filter(
        study_timepoint_ref__in=refs, status=ScheduledQuestionnaire.Status.SCHEDULED
    )
    cancelled = 0
    for scheduled in pending:
        screening.cancel_scheduled(scheduled, by=by)
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
    rows = RiskAlert.objects.filter(mother_id__in=list(mother_ids), raised_at__gte=since).order_by("raised_at", "id")
    return [
        AlertRecord(r.mother_id, r.get_kind_display(), r.status == RiskAlert.Status.CLOSED, r.raised_at) for r in rows
    ]
