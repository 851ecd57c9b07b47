"""Encrypted, consistent backups and their restore.

A backup file is: the line `BONDWELL-BACKUP 1`, one JSON line (the manifest: database engine, creation time,
SHA-256 of the plain dump, the row count of every table and the audit chain's head), a 12-byte nonce and the
dump encrypted with AES-256-GCM, the manifest bound in as associated data (so neither can be altered unnoticed).

The dump is consistent: SQLite through its online backup API, PostgreSQL through `pg_dump` reading the snapshot
in which the row counts were taken (`pg_export_snapshot`). Restore goes only into an empty database, then checks
every table's row count against the manifest and proves the audit chain.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connections

from bondwell.errors import BondwellError

MAGIC = b"BONDWELL-BACKUP 1\n"


class BackupError(BondwellError):
    """A problem the operator can fix (key, file, target database); the message says which (CLI: exit 2)."""


def parse_key(text: str) -> bytes:
    """The backup key: 32 random bytes, base64 (urlsafe or standard). `bondwell backup --new-key` makes one."""
    try:
        key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (ValueError, TypeError) as error:
        raise BackupError("backup key: not base64 text (make one with `bondwell backup-key`)") from error
    if len(key) != 32:
        raise BackupError(f"backup key: must be 32 bytes of base64, got {len(key)} bytes")
    return key


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _tables(using: str) -> list[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        return sorted(t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_"))


def _counts(cursor: Any, tables: list[str], quote: Any) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _conninfo_value(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _passfile_field(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


@contextmanager
def pg_connection(settings: dict[str, Any]) -> Iterator[str]:
    """A libpq connection string for pg_dump / pg_restore, from the database's settings.

    The password never goes on the command line (other users see it) nor into an environment built here: it is
    written to a password file readable only by this user, in a private temporary folder removed afterwards, and
    named by the connection string's `passfile`. The child inherits this process's environment unchanged.
    """
    parts = {
        "host": str(settings.get("HOST") or "127.0.0.1"),
        "port": str(settings.get("PORT") or 5432),
        "user": str(settings.get("USER") or "postgres"),
        "dbname": str(settings["NAME"]),
    }
    with tempfile.TemporaryDirectory(prefix="bondwell-pg-") as folder:
        if settings.get("PASSWORD"):
            path = Path(folder) / "pgpass"
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as passfile:
                passfile.write(f"*:*:*:*:{_passfile_field(str(settings['PASSWORD']))}\n")
            parts["passfile"] = str(path)
        yield " ".join(f"{key}={_conninfo_value(value)}" for key, value in parts.items())


def _dump_sqlite(using: str) -> tuple[bytes, dict[str, int], str]:
    from bondwell.accounts.audit_chain import verify_rows

    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    with tempfile.TemporaryDirectory() as folder:
        copy_path = Path(folder) / "copy.sqlite3"
        copy = sqlite3.connect(copy_path)
        try:
            raw.backup(copy)  # the online backup API: a consistent copy while others write
            cursor = copy.cursor()
            tables = sorted(r[0] for r in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"))
            counts = _counts(cursor, tables, lambda t: '"' + t.replace('"', '""') + '"')
            head = _sqlite_audit_head(copy, verify_rows)
        finally:
            copy.close()
        return copy_path.read_bytes(), counts, head


def _sqlite_audit_head(copy: sqlite3.Connection, verify_rows: Any) -> str:
    from bondwell.accounts.audit_chain import HASHED_FIELDS

    copy.row_factory = sqlite3.Row
    try:
        rows = copy.execute(f"SELECT id, lane, prev_hash, hash, {', '.join(HASHED_FIELDS)} FROM accounts_auditevent "
                            "ORDER BY id").fetchall()
    except sqlite3.OperationalError:
        return ""
    return str(verify_rows(_audit_row(dict(r)) for r in rows).head)


def _audit_row(row: dict[str, Any]) -> dict[str, Any]:
    from django.utils.dateparse import parse_datetime

    at = row.get("at")
    if isinstance(at, str):
        parsed = parse_datetime(at)
        row["at"] = parsed.replace(tzinfo=UTC) if parsed is not None and parsed.tzinfo is None else parsed
    return row


def _dump_postgresql(using: str) -> tuple[bytes, dict[str, int], str]:
    from bondwell.accounts.audit_chain import verify

    connection = connections[using]
    settings = connection.settings_dict
    tables = _tables(using)
    connection.ensure_connection()
    raw = connection.connection
    previous_autocommit = raw.autocommit
    raw.autocommit = False
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
            counts = _counts(cursor, tables, connection.ops.quote_name)
            head = verify(using).head if "accounts_auditevent" in tables else ""
            with pg_connection(settings) as conninfo:
                result = subprocess.run(
                    ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                     f"--dbname={conninfo}"],
                    capture_output=True, check=False,
                )
        raw.rollback()
    finally:
        raw.autocommit = previous_autocommit
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.decode(errors='replace').strip()[:500]}")
    return result.stdout, counts, head


@dataclass(frozen=True)
class Manifest:
    engine: str
    created_at: str
    sha256: str
    counts: dict[str, int]
    audit_head: str

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, sort_keys=True).encode()


def backup(key: bytes, using: str = "default") -> tuple[bytes, Manifest]:
    vendor = connections[using].vendor
    if vendor == "sqlite":
        dump, counts, head = _dump_sqlite(using)
    elif vendor == "postgresql":
        dump, counts, head = _dump_postgresql(using)
    else:
        raise BackupError(f"database: backups support SQLite and PostgreSQL, not {vendor}")
    manifest = Manifest(vendor, datetime.now(UTC).isoformat(), hashlib.sha256(dump).hexdigest(), counts, head)
    header = manifest.to_json()
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, dump, MAGIC + header)
    return MAGIC + header + b"\n" + nonce + sealed, manifest


def open_backup(blob: bytes, key: bytes) -> tuple[Manifest, bytes]:
    if not blob.startswith(MAGIC):
        raise BackupError("backup file: not a Bondwell backup (its first line is wrong)")
    rest = blob[len(MAGIC):]
    header, newline, body = rest.partition(b"\n")
    if not newline or len(body) < 12 + 16:
        raise BackupError("backup file: cut short (no manifest or no data)")
    try:
        manifest = Manifest(**json.loads(header))
    except (ValueError, TypeError) as error:
        raise BackupError("backup file: its manifest is damaged") from error
    try:
        dump = AESGCM(key).decrypt(body[:12], body[12:], MAGIC + header)
    except InvalidTag as error:
        raise BackupError("backup file: wrong key, or the file was altered or damaged") from error
    if hashlib.sha256(dump).hexdigest() != manifest.sha256:
        raise BackupError("backup file: its checksum does not match its contents")
    return manifest, dump


@dataclass(frozen=True)
class RestoreReport:
    counts: dict[str, int]
    mismatched: dict[str, tuple[int, int]]
    audit_ok: bool
    audit_problem: str

    @property
    def ok(self) -> bool:
        return not self.mismatched and self.audit_ok


def restore(blob: bytes, key: bytes, using: str = "default") -> RestoreReport:
    from bondwell.accounts.audit_chain import verify

    manifest, dump = open_backup(blob, key)
    connection = connections[using]
    if connection.vendor != manifest.engine:
        raise BackupError(f"database: the backup is of {manifest.engine}, the target is {connection.vendor}")
    if _tables(using):
        raise BackupError("database: restore goes only into an empty database, and this one has tables")
    if connection.vendor == "sqlite":
        _restore_sqlite(dump, using)
    else:
        _restore_postgresql(dump, using)
    tables = _tables(using)
    with connection.cursor() as cursor:
        counts = _counts(cursor, tables, connection.ops.quote_name)
    mismatched = {
        t: (manifest.counts.get(t, -1), counts.get(t, -1))
        for t in set(manifest.counts) | set(counts) if manifest.counts.get(t) != counts.get(t)
    }
    chain = verify(using)
    head_ok = chain.ok and chain.head == (manifest.audit_head or chain.head)
    problem = chain.problem or ("" if head_ok else "the audit chain's last event differs from the backup's")
    return RestoreReport(counts, mismatched, head_ok, problem)


def _restore_sqlite(dump: bytes, using: str) -> None:
    connection = connections[using]
    connection.ensure_connection()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "restore.sqlite3"
        path.write_bytes(dump)
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


def _restore_postgresql(dump: bytes, using: str) -> None:
    connection = connections[using]
    settings = connection.settings_dict
    connection.close()
    with pg_connection(settings) as conninfo:
        result = subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={conninfo}"],
            input=dump, capture_output=True, check=False,
        )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.decode(errors='replace').strip()[:500]}")
