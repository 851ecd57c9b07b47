"""`bondwell api-token …` (make, list, revoke API tokens) and `bondwell redcap …` (export a study, import
records). Commands run as the operator of the server; each is audited like the same act on the web."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

token_app = typer.Typer(help="Personal API tokens: made (printed once), listed, revoked.", no_args_is_help=True)
redcap_app = typer.Typer(help="REDCap: export a study as a REDCap project, import REDCap records.",
                         no_args_is_help=True)


def _setup() -> None:
    from bondwell.cli import django_setup

    django_setup()


def parse_expiry(text: str, now: datetime) -> datetime:
    """`90d` (days from now) or a date `YYYY-MM-DD` (end of that day, server time)."""
    from django.utils import timezone

    match = re.fullmatch(r"(\d{1,3})d", text.strip())
    if match:
        return now + timedelta(days=int(match.group(1)))
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError as error:
        raise typer.BadParameter("give a number of days (e.g. 90d) or a date (YYYY-MM-DD)") from error
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _user(email: str) -> object:
    from bondwell.accounts.models import User

    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        raise typer.BadParameter(f"no user with the email {email}")
    return user


@token_app.command("create")
def create(
    email: Annotated[str, typer.Argument(help="Whose token (the token acts as this user, in her role).")],
    scope: Annotated[list[str], typer.Option("--scope", help="RESOURCE:read or RESOURCE:write; repeat.")],
    expires: Annotated[str, typer.Option("--expires", help="90d, or a date YYYY-MM-DD (at most a year).")] = "90d",
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "",
) -> None:
    """Make a token and print it once: only its hash is kept."""
    _setup()
    from django.utils import timezone

    from bondwell.accounts.models import User
    from bondwell.api import tokens

    owner = _user(email)
    assert isinstance(owner, User)
    scopes = [s for value in scope for s in value.replace(",", " ").split()]
    # A refusal (tokens.TokenError) is printed and exits 2 by bondwell.cli's one handler.
    made = tokens.create_token(owner, scopes, parse_expiry(expires, timezone.now()), by=None, name=name)
    typer.echo(made.secret)
    typer.echo(
        f"Token {made.token.prefix}… for {owner.email} ({owner.role}), scopes {' '.join(made.token.scopes)}, "
        f"expires {timezone.localtime(made.token.expires_at):%Y-%m-%d %H:%M}. It is shown only now.", err=True,
    )


@token_app.command("list")
def list_tokens(email: Annotated[str, typer.Argument(help="Whose tokens.")]) -> None:
    """A user's tokens (prefix, scopes, expiry, last use, revoked); never the tokens themselves."""
    _setup()
    from django.utils import timezone

    from bondwell.accounts.models import User
    from bondwell.api import tokens

    owner = _user(email)
    assert isinstance(owner, User)
    for t in tokens.tokens_of(owner)[:200]:
        state = "revoked" if t.revoked_at else ("expired" if t.expires_at <= timezone.now() else "active")
        used = f"{timezone.localtime(t.last_used_at):%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        typer.echo(f"{t.pk}\t{t.prefix}…\t{state}\t{' '.join(t.scopes)}\texpires "
                   f"{timezone.localtime(t.expires_at):%Y-%m-%d}\tlast used {used}\t{t.name}")


@token_app.command("revoke")
def revoke(token: Annotated[str, typer.Argument(help="The token's id or prefix (bw_…), as `list` shows.")]) -> None:
    """Revoke a token at once: it is refused from its next request on."""
    _setup()
    from bondwell.api import tokens
    from bondwell.api.models import ApiToken

    text = token.strip().rstrip("…")
    by_id = text.isascii() and text.isdigit() and len(text) < 12
    found = list(ApiToken.objects.filter(pk=int(text)) if by_id else ApiToken.objects.filter(prefix=text[:16]))
    if len(found) != 1:
        raise typer.BadParameter("no such token (or the prefix matches several: give the id)")
    revoked = tokens.revoke_token(found[0], by=None)
    typer.echo(f"Revoked {revoked.prefix}… of {revoked.user.email}.")


@redcap_app.command("export")
def export(
    study: Annotated[str, typer.Argument(help="The study's code, e.g. HAPPI.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the four CSV files.")] = Path("."),
) -> None:
    """Write the study's REDCap project: data dictionary, events, form-event mapping and records (with the arm:
    the operator's copy, e.g. for the unblinded statistician or after the database lock)."""
    _setup()
    from bondwell.api import redcap
    from bondwell.studies.models import Study
    from bondwell.studies.outcomes import link_outcomes

    found = Study.objects.filter(code__iexact=study).first()
    if found is None:
        raise typer.BadParameter(f"no study {study}")
    link_outcomes(found)
    out.mkdir(parents=True, exist_ok=True)
    for part in redcap.PARTS:
        path = out / f"{found.code.lower()}-redcap-{part}.csv"
        path.write_bytes(redcap.render(found, part))
        typer.echo(str(path))


@redcap_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A REDCap records export (CSV, raw values).", exists=True)],
    as_user: Annotated[str, typer.Option("--as", help="The clinician entering the answers (her scope applies).")],
    study: Annotated[str, typer.Option("--study", help="Record ids are this study's participant codes.")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report; import nothing.")] = False,
) -> None:
    """Import questionnaire answers (EPDS, PHQ-9, GAD-7, PBQ): all of the file, or nothing."""
    _setup()
    from bondwell.accounts.models import User
    from bondwell.accounts.roles import Role
    from bondwell.api import redcap
    from bondwell.studies.access import studies_for

    user = _user(as_user)
    assert isinstance(user, User)
    if user.role != Role.CLINICIAN:
        raise typer.BadParameter("answers are entered by a clinician (--as a clinician's email)")
    chosen = None
    if study:
        chosen = studies_for(user).filter(code__iexact=study).first()
        if chosen is None:
            raise typer.BadParameter(f"no study {study} at this clinician's site")
    # An unreadable file (redcap.RedcapFileError) is printed and exits 2 by bondwell.cli's one handler; a file
    # read whole whose rows are refused is reported below and exits 1.
    report = redcap.import_records(file.read_text(encoding="utf-8-sig"), by=user, study=chosen, dry_run=dry_run)
    for r in report.records:
        problems = f"\t{'; '.join(r.problems)}" if r.problems else ""
        typer.echo(f"{r.record_id}\t{r.event}\t{r.instrument}\t{r.status}{problems}")
    typer.echo(f"{report.imported} imported, {report.already_present} already present, {report.refused} refused"
               + (" (nothing imported: fix the refused records)" if report.refused else ""), err=True)
    if report.refused:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="api-token")
    app.add_typer(redcap_app, name="redcap")
