"""Backup → wipe → restore gives the same rows and an unbroken audit chain; bad input is refused with a message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from typer.testing import CliRunner

from bondwell.accounts.access import audit
from bondwell.accounts.models import AuditEvent, Mother
from bondwell.cli import app
from bondwell.ops import backup as ops
from tests.conftest import make_world

KEY_TEXT = "q9bfSvOMmTqmrxN0f1LXD8m3z9a2cqo1o4YVb0x6hAU="


def _wipe() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")


def _snapshot() -> dict[str, Any]:
    return {
        "mothers": sorted(Mother.objects.values_list("full_name", "email", "pseudonym")),
        "audit": list(AuditEvent.objects.order_by("id").values_list("id", "action", "hash")),
    }


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_the_same_rows_and_an_unbroken_audit_chain(tmp_path: Path, settings: Any) -> None:
    settings.BONDWELL_BACKUP_KEY = KEY_TEXT
    world = make_world()
    for i in range(4):
        audit(None, f"view:{i}", mother=world.mother_a, actor=world.users["clinician"])
    before = _snapshot()
    runner = CliRunner()
    target = tmp_path / "bondwell.backup"
    made = runner.invoke(app, ["backup", str(target)])
    assert made.exit_code == 0, made.output
    assert "sha256" in made.output
    assert b"Mother A" not in target.read_bytes()  # encrypted

    _wipe()
    assert not connection.introspection.table_names()
    restored = runner.invoke(app, ["restore", str(target)])
    assert restored.exit_code == 0, restored.output
    assert "every row count matches and the audit chain is unbroken" in restored.output
    assert _snapshot() == before
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty_a_wrong_key_and_an_altered_file(tmp_path: Path) -> None:
    make_world()
    key = ops.parse_key(KEY_TEXT)
    blob, manifest = ops.backup(key)
    assert manifest.counts["accounts_mother"] == 3
    with pytest.raises(ops.BackupError, match="only into an empty database"):
        ops.restore(blob, key)
    with pytest.raises(ops.BackupError, match="wrong key"):
        ops.open_backup(blob, ops.parse_key(ops.new_key()))
    altered = bytearray(blob)
    altered[-40] ^= 0x01
    with pytest.raises(ops.BackupError, match="altered or damaged"):
        ops.open_backup(bytes(altered), key)
    with pytest.raises(ops.BackupError, match="not a Bondwell backup"):
        ops.open_backup(b"hello", key)


@pytest.mark.parametrize(
    ("argv", "key", "message"),
    [
        (["backup", "{tmp}"], KEY_TEXT, "is a folder"),
        (["backup", "{tmp}/missing/x.backup"], KEY_TEXT, "does not exist"),
        (["backup", "{tmp}/x.backup"], "", "BONDWELL_BACKUP_KEY is not set"),
        (["backup", "{tmp}/x.backup"], "c2hvcnQ=", "must be 32 bytes"),
        (["restore", "{tmp}/nothing.backup"], KEY_TEXT, "is not a file"),
        (["restore", "{tmp}/junk.backup"], KEY_TEXT, "not a Bondwell backup"),
    ],
)
def test_bad_backup_input_exits_2_with_a_message(
    db: None, tmp_path: Path, settings: Any, argv: list[str], key: str, message: str
) -> None:
    settings.BONDWELL_BACKUP_KEY = key
    (tmp_path / "junk.backup").write_bytes(b"not a backup")
    result = CliRunner().invoke(app, [a.format(tmp=tmp_path) for a in argv])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_pg_dump_gets_the_password_in_a_private_password_file_never_on_its_command_line() -> None:
    from psycopg.conninfo import conninfo_to_dict

    settings = {"HOST": "db.internal", "PORT": 5433, "USER": "o'brien", "NAME": "bond well", "PASSWORD": r"p:a\ss'w"}
    with ops.pg_connection(settings) as conninfo:
        assert r"p:a\ss'w" not in conninfo
        parsed = conninfo_to_dict(conninfo)
        assert {k: parsed[k] for k in ("host", "port", "user", "dbname")} == {
            "host": "db.internal", "port": "5433", "user": "o'brien", "dbname": "bond well"}
        passfile = Path(str(parsed["passfile"]))
        assert passfile.stat().st_mode & 0o777 == 0o600
        assert passfile.parent.stat().st_mode & 0o077 == 0  # a private folder
        assert passfile.read_text() == "*:*:*:*:p\\:a\\\\ss'w\n"  # ':' and '\' escaped as libpq reads them
    assert not passfile.exists()
    assert not passfile.parent.exists()
    with ops.pg_connection({"NAME": "bondwell"}) as conninfo:
        assert "passfile" not in conninfo_to_dict(conninfo)
