"""Is it safe? The checks behind /healthz, the staff banner, `bondwell status` and the metrics.

Degraded when no worker has written a heartbeat for BONDWELL_WORKER_STALE_SECONDS (nothing would send an alert),
or when an urgent message's topic (an alert) is past its window and none of its messages has been delivered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from bondwell.notify import heartbeat
from bondwell.notify.models import Message

MAX_TOPICS = 500
# Those who receive or manage alerts (educators never see alerts or their state).
STAFF_ROLES = frozenset({"clinician", "site_lead", "admin"})


PLAIN = {
    "worker_silent": "messages are not being sent: the background worker has stopped",
    "alert_undelivered": "an alert has not reached anyone in time",
    "alert_unaddressed": "an alert had nobody to go to",
}


@dataclass(frozen=True)
class Problem:
    code: str  # worker_silent, alert_undelivered
    message: str  # for operators (/healthz, bondwell status)
    site_id: int | None = None

    @property
    def plain(self) -> str:
        """For the staff banner, in plain words."""
        return PLAIN.get(self.code, self.message)


def worker_problem(now: datetime) -> Problem | None:
    last = heartbeat.latest_beat()
    limit = int(heartbeat.stale_after().total_seconds())
    if last is None:
        return Problem("worker_silent", f"no worker has ever run: start `bondwell worker` (limit {limit} s)")
    silent = (now - last).total_seconds()
    if silent > limit:
        return Problem("worker_silent", f"the worker has been silent for {int(silent)} s (limit {limit} s)")
    return None


def undelivered_problems(now: datetime, site_id: int | None = None) -> list[Problem]:
    overdue = Message.objects.filter(urgent=True, deliver_by__lte=now).exclude(status=Message.Status.SENT)
    if site_id is not None:
        overdue = overdue.filter(site_id=site_id)
    late = dict(overdue.order_by("deliver_by").values_list("topic", "site_id")[:MAX_TOPICS])
    if not late:
        return []
    delivered = set(
        Message.objects.filter(topic__in=list(late), status=Message.Status.SENT).values_list("topic", flat=True)
    )
    per_site: dict[int | None, int] = {}
    for topic, site in late.items():
        if topic not in delivered:
            per_site[site] = per_site.get(site, 0) + 1
    return [
        Problem("alert_undelivered", f"{count} alert(s) past their window with no message delivered", site)
        for site, count in sorted(per_site.items(), key=lambda item: item[0] or 0)
    ]


def problems(now: datetime, site_id: int | None = None) -> list[Problem]:
    """Every current problem (for one site and the service as a whole when `site_id` is given).

    Capabilities add their own checks through settings.BONDWELL_HEALTH_HOOKS: `f(now, site_id) -> list[Problem]`
    (screening: an open alert past its window that was never addressed to anyone).
    """
    found = [p for p in [worker_problem(now)] if p is not None]
    found += undelivered_problems(now, site_id)
    for path in getattr(settings, "BONDWELL_HEALTH_HOOKS", []):
        hook: Callable[[datetime, int | None], list[Problem]] = import_string(path)
        found += hook(now, site_id)
    return found


def report(now: datetime) -> dict[str, Any]:
    """The JSON body of /healthz (without the database check) and `bondwell status`."""
    from bondwell.accounts.models import Site

    found = problems(now)
    slugs = dict(Site.objects.filter(pk__in=[p.site_id for p in found if p.site_id]).values_list("pk", "slug"))
    last = heartbeat.latest_beat()
    return {
        "status": "degraded" if found else "ok",
        "reasons": [
            f"{p.message} at site {slugs.get(p.site_id, p.site_id)}" if p.site_id else p.message for p in found
        ],
        "worker": {
            "last_beat": last.isoformat() if last else None,
            "seconds_since_beat": int((now - last).total_seconds()) if last else None,
            "live_workers": heartbeat.live_workers(now),
        },
        "pending_messages": Message.objects.filter(status=Message.Status.PENDING).count(),
        "urgent_pending": Message.objects.filter(status=Message.Status.PENDING, urgent=True).count(),
    }


def banner(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the safety banner staff see on every page while the service is degraded."""
    user = request.user
    if not user.is_authenticated or getattr(user, "role", "") not in STAFF_ROLES:
        return {}
    site_id = getattr(user, "site_id", None)
    found = [p for p in problems(timezone.now(), site_id) if p.site_id in (None, site_id) or site_id is None]
    return {"safety_problems": found} if found else {}

