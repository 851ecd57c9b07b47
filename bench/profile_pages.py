"""Where a request's time goes: the main pages in process, production settings, timed and optionally profiled.

    .venv/bin/python bench/profile_pages.py [--requests 30] [--profile PAGE] [--mothers 200]

A throwaway SQLite database (or DATABASE_URL, whose name must contain "bench"; it is emptied by migrate on a new
database only) gets the demo and `--mothers` more mothers at the demo clinician's site, each with a result and an
open self-harm alert; the demo mother gets two years of data. Each page is requested through Django's test client
(DEBUG off, whole middleware stack and template), timed in wall and CPU time beside a signed-in trivial page
and /healthz, at rest: after the worker's cycle has stored what the pages read (`--before-first-cycle`: before
it). `--profile NAME` prints the top of a cProfile of that page (cumulative time).

Without `--profile` it ends with the goal of issue 18 it measures (every page p95 at most 150 ms with a mother
holding two years of data) and its `bench pages_two_years:` line, the slowest page against /healthz.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from typing import Any


def configure() -> str:
    folder = tempfile.mkdtemp(prefix="bondwell-profile-")
    os.environ["BONDWELL_VAR_DIR"] = folder
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ.update({
        "ALLOWED_HOSTS": "testserver", "DEBUG": "0", "SECRET_KEY": "bench-only-" + "x" * 50,
        "SECURE_SSL_REDIRECT": "0", "BONDWELL_BASE_URL": "https://bench.invalid",
        "DJANGO_SETTINGS_MODULE": "bondwell.settings", "EMAIL_URL": "locmem://",
    })
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    return folder


def seed(mothers: int) -> dict[str, Any]:
    from django.utils import timezone

    from bondwell.accounts.models import Mother, User
    from bondwell.demo import load
    from bondwell.programme.models import PracticeLog
    from bondwell.screening import services
    from bondwell.screening.models import Assessment

    load(reset=False)
    mother = Mother.objects.select_related("user", "site").get(user__email="mother@demo.bondwell.test")
    clinician = User.objects.get(email="clinician@demo.bondwell.test")
    today = timezone.localdate()
    start = today - timedelta(days=730)
    for n in range(26):
        Assessment.objects.create(
            mother=mother, instrument="epds", profile="AU", definition_version="bench", answers={}, complete=True,
            total=(n * 7) % 20, band_key="", source="mother", answered_on=start + timedelta(weeks=4 * n),
            idempotency_key=f"bench-epds-{n}", entered_by=mother.user,
        )
    noon = timezone.make_aware(datetime.combine(start, datetime.min.time())) + timedelta(hours=12)
    PracticeLog.objects.bulk_create(
        PracticeLog(mother=mother, started_at=noon + timedelta(days=(7 * (n // 4)) + (n % 4)),
                    duration_seconds=600 + 60 * (n % 7), guided=True)
        for n in range(416)
    )
    harm = {f"q{n}": 0 for n in range(1, 10)} | {"q9": 1}
    for i in range(mothers):
        other = Mother.objects.create(site=mother.site, full_name=f"Bench mother {i}", is_synthetic=True)
        services.record_assessment(other, "phq9", harm, source="paper", by=clinician,
                                   answered_on=today - timedelta(days=i % 30), idempotency_key=f"bench-harm-{i}")
    return {"mother": mother, "clinician": clinician}


def sign_in(user: Any) -> Any:
    from django.test import Client

    from bondwell.mfa.session import mark_verified

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    mark_verified(session, user, "bench")
    session.save()
    client.get("/")  # the first page after signing in renews the session
    return client


def timed(client: Any, method: str, url: str, requests: int, data: Any = None, **headers: str) -> tuple[float, ...]:
    wall, cpu = [], []
    for _ in range(requests):
        form = data() if callable(data) else data
        w, c = time.perf_counter(), time.process_time()
        response = getattr(client, method)(url() if callable(url) else url, form or {}, headers=headers)
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        assert response.status_code in (200, 302, 304, 503), (url, response.status_code)
    q = statistics.quantiles(wall, n=20)
    return statistics.median(wall), q[18], statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--mothers", type=int, default=200)
    parser.add_argument("--profile", default="", help="cProfile the pages whose name contains this")
    parser.add_argument("--conn-max-age", type=int, default=None, help="experiment: keep SQLite connections")
    parser.add_argument("--queries", action="store_true", help="print the SQL of the profiled pages")
    parser.add_argument("--before-first-cycle", action="store_true",
                        help="time the pages before the worker's first cycle (its stored aggregates still empty)")
    options = parser.parse_args()
    folder = configure()
    try:
        import django

        django.setup()
        if options.conn_max_age is not None:
            from django.db import connections

            connections["default"].settings_dict["CONN_MAX_AGE"] = options.conn_max_age
        from django.core.management import call_command
        from django.test import Client

        from bondwell.screening.models import RiskAlert

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        world = seed(options.mothers)
        mother, clinician = world["mother"], world["clinician"]
        mum = sign_in(mother.user)
        staff = sign_in(clinician)
        anonymous = Client()

        def draft_url() -> str:
            response = mum.get("/questionnaires/start/phq9/")
            return str(response["Location"])

        answers = {f"q{n}": "0" for n in range(1, 10)} | {"view": "all", "go": "submit"}
        urls: dict[str, Any] = {}

        def submit_url() -> str:
            urls["draft"] = draft_url()
            return str(urls["draft"])

        harm = answers | {"q9": "1"}

        def self_harm_url() -> str:
            # As on her phone: the self-harm answer shows the support screen first (the alert is raised then);
            # she carries on and sends. Timed: start, the support step and the send.
            url = submit_url()
            mum.post(url, harm)
            return url

        def latest_result() -> int:
            from bondwell.screening.models import Assessment

            return int(Assessment.objects.filter(mother=mother, instrument="phq9").latest("id").pk)

        alert = RiskAlert.objects.filter(mother__site=mother.site).latest("id")
        pages: dict[str, tuple[Any, str, Any, Any, dict[str, str]]] = {
            "healthz (anonymous)": (anonymous, "get", "/healthz", None, {}),
            "mother: home": (mum, "get", "/", None, {}),
            "mother: start questionnaire": (mum, "get", "/questionnaires/start/phq9/", None, {}),
            "mother: submit": (mum, "post", submit_url, answers, {}),
            "mother: submit, self-harm item": (mum, "post", self_harm_url, harm, {}),
            "mother: result": (mum, "get", lambda: f"/questionnaires/result/{latest_result()}/", None, {}),
            "mother: progress": (mum, "get", "/progress/mine/", None, {}),
            "clinician: home": (staff, "get", "/", None, {}),
            "clinician: queue": (staff, "get", "/alerts/", None, {}),
            "clinician: queue partial": (staff, "get", "/alerts/", None, {"HX_Request": "true"}),
            # The browser's next poll of an unchanged list: its rows' validator answered 304, nothing drawn.
            "clinician: queue partial, 304": (staff, "get", "/alerts/", None, {
                "HX_Request": "true", "If-None-Match": staff.get("/alerts/", headers={"HX-Request": "true"})["ETag"],
            }),
            "clinician: alert": (staff, "get", f"/alerts/{alert.pk}/", None, {}),
            "clinician: record": (staff, "get", f"/mothers/{mother.pk}/", None, {}),
            "clinician: progress of mother": (staff, "get", f"/progress/mothers/{mother.pk}/", None, {}),
        }
        from django.utils import timezone

        from bondwell.notify import heartbeat

        heartbeat.beat(timezone.now())  # a worker is alive, as when served: /healthz answers 200, not 503
        if not options.before_first_cycle:
            # At rest the worker has had its cycle (every few seconds when served): the mothers' first EPDS and
            # the dashboard's summaries are stored, as the pages expect.
            from bondwell.progress import baseline, summary

            baseline.run(timezone.now())
            summary.run(timezone.now())
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {options.requests} requests each")
        seen: dict[str, float] = {}
        print(f"{'page':<32} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8}")
        for name, (client, method, url, data, headers) in pages.items():
            if options.profile and options.profile not in name:
                continue
            getattr(client, method)(url() if callable(url) else url, data or {}, headers=headers)  # warm
            p50, p95, cpu = timed(client, method, url, options.requests, data, **headers)
            print(f"{name:<32} {p50:8.1f} {p95:8.1f} {cpu:8.1f}")
            seen[name] = p95
            if options.queries:
                from django.db import connection
                from django.test.utils import CaptureQueriesContext

                with CaptureQueriesContext(connection) as queries:
                    getattr(client, method)(url() if callable(url) else url, data or {}, headers=headers)
                for n, query in enumerate(queries.captured_queries, 1):
                    print(f"  {n:>2}. {query['sql'][:220]}")
            if options.profile:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(options.requests):
                    getattr(client, method)(url() if callable(url) else url, data or {}, headers=headers)
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
                pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        if not options.profile:
            # Issue 18: no page above 150 ms p95 at rest with a mother holding two years of data.
            slowest = max((p95, name) for name, p95 in seen.items() if name != "healthz (anonymous)")
            base = seen["healthz (anonymous)"]
            print(f"load average after: {os.getloadavg()[0]:.1f}; goal: every page with a mother holding two years "
                  f"of data p95 at most 150 ms (slowest: {slowest[1]}): "
                  f"{'goal met' if slowest[0] <= 150 else 'goal NOT met'}")
            print(f"bench pages_two_years: ours {slowest[0]:.1f} ms, baseline {base:.1f} ms, "
                  f"ratio {slowest[0] / base:.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
