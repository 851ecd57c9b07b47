"""The dashboard's per-booking integers, materialised in `BookingSummary` and kept up to date incrementally.

What a booking contributes to the programme lead's dashboard (baseline and end-of-course EPDS, classes attended,
practice in the dose weeks, an EPDS in each follow-up window) needs a dozen index probes per booking; over the
2,500 bookings of a site's 18 months that was most of the page's time. Here each booking's figures are computed
once and stored; the page then reads one row per booking (`bondwell.progress.dashboard.booking_rows`).

Kept fresh three ways:
- `catch_up` (every dashboard request and every worker cycle): rows added since the last look, found by id above
  the watermarks in `SummaryState` (primary-key range scans, nothing to do when nothing changed); their mothers'
  bookings are computed again. A new assessment shows on the next dashboard request.
- `run` (a worker job, `BONDWELL_WORKER_JOBS`): `catch_up`, then a sweep for rows changed in place or committed
  out of id order (attendance re-recorded, a transaction that committed late): everything stamped since the
  previous sweep less `SWEEP_MARGIN`; and bookings with no summary or whose course changed its start or dose
  weeks. Nothing is stale for more than one worker cycle.
- Booking status, course, site and class dates are not stored: the dashboard joins the live rows.
Several processes may refresh at once: rows are upserted and the watermarks only grow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Greatest

from bondwell.programme.models import Attendance, Booking, PracticeLog
from bondwell.progress.models import BookingSummary, SummaryState
from bondwell.progress.sql import AddDays, plain_plan
from bondwell.screening.models import Assessment

BASELINE_WINDOW = (-42, 7)  # days from the course's first day (docs/progress.md)
END_WINDOW = (28, 84)
FOLLOW_UP_WINDOWS = {"6 months": (150, 240), "12 months": (330, 420)}
SWEEP_MARGIN = timedelta(minutes=5)  # longer than any transaction that writes an assessment, attendance or log
CHUNK = 2_000  # bookings computed per query and transaction
STATE_ID = 1
COMPUTED = ["id", "s_starts_on", "s_dose_weeks", "s_baseline", "s_post", "s_present", "s_practice", "s_fu_6", "s_fu_12"]
FIELDS = ["starts_on", "dose_weeks", "baseline", "post", "present", "practice_seconds", "follow_up_6",
          "follow_up_12", "refreshed_at"]


def _epds_between(lo: int, hi: int, *, last: bool) -> Subquery:
    start = OuterRef("course__starts_on")
    found = Assessment.objects.filter(
        mother=OuterRef("mother_id"), instrument="epds", complete=True, superseded_by__isnull=True,
        answered_on__gte=AddDays(start, Value(lo)), answered_on__lte=AddDays(start, Value(hi)),
    )
    order = ("-answered_on", "-id") if last else ("answered_on", "id")
    return Subquery(found.order_by(*order).values("total")[:1])


def _epds_exists(lo: int, hi: int) -> Exists:
    """Any EPDS in the window (a corrected one counts too: she answered)."""
    start = OuterRef("course__starts_on")
    return Exists(Assessment.objects.filter(
        mother=OuterRef("mother_id"), instrument="epds", answered_on__gte=AddDays(start, Value(lo)),
        answered_on__lte=AddDays(start, Value(hi)),
    ))


def _computed(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    attendance = Attendance.objects.filter(
        mother=OuterRef("mother_id"), session__course=OuterRef("course_id"), status=Attendance.Status.PRESENT
    )
    practice = PracticeLog.objects.filter(
        mother=OuterRef("mother_id"), started_at__gte=OuterRef("course__starts_on"),
        started_at__lt=AddDays(OuterRef("course__starts_on"), OuterRef("course__dose_weeks") * 7),
    )
    (six_lo, six_hi), (year_lo, year_hi) = FOLLOW_UP_WINDOWS.values()
    return bookings.annotate(
        s_starts_on=F("course__starts_on"),
        s_dose_weeks=F("course__dose_weeks"),
        s_baseline=_epds_between(*BASELINE_WINDOW, last=True),
        s_post=_epds_between(*END_WINDOW, last=False),
        s_present=Subquery(attendance.values("mother").annotate(c=Count("id")).values("c")[:1]),
        s_practice=Subquery(practice.values("mother").annotate(s=Sum("duration_seconds")).values("s")[:1]),
        s_fu_6=_epds_exists(six_lo, six_hi),
        s_fu_12=_epds_exists(year_lo, year_hi),
    )


def refresh(booking_ids: Iterable[int], now: datetime) -> int:
    """Compute and store the summaries of these bookings (any status); returns how many were written."""
    ids = sorted(set(booking_ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        with transaction.atomic():
            plain_plan()
            rows = list(_computed(Booking.objects.filter(id__in=chunk)).values_list(*COMPUTED))
            BookingSummary.objects.bulk_create(
                [BookingSummary(booking_id=r[0], starts_on=r[1], dose_weeks=r[2], baseline=r[3], post=r[4],
                                present=r[5] or 0, practice_seconds=r[6] or 0, follow_up_6=bool(r[7]),
                                follow_up_12=bool(r[8]), refreshed_at=now) for r in rows],
                update_conflicts=True, unique_fields=["booking"], update_fields=FIELDS,
            )
        written += len(rows)
    return written


def refresh_mothers(mother_ids: Iterable[int], now: datetime) -> int:
    mothers = sorted(set(mother_ids))
    written = 0
    for start in range(0, len(mothers), CHUNK):
        ids = Booking.objects.filter(mother_id__in=mothers[start:start + CHUNK]).order_by().values_list("id", flat=True)
        written += refresh(list(ids), now)
    return written


def _new_rows(model: Any, above: int) -> tuple[set[int], int]:
    """Mothers of the rows with an id above `above`, and the highest id seen."""
    mothers: set[int] = set()
    top = above
    # No ordering: the models' default order would turn this primary-key range scan into a sort (or a join).
    newer = model.objects.filter(pk__gt=above).order_by().values_list("pk", "mother_id")
    for pk, mother_id in newer.iterator(chunk_size=5000):
        mothers.add(mother_id)
        top = max(top, pk)
    return mothers, top


SOURCES: Sequence[tuple[str, Any]] = (
    ("assessment_id", Assessment), ("attendance_id", Attendance), ("practice_id", PracticeLog),
    ("booking_id", Booking),
)


def state() -> SummaryState:
    found = SummaryState.objects.filter(pk=STATE_ID).first()
    return found if found is not None else SummaryState(pk=STATE_ID)


def _advance(tops: dict[str, int], *, changed: bool, swept_at: datetime | None = None) -> None:
    """Move the watermarks forward (never back, whoever else moved them meanwhile) and bump the version."""
    SummaryState.objects.get_or_create(pk=STATE_ID)
    updates: dict[str, Any] = {field: Greatest(F(field), Value(top)) for field, top in tops.items()}
    if changed:
        updates["version"] = F("version") + 1
    if swept_at is not None:
        updates["swept_at"] = swept_at
    SummaryState.objects.filter(pk=STATE_ID).update(**updates)


def rebuild(now: datetime) -> int:
    """Every booking computed again (the first run, or after a restore); the watermarks set to the ids seen."""
    tops = {field: model.objects.aggregate(top=Max("pk"))["top"] or 0 for field, model in SOURCES}
    written = refresh(Booking.objects.values_list("id", flat=True), now)
    _advance(tops, changed=True, swept_at=now)
    return written


def catch_up(now: datetime) -> int:
    """Summaries of the mothers with rows added since the last look (a full `rebuild` the first time); returns
    the summaries' version after it, which changes whenever a summary was written."""
    current = SummaryState.objects.filter(pk=STATE_ID).first()
    if current is None:
        rebuild(now)
        return state().version
    mothers: set[int] = set()
    tops: dict[str, int] = {}
    for field, model in SOURCES:
        found, tops[field] = _new_rows(model, getattr(current, field))
        mothers |= found
    if not mothers:
        return current.version
    refresh_mothers(mothers, now)
    _advance(tops, changed=True)
    return state().version


def sweep(now: datetime) -> int:
    """Rows changed in place or committed out of id order since the last sweep, and courses that changed."""
    current = state()
    since = (current.swept_at or now - timedelta(days=1)) - SWEEP_MARGIN
    mothers: set[int] = set()
    mothers |= set(Assessment.objects.filter(submitted_at__gte=since).order_by().values_list("mother_id", flat=True))
    mothers |= set(Attendance.objects.filter(recorded_at__gte=since).order_by().values_list("mother_id", flat=True))
    mothers |= set(PracticeLog.objects.filter(created_at__gte=since).order_by().values_list("mother_id", flat=True))
    written = refresh_mothers(mothers, now)
    stale = Booking.objects.filter(
        Q(progress_summary__isnull=True)
        | ~Q(progress_summary__starts_on=F("course__starts_on"))
        | ~Q(progress_summary__dose_weeks=F("course__dose_weeks"))
    ).order_by().values_list("id", flat=True)
    written += refresh(list(stale), now)
    _advance({}, changed=written > 0, swept_at=now)
    return written


def run(now: datetime) -> int:
    """The worker job: new rows, then the sweep. Returns the summaries the sweep wrote."""
    catch_up(now)
    return sweep(now)
