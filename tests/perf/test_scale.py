"""Beyond one machine: reads for reporting go to a read replica when one is configured, nothing else does; the
cache and the session store are shared services chosen by the environment (issue 18, docs/scaling.md)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.db import router
from django.test import override_settings

from bondwell.accounts.models import Mother
from bondwell.db_routers import ReportingReplicaRouter, reporting
from bondwell.progress.models import BookingSummary

WITH_REPLICA = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}


def test_without_a_replica_every_read_stays_on_the_primary() -> None:
    with reporting():
        assert router.db_for_read(Mother) == "default"
    assert router.db_for_read(Mother) == "default"


@override_settings(DATABASES=WITH_REPLICA)
def test_with_a_replica_only_reporting_reads_go_to_it() -> None:
    assert router.db_for_read(Mother) == "default"  # a mother's own pages, the alert queue: the primary
    with reporting():
        assert router.db_for_read(Mother) == "replica"
        assert router.db_for_read(BookingSummary) == "replica"
        assert router.db_for_write(Mother) == "default"  # never a write
        assert Mother.objects.filter(site_id=1).db == "replica"
    assert router.db_for_read(Mother) == "default"  # the block ended


@override_settings(DATABASES=WITH_REPLICA)
def test_the_replica_is_never_migrated() -> None:
    replica_router = ReportingReplicaRouter()
    assert replica_router.allow_migrate("default", "screening") is True
    assert replica_router.allow_migrate("replica", "screening") is False


@override_settings(DATABASES=WITH_REPLICA)
def test_the_dashboard_reads_its_figures_in_a_reporting_block(monkeypatch: pytest.MonkeyPatch) -> None:
    from bondwell.progress import dashboard

    seen: list[str | None] = []

    def figures_of(*args: Any) -> Any:
        seen.append(router.db_for_read(Mother))
        raise LookupError("stop here")

    monkeypatch.setattr(dashboard, "_figures_of", figures_of)
    with pytest.raises(LookupError):
        dashboard._compose(Mother.objects.none(), {}, dashboard.Filters(), now=None)  # type: ignore[arg-type]
    assert seen == ["replica"]



STUDY_READS = [  # (url name, format, module of the read, the read)
    ("study-analysis", None, "bondwell.studies.views.results", "analyse_study"),
    ("study-report-pdf", None, "bondwell.studies.views.results", "analyse_study"),
    ("study-dmc-report", None, "bondwell.studies.dmc", "build"),
    ("study-consort", "svg", "bondwell.studies.consort", "consort_flow"),
    ("study-export", "csv", "bondwell.studies.exports", "render"),
]


@override_settings(DATABASES=WITH_REPLICA)
@pytest.mark.parametrize(("url_name", "fmt", "module", "read"), STUDY_READS)
@pytest.mark.parametrize("linked", [0, 2])
def test_study_analyses_and_exports_read_in_a_reporting_block_unless_they_just_linked_outcomes(
    world: Any, client_as: Any, monkeypatch: pytest.MonkeyPatch, url_name: str, fmt: str | None, module: str,
    read: str, linked: int,
) -> None:
    import importlib

    from django.urls import reverse

    from bondwell.studies.views import results
    from tests.studies.access_cases import study_at

    study = study_at(world, world.site_a)
    seen: list[str | None] = []

    def reads(*args: Any, **kwargs: Any) -> Any:
        seen.append(router.db_for_read(Mother))
        raise LookupError("stop here")

    monkeypatch.setattr(importlib.import_module(module), read, reads)
    monkeypatch.setattr(results, "link_outcomes", lambda study: linked)  # visits this request filled
    client = client_as(world.users["statistician"])
    with pytest.raises(LookupError):
        client.get(reverse(url_name, kwargs={"study_id": study.pk, **({"fmt": fmt} if fmt else {})}))
    # Filled just now, the replica may not have them yet: the page reads them where they were written.
    assert seen == (["default"] if linked else ["replica"])


@override_settings(DATABASES=WITH_REPLICA)
def test_whether_a_study_is_locked_is_read_on_the_primary_even_when_reporting(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bondwell.studies import analysis
    from tests.studies.access_cases import study_at

    study = study_at(world, world.site_a)
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(analysis, "long_frame", lambda study: "live frame")
    with reporting(), CaptureQueriesContext(connections["default"]) as primary:
        assert analysis.DatabaseLock.objects.filter(study=study).db == "replica"  # any other read would go there
        assert analysis.study_frame(study) == "live frame"  # not locked: the live frame
    assert any("studies_databaselock" in query["sql"] for query in primary.captured_queries)


def _settings_in_a_new_process(**env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND']); print(settings.SESSION_ENGINE)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bondwell.settings", "DEBUG": "1", **env},
    )


def test_cache_and_sessions_are_chosen_by_the_environment() -> None:
    default = _settings_in_a_new_process()
    assert default.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache",
                                      "django.contrib.sessions.backends.db"]
    shared = _settings_in_a_new_process(BONDWELL_CACHE_URL="redis://127.0.0.1:6379/15",
                                        BONDWELL_SESSION_STORE="cache")
    assert shared.stdout.split() == ["django.core.cache.backends.redis.RedisCache",
                                     "django.contrib.sessions.backends.cache"]
    database = _settings_in_a_new_process(BONDWELL_CACHE_URL="db://")
    assert database.stdout.split()[0] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.parametrize(("env", "named"), [
    ({"BONDWELL_CACHE_URL": "memcached://x"}, "BONDWELL_CACHE_URL"),
    ({"BONDWELL_SESSION_STORE": "file"}, "BONDWELL_SESSION_STORE"),
    ({"BONDWELL_SESSION_STORE": "cache"}, "BONDWELL_SESSION_STORE=cache needs a shared BONDWELL_CACHE_URL"),
])
def test_a_wrong_store_stops_start_up_naming_the_variable(env: dict[str, str], named: str) -> None:
    done = _settings_in_a_new_process(**env)
    assert done.returncode != 0
    assert named in done.stderr


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_a_session_written_by_one_process_is_read_by_another_through_redis() -> None:
    env = {"BONDWELL_CACHE_URL": "redis://127.0.0.1:6379/15", "BONDWELL_SESSION_STORE": "cache"}
    write = (
        "import django; django.setup(); from django.contrib.sessions.backends.cache import SessionStore; "
        "s = SessionStore(); s['who'] = 'mother-42'; s.save(); print(s.session_key)"
    )
    read = (
        "import django, sys; django.setup(); from django.contrib.sessions.backends.cache import SessionStore; "
        "print(SessionStore(session_key=sys.argv[1]).get('who'))"
    )
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "bondwell.settings", "DEBUG": "1", **env}
    key = subprocess.run([sys.executable, "-c", write], capture_output=True, text=True, env=base,
                         timeout=120, check=True).stdout.strip()
    seen = subprocess.run([sys.executable, "-c", read, key], capture_output=True, text=True, env=base,
                          timeout=120, check=True).stdout.strip()
    assert seen == "mother-42"
