"""`bondwell demo-code`: the code the demo staff's authenticator would show now."""

from __future__ import annotations

import typer


def demo_code() -> None:
    """Print the current second-factor code for demo staff (their key is public; real accounts never use it)."""
    from bondwell.cli import django_setup

    django_setup()  # bondwell.mfa.demo imports the accounts models
    from bondwell.mfa.demo import current_code

    typer.echo(current_code())


def register(app: typer.Typer) -> None:
    app.command("demo-code")(demo_code)
