"""CLI commands that run the service: serve, worker, status, migrate, demo, createsite, createuser and manage."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import time
from typing import Annotated

import typer
from rich.console import Console

from bondwell import bootstrap

out = Console()


def _setup() -> None:
    from bondwell.cli import django_setup

    django_setup()


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Web worker processes.")] = 1,
    with_worker: Annotated[bool, typer.Option(help="Also start the background worker (alerts, reminders).")] = False,
) -> None:
    """Serve the web app with granian (and, with --with-worker, the background worker beside it)."""
    # Locally (DEBUG on), links in messages point at this server unless BONDWELL_BASE_URL says otherwise; with
    # DEBUG off, settings refuse to start without BONDWELL_BASE_URL.
    bootstrap.hand_on("BONDWELL_SERVE_ADDRESS", f"http://{host}:{port}")
    _setup()
    from django.conf import settings
    from django.core.management import call_command

    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    _print_welcome(host, port)
    worker_process = None
    if with_worker:
        worker_process = subprocess.Popen([sys.executable, "-m", "bondwell", "worker"])
    command = [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", str(port),
        "--workers", str(workers), "--blocking-threads", "8", "--log-level", "warning", "bondwell.wsgi:application",
    ]
    server = subprocess.Popen(command)
    # A process manager stops us with SIGTERM, whose default action ends Python at once: granian and the worker
    # would be left running, holding the port and the job rows. Pass it on and stop the children in order.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: server.terminate())
    try:
        raise typer.Exit(server.wait())
    finally:
        for child in (server, worker_process):
            _stop(child)


def _stop(child: subprocess.Popen[bytes] | None) -> None:
    if child is None or child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=20)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _print_welcome(host: str, port: int) -> None:
    from django.conf import settings

    from bondwell.demo import DEMO_PASSWORD, demo_logins

    out.print(f"\n[bold green]Bondwell is running at http://{host}:{port}/[/bold green]  (Ctrl+C stops it)\n")
    if getattr(settings, "EMAIL_FILE_PATH", None):
        out.print(f"Emails (alerts, reminders, password links) are written to {settings.EMAIL_FILE_PATH}/\n")
    logins = demo_logins()
    if logins:
        password = f"[bold]{DEMO_PASSWORD}[/bold]"
        out.print(f"Demo logins (synthetic data only) — every password is {password}:", soft_wrap=True)
        for login in logins:
            out.print(f"  {login.role:<24} {login.email:<32} {login.site}", soft_wrap=True, highlight=False)
        from bondwell.mfa.demo import note

        out.print(note(), soft_wrap=True, highlight=False)
        out.print()


def worker(
    once: Annotated[bool, typer.Option(help="Run every job once and exit.")] = False,
    interval: Annotated[float | None, typer.Option(help="Seconds between ticks.")] = None,
) -> None:
    """Deliver notifications, escalate unacknowledged alerts and send reminders, until stopped."""
    _setup()
    from bondwell import worker as worker_module

    if once:
        for job, handled in worker_module.run_once().items():
            out.print(f"{job}: {'failed' if handled < 0 else handled}")
        return
    worker_module.run_forever(interval)


def status() -> None:
    """Is it safe? The database, the worker's heartbeat and undelivered alerts; exits 1 when degraded."""
    _setup()
    from django.db import connection
    from django.utils import timezone

    from bondwell.notify import health

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        out.print(f"[red]database: {type(error).__name__}: {error}[/red]", highlight=False)
        raise typer.Exit(2) from None
    report = health.report(timezone.now())
    worker_info = report["worker"]
    out.print("database: ok")
    out.print(f"worker: last heartbeat {worker_info['last_beat'] or 'never'}"
              f" ({worker_info['live_workers']} live)", highlight=False)
    out.print(f"outbox: {report['pending_messages']} waiting ({report['urgent_pending']} urgent)", highlight=False)
    if report["status"] != "ok":
        for reason in report["reasons"]:
            out.print(f"[red]degraded: {reason}[/red]", highlight=False)
        raise typer.Exit(1)
    out.print("[green]status: ok[/green]")


def migrate() -> None:
    """Create or update the database tables (the embedded SQLite file under var/ by default)."""
    _setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=1)


