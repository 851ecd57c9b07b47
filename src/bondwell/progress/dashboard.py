"""The programme lead's dashboard: aggregates of the mothers in her scope, per site and across her sites.

One query reads one row per booking joined to its materialised summary (`bondwell.progress.summary`: baseline
and later EPDS, attendance, practice minutes in the dose window, kept up to date incrementally); a second
aggregates alert response. Python then only adds up at most `MAX_BOOKINGS` rows and hands the pairs to `bondwell.stats`.

Definitions (also in docs/progress.md), all in days from the course's first day (`Course.starts_on`):
- baseline EPDS: the last one answered from 42 days before to 7 days after the start;
- end-of-course EPDS: the first one answered 28 to 84 days after the start;
- follow-up at 6 and 12 months: any EPDS 150–240 and 330–420 days after the start, counted only once that
  window has closed;
- finished the course: every class has taken place and she attended at least half of them;
- dose reached: practice minutes in the course's dose window (its first `dose_weeks` weeks) at least 80% of the
  prescribed minutes (course minutes × sessions a week × weeks); windows on UTC day boundaries.
A pre/post change has no control group: it is not proof that the programme caused it.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from bondwell.accounts.models import Mother
from bondwell.db_routers import reporting
from bondwell.programme.models import Booking, ClassSession
from bondwell.progress import summary
from bondwell.progress.small_numbers import THRESHOLD
from bondwell.progress.sql import AddDays
from bondwell.screening.response_times import alerts_raised, response_times
from bondwell.stats.dose_response import DoseResponseFit, fit_dose_response
from bondwell.stats.trial import EPDS_CUTOFF, PairedChange, ReliableChangeResult, paired_change, reliable_change

BASELINE_WINDOW = summary.BASELINE_WINDOW
END_WINDOW = summary.END_WINDOW
FOLLOW_UP_WINDOWS = summary.FOLLOW_UP_WINDOWS
DOSE_REACHED_AT = 0.8  # dose reached: at least this share of the prescribed minutes in the dose window
MIN_CELL = THRESHOLD  # the one small-number rule (bondwell.progress.small_numbers) applies where figures are shown
MAX_BOOKINGS = 20_000
DEFAULT_PERIOD_DAYS = 548  # 18 months: long enough to see the 12-month follow-up of a course
NO_CONTROL_NOTE = (
    "A change from before to after the course, without a control group, is not proof that the course caused "
    "it: scores also improve with time, other care and regression to the mean."
)

Severity = Literal["", "unlikely", "possible", "likely"]
SEVERITY_RANGES: dict[str, tuple[int, int]] = {"unlikely": (0, 9), "possible": (10, 12), "likely": (13, 30)}
SEVERITY_LABELS = {"": "Any", "unlikely": "EPDS 0–9", "possible": "EPDS 10–12", "likely": "EPDS 13 or more"}


@dataclass(frozen=True)
class Filters:
    course_id: int | None = None
    start: date | None = None  # courses starting on or after
    end: date | None = None  # courses starting on or before
    severity: Severity = ""

    def period(self, today: date) -> tuple[date, date]:
        end = self.end or today
        return self.start or end - timedelta(days=DEFAULT_PERIOD_DAYS), end


@dataclass(frozen=True)
class Share:
    """`count` of `n` mothers; suppressed (no numbers shown) when either is a small cell."""

    count: int
    n: int

    @property
    def suppressed(self) -> bool:
        return self.n < MIN_CELL or 0 < self.count < MIN_CELL or 0 < self.n - self.count < MIN_CELL

    @property
    def percent(self) -> float | None:
        return None if self.n == 0 or self.suppressed else 100.0 * self.count / self.n


@dataclass(frozen=True)
class BookingRow:
    """One booking as the database summarised it (only integers: no per-row date parsing in Python)."""

    site_id: int
    mother_id: int
    course_id: int
    classes: int
    held: int  # classes that have taken place
    present: int
    baseline: int | None
    post: int | None
    follow_ups: dict[str, bool]  # an EPDS in the window
    follow_ups_closed: dict[str, bool]  # the window is over
    practice_seconds: int
    prescribed_minutes: int
    dose_weeks: int
    dose_over: bool

    @property
    def ended(self) -> bool:
        return self.classes > 0 and self.held == self.classes

    @property
    def finished(self) -> bool:
        return self.ended and self.present >= math.ceil(self.classes / 2)

    @property
    def minutes_per_week(self) -> float:
        return self.practice_seconds / 60 / self.dose_weeks


@dataclass(frozen=True)
class AlertResponse:
    raised: int
    acknowledged: int
    within_target: int
    median_minutes: float | None

    @property
    def suppressed(self) -> bool:
        return self.raised < MIN_CELL


@dataclass(frozen=True)
class DoseBin:
    """Mothers grouped by practice (equal-sized groups of at least MIN_CELL): aggregates only, no one's point."""

    n: int
    low_minutes: float
    high_minutes: float
    mean_minutes: float
    mean_change: float


