"""The tamper-evident access audit: each event carries the SHA-256 of its content and of the event before it.

`append(**fields)` is the only way an event is written. It serialises the chain head: on PostgreSQL with a
transaction-level advisory lock (held until the surrounding transaction commits, so events are chained in the
order they become visible), on SQLite by its single writer. `verify()` walks the chain in order and reports the
first event whose content or link does not match; altering, deleting or inserting a row in the middle breaks it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction

GENESIS = "0" * 64
# Any constant would do: it names the one lock every audit writer takes on PostgreSQL.
_ADVISORY_LOCK_KEY = 0x42574155  # "BWAU"
HASHED_FIELDS = (
    "at", "actor_id", "actor_role", "action", "mother_id", "object_type", "object_id", "detail", "ip_address",
    "user_agent",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    body = json.dumps(
        {"prev": prev_hash, **{name: _canonical(fields.get(name)) for name in HASHED_FIELDS}},
        sort_keys=True, ensure_ascii=True, separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _lock_head() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


def append(**fields: Any) -> Any:
    """Write one audit event linked to the current head of the chain."""
    from bondwell.accounts.models import AuditEvent

    # No savepoint of its own inside a caller's transaction (two statements fewer per event): an event that
    # cannot be written fails the change it records, which rolls back whole.
    with transaction.atomic(savepoint=False):
        _lock_head()
        head = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        prev = head or GENESIS
        event = AuditEvent(**fields)
        # What is hashed is what the database gives back: the address in its normal form (e.g. IPv6).
        event.ip_address = AuditEvent._meta.get_field("ip_address").to_python(event.ip_address)
        values = {name: getattr(event, name) for name in HASHED_FIELDS}
        event.prev_hash = prev
        event.hash = event_hash(prev, values)
        event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class ChainReport:
    events: int
    head: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_rows(rows: Iterable[dict[str, Any]]) -> ChainReport:
    prev = GENESIS
    count = 0
    for row in rows:
        count += 1
        if row["prev_hash"] != prev:
            return ChainReport(count, prev, row["id"], f"event {row['id']} does not follow the event before it "
                                                        "(an event was removed, inserted or its link altered)")
        if event_hash(prev, row) != row["hash"]:
            return ChainReport(count, prev, row["id"], f"event {row['id']} was altered after it was written")
        prev = row["hash"]
    return ChainReport(count, prev)


def verify(using: str = "default") -> ChainReport:
    from bondwell.accounts.models import AuditEvent

    rows = AuditEvent.objects.using(using).order_by("id").values("id", "prev_hash", "hash", *HASHED_FIELDS)
    return verify_rows(rows.iterator(chunk_size=2000))
