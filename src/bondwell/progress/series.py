"""One mother's progress: her scores, alerts, classes and practice over time, read in bounded, indexed queries.

Callers have already opened her record through `bondwell.accounts.access`; nothing here decides access.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from django.db.models import Count, Max, Min, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from bondwell import instruments
from bondwell.accounts.models import Mother
from bondwell.programme.checklist import ITEMS, NON_VALIDATED_LABEL
from bondwell.programme.models import Attendance, Booking, Observation, PracticeLog
from bondwell.progress import baseline
from bondwell.screening.models import Assessment, RiskAlert
from bondwell.screening.questionnaires import load_instrument
from bondwell.stats.trial import EPDS_CUTOFF, EPDS_RELIABILITY, reliable_change

# Bounds: a year and a bit of weekly data, and at most this many rows of each kind on one page.
PRACTICE_WEEKS = 60
MAX_ROWS = 400
# The site's baseline SD enters the reliable-change index only when it rests on enough mothers.
MIN_MOTHERS_FOR_SD = baseline.MIN_MOTHERS_FOR_SD


@dataclass(frozen=True)
class ScorePoint:
    answered_on: date
    total: int
    band: str
    assessment_id: int


@dataclass(frozen=True)
class CourseSpan:
    title: str
    starts_on: date
    ends_on: date
    classes: int
    attended: int


@dataclass(frozen=True)
class PracticeWeek:
    week: date
    minutes: int
    sessions: int


def scores(mother: Mother, instrument: str) -> list[ScorePoint]:
    """Her complete, current (not corrected) results of one questionnaire, oldest first."""
    definition = load_instrument(instrument, mother.site)
    labels = {band.key: band.label for band in definition.bands}
    rows = (
        Assessment.objects.current()
        .filter(mother=mother, instrument=instrument, complete=True)
        .order_by("-answered_on", "-id")
        .values_list("answered_on", "total", "band_key", "id")[:MAX_ROWS]
    )
    return [ScorePoint(d, int(t), labels.get(b, b), i) for d, t, b, i in reversed(list(rows)) if t is not None]


def courses(mother: Mother) -> list[CourseSpan]:
    """The courses she was booked on, with how many of their classes she attended."""
    bookings = (
        Booking.objects.filter(mother=mother, status=Booking.Status.BOOKED)
        .select_related("course")
        .annotate(first=Min("course__sessions__starts_at"), last=Max("course__sessions__starts_at"),
                  classes=Count("course__sessions", distinct=True))
        .order_by("course__starts_on")[:20]
    )
    present = dict(
        Attendance.objects.filter(mother=mother, status=Attendance.Status.PRESENT)
        .values_list("session__course_id")
        .annotate(n=Count("id"))
        .values_list("session__course_id", "n")
    )
    spans = []
    for booking in bookings:
        course = booking.course
        first = timezone.localdate(booking.first) if booking.first else course.starts_on
        last = timezone.localdate(booking.last) if booking.last else course.starts_on
        spans.append(CourseSpan(course.title, first, last, int(booking.classes), int(present.get(course.pk, 0))))
    return spans


def practice_weeks(mother: Mother, *, today: date | None = None) -> list[PracticeWeek]:
    """Minutes of home practice per week (Monday start, local time), for the last PRACTICE_WEEKS weeks."""
    today = today or timezone.localdate()
    since = today - timedelta(weeks=PRACTICE_WEEKS)
    rows = (
        PracticeLog.objects.filter(mother=mother, started_at__date__gte=since)
        .annotate(week=TruncWeek("started_at"))
        .values("week")
        .annotate(seconds=Sum("duration_seconds"), sessions=Count("id"))
        .order_by("week")
    )
    return [
        PracticeWeek(_as_date(row["week"]), round(int(row["seconds"]) / 60), int(row["sessions"])) for row in rows
    ]


def _as_date(value: date | datetime) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) and timezone.is_aware(value) else (
        value.date() if isinstance(value, datetime) else value
    )


# ---- change since baseline ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeSinceBaseline:
    baseline: ScorePoint
    latest: ScorePoint
    change: int  # latest minus baseline: negative is fewer symptoms
    category: Literal["improved", "no reliable change", "deteriorated"] | None
    threshold: float | None  # points of change that count as reliable
    sd: float | None
    sd_mothers: int
    reliability: float = EPDS_RELIABILITY
    cutoff: float = EPDS_CUTOFF

    @property
    def below_cutoff_now(self) -> bool:
        return self.latest.total < self.cutoff


def cohort_baseline_sd(cohort: QuerySet[Mother], *, cache_key: str = "") -> tuple[float | None, int]:
    """SD (n − 1) of the first EPDS of a cohort (the clinician's scope: her site): Jacobson & Truax's SD₁, and the
    number of mothers it rests on. Read from the first scores the worker keeps (`bondwell.progress.baseline`);
    before its first cycle computed directly and kept for an hour under `cache_key` when one is given."""
    return baseline.cohort_sd(cohort, cache_key=cache_key)


def change_since_baseline(
    epds: list[ScorePoint], cohort: QuerySet[Mother], *, cache_key: str = ""
) -> ChangeSinceBaseline | None:
    """Her latest EPDS against her first, with a Jacobson–Truax classification when the SD is known."""
    if len(epds) < 2:
        return None
    baseline, latest = epds[0], epds[-1]
    sd, n = cohort_baseline_sd(cohort, cache_key=cache_key)
    if sd is None:
        return ChangeSinceBaseline(baseline, latest, latest.total - baseline.total, None, None, None, n)
    result = reliable_change([baseline.total], [latest.total], sd=sd, reliability=EPDS_RELIABILITY)
    return ChangeSinceBaseline(
        baseline, latest, latest.total - baseline.total, result.category[0], result.reliable_change_threshold,
        sd, n,
    )


# ---- one timeline for the clinician ------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    when: date
    kind: str  # result, alert, class, observation, practice
    title: str
    detail: str
    urgent: bool = False


def timeline(mother: Mother, *, today: date | None = None) -> list[TimelineEntry]:
    """Every result, flag, alert, class, observation and week of practice, newest first (bounded)."""
    entries: list[TimelineEntry] = []
    titles = {name: instruments.load(name).title for name in ("epds", "phq9", "gad7", "pbq")}
    for a in (
        Assessment.objects.current().filter(mother=mother).order_by("-answered_on", "-id")[:MAX_ROWS]
    ):
        score = f"score {a.total}" if a.total is not None else "incomplete, no total"
        flags = f"; flags: {', '.join(a.flags)}" if a.flags else ""
        band = f" ({a.band_key.replace('_', ' ')})" if a.band_key else ""
        entries.append(TimelineEntry(a.answered_on, "result", titles.get(a.instrument, a.instrument),
                                     f"{score}{band}{flags}", urgent=a.band_urgent or bool(a.flags)))
    for alert in RiskAlert.objects.filter(mother=mother).order_by("-raised_at")[:MAX_ROWS]:
        response = "not yet acknowledged"
        if alert.acknowledged_at is not None:
            minutes = (alert.acknowledged_at - alert.raised_at).total_seconds() / 60
            response = f"acknowledged after {minutes:.0f} min"
        entries.append(TimelineEntry(timezone.localdate(alert.raised_at), "alert", alert.get_kind_display(),
                                     f"{alert.get_status_display()}; {response}", urgent=alert.status == "open"))
    for att in (
        Attendance.objects.filter(mother=mother).select_related("session__course")
        .order_by("-session__starts_at")[:MAX_ROWS]
    ):
        entries.append(TimelineEntry(timezone.localdate(att.session.starts_at), "class",
                                     f"{att.session.course.title}, class {att.session.number}",
                                     att.get_status_display()))
    for obs in Observation.objects.filter(mother=mother).select_related("session").order_by("-recorded_at")[:100]:
        items = "; ".join(f"{item.label}: {getattr(obs, item.key)}" for item in ITEMS)
        entries.append(TimelineEntry(timezone.localdate(obs.session.starts_at), "observation",
                                     f"Class observation ({NON_VALIDATED_LABEL})",
                                     f"sum {obs.checklist_sum}/15; {items}"))
    for week in practice_weeks(mother, today=today):
        entries.append(TimelineEntry(week.week, "practice", "Home practice",
                                     f"{week.minutes} min in {week.sessions} sessions that week"))
    order = {"alert": 0, "result": 1, "observation": 2, "class": 3, "practice": 4}
    entries.sort(key=lambda e: (e.when, -order[e.kind]), reverse=True)
    return entries