@dataclass(frozen=True)
class Figures:
    """Every figure of one dashboard column, each with the number of mothers it rests on."""

    enrolled: int
    attendance: Share  # classes attended of classes held (count and n are classes, not mothers)
    attendance_mothers: int
    dose_reached: Share
    finished: Share  # of mothers whose course has ended
    pairs: int
    change: PairedChange | None
    below_cutoff_end: Share
    reliable: ReliableChangeResult | None
    improved: Share
    deteriorated: Share
    follow_up: dict[str, Share]
    alerts: AlertResponse
    dose_response: DoseResponseFit | None
    dose_bins: tuple[DoseBin, ...] = field(default=())

    @property
    def enrolled_suppressed(self) -> bool:
        return 0 < self.enrolled < MIN_CELL

    @property
    def change_suppressed(self) -> bool:
        return self.change is None or self.pairs < MIN_CELL


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    period: tuple[date, date]
    overall: Figures
    by_site: list[tuple[str, Figures]]
    truncated: bool


# ---- the queries ------------------------------------------------------------------------------------------


def cohort(mothers: QuerySet[Mother], filters: Filters, today: date, sites: Iterable[int]) -> QuerySet[Booking]:
    """The bookings behind the dashboard: mothers in the viewer's scope, booked on a course in the filters.

    The courses are also those of the dashboard's `sites`: a mother books only a course of her own site
    (`programme.services._book` refuses another), so this changes no figure, and it lets the database start from
    the sites' courses in the period (index site, starts_on) instead of scanning every booking."""
    start, end = filters.period(today)
    bookings = Booking.objects.filter(
        status=Booking.Status.BOOKED, mother__in=mothers, course__site_id__in=sorted(sites),
        course__starts_on__gte=start, course__starts_on__lte=end,
    )
    if filters.course_id is not None:
        bookings = bookings.filter(course_id=filters.course_id)
    return bookings


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def booking_rows(bookings: QuerySet[Booking], now: datetime) -> tuple[list[BookingRow], bool]:
    """One row per booking, in order of course start (so a mother's first course comes first).

    The per-booking integers come from the materialised summaries (`bondwell.progress.summary`); the booking's
    status, course and dates are the live rows. A booking with no summary yet counts as no EPDS, no attendance."""
    today = timezone.localdate(now)
    start = F("course__starts_on")
    windows = list(FOLLOW_UP_WINDOWS.values())
    annotated = bookings.annotate(
        dose_end=AddDays(start, F("course__dose_weeks") * 7),
        **{f"fu_end_{i}": AddDays(start, Value(hi)) for i, (_lo, hi) in enumerate(windows)},
    ).annotate(
        site_id=F("mother__site_id"),
        baseline=F("progress_summary__baseline"),
        present=F("progress_summary__present"),
        post=F("progress_summary__post"),
        practice_seconds=F("progress_summary__practice_seconds"),
        prescribed=F("course__minutes_per_session") * F("course__sessions_per_week") * F("course__dose_weeks"),
        dose_weeks=F("course__dose_weeks"),
        dose_over=_flag(Q(dose_end__lte=today)),
        fu_0=_flag(Q(progress_summary__follow_up_6=True)),
        fu_1=_flag(Q(progress_summary__follow_up_12=True)),
        **{f"closed_{i}": _flag(Q(**{f"fu_end_{i}__lt": today})) for i in range(len(windows))},
    ).order_by("course__starts_on", "course_id", "id")
    names = ["site_id", "mother_id", "course_id", "present", "baseline", "post",
             "practice_seconds", "prescribed", "dose_weeks", "dose_over",
             *(f"fu_{i}" for i in range(len(windows))), *(f"closed_{i}" for i in range(len(windows)))]
    raw = list(annotated.values_list(*names)[: MAX_BOOKINGS + 1])
    # Classes held per course in one grouped query over the courses already found (at most MAX_BOOKINGS ids).
    classes = {
        course_id: (total, held)
        for course_id, total, held in ClassSession.objects.filter(course_id__in=sorted({r[2] for r in raw}))
        .values("course_id")
        .annotate(total=Count("id"), held=Count("id", filter=Q(starts_at__lt=now)))
        .values_list("course_id", "total", "held")
    }
    labels = list(FOLLOW_UP_WINDOWS)
    rows = [
        BookingRow(
            site_id=r[0], mother_id=r[1], course_id=r[2], classes=classes.get(r[2], (0, 0))[0],
            held=classes.get(r[2], (0, 0))[1], present=r[3] or 0, baseline=r[4], post=r[5],
            practice_seconds=r[6] or 0, prescribed_minutes=r[7], dose_weeks=r[8], dose_over=bool(r[9]),
            follow_ups={label: bool(r[10 + i]) for i, label in enumerate(labels)},
            follow_ups_closed={label: bool(r[10 + len(labels) + i]) for i, label in enumerate(labels)},
        )
        for r in raw[:MAX_BOOKINGS]
    ]
    return rows, len(raw) > MAX_BOOKINGS


