"""The real processes: `bondwell worker` killed with SIGKILL between sending and marking, `bondwell serve` without
and then with a worker (/healthz), `bondwell status`, and start-up refusing a missing BONDWELL_BASE_URL.

Each test runs the `bondwell` command in child processes against its own SQLite file (a copy of one migrated
once per session), with the fake SMS provider on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.notify.servers import FakeSmsProvider, free_port

ROOT = Path(__file__).resolve().parents[2]
STALE = 10  # BONDWELL_WORKER_STALE_SECONDS for these tests (the smallest the settings accept)
INTERVAL = 0.5


def _base_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BONDWELL_", "SMS_", "EMAIL_"))}
    env.update({
        "DEBUG": "1", "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}", "BONDWELL_VAR_DIR": str(folder),
        "EMAIL_URL": f"file://{folder / 'mail'}", "SMS_URL": f"file://{folder / 'sms'}",
        "BONDWELL_WORKER_STALE_SECONDS": str(STALE), "BONDWELL_WORKER_INTERVAL_SECONDS": str(INTERVAL),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")]),
        "BONDWELL_LOG_LEVEL": "WARNING",
    })
    return env


def bondwell(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bondwell", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=env["BONDWELL_VAR_DIR"])


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("migrated")
    done = bondwell("migrate", env=_base_env(folder), timeout=300)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(folder / "db.sqlite3") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder / "db.sqlite3"


@pytest.fixture
def site_env(migrated: Path, tmp_path: Path) -> dict[str, str]:
    shutil.copy(migrated, tmp_path / "db.sqlite3")
    return _base_env(tmp_path)


def _django(env: dict[str, str], code: str) -> str:
    """Run Python with Django set up against the test's database (as another process of the site would)."""
    script = "import django, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'bondwell.settings')\n" \
             "django.setup()\n" + code
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120,
                          cwd=env["BONDWELL_VAR_DIR"])
    assert done.returncode == 0, done.stderr
    return done.stdout


