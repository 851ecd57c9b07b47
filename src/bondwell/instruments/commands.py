"""`bondwell score` and `bondwell instruments ...`: pure commands (no Django), registered by bondwell.cli."""

from __future__ import annotations

import enum
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn, TextIO

import numpy as np
import numpy.typing as npt
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from bondwell.instruments import csvio
from bondwell.instruments.bulk import BulkScores, score_many
from bondwell.instruments.definitions import (
    DEFAULT_PROFILE,
    TEXT_DIR_ENV,
    available,
    default_text_dir,
    load,
    load_structure,
    profiles,
)
from bondwell.instruments.model import Instrument, TextPackError
from bondwell.instruments.textpacks import install_pack

PROGRESS_FROM_BYTES = 4_000_000  # show a progress bar for files larger than this (roughly 100,000 rows)
EXIT_INVALID = 2

stderr = Console(stderr=True)
instruments_app = typer.Typer(help="Questionnaire definitions, licensed text packs and FHIR export.")


class OutputFormat(enum.StrEnum):
    csv = "csv"
    json = "json"


# Where installed text packs live: the option, else $BONDWELL_TEXT_DIR (typer reads it), else var/text-packs.
TextDir = Annotated[
    Path | None,
    typer.Option("--text-dir", envvar=TEXT_DIR_ENV, show_envvar=True,
                 help="Folder of installed text packs. Default: $BONDWELL_TEXT_DIR, else var/text-packs."),
]


def register(app: typer.Typer) -> None:
    app.command("score")(score_file)
    app.add_typer(instruments_app, name="instruments")


def score_file(
    instrument: Annotated[str, typer.Argument(help=f"One of: {', '.join(available())}.")],
    file: Annotated[Path, typer.Argument(help="CSV with columns id, q1..qN (0 = first printed option).")],
    output_format: Annotated[OutputFormat, typer.Option("--format", help="csv or json.")] = OutputFormat.csv,
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of standard output.")] = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Write the valid rows and report the invalid ones.")
    ] = False,
    profile: Annotated[str, typer.Option("--profile", help="AU, UK or US guideline.")] = DEFAULT_PROFILE,
) -> None:
    """Score a file of responses. Any invalid row (without --skip-invalid) stops the run unwritten."""
    # Scoring never depends on wording, so a broken text pack cannot stop a bulk import.
    definition = _load_or_exit(instrument, profile, with_text=False)
    if not file.is_file():
        _fail(f"{file}: no such file")
    if out is not None and out.is_dir():
        _fail(f"--out: {out} is a folder; give a file name")
    try:
        responses = _read_with_progress(file, definition)
    except csvio.InputFileError as error:
        _fail(f"{file}: {error}")
    seen: dict[str, int] = {}
    for row_number, identifier in enumerate(responses.ids.tolist(), start=2):
        if identifier and identifier in seen:
            _fail(f"{file}: row {row_number}, column id: {identifier!r} is also on row {seen[identifier]}; "
                  "each response needs its own id")
        seen[str(identifier)] = row_number
    bulk = score_many(definition, responses.positions)
    invalid = np.flatnonzero(~bulk.valid)
    if invalid.size:
        _report_invalid(responses, bulk, invalid)
        if not skip_invalid:
            _fail(f"{invalid.size} invalid row(s); nothing written (--skip-invalid scores the rest).")
    rows = np.flatnonzero(bulk.valid)
    text = csvio.render(responses, bulk, rows, output_format.value)
    try:
        with _output(out) as stream:
            stream.write(text)
    except OSError as error:
        _fail(f"--out: cannot write {out} ({error.strerror or error})")
    flagged = {flag: int(raised[rows].sum()) for flag, raised in bulk.flags.items()}
    summary = ", ".join(f"{count} flagged {flag}" for flag, count in flagged.items() if count)
    stderr.print(f"scored {rows.size} response(s)" + (f"; {summary}" if summary else ""))


@instruments_app.command("list")
def list_instruments(
    profile: Annotated[str, typer.Option("--profile", help="Guideline profile.")] = DEFAULT_PROFILE,
    text_dir: TextDir = None,
) -> None:
    """Show each instrument, its version, wording status and licence."""
    for name in available():
        definition = _load_or_exit(name, profile, text_dir=text_dir)
        wording = "installed" if definition.wording_installed else definition.wording_status
        typer.echo(f"{name}\t{definition.version}\t{definition.title}\twording: {wording}")
        typer.echo(f"\tlicence: {definition.licence.holder}; {definition.licence.terms}")


@instruments_app.command("install-text")
def install_text(
    instrument: Annotated[str, typer.Argument(help="Instrument whose wording this pack holds.")],
    file: Annotated[Path, typer.Argument(help="Text pack (YAML): items in order with text and options.")],
    text_dir: TextDir = None,
) -> None:
    """Install licensed wording after checking it matches the definition (items, options, order, scores)."""
    if instrument not in available():
        _fail(f"unknown instrument {instrument!r}; available: {', '.join(available())}")
    try:
        target = install_pack(file, load_structure(instrument), text_dir or default_text_dir())
    except TextPackError as error:
        _fail(f"refused: {error}")
    stderr.print(f"installed {instrument} wording to {target}")


@instruments_app.command("fhir")
def export_fhir(
    instrument: Annotated[str, typer.Argument(help="Instrument to export as a FHIR R4 Questionnaire.")],
    profile: Annotated[str, typer.Option("--profile")] = DEFAULT_PROFILE,
    text_dir: TextDir = None,
) -> None:
    """Print the instrument as a FHIR R4 Questionnaire (JSON)."""
    # fhir.resources is slow to import, so only this command pays for it.
    from bondwell.instruments.fhir import to_questionnaire

    typer.echo(to_questionnaire(_load_or_exit(instrument, profile, text_dir=text_dir)).model_dump_json(indent=2))


def _load_or_exit(name: str, profile: str, with_text: bool = True, text_dir: Path | None = None) -> Instrument:
    try:
        if not with_text and name in available() and profile in profiles():
            return load_structure(name, profile)
        return load(name, profile=profile, text_dir=text_dir)
    except (KeyError, TextPackError) as error:
        _fail(str(error).strip("'\""))


def _fail(message: str) -> NoReturn:
    stderr.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(EXIT_INVALID)


def _read_with_progress(file: Path, definition: Instrument) -> csvio.Responses:
    if file.stat().st_size < PROGRESS_FROM_BYTES:
        return csvio.read_responses(file, definition)
    columns = (TextColumn("reading"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=stderr, transient=True) as progress:
        task = progress.add_task("read", total=file.stat().st_size)
        return csvio.read_responses(file, definition, lambda done, _: progress.update(task, completed=done))


def _report_invalid(responses: csvio.Responses, bulk: BulkScores, invalid: npt.NDArray[np.intp]) -> None:
    lines = []
    for row in invalid.tolist():
        where = f"line {row + 2} (id {responses.ids[row]})"  # line 1 is the header
        for problem in responses.problems_at(row, bulk.instrument, bulk.cell_valid):
            lines.append(f"{where}: column {problem.describe()}")
        flags = bulk.flags_at(row)
        if flags:
            # Safety never waits for completeness: say so even though the row cannot be scored.
            raised = ", ".join(sorted(flags))
            lines.append(f"{where}: RISK FLAG {raised} raised by the answered items; review now")
    sys.stderr.write("\n".join(lines) + "\n")


@contextmanager
def _output(out: Path | None) -> Iterator[TextIO]:
    """Standard output, or a file written to a temporary name and renamed only once complete."""
    if out is None:
        yield sys.stdout
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
