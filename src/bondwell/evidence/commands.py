"""Command line: `bondwell evidence pool` (pure: the analyses of the shipped file, no database)."""

from __future__ import annotations

import typer


def pool_shipped() -> None:
    """Analyse the shipped review's included studies (main, RCTs only, low risk only) without a database."""
    from bondwell.evidence.data import load_evidence
    from bondwell.evidence.pool import analyses, effect_words
    from bondwell.evidence.shipped import NOT_PND, study_data

    studies = []
    for study in load_evidence().studies:
        if study.key in NOT_PND:
            typer.echo(f"excluded      {study.short}: {NOT_PND[study.key]}")
            continue
        data = {**study_data(study), "key": study.key}
        studies.append(data)
        reason = data["not_poolable_reason"]
        typer.echo(f"not analysed  {study.short}: {reason}" if reason else f"analysed      {study.short}")
    for a in analyses(studies):
        typer.echo("")
        typer.echo(f"{a['title']}: {effect_words(a)}")


def register(app: typer.Typer) -> None:
    group = typer.Typer(name="evidence", help="The living review of infant massage for PND.", no_args_is_help=True)
    group.command("pool")(pool_shipped)
    app.add_typer(group, name="evidence")
