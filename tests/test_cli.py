"""The service commands of the `bondwell` CLI, run as a newcomer would run them."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bondwell import __version__
from bondwell.cli import app

runner = CliRunner()


def test_version_and_help_teach() -> None:
    assert runner.invoke(app, ["--version"]).output.strip() == f"bondwell {__version__}"
    help_text = runner.invoke(app, ["--help"]).output
    for command in ("serve", "worker", "migrate", "demo", "createsite", "createuser", "manage"):
        assert command in help_text


def test_createuser_refuses_an_unknown_role_naming_the_option(db: None) -> None:
    result = runner.invoke(app, ["createuser", "x@y.test", "--role", "wizard", "--name", "X", "--password", "p"])
    assert result.exit_code == 2
    assert "--role" in result.output
    assert "wizard" in result.output


def test_createuser_refuses_an_unknown_site(db: None) -> None:
    result = runner.invoke(
        app, ["createuser", "x@y.test", "--role", "clinician", "--name", "X", "--site", "nowhere", "--password", "p"]
    )
    assert result.exit_code == 2
    assert "nowhere" in result.output


def test_createuser_makes_a_site_clinician_and_refuses_a_weak_password(world: Any) -> None:
    from bondwell.accounts.models import User

    weak = runner.invoke(
        app,
        ["createuser", "weak@a.test", "--role", "clinician", "--name", "W", "--site", "site-a", "--password", "123"],
    )
    assert weak.exit_code == 2
    assert "password" in weak.output
    assert not User.objects.filter(email="weak@a.test").exists()
    good = runner.invoke(
        app,
        ["createuser", "new@a.test", "--role", "clinician", "--name", "New", "--site", "site-a",
         "--password", "a-much-longer-password-9"],
    )
    assert good.exit_code == 0, good.output
    assert User.objects.get(email="new@a.test").site == world.site_a


def test_createsite_adds_a_site_the_next_createuser_can_name(db: None) -> None:
    from datetime import time

    from bondwell.accounts.models import Site
    from bondwell.screening.alerts import has_alert_recipient

    made = runner.invoke(app, ["createsite", "northgate", "--name", "Northgate Health", "--country", "uk",
                               "--region", "sct", "--working-days", "0123", "--opens", "08:30"])
    assert made.exit_code == 0, made.output
    assert "Europe/London" in made.output
    site = Site.objects.get(slug="northgate")
    assert (site.country, site.region, site.is_synthetic) == ("UK", "SCT", False)
    assert (site.working_days, site.opens_at, site.closes_at) == ("0123", time(8, 30), time(17, 0))
    # Said only while true: with no staff, only a deployment-wide fallback address could receive its alerts.
    assert ("Nobody receives this site's risk alerts yet" in made.output) != has_alert_recipient(site)
    lead = runner.invoke(app, ["createuser", "lead@n.test", "--role", "site_lead", "--name", "Lead", "--site",
                               "northgate", "--password", "a-much-longer-password-9"])
    assert lead.exit_code == 0, lead.output
    again = runner.invoke(app, ["createsite", "northgate", "--name", "Other", "--country", "AU"])
    assert again.exit_code == 2
    assert "slug" in again.output
    bad_zone = runner.invoke(app, ["createsite", "south", "--name", "South", "--country", "AU",
                                   "--time-zone", "Nowhere"])
    assert bad_zone.exit_code == 2
    assert "time_zone" in bad_zone.output
    assert "Nowhere" in bad_zone.output
    bad_hours = runner.invoke(app, ["createsite", "south", "--name", "South", "--country", "AU", "--closes", "5pm"])
    assert bad_hours.exit_code == 2
    assert "--closes" in bad_hours.output
    late_start = runner.invoke(app, ["createsite", "south", "--name", "South", "--country", "AU", "--opens", "18:00"])
    assert late_start.exit_code == 2
    assert "closes_at" in late_start.output
    assert Site.objects.count() == 1


def test_a_site_role_without_a_site_is_refused(db: None) -> None:
    result = runner.invoke(
        app, ["createuser", "n@a.test", "--role", "clinician", "--name", "N", "--password", "a-much-longer-password-9"]
    )
    assert result.exit_code == 2
    assert "site" in result.output


def test_demo_if_empty_loads_once_and_marks_everything_synthetic(db: None) -> None:
    from bondwell.accounts.models import Mother, Site, User

    assert runner.invoke(app, ["demo", "--if-empty"]).exit_code == 0
    users = User.objects.count()
    assert users >= 6
    assert not User.objects.filter(is_synthetic=False).exists()
    assert not Mother.objects.filter(is_synthetic=False).exists()
    assert not Site.objects.filter(is_synthetic=False).exists()
    assert set(User.objects.values_list("role", flat=True)) >= {
        "mother", "educator", "clinician", "site_lead", "researcher", "admin"
    }
    again = runner.invoke(app, ["demo", "--if-empty"])
    assert "already has users" in again.output
    assert User.objects.count() == users


@pytest.mark.parametrize("debug", ["0"])
def test_production_settings_pass_the_deploy_check(debug: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DEBUG": debug,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "bondwell.example.org",
        "BONDWELL_VAR_DIR": str(tmp_path),
        "BONDWELL_BASE_URL": "https://bondwell.example.org",
        "SMS_URL": "twilio://AC0123:token@api.twilio.com?from=%2B61400000999",
        "BONDWELL_METRICS_TOKEN": secrets.token_urlsafe(32),
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for in-process browser tests only
    result = subprocess.run(
        [sys.executable, "-m", "bondwell", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {**os.environ, "DEBUG": "0", "BONDWELL_VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "bondwell", "manage", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_email_url_forms_are_understood() -> None:
    from bondwell.settings import _email_settings

    assert _email_settings("file:///srv/mail")["EMAIL_FILE_PATH"] == "/srv/mail"
    smtp = _email_settings("smtp+tls://user:p%40ss@mail.example.org:2525?timeout=5")
    assert smtp["EMAIL_HOST"] == "mail.example.org"
    assert smtp["EMAIL_PORT"] == 2525
    assert smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] is True
    assert smtp["EMAIL_TIMEOUT"] == 5
    with pytest.raises(RuntimeError, match="EMAIL_URL"):
        _email_settings("carrier-pigeon://coop")
