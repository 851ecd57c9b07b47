"""The `bondwell` command line.

Pure commands (scoring, statistics) never import Django, so they start fast and run anywhere. Commands that
touch the database set Django up first, lazily, through `django_setup()`.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from bondwell import __version__, bootstrap
from bondwell.errors import BondwellError

console = Console(stderr=True)


class _Commands(TyperGroup):
    """Every command's refusal (bondwell.errors.BondwellError) ends the same way: its message, exit status 2."""

    def invoke(self, ctx: Any) -> Any:  # typer 0.29 vendors its own click: its Context type is private
        try:
            return super().invoke(ctx)
        except BondwellError as error:
            where = f"{error.field}: " if error.field else ""
            console.print(f"{where}{error.message}", style="red", soft_wrap=True, highlight=False, markup=False)
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=_Commands,
    name="bondwell",
    help="Bondwell: infant-massage programme, perinatal screening, outcomes and evidence.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


def django_setup() -> None:
    """Configure Django for commands that need the database; a bad setting exits 2 with its message."""
    bootstrap.use_bondwell_settings()
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except (ImproperlyConfigured, RuntimeError) as error:
        console.print(f"[red]Configuration error: {error}[/red]", soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"bondwell {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Bondwell: infant-massage programme, perinatal screening, outcomes and evidence.

    Start with [bold]bondwell migrate[/bold], [bold]bondwell demo[/bold] and [bold]bondwell serve[/bold]
    (or simply `make run`).
    """


def _register_capabilities() -> None:
    # Each capability owns its commands in its own folder; this list is the only place they meet.
    from bondwell import server_commands

    server_commands.register(app)
    for module_name in _CAPABILITY_COMMANDS:
        module = __import__(module_name, fromlist=["register"])
        module.register(app)


_CAPABILITY_COMMANDS: list[str] = [
    "bondwell.stats.trial.commands",
    "bondwell.instruments.commands",
    "bondwell.stats.meta.commands",
    "bondwell.evidence.commands",
    "bondwell.api.commands",
    "bondwell.ops.commands",
    "bondwell.mfa.commands",
]

_register_capabilities()


def run() -> None:
    """Entry point used by `python -m bondwell`."""
    app(prog_name="bondwell")


if __name__ == "__main__":  # pragma: no cover
    run()
