"""Soak: 3 web processes and 3 workers on one PostgreSQL database, a worker killed (SIGKILL) and restarted
mid-run; then an integrity check: no lost or duplicated assessment, alert or message.

Everything runs on loopback (127.0.0.1) against a throwaway database (its name contains "bench") and stops by
itself: the load lasts --seconds, the outbox is then given at most --drain seconds to empty.

    .venv/bin/python bench/soak.py [--seconds 60] [--mothers 30] [--postgres postgres://postgres@127.0.0.1:5432]
    .venv/bin/python bench/soak.py --seconds 20 --mothers 12     # the short form CI runs

Mothers sign in and loop: open the PHQ-9, send it (one round in four with a positive self-harm item, which
raises an alert and queues its messages), read the result; each is served by one of the three web processes.
The workers (interval 1 s) deliver the alert messages to files (EMAIL_URL=file://) while one of them is killed
at 40% of the run and started again. The check, from the database and the delivered files:
- every submission the client saw accepted is exactly one Assessment (no idempotency key twice), none extra;
- every positive self-harm item is exactly one alert, and each alert queued its messages;
- every message was delivered (none pending or failed once drained) and appears in the files with its
  Message-ID; one delivered twice (possible only if a worker died between sending and marking, with the same
  Message-ID so the receiving side can drop it) is counted and allowed only up to the number of kills.
Ends with `bench soak: ours X lost or duplicated, baseline 0, ...` and exits 1 when anything was lost.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from web_load import (
    CALM,
    PASSWORD,
    SEED,
    SELF_HARM,
    Client,
    drop_postgres,
    free_port,
    postgres_reachable,
    run_python,
    server_env,
    start_server,
    throwaway_postgres,
)

CHECK = """
import json
import django
django.setup()
from django.db.models import Count
from bondwell.notify.models import Message
from bondwell.screening.models import Assessment, RiskAlert
alert_topics = {f"alert:{pk}" for pk in RiskAlert.objects.values_list("pk", flat=True)}
with_messages = set(Message.objects.filter(topic__in=alert_topics).values_list("topic", flat=True))
print(json.dumps({
    "assessments": Assessment.objects.count(),
    "duplicate_assessment_keys": Assessment.objects.values("idempotency_key").annotate(n=Count("id"))
        .filter(n__gt=1).count(),
    "alerts": RiskAlert.objects.count(),
    "duplicate_alerts": RiskAlert.objects.values("mother_id", "source_key").annotate(n=Count("id"))
        .filter(n__gt=1).count(),
    "alerts_without_messages": len(alert_topics - with_messages),
    "email_keys": list(Message.objects.filter(channel="email", status="sent").values_list("key", flat=True)),
    "undelivered": Message.objects.exclude(status__in=["sent", "cancelled"]).count(),
}))
"""

PENDING = """
import django
django.setup()
from bondwell.notify.models import Message
print(Message.objects.filter(status="pending").count())
"""


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.submitted = 0
        self.self_harm = 0
        self.errors: list[str] = []


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).parent / "bondwell"), "worker"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log.open("ab"))


def mother_loop(index: int, client: Client, tally: Tally, stop: float) -> None:
    rounds = 0
    while time.monotonic() < stop:
        rounds += 1
        try:
            status, response, _ = client.request("GET", "/questionnaires/start/phq9/")
            draft_url = response.getheader("Location") if status == 302 else None
            if not draft_url:
                raise RuntimeError(f"start {status}")
            harm = (index + rounds) % 4 == 0
            answers = SELF_HARM if harm else CALM
            form = {"view": "all", "go": "submit", "csrfmiddlewaretoken": client.csrf(), **answers}
            status, response, _ = client.request("POST", draft_url, form)
            location = (response.getheader("Location") if status == 302 else "") or ""
            if harm and "/support/" in (location or ""):
                client.request("GET", location)
                status, response, _ = client.request("POST", draft_url, form)
                location = (response.getheader("Location") if status == 302 else "") or ""
            if not location or "/result/" not in location:
                raise RuntimeError(f"submit {status} {location}")
            with tally.lock:
                tally.submitted += 1
                tally.self_harm += harm
            client.request("GET", location)
        except Exception as error:  # recorded and counted: a soak must not stop at the first refusal
            with tally.lock:
                tally.errors.append(str(error))
        time.sleep(0.3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--mothers", type=int, default=30)
    parser.add_argument("--drain", type=float, default=90.0, help="seconds the outbox may take to empty")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    options = parser.parse_args()
    if not postgres_reachable(options.postgres):
        print(f"no PostgreSQL at {options.postgres}: soak skipped")
        print("bench soak: skipped (no PostgreSQL)")
        return 0
    with tempfile.TemporaryDirectory(prefix="bondwell-soak-") as folder:
        var_dir = Path(folder)
        (var_dir / "text-packs").mkdir()
        mail = var_dir / "mail"
        mail.mkdir()
        env = server_env(var_dir) | {
            "EMAIL_URL": f"file://{mail}", "BONDWELL_WORKER_INTERVAL_SECONDS": "1",
            "BONDWELL_FALLBACK_CONTACT_EMAIL": "fallback@bench.test",
        }
        database = throwaway_postgres(options.postgres, env)
        found: dict[str, Any] = {}
        servers: list[subprocess.Popen[bytes]] = []
        workers: list[subprocess.Popen[bytes]] = []
        try:
            print(f"seeding {database} ({options.mothers} mothers, 2 clinicians)")
            run_python(SEED.format(clinicians=2, mothers=options.mothers, password=PASSWORD), env)
            ports = [free_port() for _ in range(3)]
            servers = [start_server(port, env, 1, 4) for port in ports]
            log = var_dir / "workers.log"
            workers = [start_worker(env, log) for _ in range(3)]
            clients = [Client(ports[i % 3]) for i in range(options.mothers)]
            for i, client in enumerate(clients):
                client.login(f"mother{i}@bench.test")
            tally = Tally()
            started = time.monotonic()
            stop = started + options.seconds
            threads = [threading.Thread(target=mother_loop, args=(i, c, tally, stop)) for i, c in enumerate(clients)]
            for thread in threads:
                thread.start()
            time.sleep(0.4 * options.seconds)
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(timeout=10)
            print(f"killed worker {workers[0].pid} (SIGKILL) at {time.monotonic() - started:.0f} s")
            time.sleep(2)
            workers[0] = start_worker(env, log)
            print(f"started worker {workers[0].pid} again")
            for thread in threads:
                thread.join()
            print(f"load over after {time.monotonic() - started:.0f} s: {tally.submitted} submissions, "
                  f"{tally.self_harm} with a self-harm item, {len(tally.errors)} client errors")
            deadline = time.monotonic() + options.drain
            while int(run_python(PENDING, env)) and time.monotonic() < deadline:
                time.sleep(2)
        finally:
            for process in workers + servers:
                process.terminate()
            for process in workers + servers:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
            try:
                found = json.loads(run_python(CHECK, env)) if servers else {}
            finally:
                drop_postgres(options.postgres, database)
        if not found:
            return 1
        delivered: Counter[str] = Counter()
        for path in mail.iterdir():
            for key in re.findall(r"Message-ID: <([0-9a-f]+)@bondwell>", path.read_text(errors="replace")):
                delivered[key] += 1
        lost_messages = sum(1 for key in found["email_keys"] if delivered[key] == 0)
        twice = sum(1 for key in found["email_keys"] if delivered[key] > 1)
        problems = {
            "client errors": len(tally.errors),
            "assessments lost or extra": abs(found["assessments"] - tally.submitted),
            "assessment keys twice": found["duplicate_assessment_keys"],
            "alerts lost or extra": abs(found["alerts"] - tally.self_harm),
            "alerts twice": found["duplicate_alerts"],
            "alerts without messages": found["alerts_without_messages"],
            "messages undelivered": found["undelivered"],
            "sent emails not in the files": lost_messages,
            "emails delivered twice beyond the one kill": max(0, twice - 1),
        }
        print(f"integrity: {tally.submitted} submissions -> {found['assessments']} assessments; "
              f"{tally.self_harm} self-harm items -> {found['alerts']} alerts; "
              f"{len(found['email_keys'])} emails sent, {sum(delivered.values())} delivered "
              f"({twice} twice with the same Message-ID)")
        for name, count in problems.items():
            print(f"    {name:<45} {count}")
        if tally.errors:
            print(f"    first client errors: {tally.errors[:3]}")
        bad = sum(problems.values())
        print(f"goal: nothing lost or duplicated: {'goal met' if bad == 0 else 'goal NOT met'}")
        print(f"bench soak: ours {bad} lost or duplicated, baseline 0, ratio {'0.00' if bad == 0 else 'inf'}")
        return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
