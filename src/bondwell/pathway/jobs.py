"""Worker jobs (settings.BONDWELL_WORKER_JOBS); each claims its own rows, so several workers may run."""

from __future__ import annotations

from datetime import datetime

from bondwell.pathway.services import escalate_overdue


def escalate(now: datetime) -> int:
    """Escalate follow-ups past their due time without an outcome."""
    return escalate_overdue(now)
