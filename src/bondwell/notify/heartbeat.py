"""Worker heartbeats: each worker process writes one row every cycle, so the service knows whether anyone sends.

A worker is named `host:pid:random` (unique per process start). A worker counts as dead when it said it stopped,
when it is on this host and its process is gone, or when its heartbeat is older than
BONDWELL_WORKER_STALE_SECONDS; the outbox releases the claims of dead workers.
"""

from __future__ import annotations

import functools
import os
import secrets
import socket
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F

from bondwell.notify.models import WorkerHeartbeat


@functools.cache
def _host() -> str:
    return socket.gethostname()[:60]


_identity: dict[int, str] = {}
# Set when the worker is asked to stop (SIGTERM): long jobs check it between items and return early.
stop_requested = threading.Event()
# True in a `bondwell worker` process: long jobs then beat between items (see beat_if_due).
in_worker = False
BEAT_EVERY_SECONDS = 5.0
_last_beat: dict[str, float] = {}


def worker_id() -> str:
    """This process's worker name (a forked child gets its own)."""
    pid = os.getpid()
    if pid not in _identity:
        _identity[pid] = f"{_host()}:{pid}:{secrets.token_hex(3)}"
    return _identity[pid]


def stale_after() -> timedelta:
    return timedelta(seconds=settings.BONDWELL_WORKER_STALE_SECONDS)


def beat(now: datetime, *, cycles: int = 1) -> None:
    """Record that this worker is alive (call once per cycle)."""
    name = worker_id()
    _last_beat[name] = time.monotonic()
    host, pid, _ = name.split(":")
    with transaction.atomic():
        updated = WorkerHeartbeat.objects.filter(worker_id=name).update(
            beat_at=now, stopped_at=None, cycles=F("cycles") + cycles
        )
        if not updated:
            WorkerHeartbeat.objects.create(worker_id=name, host=host, pid=int(pid), started_at=now, beat_at=now,
                                           cycles=cycles)


def beat_if_due(now: datetime) -> None:
    """Inside a long job (a slow mail server, many messages): beat every few seconds so this worker is not
    taken for dead and its claims are not released while it is still sending. Only in a worker process."""
    if not in_worker:
        return
    if time.monotonic() - _last_beat.get(worker_id(), 0.0) >= BEAT_EVERY_SECONDS:
        beat(now, cycles=0)


def stopped(now: datetime) -> None:
    """Record a clean stop (its claims can be released at once)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id()).update(stopped_at=now)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_dead(name: str, now: datetime) -> bool:
    """Whether the worker that holds a claim is gone."""
    if name == worker_id():
        return False
    host, _, rest = name.partition(":")
    pid_text = rest.partition(":")[0]
    if host == _host() and pid_text.isdigit() and not _process_alive(int(pid_text)):
        return True
    row = WorkerHeartbeat.objects.filter(worker_id=name).only("beat_at", "stopped_at").first()
    if row is None:
        return False  # never beat (a claim made outside `bondwell worker`): its claim runs out on its own
    return row.stopped_at is not None or row.beat_at < now - stale_after()


def latest_beat() -> datetime | None:
    """When any worker last beat."""
    row = WorkerHeartbeat.objects.order_by("-beat_at").only("beat_at").first()
    return row.beat_at if row is not None else None


def live_workers(now: datetime) -> int:
    return WorkerHeartbeat.objects.filter(beat_at__gte=now - stale_after(), stopped_at__isnull=True).count()