def demo(
    if_empty: Annotated[bool, typer.Option(help="Load only when the database has no users; never reset.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Reset without asking.")] = False,
) -> None:
    """Reset the database and load the synthetic demo (two sites, one person per role)."""
    _setup()
    from bondwell import demo as demo_module

    if if_empty:
        if not demo_module.is_empty():
            out.print("Demo not loaded: the database already has users.")
            return
        demo_module.load(reset=False)
    else:
        if not yes and sys.stdin.isatty():
            typer.confirm("This deletes everything in the database and loads the demo. Continue?", abort=True)
        demo_module.load(reset=True)
    out.print(f"Demo loaded: {len(demo_module.demo_logins())} demo logins (all synthetic).")
    from bondwell.mfa.demo import note

    out.print(note(), soft_wrap=True, highlight=False)


def _clock(value: str, option: str) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a time of day such as 08:30", param_hint=option) from None


def createsite(
    slug: Annotated[str, typer.Argument(help="Short name used in addresses and by createuser --site, e.g. northgate.")],
    name: Annotated[str, typer.Option(help="The service's name as staff and mothers see it.")],
    country: Annotated[str, typer.Option(help="AU, UK or US: its questionnaire profiles, cut-offs and crisis lines.")],
    region: Annotated[str, typer.Option(help="State or nation for public holidays, e.g. NSW, SCT, NIR, CA.")] = "",
    time_zone: Annotated[str, typer.Option(help="IANA time zone; blank: the country's default.")] = "",
    working_days: Annotated[str, typer.Option(help="Days its clinicians work, 0 = Monday … 6 = Sunday.")] = "01234",
    opens: Annotated[str, typer.Option(help="When its clinicians start, site time.")] = "09:00",
    closes: Annotated[str, typer.Option(help="When its clinicians stop, site time.")] = "17:00",
) -> None:
    """Add a site with its working hours (they decide who an alert reaches and what a mother is promised). Then
    give it a lead (createuser --role site_lead --site SLUG), who sets its alert windows and crisis lines."""
    _setup()
    from bondwell.accounts import services
    from bondwell.screening.alerts import has_alert_recipient

    # The operator at the server acts (by=None); a refusal is printed as `field: message` with exit 2 (cli.py).
    site = services.create_site(name, by=None, slug=slug, country=country.upper(), region=region.upper(),
                                time_zone=time_zone, working_days=working_days,
                                opens_at=_clock(opens, "--opens"), closes_at=_clock(closes, "--closes"))
    out.print(f"Created site {site.slug} ({site.name}, {site.get_country_display()}, {site.zone_name}; "
              f"clinicians work days {site.working_days}, {site.opens_at:%H:%M}-{site.closes_at:%H:%M}).")
    if not has_alert_recipient(site):
        out.print(f"Nobody receives this site's risk alerts yet: add its clinicians and lead "
                  f"(createuser --site {site.slug}) before any mother is registered there.")


def createuser(
    email: Annotated[str, typer.Argument(help="Sign-in email.")],
    role: Annotated[str, typer.Option(help="mother, educator, clinician, site_lead, researcher or admin.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    site: Annotated[str | None, typer.Option(help="Site slug (required for site roles).")] = None,
    password: Annotated[str | None, typer.Option(help="Password; prompted for when omitted.")] = None,
) -> None:
    """Create a user with a role at a site (a mother: her record with her sign-in)."""
    _setup()
    from bondwell.accounts import services
    from bondwell.accounts.models import Site
    from bondwell.accounts.roles import Role

    if role not in Role.values:
        raise typer.BadParameter(f"unknown role {role!r}; choose from {', '.join(Role.values)}", param_hint="--role")
    site_obj = None
    if site is not None:
        site_obj = Site.objects.filter(slug=site).first()
        if site_obj is None:
            known = ", ".join(Site.objects.values_list("slug", flat=True)) or "none yet"
            raise typer.BadParameter(f"no site {site!r} (known: {known})", param_hint="--site")
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    # The operator at the server acts (by=None); a refusal is printed as `field: message` with exit 2 (cli.py).
    if role == Role.MOTHER:
        if site_obj is None:
            raise typer.BadParameter("a mother belongs to a site", param_hint="--site")
        mother = services.register_mother(site_obj, by=None, full_name=name, email=email, password=password,
                                          sign_in=True)
        assert mother.user is not None
        user = mother.user
    else:
        user = services.create_user(email, by=None, role=role, full_name=name, site=site_obj, password=password)
    out.print(f"Created {user.get_role_display().lower()} {user.email}.")


def manage(ctx: typer.Context) -> None:
    """Run any Django management command: bondwell manage check --deploy."""
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bondwell manage", *ctx.args])


def register(app: typer.Typer) -> None:
    bootstrap.use_bondwell_settings()
    app.command()(serve)
    app.command()(worker)
    app.command()(status)
    app.command()(migrate)
    app.command()(demo)
    app.command()(createsite)
    app.command()(createuser)
    app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(manage)
