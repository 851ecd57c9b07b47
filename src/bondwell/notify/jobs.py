"""Worker job (settings.BONDWELL_WORKER_JOBS): send what the outbox holds."""

from __future__ import annotations

from datetime import datetime

from bondwell.notify.outbox import deliver_due


def deliver(now: datetime) -> int:
    return deliver_due(now)
