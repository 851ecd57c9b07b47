"""Prometheus text exposition of the outbox, the workers and (through hooks) the capabilities' own measures.

Hooks: settings.BONDWELL_METRICS_HOOKS lists `f(now) -> list[str]` returning ready exposition lines (screening
adds alert time-to-acknowledge).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.utils.module_loading import import_string

from bondwell.notify import health, heartbeat
from bondwell.notify.models import Message

LATENCY_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 900, 3600)
WINDOW = timedelta(hours=24)
MAX_ROWS = 20_000


def histogram(name: str, help_text: str, values: Iterable[float], buckets: Iterable[float],
              labels: str = "") -> list[str]:
    """A Prometheus histogram (cumulative buckets, sum and count) of `values`."""
    data = sorted(values)
    prefix = f"{labels}," if labels else ""
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} histogram"]
    for bound in buckets:
        lines.append(f'{name}_bucket{{{prefix}le="{bound}"}} {sum(1 for v in data if v <= bound)}')
    lines.append(f'{name}_bucket{{{prefix}le="+Inf"}} {len(data)}')
    tail = f"{{{labels}}}" if labels else ""
    lines += [f"{name}_sum{tail} {sum(data):.3f}", f"{name}_count{tail} {len(data)}"]
    return lines


def exposition(now: datetime) -> str:
    lines = [
        "# HELP bondwell_outbox_messages Messages in the outbox by status and channel.",
        "# TYPE bondwell_outbox_messages gauge",
    ]
    counts = Message.objects.values_list("status", "channel").annotate(n=Count("id")).order_by()
    for status, channel, n in counts:
        lines.append(f'bondwell_outbox_messages{{status="{status}",channel="{channel}"}} {n}')
    oldest = Message.objects.filter(status=Message.Status.PENDING).aggregate(first=Min("created_at"))["first"]
    age = (now - oldest).total_seconds() if oldest else 0.0
    lines += [
        "# HELP bondwell_outbox_queue_depth Messages waiting to be sent.",
        "# TYPE bondwell_outbox_queue_depth gauge",
        f"bondwell_outbox_queue_depth {Message.objects.filter(status=Message.Status.PENDING).count()}",
        "# HELP bondwell_outbox_oldest_pending_seconds Age of the oldest waiting message.",
        "# TYPE bondwell_outbox_oldest_pending_seconds gauge",
        f"bondwell_outbox_oldest_pending_seconds {age:.1f}",
    ]
    sent = (
        Message.objects.filter(status=Message.Status.SENT, sent_at__gte=now - WINDOW)
        .order_by("-sent_at").values_list("urgent", "created_at", "sent_at")[:MAX_ROWS]
    )
    latency: dict[bool, list[float]] = {True: [], False: []}
    for urgent, created, done in sent:
        if done is not None:
            latency[urgent].append(max(0.0, (done - created).total_seconds()))
    for urgent in (True, False):
        lines += histogram(
            "bondwell_delivery_latency_seconds", "From queued to sent, messages sent in the last 24 hours.",
            latency[urgent], LATENCY_BUCKETS, labels=f'urgent="{str(urgent).lower()}"',
        )[0 if urgent else 2:]
    last = heartbeat.latest_beat()
    lines += [
        "# HELP bondwell_worker_seconds_since_heartbeat Seconds since any worker last beat (-1: never).",
        "# TYPE bondwell_worker_seconds_since_heartbeat gauge",
        f"bondwell_worker_seconds_since_heartbeat {(now - last).total_seconds() if last else -1:.1f}",
        "# HELP bondwell_workers_live Workers that beat within BONDWELL_WORKER_STALE_SECONDS.",
        "# TYPE bondwell_workers_live gauge",
        f"bondwell_workers_live {heartbeat.live_workers(now)}",
        "# HELP bondwell_degraded 1 while /healthz answers degraded.",
        "# TYPE bondwell_degraded gauge",
        f"bondwell_degraded {1 if health.problems(now) else 0}",
    ]
    for path in getattr(settings, "BONDWELL_METRICS_HOOKS", []):
        hook: Callable[[datetime], list[str]] = import_string(path)
        lines += hook(now)
    return "\n".join(lines) + "\n"