def alert_response(mothers: QuerySet[Mother], period: tuple[date, date]) -> AlertResponse:
    # Bounds as local midnights, so the index on raised_at can be used (a __date lookup would not).
    since = timezone.make_aware(datetime.combine(period[0], time.min))
    until = timezone.make_aware(datetime.combine(period[1] + timedelta(days=1), time.min))
    times = response_times(alerts_raised(mothers, since, until))
    return AlertResponse(raised=times.raised, acknowledged=times.acknowledged, within_target=times.within_target,
                         median_minutes=times.median_minutes)


# ---- the figures ------------------------------------------------------------------------------------------


def in_severity(row: BookingRow, severity: Severity) -> bool:
    if not severity:
        return True
    low, high = SEVERITY_RANGES[severity]
    return row.baseline is not None and low <= row.baseline <= high


def first_per_mother(rows: list[BookingRow]) -> list[BookingRow]:
    """One booking per mother (her first course in the filters: rows come in order of course start)."""
    seen: set[int] = set()
    kept = []
    for row in rows:
        if row.mother_id not in seen:
            seen.add(row.mother_id)
            kept.append(row)
    return kept


def figures(rows: list[BookingRow], alerts: AlertResponse) -> Figures:
    """Every figure from one booking per mother (`first_per_mother`)."""
    attended = [r for r in rows if r.held > 0]
    dosed = [r for r in rows if r.dose_over]
    reached = [r for r in dosed if r.practice_seconds >= DOSE_REACHED_AT * r.prescribed_minutes * 60]
    ended = [r for r in rows if r.ended]
    finished = [r for r in ended if r.finished]
    with_baseline = [r for r in finished if r.baseline is not None]
    pairs = [r for r in with_baseline if r.post is not None]
    pre = [float(r.baseline) for r in pairs if r.baseline is not None]
    post = [float(r.post) for r in pairs if r.post is not None]
    change = _safe(lambda: paired_change(pre, post, label="baseline to end of course"))
    reliable = _safe(lambda: reliable_change(pre, post))
    follow_up = {"end of course": Share(len(pairs), len(with_baseline))}
    for label in FOLLOW_UP_WINDOWS:
        due = [r for r in with_baseline if r.follow_ups_closed[label]]
        follow_up[label] = Share(sum(1 for r in due if r.follow_ups[label]), len(due))
    dose_points = tuple((r.minutes_per_week, float(r.post) - float(r.baseline))
                        for r in pairs if r.post is not None and r.baseline is not None)
    dose = _safe(lambda: fit_dose_response([x for x, _ in dose_points], [y for _, y in dose_points]))
    return Figures(
        enrolled=len(rows),
        attendance=Share(sum(r.present for r in attended), sum(r.held for r in attended)),
        attendance_mothers=len(attended),
        dose_reached=Share(len(reached), len(dosed)),
        finished=Share(len(finished), len(ended)),
        pairs=len(pairs),
        change=change,
        below_cutoff_end=Share(sum(1 for v in post if v < EPDS_CUTOFF), len(pairs)),
        reliable=reliable,
        improved=Share(reliable.count("improved") if reliable else 0, len(pairs)),
        deteriorated=Share(reliable.count("deteriorated") if reliable else 0, len(pairs)),
        follow_up=follow_up,
        alerts=alerts,
        dose_response=dose if len(dose_points) >= MIN_CELL else None,
        dose_bins=dose_bins(dose_points),
    )


