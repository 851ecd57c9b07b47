"""Read-heavy reporting on a PostgreSQL read replica, when one is configured (`DATABASE_REPLICA_URL`).

Only code that reads inside `reporting()` goes to the replica: the programme lead's dashboard figures, study
analyses and exports. Everything else (a mother's own pages, the alert queue, any write, any read that follows a
write in the same request) stays on the primary, so replication lag never shows a mother a page without the
answer she has just sent. Without a replica, `reporting()` changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "replica"
_reporting: ContextVar[bool] = ContextVar("bondwell_reporting", default=False)


@contextmanager
def reporting() -> Iterator[None]:
    """Reads in this block may be served by the replica (never writes)."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReportingReplicaRouter:
    """Reads inside `reporting()` go to the replica; writes, migrations and every other read to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reporting.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db == "default"
