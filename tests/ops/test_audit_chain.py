"""The access audit is tamper-evident: `bondwell audit verify` proves the chain and finds any altered row."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import connection, transaction
from typer.testing import CliRunner

from bondwell.accounts import audit_chain
from bondwell.accounts.access import audit
from bondwell.accounts.models import AuditEvent
from bondwell.cli import app
from tests.threads import run_together


def _events(world: Any, n: int = 5) -> list[AuditEvent]:
    return [audit(None, f"test:{i}", mother=world.mother_a, actor=world.users["clinician"], detail=f"d{i}")
            for i in range(n)]


def test_each_event_carries_the_hash_of_the_one_before(world: Any) -> None:
    events = _events(world)
    # One connection, one lane: lane 0 on SQLite (the chain before lanes), a leased lane on PostgreSQL.
    assert events[0].prev_hash == audit_chain.lane_genesis(events[0].lane)
    assert {e.lane for e in events} == {events[0].lane}
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
        assert len(after.hash) == 64
    report = audit_chain.verify()
    assert report.ok
    assert report.head == events[-1].hash


def test_audit_verify_passes_on_an_unbroken_chain(world: Any) -> None:
    _events(world)
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Audit chain intact: 5 events" in result.output


@pytest.mark.parametrize(("column", "value"), [("detail", "nothing to see"), ("actor_role", "admin"),
                                               ("ip_address", "203.0.113.9"), ("at", "2020-01-01 00:00:00")])
def test_altering_one_row_fails_the_proof(world: Any, column: str, value: str) -> None:
    events = _events(world)
    with connection.cursor() as cursor:  # around the append-only guard, as someone with database access could
        cursor.execute(f"UPDATE accounts_auditevent SET {column} = %s WHERE id = %s", [value, events[2].pk])
    report = audit_chain.verify()
    assert not report.ok
    assert report.broken_at == events[2].pk
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {events[2].pk} was altered" in result.output


def test_removing_a_row_fails_the_proof(world: Any) -> None:
    events = _events(world)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent WHERE id = %s", [events[1].pk])
    report = audit_chain.verify()
    assert report.broken_at == events[2].pk
    assert "does not follow" in report.problem


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_keep_one_unbroken_chain() -> None:
    from tests.conftest import make_world

    world = make_world()
    writers, per_writer = 6, 15

    def write() -> None:
        for i in range(per_writer):
            audit(None, f"concurrent:{i}", mother=world.mother_a)

    run_together([write] * writers)
    report = audit_chain.verify()
    assert report.ok, report.problem
    assert AuditEvent.objects.filter(action__startswith="concurrent:").count() == writers * per_writer


# Lanes (issue 18): on PostgreSQL each connection writes its own lane; here the lane is chosen for the test.
def _events_in_lanes(world: Any, monkeypatch: pytest.MonkeyPatch, lanes: list[int]) -> list[AuditEvent]:
    chosen = iter(lanes)

    def claim() -> tuple[int, str | None]:
        lane = next(chosen)
        return lane, audit_chain._head(lane)

    monkeypatch.setattr(audit_chain, "_claim", claim)
    return [audit(None, f"lane:{i}", mother=world.mother_a, actor=world.users["clinician"], detail=f"d{i}")
            for i in range(len(lanes))]


def test_each_lane_is_a_chain_of_its_own_and_the_head_covers_them_all(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = _events_in_lanes(world, monkeypatch, [0, 3, 0, 3, 3, 7])
    assert events[1].prev_hash == audit_chain.lane_genesis(3) != audit_chain.GENESIS
    assert events[2].prev_hash == events[0].hash
    assert events[3].prev_hash == events[1].hash
    report = audit_chain.verify()
    assert report.ok, report.problem
    assert report.events == 6
    assert report.heads == {0: events[2].hash, 3: events[4].hash, 7: events[5].hash}
    assert report.head == audit_chain.heads_digest(report.heads)
    assert report.head not in {e.hash for e in events}


@pytest.mark.parametrize(("statement", "target", "broken"), [
    ("UPDATE accounts_auditevent SET detail = 'nothing' WHERE id = %s", 3, 3),  # altered in lane 3
    ("DELETE FROM accounts_auditevent WHERE id = %s", 3, 4),  # removed from the middle of lane 3
    ("UPDATE accounts_auditevent SET lane = 0 WHERE id = %s", 3, 3),  # moved to lane 0
    ("UPDATE accounts_auditevent SET lane = 3 WHERE id = %s", 2, 2),  # lane 0's event moved into lane 3
    ("UPDATE accounts_auditevent SET lane = 5 WHERE id = %s", 1, 1),  # a lane's first event moved to an empty one
])
def test_tampering_within_or_across_lanes_fails_the_proof(
    world: Any, monkeypatch: pytest.MonkeyPatch, statement: str, target: int, broken: int
) -> None:
    events = _events_in_lanes(world, monkeypatch, [0, 3, 0, 3, 3])
    with connection.cursor() as cursor:
        cursor.execute(statement, [events[target].pk])
    report = audit_chain.verify()
    assert not report.ok
    assert report.broken_at == events[broken].pk


def test_a_row_inserted_into_a_lane_fails_the_proof(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    events = _events_in_lanes(world, monkeypatch, [3, 0, 3, 3])
    forged = {name: getattr(events[2], name) for name in audit_chain.HASHED_FIELDS} | {"detail": "forged"}
    # A well-formed event that follows lane 3's first event, written where its second one was.
    digest = audit_chain.event_hash(events[0].hash, forged)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET detail = %s, prev_hash = %s, hash = %s WHERE id = %s",
                       ["forged", events[0].hash, digest, events[2].pk])
    report = audit_chain.verify()
    assert report.broken_at == events[3].pk
    assert "does not follow" in report.problem


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lanes", [audit_chain.LANES, 2])
def test_concurrent_writers_on_postgresql_write_their_own_lanes_or_share_lane_0(
    lanes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many writers at once: each connection its own lane (no lock between them); with too few lanes for them
    all (LANES=2: one leased lane), the others share lane 0 under its lock. Every lane verifies."""
    from tests.conftest import make_world

    monkeypatch.setattr(audit_chain, "LANES", lanes)
    world = make_world()
    writers, per_writer = 8, 12
    # Leases other sessions hold now (this test's own connection; a server a test before has not yet closed):
    # the writers can lease only what is left.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid < %s",
                       [audit_chain._LANE_LEASE_KEY, lanes])
        free = max(0, lanes - 1 - cursor.fetchone()[0])

    def write() -> int:
        for i in range(per_writer):
            with transaction.atomic():  # two events in one transaction stay in one lane
                audit(None, f"concurrent:{i}", mother=world.mother_a)
                audit(None, f"concurrent:{i}b", mother=world.mother_a)
        return int(connection.bondwell_audit_lane[1])  # type: ignore[attr-defined]

    used = run_together([write] * writers)
    report = audit_chain.verify()
    assert report.ok, report.problem
    assert AuditEvent.objects.filter(action__startswith="concurrent:").count() == writers * per_writer * 2
    written = set(AuditEvent.objects.filter(action__startswith="concurrent:").values_list("lane", flat=True))
    assert written == set(used)
    leased = [lane for lane in used if lane != 0]
    assert len(set(leased)) == len(leased)  # a leased lane is one writer's alone
    assert len(leased) == min(writers, free)  # each writer that could lease a lane did; the others share lane 0
    if lanes > writers and free >= writers:
        assert 0 not in used
    if lanes == 2:
        assert set(used) <= {0, 1}


@pytest.mark.postgres
def test_a_transaction_on_another_database_session_than_the_lease_writes_to_lane_0(world: Any) -> None:
    """A lane's lease belongs to the database session that took it: a transaction that runs elsewhere (a pooler
    handing transactions to other sessions) writes to the shared lane 0 under its lock, never to the lane."""
    connection.ensure_connection()
    own = audit(None, "on:own-session", mother=world.mother_a)
    assert own.lane != 0
    raw, lane, backend = connection.bondwell_audit_lane  # type: ignore[attr-defined]
    connection.bondwell_audit_lane = (raw, lane, backend + 100_000)  # type: ignore[attr-defined]
    try:
        elsewhere = audit(None, "on:another-session", mother=world.mother_a)
    finally:
        connection.bondwell_audit_lane = (raw, lane, backend)  # type: ignore[attr-defined]
    assert elsewhere.lane == 0
    assert audit_chain.verify().ok
