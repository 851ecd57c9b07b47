"""The programme lead's dashboard on 100,000 mothers and 1,000,000 assessments, against a bare count(*).

    .venv/bin/python bench/dashboard.py                     # a temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bondwell_bench .venv/bin/python bench/dashboard.py

Without DATABASE_URL it runs on SQLite and then, when a server answers on `BENCH_POSTGRES` (default
postgres://postgres@127.0.0.1:5432; '' for SQLite only), on a throwaway PostgreSQL database dropped afterwards.
`BENCH_MOTHERS` makes a smaller service for a quick check.

On PostgreSQL the database named in DATABASE_URL is dropped and created again, so its name must contain
"bench". The synthetic service: 20 sites of 5,000 mothers, courses of ten mothers starting over three years
(five classes each, attendance for every class), three practice sessions per mother, ten EPDS results per
mother (baseline, end of course, 6 and 12 months, and others), and 20,000 risk alerts. Rows go in with
executemany (SQLite) or COPY (PostgreSQL), then ANALYZE.

Each dashboard page (default, one course, one baseline severity) and the clinician's progress page of one mother
is requested through Django's test client as the site's lead or clinician, whole page included (queries,
statistics, SVG chart, template); the baseline is `SELECT count(*) FROM screening_assessment`, timed as often.
After loading, the dashboard's per-booking summaries and every mother's first EPDS (the site's baseline SD) are
materialised once (`bondwell.progress.summary.rebuild`, `bondwell.progress.baseline.rebuild`, as the worker does
on its first cycle; timed and printed), then one worker cycle with nothing new is timed too.
One untimed request warms the process first. The goals (issue 18): a 95th percentile of the dashboard pages of
at most 150 ms, and of the clinician's progress page at a site of 5,000 mothers too.
"""

from __future__ import annotations

import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any
from urllib.parse import urlparse

SITES = 20
MOTHERS = int(os.environ.get("BENCH_MOTHERS", "100000"))  # a smaller run for a quick check
ASSESSMENTS_PER_MOTHER = 10
COURSE_SIZE = 10
CLASSES = 5
PRACTICE_PER_MOTHER = 3
ALERTS = 20_000
DAYS = 1100
REQUESTS = 20  # per page kind
SLOW_MS = float(os.environ.get("BENCH_SLOW_MS", "0"))  # print the slowest queries of a dashboard request above this
CHUNK = 50_000


TEMPORARY: list[str] = []


def _second_step_passed(client: Any, user: Any) -> None:
    """Staff pass a second factor; the bench marks its signed-in clients as a real check does."""
    from bondwell.mfa.session import mark_verified

    session = client.session
    mark_verified(session, user, "bench")
    session.save()