def _rows(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(Path(env["BONDWELL_VAR_DIR"]) / "db.sqlite3", timeout=20) as db:
        return list(db.execute(sql))


@pytest.fixture
def sms_provider() -> Iterator[FakeSmsProvider]:
    provider = FakeSmsProvider()
    provider.start()
    yield provider
    provider.stop()


def test_kill_9_between_send_and_mark_resends_at_most_once_and_the_phone_sees_it_once(
    site_env: dict[str, str], sms_provider: FakeSmsProvider
) -> None:
    env = {**site_env, "SMS_URL": sms_provider.url()}
    _django(env, (
        "from django.db import transaction\nfrom django.utils import timezone\n"
        "from bondwell.notify import outbox\n"
        "with transaction.atomic():\n"
        "    outbox.queue(channel='sms', recipient='+61412000001', purpose='alert', dedupe_key='kill-9',\n"
        "                 now=timezone.now(), body='Bondwell URGENT alert for BW-TEST', urgent=True)\n"
    ))
    first = subprocess.Popen([sys.executable, "-m", "bondwell", "worker"], env=env, cwd=env["BONDWELL_VAR_DIR"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def kill_the_sender(text: Any) -> None:
        if sms_provider.on_request is not None:
            sms_provider.on_request = None
            os.kill(first.pid, signal.SIGKILL)  # the provider has the text; the worker never hears back
            first.wait(timeout=30)

    sms_provider.on_request = kill_the_sender
    try:
        first.wait(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL
    assert len(sms_provider.requests) == 1
    ((status, claimed_by),) = _rows(env, "SELECT status, claimed_by FROM notify_message")
    assert status == "pending", "sent but not marked"
    assert claimed_by, "still claimed by the dead worker"

    second = bondwell("worker", "--once", env=env)  # one cycle of another worker
    assert second.returncode == 0, second.stderr

    assert len(sms_provider.requests) == 2, "re-sent at most once"
    assert sms_provider.requests[0].key == sms_provider.requests[1].key, "the same idempotency key"
    assert len(sms_provider.delivered) == 1, "the phone shows it once"
    ((status, attempts),) = _rows(env, "SELECT status, attempts FROM notify_message")
    assert (status, attempts) == ("sent", 1)


def _healthz(port: int) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _answering(port: int) -> bool:
    """The server on this port answers /healthz (healthy or not)."""
    try:
        _healthz(port)
    except (OSError, ValueError):
        return False
    return True


def _wait_for(check: Any, limit: float, step: float = 0.25) -> float:
    """Seconds until `check()` is true (fails after `limit`)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if check():
            return time.monotonic() - started
        time.sleep(step)
    raise AssertionError(f"not true within {limit} s")


def test_serving_without_a_worker_healthz_is_degraded_and_recovers_within_one_cycle_of_a_worker(
    site_env: dict[str, str],
) -> None:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "bondwell", "serve", "--port", str(port)], env=site_env,
                              cwd=site_env["BONDWELL_VAR_DIR"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker: subprocess.Popen[bytes] | None = None
    try:
        _wait_for(lambda: _answering(port), 120)
        status, body = _healthz(port)
        assert status == 503
        assert body["status"] == "degraded"
        assert any("worker" in reason for reason in body["reasons"])
        assert bondwell("status", env=site_env).returncode == 1

        worker = subprocess.Popen([sys.executable, "-m", "bondwell", "worker"], env=site_env,
                                  cwd=site_env["BONDWELL_VAR_DIR"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        _wait_for(lambda: bool(_rows(site_env, "SELECT 1 FROM notify_workerheartbeat")), 120)
        # From the worker's first heartbeat, healthy within one cycle.
        assert _wait_for(lambda: _healthz(port)[0] == 200, INTERVAL + 2) <= INTERVAL + 2
        status_run = bondwell("status", env=site_env)
        assert status_run.returncode == 0, status_run.stdout + status_run.stderr

        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        (last_beat,) = _rows(site_env, "SELECT MAX(beat_at) FROM notify_workerheartbeat")[0]
        assert last_beat
        waited = _wait_for(lambda: _healthz(port)[0] == 503, STALE + 10)
        assert waited <= STALE + 10
        status, body = _healthz(port)
        assert any("worker has been silent" in reason for reason in body["reasons"])
        failing = bondwell("status", env=site_env)
        assert failing.returncode == 1
        assert "worker has been silent" in failing.stdout
    finally:
        for process in (worker, server):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.mark.parametrize("command", [["serve"], ["worker", "--once"], ["manage", "check", "--deploy"]])
def test_with_debug_off_a_missing_base_url_stops_start_up_naming_it(
    command: list[str], site_env: dict[str, str]
) -> None:
    env = {**site_env, "DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "care.example.org"}
    done = bondwell(*command, env=env, timeout=120)
    assert done.returncode != 0
    assert "BONDWELL_BASE_URL" in done.stdout + done.stderr


def test_a_yes_no_number_or_address_setting_refuses_junk_naming_it(site_env: dict[str, str]) -> None:
    done = bondwell("worker", "--once", env={**site_env, "DEBUG": "maybe"})
    assert done.returncode != 0
    assert "DEBUG='maybe' is not a yes/no value" in done.stdout + done.stderr
    done = bondwell("worker", "--once", env={**site_env, "BONDWELL_WORKER_STALE_SECONDS": "two minutes"})
    assert done.returncode != 0
    assert "BONDWELL_WORKER_STALE_SECONDS" in done.stdout + done.stderr
    done = bondwell("worker", "--once", env={**site_env, "BONDWELL_FALLBACK_CONTACT_EMAIL": "oncall@a.test\n x"})
    assert done.returncode != 0
    assert "BONDWELL_FALLBACK_CONTACT_EMAIL" in done.stdout + done.stderr


def test_with_the_base_url_set_links_in_messages_point_to_it(site_env: dict[str, str]) -> None:
    env = {**site_env, "DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "care.example.org",
           "BONDWELL_BASE_URL": "https://care.example.org/", "SMS_URL": f"file://{site_env['BONDWELL_VAR_DIR']}/sms"}
    out = _django(env, "from django.conf import settings\nfrom bondwell.notify import links\n"
                       "print(settings.BONDWELL_BASE_URL, links.absolute('/alerts/1/'))\n")
    assert out.split() == ["https://care.example.org", "https://care.example.org/alerts/1/"]


SETUP_REMINDERS = """
from datetime import time, timedelta
from django.utils import timezone
from bondwell.accounts.models import Mother, Site, User
from bondwell.programme.models import PracticeReminder, ReminderPreference
site = Site.objects.create(name='Site A', slug='site-a', country='AU')
User.objects.create_user('clinician@a.test', 'a-long-test-password-42', full_name='Clinician A', role='clinician',
                         site=site)
Mother.objects.create(site=site, full_name='Mother Answering', email='answering@a.test')
now = timezone.now()
for i in range(50):
    mother = Mother.objects.create(site=site, full_name=f'Mother {i}', email=f'remind{i}@a.test')
    ReminderPreference.objects.create(mother=mother, enabled=True, times=[], quiet_start=time(0, 0),
                                      quiet_end=time(0, 0))
    PracticeReminder.objects.create(mother=mother, due_at=now - timedelta(minutes=1))
"""

MEASURE_SUBMISSIONS = """
import json, statistics, time
from datetime import date
from bondwell.accounts.models import Mother, User
from bondwell.screening import services
from bondwell.web.warm import settle
settle()  # as a served process is before its first request (wsgi.py): every page's code imported, so the first
# submission does not pay for importing the URLconf (an alert's message reverses its link) and only waits are timed
mother = Mother.objects.get(full_name='Mother Answering')
clinician = User.objects.get(email='clinician@a.test')
answers = {f'q{n}': 0 for n in range(1, 10)} | {'q9': 1}  # PHQ-9 with the self-harm item: raises an alert
durations = []
for _ in range(SUBMISSIONS):
    started = time.perf_counter()
    services.record_assessment(mother, 'phq9', answers, source='paper', by=clinician,
                               answered_on=date.today(), idempotency_key=services.new_submission_key())
    durations.append(time.perf_counter() - started)
print(json.dumps({'median': statistics.median(durations), 'max': max(durations)}))
"""


def test_a_slow_mail_server_sending_50_reminders_does_not_hold_up_a_questionnaire_submission(
    site_env: dict[str, str],
) -> None:
    from tests.notify.servers import Inbox

    inbox = Inbox()
    inbox.delay = 2.0  # seconds a message, as measured on the site that reported the problem
    inbox.start()
    env = {**site_env, "EMAIL_URL": f"smtp://127.0.0.1:{inbox.port}?timeout=30"}
    worker: subprocess.Popen[bytes] | None = None
    try:
        _django(env, SETUP_REMINDERS)
        measure = MEASURE_SUBMISSIONS.replace("SUBMISSIONS", "8")
        baseline = json.loads(_django(env, measure).strip().splitlines()[-1])
        worker = subprocess.Popen([sys.executable, "-m", "bondwell", "worker"], env=env,
                                  cwd=env["BONDWELL_VAR_DIR"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert inbox.receiving.wait(timeout=120), "the worker never started sending"
        concurrent = json.loads(_django(env, measure).strip().splitlines()[-1])
        queued = _rows(env, "SELECT COUNT(*) FROM notify_message WHERE purpose = 'practice_reminder'")[0][0]
        sent = _rows(env, "SELECT COUNT(*) FROM notify_message WHERE purpose = 'practice_reminder' "
                          "AND status = 'sent'")[0][0]
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        inbox.stop()
    assert queued == 50
    assert sent < 50, "measured while the slow mail server was still taking the reminders"
    print(f"submission seconds: baseline {baseline}, while sending {concurrent}")
    assert concurrent["median"] - baseline["median"] < 0.2
    assert concurrent["max"] - baseline["median"] < 1.0, "no submission waited for a mail send (2 s)"


def _processes_in(folder: str) -> list[int]:
    """Process ids whose working directory is `folder` (this test's own site)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.readlink(entry / "cwd") == folder:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="needs /proc to find the server's children")
def test_sigterm_to_serve_stops_the_web_server_and_the_worker_it_started(site_env: dict[str, str]) -> None:
    """A process manager stops `bondwell serve` with SIGTERM: nothing it started may keep the port or the jobs."""
    port = free_port()
    folder = site_env["BONDWELL_VAR_DIR"]
    server = subprocess.Popen([sys.executable, "-m", "bondwell", "serve", "--port", str(port), "--with-worker"],
                              env=site_env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: _answering(port), 120)
        assert len(_processes_in(folder)) >= 3, "serve, granian and the worker are running"
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) is not None
        _wait_for(lambda: not _processes_in(folder), 30)
        assert not _answering(port), "the port is free again"
    finally:
        for pid in _processes_in(folder):
            os.kill(pid, signal.SIGKILL)
