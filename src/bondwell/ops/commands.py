"""`bondwell backup`, `bondwell restore`, `bondwell backup-key` and `bondwell audit verify`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

out = Console()
err = Console(stderr=True)

audit_app = typer.Typer(help="The tamper-evident access audit.", no_args_is_help=True)


def _setup() -> None:
    from bondwell.cli import django_setup

    django_setup()


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]{message}[/red]", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _key() -> bytes:
    from django.conf import settings

    from bondwell.ops.backup import BackupError, parse_key

    text = settings.BONDWELL_BACKUP_KEY
    if not text:
        raise _fail("BONDWELL_BACKUP_KEY is not set: make a key with `bondwell backup-key`, keep it apart from "
                    "the backups, and set it in the environment.")
    try:
        return parse_key(text)
    except BackupError as error:
        raise _fail(f"BONDWELL_BACKUP_KEY: {error}") from None


def backup_key() -> None:
    """Print a new random backup key (set it as BONDWELL_BACKUP_KEY; store it apart from the backups)."""
    from bondwell.ops.backup import new_key

    typer.echo(new_key())


def backup(
    out_file: Annotated[Path, typer.Argument(help="File to write the encrypted backup to.", show_default=False)],
    force: Annotated[bool, typer.Option(help="Overwrite the file if it exists.")] = False,
) -> None:
    """Write an encrypted, consistent backup of the database with a checksum and row counts."""
    _setup()
    from bondwell.ops.backup import backup as make_backup

    key = _key()
    if out_file.is_dir():
        raise _fail(f"out_file: {out_file} is a folder; give a file name")
    if out_file.exists() and not force:
        raise _fail(f"out_file: {out_file} exists; use --force to overwrite it")
    if not out_file.parent.is_dir():
        raise _fail(f"out_file: the folder {out_file.parent} does not exist")
    blob, manifest = make_backup(key)  # a BackupError is printed and exits 2 by bondwell.cli's one handler
    try:
        out_file.write_bytes(blob)
    except OSError as error:
        raise _fail(f"out_file: cannot write {out_file} ({error.strerror})") from None
    rows = sum(manifest.counts.values())
    out.print(f"Backup written to {out_file}: {len(manifest.counts)} tables, {rows} rows, "
              f"sha256 {manifest.sha256}.", highlight=False, soft_wrap=True)


def restore(
    in_file: Annotated[Path, typer.Argument(help="An encrypted backup made by `bondwell backup`.",
                                            show_default=False)],
) -> None:
    """Restore a backup into an empty database, then check every table's row count and the audit chain."""
    _setup()
    from bondwell.ops.backup import restore as run_restore

    key = _key()
    if not in_file.is_file():
        raise _fail(f"in_file: {in_file} is not a file")
    try:
        blob = in_file.read_bytes()
    except OSError as error:
        raise _fail(f"in_file: cannot read {in_file} ({error.strerror})") from None
    report = run_restore(blob, key)  # a BackupError is printed and exits 2 by bondwell.cli's one handler
    for table, (expected, found) in sorted(report.mismatched.items()):
        err.print(f"[red]{table}: {found} rows restored, the backup had {expected}[/red]", highlight=False,
                  soft_wrap=True)
    if not report.audit_ok:
        err.print(f"[red]audit chain: {report.audit_problem}[/red]", highlight=False, soft_wrap=True)
    if not report.ok:
        raise typer.Exit(1)
    out.print(f"Restored {len(report.counts)} tables, {sum(report.counts.values())} rows; every row count matches "
              "and the audit chain is unbroken.", highlight=False, soft_wrap=True)


@audit_app.command("verify")
def audit_verify() -> None:
    """Prove the access audit is unbroken: every event's hash matches its content and the event before it."""
    _setup()
    from bondwell.accounts.audit_chain import verify

    report = verify()
    if not report.ok:
        err.print(f"[red]Audit chain broken after {report.events - 1} good events: {report.problem}.[/red]",
                  highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    out.print(f"Audit chain intact: {report.events} events, head {report.head}.", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("backup-key")(backup_key)
    app.add_typer(audit_app, name="audit")