def configure() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        folder = tempfile.mkdtemp(prefix="bondwell-progress-bench-")
        TEMPORARY.append(folder)
        os.environ["BONDWELL_VAR_DIR"] = folder
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    else:
        name = urlparse(url).path.lstrip("/")
        if "bench" not in name:
            sys.exit("DATABASE_URL must name a scratch database whose name contains 'bench' (it is recreated).")
        import psycopg

        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["ALLOWED_HOSTS"] = "testserver"
    # Production settings, as served (DEBUG=0 keeps no query log); plain HTTP inside the test client.
    os.environ.update({"DEBUG": "0", "SECRET_KEY": "bench-only-" + "x" * 50, "SECURE_SSL_REDIRECT": "0",
                       "BONDWELL_BASE_URL": "https://bench.invalid"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "bondwell.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    return os.environ["DATABASE_URL"]


class Loader:
    """Bulk insert: executemany on SQLite, COPY on PostgreSQL; datetimes in the form each stores."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def dt(self, value: datetime) -> Any:
        return value if self.postgres else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        batch: list[Sequence[Any]] = []
        with self.connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # psycopg's own cursor, for COPY
                with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                return count
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            raw = cursor.cursor  # sqlite3's own cursor: no per-row parameter rewriting
            for row in rows:
                batch.append(row)
                if len(batch) >= CHUNK:
                    raw.executemany(sql, batch)
                    count += len(batch)
                    batch.clear()
            if batch:
                raw.executemany(sql, batch)
                count += len(batch)
        return count


def _first_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id) FROM {table}")
        return int(cursor.fetchone()[0])


def load(rng: random.Random) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from bondwell.accounts.services import create_site, create_user

    loader = Loader()
    now = timezone.now()
    stamp = loader.dt(now - timedelta(days=1))  # rows written yesterday: a worker cycle today sees only new ones
    today = timezone.localdate(now)
    # The sites and their staff through the services, as the operator would add them; the mothers and their rows
    # below are bulk-inserted (100,000 mothers through register_mother would take the bench's whole hour).
    sites = [create_site(f"Bench site {i}", by=None, slug=f"bench-{i}", country="AU", synthetic=True)
             for i in range(SITES)]
    leads: dict[int, Any] = {}
    clinicians: dict[int, Any] = {}
    educators: dict[int, Any] = {}
    for site in sites:
        for role, store in (("site_lead", leads), ("clinician", clinicians), ("educator", educators)):
            store[site.pk] = create_user(f"{role}-{site.pk}@bench.test", by=None, role=role,
                                         full_name=f"{role} {site.pk}", site=site, password=None, synthetic=True)
    started = time.perf_counter()
    counts: dict[str, int] = {}
    per_site = MOTHERS // SITES
    with transaction.atomic():
        counts["mothers"] = loader.insert(
            "accounts_mother",
            ["site_id", "full_name", "email", "phone", "preferred_contact_times", "pseudonym", "created_at",
             "is_synthetic"],
            ((sites[i // per_site].pk, f"Mother {i}", "", "", "", f"BW-{i:09d}", stamp, True)
             for i in range(MOTHERS)),
        )
        first_mother = _first_id("accounts_mother")
        courses = MOTHERS // COURSE_SIZE
        starts = [today - timedelta(days=rng.randint(0, DAYS)) for _ in range(courses)]
        course_site = [sites[(c * COURSE_SIZE) // per_site].pk for c in range(courses)]
        counts["courses"] = loader.insert(
            "programme_course",
            ["site_id", "title", "description", "educator_id", "place", "capacity", "starts_on", "minutes_per_session",
             "sessions_per_week", "dose_weeks", "created_at", "is_synthetic"],
            ((course_site[c], f"Course {c}", "", educators[course_site[c]].pk, "Room", COURSE_SIZE,
              starts[c].isoformat(), 15, 7, 6, stamp, True) for c in range(courses)),
        )
        first_course = _first_id("programme_course")

        def at(day: date, hour: int = 10) -> Any:
            return loader.dt(timezone.make_aware(datetime.combine(day, clock(hour, 0))))

        counts["classes"] = loader.insert(
            "programme_classsession",
            ["course_id", "number", "starts_at", "duration_minutes", "teaches", "routine_areas", "is_synthetic"],
            ((first_course + c, n, at(starts[c] + timedelta(weeks=n - 1)), 60, "class", "[]", True)
             for c in range(courses) for n in range(1, CLASSES + 1)),
        )
        first_session = _first_id("programme_classsession")
        counts["bookings"] = loader.insert(
            "programme_booking",
            ["course_id", "mother_id", "status", "requested_at", "is_synthetic"],
            ((first_course + i // COURSE_SIZE, first_mother + i, "booked", stamp, True)
             for i in range(MOTHERS)),
        )
        counts["attendance"] = loader.insert(
            "programme_attendance",
            ["session_id", "mother_id", "status", "note", "recorded_at", "is_synthetic"],
            ((first_session + (i // COURSE_SIZE) * CLASSES + n, first_mother + i,
              "present" if rng.random() < 0.8 else "absent", "", stamp, True)
             for i in range(MOTHERS) for n in range(CLASSES)
             if starts[i // COURSE_SIZE] + timedelta(weeks=n) <= today),
        )
        counts["practice"] = loader.insert(
            "programme_practicelog",
            ["mother_id", "started_at", "duration_seconds", "guided", "outcome", "baby_response", "steps_completed",
             "steps_total", "routine_version", "client_token", "created_at", "is_synthetic"],
            ((first_mother + i, at(starts[i // COURSE_SIZE] + timedelta(days=rng.randint(0, 41)), 19),
              rng.randint(5, 20) * 60, True, "completed", "", 0, 0, "", f"{i:08d}-0000-4000-8000-{k:012d}",
              stamp, True)
             for i in range(MOTHERS) for k in range(PRACTICE_PER_MOTHER)),
        )

        def epds_days(start: date) -> list[date]:
            planned = [start - timedelta(days=rng.randint(3, 30)), start + timedelta(days=rng.randint(30, 80)),
                       start + timedelta(days=rng.randint(150, 240)), start + timedelta(days=rng.randint(330, 420))]
            while len(planned) < ASSESSMENTS_PER_MOTHER:
                planned.append(start + timedelta(days=rng.randint(-200, 500)))
            # Clipped to yesterday, as every other row is stamped: days clipped to today would be sent 'today'
            # (155,000 of them), and the timed worker cycle would take them all for today's news.
            return [min(d, today - timedelta(days=1)) for d in planned]

        def assessments() -> Iterable[tuple[Any, ...]]:
            for i in range(MOTHERS):
                site = sites[i // per_site].pk
                base = rng.randint(5, 22)
                for k, day in enumerate(epds_days(starts[i // COURSE_SIZE])):
                    total = max(0, min(30, base - (rng.randint(0, 8) if k else 0)))
                    yield (first_mother + i, "epds", "AU", "1.0.0", "{}", True, total, "{}", "", False, "[]",
                           "paper", day.isoformat(), at(day), clinicians[site].pk, "", f"b{i}-{k}", True)

        counts["assessments"] = loader.insert(
            "screening_assessment",
            ["mother_id", "instrument", "profile", "definition_version", "answers", "complete", "total", "subscales",
             "band_key", "band_urgent", "flags", "source", "answered_on", "submitted_at", "entered_by_id",
             "correction_reason", "idempotency_key", "is_synthetic"],
            assessments(),
        )

        def alerts() -> Iterable[tuple[Any, ...]]:
            for k in range(ALERTS):
                raised = now - timedelta(days=rng.uniform(0, DAYS))
                acknowledged = raised + timedelta(minutes=rng.randint(5, 300)) if rng.random() < 0.8 else None
                yield (first_mother + rng.randrange(MOTHERS), None, f"bench-{k}", "self_harm", "epds", "bench", 0,
                       "acknowledged" if acknowledged else "open", loader.dt(raised),
                       loader.dt(raised + timedelta(hours=1)), 0,
                       loader.dt(acknowledged) if acknowledged else None, "", "", True)

        counts["alerts"] = loader.insert(
            "screening_riskalert",
            ["mother_id", "assessment_id", "source_key", "kind", "instrument", "reason", "priority", "status",
             "raised_at", "ack_due_at", "escalation_level", "acknowledged_at", "action", "action_note",
             "is_synthetic"],
            alerts(),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    load_seconds = time.perf_counter() - started
    return {"counts": counts, "load_seconds": load_seconds, "sites": sites, "leads": leads,
            "clinicians": clinicians, "first_mother": first_mother, "first_course": first_course}


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


CPU: dict[str, list[float]] = {}
GC_MS: list[float] = []  # every collection while pages are timed (generation 2, "full", are the long pauses)
GC_FULL_MS: list[float] = []
_GC_STARTED = [0.0]


def _time_collections(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _GC_STARTED[0] = time.perf_counter()
        return
    elapsed = 1000 * (time.perf_counter() - _GC_STARTED[0])
    GC_MS.append(elapsed)
    if info["generation"] == 2:
        GC_FULL_MS.append(elapsed)


class Timer:
    """Wall time of one request, and this process's CPU time (on SQLite that includes the database's work;
    on a shared, loaded machine it shows how much of the wall time was waiting for a core)."""

    def __init__(self, kind: str, into: dict[str, list[float]]) -> None:
        self.kind, self.into = kind, into

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.into.setdefault(self.kind, []).append(1000 * (time.perf_counter() - self.wall))
        CPU.setdefault(self.kind, []).append(1000 * (time.process_time() - self.cpu))


def time_pages(world: dict[str, Any], rng: random.Random) -> dict[str, list[float]]:
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bondwell.programme.models import Course

    sites = world["sites"]
    per_site = MOTHERS // SITES
    # One untimed request first: a server process has imported its modules and compiled its templates by the
    # time a lead opens her dashboard (its filters differ, so no timed request finds its figures cached).
    warm = Client()
    warm.force_login(world["leads"][sites[0].pk], backend="django.contrib.auth.backends.ModelBackend")
    _second_step_passed(warm, world["leads"][sites[0].pk])
    warm.get(reverse("progress-dashboard"), {"end": "2020-01-01"})
    warm.get(reverse("progress-dashboard-chart"), {"end": "2020-01-01"})
    kinds: dict[str, list[float]] = {"dashboard": [], "dashboard, one course": [],
                                     "dashboard, baseline EPDS 13+": [], "dashboard chart (loaded by the page)": [],
                                     "clinician's progress of a mother (first in the hour)": [],
                                     "clinician's progress of a mother": []}
    for k in range(REQUESTS):
        site = sites[k % len(sites)]
        lead = Client()
        lead.force_login(world["leads"][site.pk], backend="django.contrib.auth.backends.ModelBackend")
        _second_step_passed(lead, world["leads"][site.pk])
        recent = list(Course.objects.filter(site=site).order_by("-starts_on").values_list("id", flat=True)[:100])
        course = recent[rng.randrange(len(recent))]
        for kind, params in (("dashboard", {}), ("dashboard, one course", {"course": course}),
                             ("dashboard, baseline EPDS 13+", {"severity": "likely"})):
            reset_queries()
            with CaptureQueriesContext(connection) if SLOW_MS else nullcontext() as queries, Timer(kind, kinds):
                response = lead.get(reverse("progress-dashboard"), params)
            if SLOW_MS and kinds[kind][-1] > SLOW_MS and queries is not None:
                slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]
                print(f"slow: {kind} at site {site.pk}: {kinds[kind][-1]:.0f} ms, {len(queries)} queries; slowest: "
                      + " | ".join(f"{float(q['time']) * 1000:.0f} ms {q['sql'][:300]}" for q in slowest))
            assert response.status_code == 200, response.status_code
            if kind == "dashboard":  # the chart the page then loads, from the figures the page just computed
                with Timer("dashboard chart (loaded by the page)", kinds):
                    response = lead.get(reverse("progress-dashboard-chart"), params)
                assert response.status_code == 200, response.status_code
        clinician = Client()
        clinician.force_login(world["clinicians"][site.pk], backend="django.contrib.auth.backends.ModelBackend")
        _second_step_passed(clinician, world["clinicians"][site.pk])
        # The first page of a site in the hour: nothing of it cached (the site's baseline SD is read from the
        # first EPDS the worker stores, bondwell.progress.baseline; it was computed and cached for the hour).
        for kind in ("clinician's progress of a mother (first in the hour)", "clinician's progress of a mother"):
            if kind.endswith("(first in the hour)"):
                cache.clear()
            mother_id = world["first_mother"] + sites.index(site) * per_site + rng.randrange(per_site)
            with Timer(kind, kinds):
                response = clinician.get(reverse("progress-mother", args=[mother_id]))
            assert response.status_code == 200, response.status_code
        assert response.status_code == 200, response.status_code
    return kinds


def time_baseline() -> list[float]:
    from django.db import connection

    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM screening_assessment")
            cursor.fetchone()
        times.append(1000 * (time.perf_counter() - started))
    return times


def main() -> int:
    url = configure()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    rng = random.Random(20261124)
    world = load(rng)
    counts = world["counts"]
    print(f"database: {connection.vendor} ({'temporary file' if url.startswith('sqlite') else 'DATABASE_URL'})")
    print("loaded in {:.1f} s: {}".format(world["load_seconds"], ", ".join(f"{v:,} {k}" for k, v in counts.items())))
    from django.utils import timezone

    from bondwell.progress import baseline, summary

    started = time.perf_counter()
    written = summary.rebuild(timezone.now())
    print(f"summaries materialised: {written:,} bookings in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    written = baseline.rebuild(timezone.now())
    print(f"first EPDS of every mother stored (the site's baseline SD): {written:,} mothers in "
          f"{time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    summary.run(timezone.now())
    baseline.run(timezone.now())
    print(f"one worker cycle of the summaries and baselines with nothing new: "
          f"{1000 * (time.perf_counter() - started):.0f} ms")
    # A web process settles at start (bondwell.web.warm, called by bondwell.wsgi): its pages' code imported, then
    # all in memory set aside from the collector. Here that also sets aside what this process loaded and
    # materialised, which a server does not hold; a full collection during a request then walks what a server's
    # would. The collections during the timed requests are timed and printed.
    from bondwell.web.warm import settle

    settle()
    print(f"objects the collector tracks before timing: {len(gc.get_objects()):,} (frozen: {gc.get_freeze_count():,})")
    gc.callbacks.append(_time_collections)
    pages = time_pages(world, rng)
    gc.callbacks.remove(_time_collections)
    print(f"garbage collections while timing: {len(GC_MS)} ({sum(GC_MS):.0f} ms), of which full: {len(GC_FULL_MS)} "
          f"(longest {max(GC_FULL_MS, default=0):.0f} ms)")
    baseline = time_baseline()
    for kind, values in pages.items():
        print(f"{kind:52s} median {statistics.median(values):7.1f} ms  p95 {p95(values):7.1f} ms  "
              f"(CPU p95 {p95(CPU[kind]):6.1f} ms, {len(values)} requests)")
    print(f"{'SELECT count(*) FROM screening_assessment':52s} median {statistics.median(baseline):7.1f} ms  "
          f"p95 {p95(baseline):7.1f} ms")
    ours = max(p95(values) for kind, values in pages.items() if kind.startswith("dashboard,") or kind == "dashboard")
    clinician = max(p95(values) for kind, values in pages.items() if kind.startswith("clinician's"))
    base = p95(baseline)
    label = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    met = {True: "goal met", False: "goal NOT met"}
    print(f"load average while timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"goal ({label}): dashboard p95 at most 150 ms: {met[ours <= 150]}")
    print(f"goal ({label}): the clinician's progress of a mother at a site of {MOTHERS // SITES:,} mothers (the "
          f"first in the hour too) p95 at most 150 ms: {met[clinician <= 150]}")
    print(f"bench dashboard ({label}): ours {ours:.1f} ms, baseline {base:.1f} ms, ratio {ours / base:.2f}")
    print(f"bench site_of_{MOTHERS // SITES}_mothers ({label}): ours {clinician:.1f} ms, baseline {base:.1f} ms, "
          f"ratio {clinician / base:.2f}")
    return 0


def postgres_too(original: dict[str, str]) -> int:
    """Without a DATABASE_URL, the same bench on PostgreSQL next (`BENCH_POSTGRES`, the server; '' to skip), in a
    throwaway database dropped afterwards, as bench/web_load.py does: `make bench` prints both."""
    server = original.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    if original.get("DATABASE_URL") or not server:
        return 0
    import subprocess

    import psycopg

    try:
        psycopg.connect(f"{server}/postgres", connect_timeout=3).close()
    except psycopg.Error:
        print("no PostgreSQL reachable: SQLite only")
        return 0
    name = f"bondwell_dashboard_bench_{os.getpid()}"
    print(f"== the same on PostgreSQL ({name})", flush=True)
    try:
        return subprocess.run([sys.executable, __file__], env={**original, "DATABASE_URL": f"{server}/{name}"},
                              check=False).returncode
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    environment = dict(os.environ)
    try:
        code = main()
    finally:
        for folder in TEMPORARY if not os.environ.get("BENCH_KEEP") else []:
            shutil.rmtree(folder, ignore_errors=True)
    sys.exit(code or postgres_too(environment))
