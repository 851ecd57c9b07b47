"""Load on the screening pages under granian, against a bare Django view on the same stack in the same run.

A throwaway database (BONDWELL_VAR_DIR in a temporary folder) is migrated and seeded with one site, 5
clinicians and 45 mothers. granian serves bondwell.wsgi on loopback with production settings (DEBUG=0).
Then, for a bounded time each:

  baseline  50 concurrent users request /healthz (a bare Django view with one SQL query)
  mothers   the goal's figure, the mother's submit flow: 50 mothers each loop: open the PHQ-9 (a draft), send all
            answers (one in five with a positive self-harm item, which raises an alert and queues its emails),
            read the result page; beside them 5 clinicians have the alert queue open, whose live rows poll every
            15 s as the page does (hx-trigger "every 15s"), with the validator of the rows on screen
            (If-None-Match), so an unchanged list answers 304
  screening a harder mix, kept to compare with the figures of docs/performance.md sections 3-11: 45 mothers as
            above and 5 clinicians polling the queue without pause (no page does; about a fifth of the
            server's CPU goes to them)

Every client keeps its connection open (keep-alive) and its own session cookie. Reports p50/p95 latency and
throughput of each phase, checks that each submission made exactly one Assessment (and each positive item one
alert), and ends with the throughput ratio. Goal (issue 18): the mother's submit flow at least half the
baseline's throughput.

Then a paced phase (issue 18): 200 mothers each sending one request every 2-5 s (open, send, read the result)
and 10 clinicians polling the queue as often, for --paced-seconds; goal p95 under 150 ms. Everything runs on
SQLite and then on PostgreSQL (a throwaway database on --postgres, when reachable), each with its own baseline.

    .venv/bin/python bench/web_load.py [--seconds 12] [--users 50] [--paced-seconds 30] [--postgres URL]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

PASSWORD = "bench-password-not-secret-42"
CALM = {f"q{n}": "0" for n in range(1, 10)} | {"q1": "1", "q3": "2"}
SELF_HARM = {**CALM, "q9": "1"}
MAX_REQUESTS_PER_PHASE = 60_000
QUEUE_POLL_SECONDS = 15.0  # the live queue's hx-trigger="every 15s" (screening/templates/screening/queue.html)
TOTP_KEY = [""]  # the demo authenticator key the seeded clinicians are enrolled with (read from the app)
KEY = """
import django
django.setup()
from bondwell.mfa.demo import DEMO_TOTP_KEY
print(DEMO_TOTP_KEY)
"""


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    submitted: int = 0
    self_harm: int = 0
    unchanged_polls: int = 0  # queue polls answered 304 (the rows on screen were still current)
    finished: list[float] = field(default_factory=list)  # when each request ended (time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, seconds: float) -> None:
        with self.lock:
            self.latencies[name].append(seconds)
            self.finished.append(time.monotonic())

    def all(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]


class Client:
    """One user: a keep-alive connection and a cookie jar (cookies are sent over plain HTTP on loopback)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPResponse, bytes]:
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body, sent)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response, data

    def csrf(self) -> str:
        return self.cookies["csrftoken"]

    def form_token(self, path: str, page: str) -> str:
        """The CSRF token of the form at `path`, to post back with it (the run stops if `page` does not load)."""
        status, _, body = self.request("GET", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or token is None:
            raise SystemExit(f"the {page} page answered {status}")
        return token.group(1).decode()

    def login(self, email: str) -> None:
        token = self.form_token("/login/", "login")
        status, response, _ = self.request(
            "POST", "/login/", {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        if status != 302 or response.getheader("Location") != "/":
            raise SystemExit(f"login of {email} failed ({status})")
        if email.startswith("clinician"):
            self.pass_second_step(email)

    def pass_second_step(self, email: str) -> None:
        import pyotp

        token = self.form_token("/mfa/verify/", "second-step")
        status, _, _ = self.request(
            "POST", "/mfa/verify/", {"code": pyotp.TOTP(TOTP_KEY[0]).now(), "csrfmiddlewaretoken": token},
        )
        if status != 302:
            raise SystemExit(f"second step of {email} failed ({status})")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "BONDWELL_VAR_DIR": str(var_dir),
        "BONDWELL_TEXT_DIR": str(var_dir / "text-packs"),  # no licensed wording: mothers get the PHQ-9
        "DJANGO_SETTINGS_MODULE": "bondwell.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "BONDWELL_BASE_URL": "https://bench.invalid",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "ERROR",
        "BONDWELL_LOG_LEVEL": "ERROR",
        "EMAIL_URL": "locmem://",
    }


SEED = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from bondwell.accounts import services
from bondwell.mfa.demo import demo_key_hex
from bondwell.mfa.services import enrol_demo_totp
# Through the services, as the operator (by=None) would at the command line: the rows are those a real site has.
site = services.create_site("Bench site", by=None, slug="bench", country="AU", synthetic=True)
for i in range({clinicians}):
    clinician = services.create_user(f"clinician{{i}}@bench.test", by=None, role="clinician",
                                     full_name=f"Clinician {{i}}", site=site, password="{password}", synthetic=True)
    enrol_demo_totp(clinician, demo_key_hex())  # staff pass a second factor: the demo's authenticator key
for i in range({mothers}):
    services.register_mother(site, by=None, full_name=f"Mother {{i}}", email=f"mother{{i}}@bench.test",
                             password="{password}", sign_in=True, synthetic=True)
"""

COUNT = """
import django
django.setup()
from bondwell.screening.models import Assessment, RiskAlert, Draft
print(Assessment.objects.count(), RiskAlert.objects.count(), Draft.objects.filter(submitted_at__isnull=False).count())
"""


def run_python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return done.stdout


def throwaway_postgres(server: str, env: dict[str, str], prefix: str = "bondwell_bench") -> str:
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{server.rstrip('/')}/{name}"
    return name


def drop_postgres(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_server(port: int, env: dict[str, str], workers: int, threads: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--blocking-threads", str(threads), "--log-level", "error", "--no-ws",
        "bondwell.wsgi:application",
    ]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("granian did not start")


def timed(stats: Stats, name: str, client: Client, *args: object, **kwargs: object) -> tuple[int, object, bytes]:
    start = time.perf_counter()
    status, response, body = client.request(*args, **kwargs)  # type: ignore[arg-type]
    stats.add(name, time.perf_counter() - start)
    return status, response, body


def baseline_user(client: Client, stats: Stats, stop: float, budget: list[int]) -> None:
    while time.monotonic() < stop and budget[0] > 0:
        budget[0] -= 1
        status, _, _ = timed(stats, "healthz", client, "GET", "/healthz")
        if status != 200:
            stats.errors.append(f"healthz {status}")


def mother_user(index: int, client: Client, stats: Stats, stop: float, budget: list[int]) -> None:
    round_number = 0
    while time.monotonic() < stop and budget[0] > 0:
        budget[0] -= 3
        round_number += 1
        status, response, _ = timed(stats, "start", client, "GET", "/questionnaires/start/phq9/")
        draft_url = response.getheader("Location") if status == 302 else None  # type: ignore[attr-defined]
        if not draft_url:
            stats.errors.append(f"start {status}")
            continue
        harm = (index + round_number) % 5 == 0
        answers = SELF_HARM if harm else CALM
        form = {"view": "all", "go": "submit", "csrfmiddlewaretoken": client.csrf(), **answers}
        status, response, _ = timed(stats, "submit", client, "POST", draft_url, form)
        location = response.getheader("Location") if status == 302 else ""  # type: ignore[attr-defined]
        if harm and "/support/" in (location or ""):
            # The support screen came first (as on her phone); she carries on and sends.
            timed(stats, "support", client, "GET", location)
            status, response, _ = timed(stats, "submit", client, "POST", draft_url, form)
            location = response.getheader("Location") if status == 302 else ""  # type: ignore[attr-defined]
        if not location or "/result/" not in location:
            stats.errors.append(f"submit {status} {location}")
            continue
        with stats.lock:
            stats.submitted += 1
            stats.self_harm += harm
        status, _, body = timed(stats, "result", client, "GET", location)
        if status != 200 or (harm and b"Support is here for you" not in body):
            stats.errors.append(f"result {status}")


def poll_queue(client: Client, stats: Stats, shown: list[str]) -> None:
    """One poll of the alert queue's live rows as the page makes it (screening/queue-etag.js): with the validator
    of the rows on screen, so an unchanged list answers 304 and the rows stay."""
    headers = {"HX-Request": "true", **({"If-None-Match": shown[0]} if shown else {})}
    status, response, _ = timed(stats, "queue", client, "GET", "/alerts/", headers=headers)
    if status not in (200, 304) or (status == 304 and not shown):
        stats.errors.append(f"queue {status}")
        return
    with stats.lock:
        stats.unchanged_polls += status == 304
    tag = response.getheader("ETag")  # type: ignore[attr-defined]
    if status == 200 and tag:
        shown[:] = [tag]


def clinician_user(client: Client, stats: Stats, stop: float, budget: list[int]) -> None:
    shown: list[str] = []
    while time.monotonic() < stop and budget[0] > 0:
        budget[0] -= 1
        poll_queue(client, stats, shown)


def page_cadence_clinician(client: Client, stats: Stats, stop: float, rng: random.Random) -> None:
    """A clinician with the alert queue open: its live rows poll every 15 s, the first at a random moment."""
    shown: list[str] = []
    time.sleep(rng.uniform(0, QUEUE_POLL_SECONDS))
    while time.monotonic() < stop:
        poll_queue(client, stats, shown)
        time.sleep(max(0.0, min(QUEUE_POLL_SECONDS, stop - time.monotonic())))


def run_phase(workers: list[threading.Thread]) -> float:
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started


def percentile(values: list[float], percent: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(percent) - 1]


def describe(name: str, stats: Stats, seconds: float, window: tuple[float, float] | None = None) -> float:
    """Prints the phase; returns its throughput: with `window` (the phase's start and stop), the requests that
    ended inside it over its length. A user starts no new round after the stop but ends the one it is in: a
    round of three requests runs past the stop with fewer users at work, and counting that tail would understate
    a flow of three-request rounds against single requests."""
    values = stats.all()
    counted, span = len(values), seconds
    if window is not None:
        start, stop = window
        counted, span = sum(start <= t <= stop for t in stats.finished), stop - start
    throughput = counted / span
    print(
        f"{name:<9} {counted:>6} requests in {span:5.1f} s: {throughput:7.1f} req/s"
        + (f" ({len(values)} in {seconds:.1f} s with the last rounds)" if window is not None else "") + ", "
        f"p50 {1000 * statistics.median(values):6.1f} ms, p95 {1000 * percentile(values, 95):6.1f} ms, "
        f"errors {len(stats.errors)}"
    )
    for endpoint, latencies in sorted(stats.latencies.items()):
        if len(latencies) >= 2:
            print(f"    {endpoint:<8} n={len(latencies):>5}  p95 {1000 * percentile(latencies, 95):6.1f} ms")
    polls = len(stats.latencies.get("queue", []))
    if polls:
        print(f"    queue polls answered 304 (rows unchanged): {stats.unchanged_polls} of {polls}")
    return throughput


def paced_mother(index: int, client: Client, stats: Stats, stop: float, rng: random.Random) -> None:
    """One mother on her phone: one request every 2-5 s (open the questionnaire, send it, read the result)."""
    step = 0
    draft_url = ""
    while True:
        time.sleep(rng.uniform(2.0, 5.0))
        if time.monotonic() >= stop:
            return
        if step == 0:
            status, response, _ = timed(stats, "start", client, "GET", "/questionnaires/start/phq9/")
            draft_url = response.getheader("Location") if status == 302 else ""  # type: ignore[attr-defined]
            if not draft_url:
                stats.errors.append(f"start {status}")
                continue
            step = 1
        elif step == 1:
            form = {"view": "all", "go": "submit", "csrfmiddlewaretoken": client.csrf(), **CALM}
            status, response, _ = timed(stats, "submit", client, "POST", draft_url, form)
            location = response.getheader("Location") if status == 302 else ""  # type: ignore[attr-defined]
            if not location or "/result/" not in location:
                stats.errors.append(f"submit {status} {location}")
                step = 0
                continue
            with stats.lock:
                stats.submitted += 1
            draft_url, step = location, 2
        else:
            status, _, _ = timed(stats, "result", client, "GET", draft_url)
            if status != 200:
                stats.errors.append(f"result {status}")
            step = 0


def paced_clinician(client: Client, stats: Stats, stop: float, rng: random.Random) -> None:
    shown: list[str] = []
    while True:
        time.sleep(rng.uniform(2.0, 5.0))
        if time.monotonic() >= stop:
            return
        poll_queue(client, stats, shown)


def postgres_reachable(server: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{server.rstrip('/')}/postgres", connect_timeout=3):
            return True
    except Exception:
        return False


def one_database(options: argparse.Namespace, postgres: str) -> dict[str, float]:
    """Both phases on one database; returns the figures of the goals."""
    clinicians = max(options.clinicians, 5)
    mothers = max(options.mothers, options.users - 5)
    with tempfile.TemporaryDirectory(prefix="bondwell-bench-") as folder:
        var_dir = Path(folder)
        (var_dir / "text-packs").mkdir()
        env = server_env(var_dir)
        database = throwaway_postgres(postgres, env, options.database_prefix) if postgres else None
        label = "PostgreSQL" if postgres else "SQLite"
        print(f"== {label}: seeding a throwaway database ({mothers} mothers, {clinicians} clinicians)")
        run_python(SEED.format(clinicians=clinicians, mothers=mothers, password=PASSWORD), env)
        TOTP_KEY[0] = run_python(KEY, env).strip()
        port = free_port()
        server = start_server(port, env, options.server_workers, options.server_threads)
        # A worker beside the server, as in production: /healthz answers 503 without one, and it sends the
        # alerts' messages while the mothers submit.
        worker = subprocess.Popen([str(Path(sys.executable).parent / "bondwell"), "worker"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            mother_clients = [Client(port) for _ in range(mothers)]
            clinician_clients = [Client(port) for _ in range(clinicians)]
            for i, client in enumerate(mother_clients):
                client.login(f"mother{i}@bench.test")
            for i, client in enumerate(clinician_clients):
                client.login(f"clinician{i}@bench.test")
            saturating = mother_clients[: options.users - 5] + clinician_clients[:5]
            for client in mother_clients[: options.users] + clinician_clients[:5]:  # warm connections and workers
                client.request("GET", "/healthz")

            base = Stats()
            stop = time.monotonic() + options.seconds
            budget = [MAX_REQUESTS_PER_PHASE]
            elapsed = run_phase(
                [threading.Thread(target=baseline_user, args=(c, base, stop, budget)) for c in saturating]
            )
            baseline = describe("baseline", base, elapsed, (stop - options.seconds, stop))

            flow = Stats()
            stop = time.monotonic() + options.seconds
            budget = [MAX_REQUESTS_PER_PHASE]
            rng = random.Random(18)
            elapsed = run_phase([
                threading.Thread(target=mother_user, args=(i, c, flow, stop, budget))
                for i, c in enumerate(mother_clients[: options.users])
            ] + [threading.Thread(target=page_cadence_clinician, args=(c, flow, stop, random.Random(rng.random())))
                 for c in clinician_clients[:5]])
            throughput = describe("mothers", flow, elapsed, (stop - options.seconds, stop))

            ours = Stats()
            stop = time.monotonic() + options.seconds
            budget = [MAX_REQUESTS_PER_PHASE]
            threads = [
                threading.Thread(target=mother_user, args=(i, c, ours, stop, budget))
                for i, c in enumerate(mother_clients[: options.users - 5])
            ] + [threading.Thread(target=clinician_user, args=(c, ours, stop, budget)) for c in clinician_clients[:5]]
            elapsed = run_phase(threads)
            harder = describe("screening", ours, elapsed, (stop - options.seconds, stop))

            paced = Stats()
            stop = time.monotonic() + options.paced_seconds
            threads = [
                threading.Thread(target=paced_mother, args=(i, c, paced, stop, random.Random(rng.random())))
                for i, c in enumerate(mother_clients)
            ] + [threading.Thread(target=paced_clinician, args=(c, paced, stop, random.Random(rng.random())))
                 for c in clinician_clients]
            elapsed = run_phase(threads)
            describe("paced", paced, elapsed)
        finally:
            for process in (worker, server):
                process.terminate()
                process.wait(timeout=20)
        assessments, alerts, submitted_drafts = (int(x) for x in run_python(COUNT, env).split())
        submitted = flow.submitted + ours.submitted + paced.submitted
        self_harm = flow.self_harm + ours.self_harm
        print(
            f"integrity: {submitted} submissions -> {assessments} assessments, {submitted_drafts} drafts "
            f"submitted; {self_harm} positive self-harm items -> {alerts} alerts"
        )
        if database is not None:
            drop_postgres(postgres, database)
        errors = flow.errors + ours.errors + base.errors + paced.errors
        if assessments != submitted or alerts != self_harm or errors:
            print(f"FAILED on {label}: errors {errors[:5]}")
            raise SystemExit(1)
        ratio = throughput / baseline
        paced_p95 = 1000 * percentile(paced.all(), 95)
        met = {True: "goal met", False: "goal NOT met"}
        print(f"goal ({label}): the mother's submit flow {throughput:.1f} req/s vs /healthz {baseline:.1f} req/s, "
              f"ratio {ratio:.2f} (>= 0.5: {met[ratio >= 0.5]})")
        print(f"     ({label}): with 5 clinicians polling without pause {harder:.1f} req/s, ratio "
              f"{harder / baseline:.2f} (not a goal: sections 3-11 of docs/performance.md measured this mix)")
        print(f"goal ({label}): p95 with {mothers} paced mothers and {clinicians} clinicians polling "
              f"{paced_p95:.1f} ms (< 150 ms: {met[paced_p95 < 150]})")
        return {"throughput": throughput, "baseline": baseline, "paced_p95": paced_p95}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=12.0, help="length of each saturation phase")
    parser.add_argument("--paced-seconds", type=float, default=30.0, help="length of the paced phase")
    parser.add_argument("--users", type=int, default=50, help="concurrent users when saturating (5 clinicians)")
    parser.add_argument("--mothers", type=int, default=200, help="paced mothers (one request every 2-5 s)")
    parser.add_argument("--clinicians", type=int, default=10, help="clinicians polling the queue when paced")
    parser.add_argument("--server-workers", type=int, default=2, help="granian worker processes")
    parser.add_argument("--server-threads", type=int, default=8, help="granian blocking threads per worker")
    parser.add_argument(
        "--postgres", metavar="URL", default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server for the second run (a throwaway database); '' for SQLite only",
    )
    parser.add_argument("--database-prefix", default="bondwell_bench",
                        help="name of the throwaway PostgreSQL database (the process id is appended)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only (skip the SQLite run)")
    options = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = {} if options.no_sqlite else {"SQLite": one_database(options, "")}
    if options.postgres and postgres_reachable(options.postgres):
        results["PostgreSQL"] = one_database(options, options.postgres)
    else:
        print("no PostgreSQL reachable: SQLite only")
    print(f"load average after: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for label, r in results.items():
        print(f"bench web_load ({label}): ours {r['throughput']:.1f} req/s, baseline {r['baseline']:.1f} req/s, "
              f"ratio {r['throughput'] / r['baseline']:.2f}")
    if not results:
        raise SystemExit("nothing measured")
    worst = max(results.values(), key=lambda r: r["paced_p95"])
    print(f"bench web_load paced p95: ours {worst['paced_p95']:.1f} ms, baseline 150.0 ms (the goal), "
          f"ratio {worst['paced_p95'] / 150:.2f}")


if __name__ == "__main__":
    main()