def dose_bins(points: tuple[tuple[float, float], ...], most: int = 5) -> tuple[DoseBin, ...]:
    """Up to `most` groups of equal size by practice minutes, each of at least MIN_CELL mothers."""
    count = min(most, len(points) // MIN_CELL)
    if count == 0:
        return ()
    ordered = sorted(points)
    bins = []
    for k in range(count):
        group = ordered[k * len(ordered) // count:(k + 1) * len(ordered) // count]
        bins.append(DoseBin(
            n=len(group), low_minutes=group[0][0], high_minutes=group[-1][0],
            mean_minutes=statistics.fmean(x for x, _ in group), mean_change=statistics.fmean(y for _, y in group),
        ))
    return tuple(bins)


def _safe(compute: Any) -> Any:
    """A statistic that cannot be computed on these data (too few pairs, no variation) is shown as absent."""
    try:
        return compute()
    except ValueError:
        return None


CACHE_SECONDS = 120


def build_cached(mothers: QuerySet[Mother], site_names: dict[int, str], filters: Filters, *, scope: str) -> Dashboard:
    """`build`, kept for two minutes per scope, filters and version of the summaries (the chart request that
    follows the page reuses it; a new result changes the version, so cached figures are never behind it)."""
    version = summary.catch_up(timezone.now())  # new results since the last look show at once
    fresh = (scope, sorted(site_names), filters, version)
    key = "progress-dashboard:" + hashlib.sha256(repr(fresh).encode()).hexdigest()
    found = cache.get(key)
    if isinstance(found, Dashboard):
        return found
    board = _compose(mothers, site_names, filters, timezone.now())
    cache.set(key, board, CACHE_SECONDS)
    return board


def build(mothers: QuerySet[Mother], site_names: dict[int, str], filters: Filters,
          *, now: datetime | None = None) -> Dashboard:
    """The dashboard over `mothers` (the viewer's scope), overall and for each of `site_names`."""
    now = now or timezone.now()
    summary.catch_up(now)
    return _compose(mothers, site_names, filters, now)


def _compose(mothers: QuerySet[Mother], site_names: dict[int, str], filters: Filters, now: datetime) -> Dashboard:
    with reporting():  # read-only: served by the read replica when one is configured (bondwell.db_routers)
        return _figures_of(mothers, site_names, filters, now)


def _figures_of(mothers: QuerySet[Mother], site_names: dict[int, str], filters: Filters, now: datetime) -> Dashboard:
    today = timezone.localdate(now)
    period = filters.period(today)
    rows, truncated = booking_rows(cohort(mothers, filters, today, site_names), now)
    rows = first_per_mother([r for r in rows if in_severity(r, filters.severity)])
    per_site: dict[int, list[BookingRow]] = defaultdict(list)
    for row in rows:
        per_site[row.site_id].append(row)
    overall = figures(rows, alert_response(mothers, period))
    by_site = [
        (name, figures(per_site.get(site_id, []),
                       alert_response(mothers.filter(site_id=site_id), period)))
        for site_id, name in sorted(site_names.items(), key=lambda kv: kv[1])
    ] if len(site_names) > 1 else []
    return Dashboard(filters=filters, period=period, overall=overall, by_site=by_site, truncated=truncated)
