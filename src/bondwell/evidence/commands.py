"""Command line: `bondwell evidence pool` (pure: the shipped file only) and `bondwell evidence sync` (database)."""

from __future__ import annotations

import typer


def pool_shipped() -> None:
    """Pool the shipped studies with complete EPDS numbers and list the others with the reason (no database)."""
    from bondwell.evidence.data import load_evidence
    from bondwell.evidence.pool import pool, shipped_row

    rows = []
    for study in load_evidence().studies:
        row = shipped_row(study)
        if row is None:
            typer.echo(f"not pooled  {study.short}: {study.primary_outcome.not_poolable_reason}")
            continue
        rows.append(row)
        typer.echo(f"pooled      {study.short}")
    current = pool(rows)
    typer.echo("")
    typer.echo(current.effect_text)
    if current.result is not None:
        typer.echo(current.heterogeneity_text)
        typer.echo(current.prediction_text)
        typer.echo("")
        typer.echo(current.result.summary())


def sync_shipped() -> None:
    """Copy the shipped evidence file into the database again (after editing studies.yaml)."""
    from bondwell.cli import django_setup

    django_setup()
    from bondwell.evidence.shipped import sync

    typer.echo(f"{sync()} shipped studies synced; studies added by researchers were left as they are.")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        name="evidence", help="Published evidence on infant massage for PND.", no_args_is_help=True
    )
    group.command("pool")(pool_shipped)
    group.command("sync")(sync_shipped)
    app.add_typer(group, name="evidence")
