"""The site's baseline SD for the clinician's reliable-change index, from each mother's first EPDS, materialised.

Jacobson & Truax's SD₁ is the SD of the first EPDS of the mothers in the clinician's scope (her site). Computed
directly it is one correlated look-up per mother: 5,000 at a site of 5,000 mothers, ~800 ms of CPU on SQLite
(bench/dashboard.py). Here each mother's first complete, current EPDS is stored (`MotherBaseline`) and the page
adds up the stored values of her cohort in one aggregate (count, sum, sum of squares: exact in integers).

Kept up to date by the worker like the dashboard's summaries (`run`, in `BONDWELL_WORKER_JOBS`; its watermark
and last sweep are on the summaries' `SummaryState` row):
- the first cycle stores every mother's first EPDS (`rebuild`); until then the page computes the SD directly and
  keeps it for an hour, as before;
- every cycle then stores again the mothers with an assessment above the watermark (`SummaryState.baseline_id`)
  or submitted since the previous cycle less `summary.SWEEP_MARGIN` (a transaction committed out of id order).
  A correction is a new assessment, so it is seen like one. Nothing is stale for more than one worker cycle.
The site is not stored: the aggregate joins the live mothers, so a mother who moves site counts at her new one.
Several workers may run this at once: rows are upserted and the watermark only grows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Greatest

from bondwell.accounts.models import Mother
from bondwell.progress.models import MotherBaseline, SummaryState
from bondwell.progress.sql import plain_plan
from bondwell.progress.summary import STATE_ID, SWEEP_MARGIN
from bondwell.screening.models import Assessment

# The SD enters the reliable-change index only when it rests on enough mothers.
MIN_MOTHERS_FOR_SD = 10
# The direct computation (before the first worker cycle) reads at most this many mothers, and is kept this long.
DIRECT_LIMIT = 20_000
SD_CACHE_SECONDS = 3600
CHUNK = 2_000


def _first_epds() -> Subquery:
    """The total of the mother's (OuterRef "pk") first complete, current EPDS."""
    first = (
        Assessment.objects.current()
        .filter(mother=OuterRef("pk"), instrument="epds", complete=True)
        .order_by("answered_on", "id")
        .values("total")[:1]
    )
    return Subquery(first)


def sd_of(n: int, total: int, squares: int) -> float | None:
    """SD (n − 1) from the count, sum and sum of squares of integer scores (exact: no cancellation)."""
    if n < 2:
        return None
    variance = (n * squares - total * total) / (n * (n - 1))
    return variance**0.5 if variance > 0 else None


def _result(n: int, sd: float | None) -> tuple[float | None, int]:
    return (sd if n >= MIN_MOTHERS_FOR_SD else None), n


def direct_sd(cohort: QuerySet[Mother]) -> tuple[float | None, int]:
    """SD (n − 1) of the first EPDS of the cohort's mothers, computed from the assessments (one look-up each)."""
    values = [
        int(v)
        for v in cohort.annotate(first_epds=_first_epds())
        .exclude(first_epds=None)
        .values_list("first_epds", flat=True)[:DIRECT_LIMIT]
    ]
    return _result(len(values), sd_of(len(values), sum(values), sum(v * v for v in values)))


def stored_sd(cohort: QuerySet[Mother]) -> tuple[float | None, int] | None:
    """The same from the stored first scores; None while the worker has not stored them yet.

    One query when the cohort has stored rows: the aggregate is empty unless the baselines were built."""
    built = SummaryState.objects.filter(pk=STATE_ID, baselines_at__isnull=False)
    found = MotherBaseline.objects.filter(Exists(built), mother__in=cohort).aggregate(
        rows=Count("pk"), n=Count("epds"), total=Sum("epds"),
        squares=Sum(F("epds") * F("epds"), output_field=IntegerField()),
    )
    if not found["rows"] and not built.exists():
        return None
    n = int(found["n"] or 0)
    return _result(n, sd_of(n, int(found["total"] or 0), int(found["squares"] or 0)))


def cohort_sd(cohort: QuerySet[Mother], *, cache_key: str = "") -> tuple[float | None, int]:
    """SD₁ of the cohort and the number of mothers it rests on: stored, or (before the worker's first cycle)
    computed directly and kept for an hour under `cache_key` when one is given."""
    found = stored_sd(cohort)
    if found is not None:
        return found
    if not cache_key:
        return direct_sd(cohort)
    cached = cache.get(cache_key)
    if isinstance(cached, tuple):
        return cached
    value = direct_sd(cohort)
    cache.set(cache_key, value, SD_CACHE_SECONDS)
    return value


# ---- kept by the worker ---------------------------------------------------------------------------------------


def refresh(mother_ids: Iterable[int], now: datetime) -> int:
    """Store the first EPDS (or none) of these mothers; returns how many were written."""
    ids = sorted(set(mother_ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            plain_plan()
            rows = list(
                Mother.objects.filter(id__in=ids[start:start + CHUNK]).order_by("id")  # one lock order
                .annotate(first_epds=_first_epds()).values_list("id", "first_epds")
            )
            MotherBaseline.objects.bulk_create(
                [MotherBaseline(mother_id=pk, epds=epds, refreshed_at=now) for pk, epds in rows],
                update_conflicts=True, unique_fields=["mother"], update_fields=["epds", "refreshed_at"],
            )
        written += len(rows)
    return written


def _advance(top: int, swept_at: datetime) -> None:
    SummaryState.objects.get_or_create(pk=STATE_ID)
    SummaryState.objects.filter(pk=STATE_ID).update(baseline_id=Greatest(F("baseline_id"), Value(top)),
                                                    baselines_at=swept_at)


def rebuild(now: datetime) -> int:
    """Every mother's first EPDS stored again (the first cycle, or after a restore)."""
    top = Assessment.objects.aggregate(top=Max("pk"))["top"] or 0
    written = refresh(Mother.objects.order_by().values_list("id", flat=True), now)
    _advance(top, now)
    return written


def run(now: datetime) -> int:
    """The worker's cycle: the mothers with a new (or late-committed) assessment stored again; returns them."""
    current = SummaryState.objects.filter(pk=STATE_ID).first()
    if current is None or current.baselines_at is None:
        return rebuild(now)
    mothers: set[int] = set()
    top = current.baseline_id
    newer = Assessment.objects.filter(pk__gt=current.baseline_id).order_by().values_list("pk", "mother_id")
    for pk, mother_id in newer.iterator(chunk_size=5000):
        mothers.add(mother_id)
        top = max(top, pk)
    since = current.baselines_at - SWEEP_MARGIN
    mothers |= set(Assessment.objects.filter(submitted_at__gte=since).order_by().values_list("mother_id", flat=True))
    written = refresh(mothers, now)
    _advance(top, now)
    return written
