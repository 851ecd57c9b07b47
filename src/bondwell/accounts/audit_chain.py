"""The tamper-evident access audit: each event carries the SHA-256 of its content and of the event before it
in its lane.

`append(**fields)` is the only way an event is written. The events form a few chains, *lanes*, each serialised on
its own so that audited requests do not wait on each other's commits (issue 18):

- On PostgreSQL each database connection leases a lane of its own when it opens (a session-level advisory lock
  on lanes 1..LANES-1, released when the connection closes): only that database session writes to that lane,
  one transaction after another, so its events chain without any lock. A connection that finds every lane
  leased, or a transaction that runs on another session than the lease's, writes to lane 0 under a
  transaction-level advisory lock held until its commit (the one chain of old).
- On SQLite everything goes to lane 0, serialised by its single writer (IMMEDIATE transactions).

Within a lane the events are chained in the order they were written, which is the order of their ids. `verify()`
walks every lane in id order and reports the first event whose content or link does not match: altering,
deleting or inserting a row in the middle of a lane, or moving it to another lane, breaks it. The head it reports
covers every lane (one lane: that lane's last hash; several: a hash of each lane's last hash).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

GENESIS = "0" * 64
# Any constants would do: they name the lock of lane 0 and the leases of the other lanes on PostgreSQL.
_ADVISORY_LOCK_KEY = 0x42574155  # "BWAU"
_LANE_LEASE_KEY = 0x42574C4E  # "BWLN"
# Lanes 1..LANES-1 are leased, one per open connection that writes (each web server thread, each worker); more
# connections than that share lane 0 under its lock. Each lane's last events can be removed without breaking the
# chain, as the last events of the one chain could: the head kept by `bondwell backup` covers every lane.
LANES = 32
HASHED_FIELDS = (
    "at", "actor_id", "actor_role", "action", "mother_id", "object_type", "object_id", "detail", "ip_address",
    "user_agent",
)


def lane_genesis(lane: int) -> str:
    """What the first event of a lane follows: zeros for lane 0 (the chain before lanes), a constant per lane."""
    return GENESIS if lane == 0 else hashlib.sha256(f"bondwell-audit-lane:{lane}".encode()).hexdigest()


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


def lease_lane(wrapper: BaseDatabaseWrapper) -> int:
    """Lease a free lane for this PostgreSQL connection (0: none free). One query, once per connection."""
    raw = wrapper.connection
    with wrapper.cursor() as cursor:
        # The scan stops at the first lease granted (LIMIT 1 over a lazily filtered series).
        cursor.execute(
            "SELECT pg_backend_pid(), (SELECT lane FROM generate_series(1, %s) AS lane "
            "WHERE pg_try_advisory_lock(%s, lane) LIMIT 1)",
            [LANES - 1, _LANE_LEASE_KEY],
        )
        backend, lane = cursor.fetchone()
    wrapper.bondwell_audit_lane = (raw, int(lane or 0), backend)  # type: ignore[attr-defined]
    return int(lane or 0)


def on_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Lease a lane when a connection opens, so that no page pays the query (connection_created)."""
    if connection.vendor == "postgresql" and connection.alias == DEFAULT_DB_ALIAS:
        lease_lane(connection)


def _head(lane: int) -> str | None:
    # Written out, as the lanes' statements below: it runs inside every audited write transaction.
    with connection.cursor() as cursor:
        cursor.execute("SELECT hash FROM accounts_auditevent WHERE lane = %s ORDER BY id DESC LIMIT 1", [lane])
        row = cursor.fetchone()
    return str(row[0]) if row else None


def _claim() -> tuple[int, str | None]:
    """The lane this transaction writes its events to, and that lane's last hash (None: the lane is empty).

    On PostgreSQL the lane leased by this connection, read in one statement with the server process it runs on:
    the lease belongs to that database session, so a transaction that runs on another one (a connection opened
    again, or a pooler that hands transactions to other sessions) writes to lane 0 instead, under its lock.
    """
    if connection.vendor != "postgresql":
        return 0, _head(0)  # SQLite: one writer at a time (BEGIN IMMEDIATE)
    leased = getattr(connection, "bondwell_audit_lane", None)
    if leased is None or leased[0] is not connection.connection:
        lease_lane(connection)
        leased = connection.bondwell_audit_lane  # type: ignore[attr-defined]
    _raw, lane, backend = leased
    with connection.cursor() as cursor:
        if lane:
            cursor.execute(
                "SELECT pg_backend_pid(), (SELECT hash FROM accounts_auditevent WHERE lane = %s "
                "ORDER BY id DESC LIMIT 1)",
                [lane],
            )
            running_on, head = cursor.fetchone()
            if running_on == backend:
                return lane, head
        # Lane 0 is shared: its lock is held to this transaction's end, and the head read after it (a statement
        # of its own, so that it sees the commit of the transaction that held the lock before).
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    return 0, _head(0)


def append(**fields: Any) -> Any:
    """Write one audit event linked to the current head of its lane."""
    from bondwell.accounts.models import AuditEvent

    # No savepoint of its own inside a caller's transaction (two statements fewer per event): an event that
    # cannot be written fails the change it records, which rolls back whole.
    with transaction.atomic(savepoint=False):
        lane, head = _claim()
        prev = head or lane_genesis(lane)
        event = AuditEvent(**fields)
        # What is hashed is what the database gives back: the address in its normal form (e.g. IPv6).
        event.ip_address = AuditEvent._meta.get_field("ip_address").to_python(event.ip_address)
        values = {name: getattr(event, name) for name in HASHED_FIELDS}
        event.lane = lane
        event.prev_hash = prev
        event.hash = event_hash(prev, values)
        event.save(force_insert=True)
    return event


def heads_digest(heads: dict[int, str]) -> str:
    """One value for the last event of every lane: that hash when there is one lane, else a hash of them all."""
    if not heads:
        return GENESIS
    if len(heads) == 1:
        return next(iter(heads.values()))
    return hashlib.sha256("\n".join(f"{lane}:{head}" for lane, head in sorted(heads.items())).encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    events: int
    head: str
    broken_at: int | None = None
    problem: str = ""
    heads: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    @property
    def lanes(self) -> int:
        return len(self.heads)


def verify_rows(rows: Iterable[dict[str, Any]]) -> ChainReport:
    """Rows in id order (each lane's events in the order they were chained), with their lane (0 if absent)."""
    heads: dict[int, str] = {}
    count = 0
    for row in rows:
        count += 1
        lane = int(row.get("lane") or 0)
        prev = heads.get(lane) or lane_genesis(lane)
        if row["prev_hash"] != prev:
            return ChainReport(count, heads_digest(heads), row["id"],
                               f"event {row['id']} does not follow the event before it in lane {lane} (an event "
                               "was removed, inserted or moved, or its link altered)", heads)
        if event_hash(prev, row) != row["hash"]:
            return ChainReport(count, heads_digest(heads), row["id"],
                               f"event {row['id']} was altered after it was written", heads)
        heads[lane] = row["hash"]
    return ChainReport(count, heads_digest(heads), heads=heads)


def verify(using: str = "default") -> ChainReport:
    from bondwell.accounts.models import AuditEvent

    rows = AuditEvent.objects.using(using).order_by("id").values("id", "lane", "prev_hash", "hash", *HASHED_FIELDS)
    return verify_rows(rows.iterator(chunk_size=2000))
