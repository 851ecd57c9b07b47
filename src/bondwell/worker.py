"""The background worker: runs every configured job on a short interval until stopped.

Jobs are dotted paths in settings.BONDWELL_WORKER_JOBS to functions `run(now) -> int` returning how many items
they handled. Each job claims its own rows, so several workers may run at once; one failing job is logged and
retried on the next tick instead of stopping the others.

Every tick starts with a heartbeat (`bondwell.notify.heartbeat`): /healthz, `bondwell status` and the staff
banner say the service is degraded when no worker has beaten for BONDWELL_WORKER_STALE_SECONDS.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from datetime import datetime
from types import FrameType
from typing import TypeVar

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger("bondwell.worker")

Job = Callable[[datetime], int]
Row = TypeVar("Row", bound=Model)


def claim(rows: QuerySet[Row], *order: str, batch: int) -> list[Row]:
    """Lock up to `batch` of these rows that no other worker holds (SKIP LOCKED: a held row is skipped, never
    waited for). Call inside the transaction that handles them, so the locks last until its commit."""
    return list(rows.select_for_update(skip_locked=True, of=("self",)).order_by(*order)[:batch])


def configured_jobs() -> list[tuple[str, Job]]:
    return [(path, import_string(path)) for path in settings.BONDWELL_WORKER_JOBS]


def beat(now: datetime | None = None) -> bool:
    """Write this worker's heartbeat; False (logged) when the database would not take it."""
    from bondwell.notify import heartbeat

    try:
        heartbeat.beat(now or timezone.now())
    except Exception:
        log.exception("worker heartbeat not written; retried on the next tick")
        return False
    return True


def run_once(now: datetime | None = None) -> dict[str, int]:
    """Beat, then run every job once; returns items handled per job (-1 where the job failed)."""
    handled: dict[str, int] = {}
    if not connection.in_atomic_block:
        close_old_connections()
    beat(now)
    for path, job in configured_jobs():
        # A long-running worker must drop connections the database has closed; inside a transaction (a test, or
        # a caller batching jobs) the connection is in use and must stay.
        if not connection.in_atomic_block:
            close_old_connections()
        try:
            handled[path] = job(now or timezone.now())
        except Exception:
            log.exception("worker job %s failed; it will run again on the next tick", path)
            handled[path] = -1
    return handled


def run_forever(interval: float | None = None) -> None:
    stopping = False

    from bondwell.notify import heartbeat

    heartbeat.stop_requested.clear()
    heartbeat.in_worker = True

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        heartbeat.stop_requested.set()  # the outbox stops between messages

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pause = settings.BONDWELL_WORKER_INTERVAL_SECONDS if interval is None else interval
    log.info("worker started with %d job(s)", len(settings.BONDWELL_WORKER_JOBS))
    while not stopping:
        run_once()
        deadline = time.monotonic() + pause
        while not stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, pause))
    try:
        heartbeat.stopped(timezone.now())
    except Exception:
        log.exception("could not record the worker's stop")
    log.info("worker stopped")
