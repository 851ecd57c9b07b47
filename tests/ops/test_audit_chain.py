"""The access audit is tamper-evident: `bondwell audit verify` proves the chain and finds any altered row."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import connection
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
    assert events[0].prev_hash == audit_chain.GENESIS
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
