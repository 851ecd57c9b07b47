"""How quickly alerts are acknowledged: the one place this is computed (the alert-response page and the
programme dashboard both ask here)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet

from bondwell.accounts.models import Mother
from bondwell.screening.models import RiskAlert

MAX_DURATIONS = 5_000  # the latest acknowledged alerts whose minutes are read (the counts cover every alert)


@dataclass(frozen=True)
class ResponseTimes:
    raised: int
    acknowledged: int
    within_target: int  # acknowledged by its acknowledgement deadline (`RiskAlert.ack_due_at`)
    open: int
    escalated: int
    median_minutes: float | None  # raised → acknowledged, over the latest MAX_DURATIONS acknowledged
    p90_minutes: float | None


def alerts_raised(mothers: QuerySet[Mother], since: datetime, until: datetime | None = None) -> QuerySet[RiskAlert]:
    """The alerts about these mothers raised in [since, until) (bounds on raised_at, so its index is used)."""
    alerts = RiskAlert.objects.filter(mother__in=mothers, raised_at__gte=since)
    return alerts if until is None else alerts.filter(raised_at__lt=until)


def response_times(alerts: QuerySet[RiskAlert]) -> ResponseTimes:
    """Counts in one aggregate query, minutes from the latest acknowledged alerts in one more."""
    totals = alerts.aggregate(
        raised=Count("id"),
        acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        within=Count("id", filter=Q(acknowledged_at__isnull=False, acknowledged_at__lte=F("ack_due_at"))),
        open=Count("id", filter=Q(status=RiskAlert.Status.OPEN)),
        escalated=Count("id", filter=Q(escalation_level__gt=0)),
    )
    pairs = alerts.filter(acknowledged_at__isnull=False).order_by("-raised_at").values_list(
        "raised_at", "acknowledged_at"
    )[:MAX_DURATIONS]
    minutes = [(ack - raised).total_seconds() / 60 for raised, ack in pairs if ack is not None]
    return ResponseTimes(
        raised=totals["raised"], acknowledged=totals["acknowledged"], within_target=totals["within"],
        open=totals["open"], escalated=totals["escalated"],
        median_minutes=statistics.median(minutes) if minutes else None,
        p90_minutes=percentile(minutes, 90) if minutes else None,
    )


def percentile(values: list[float], percent: int) -> float:
    """Linear interpolation between order statistics (numpy's and R's type-7 default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * percent / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
