"""The worker loop: every configured job runs each tick, and one failing job does not stop the others."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bondwell import worker

calls: list[str] = []


def good_job(now: datetime) -> int:
    calls.append("good")
    return 3


def broken_job(now: datetime) -> int:
    calls.append("broken")
    raise RuntimeError("mail server unreachable")


def test_a_failing_job_is_logged_and_the_next_job_still_runs(settings: Any, db: None, caplog: Any) -> None:
    calls.clear()
    settings.BONDWELL_WORKER_JOBS = ["tests.web.test_worker.broken_job", "tests.web.test_worker.good_job"]
    handled = worker.run_once()
    assert calls == ["broken", "good"]
    assert handled == {"tests.web.test_worker.broken_job": -1, "tests.web.test_worker.good_job": 3}
    assert "will run again" in caplog.text
