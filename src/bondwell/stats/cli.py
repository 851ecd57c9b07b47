"""What the statistics commands (`bondwell meta`, `analyse trial`, `power`, `synth trial`) share: the text or
JSON choice, and how they refuse bad input. Pure (no Django) and light: `bondwell --help` imports it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, NoReturn

import typer

BAD_INPUT = 2  # the status click gives a usage error: a script tells bad input from a crash (1)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", help="text or json.")]


def fail(message: str) -> NoReturn:
    """Say on stderr what is wrong with the input, and exit with BAD_INPUT."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(BAD_INPUT)
