"""SQLite's write transactions queue on one lock per process (bondwell.sqlite_backend, issue 18): a second
writer waits for the first to commit or roll back instead of polling SQLite's busy handler, and nothing that
ends a transaction (commit, rollback, close) keeps the lock."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from bondwell.sqlite_backend import base


@pytest.fixture(autouse=True)
def own_databases(django_db_blocker: Any) -> Any:
    """These tests open their own SQLite files, outside the test database."""
    with django_db_blocker.unblock():
        yield


def wrapper(path: Path, alias: str) -> Any:
    settings = {
        "ENGINE": "bondwell.sqlite_backend", "NAME": str(path),
        "OPTIONS": {"timeout": 5, "transaction_mode": "IMMEDIATE"}, "ATOMIC_REQUESTS": False, "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "TIME_ZONE": None, "USER": "", "PASSWORD": "", "HOST": "",
        "PORT": "", "TEST": {},
    }
    return base.DatabaseWrapper(settings, alias)


def test_a_second_writer_waits_for_the_first_to_commit_then_writes(tmp_path: Path) -> None:
    first, order = wrapper(tmp_path / "q.sqlite3", "first"), []
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    first._start_transaction_under_autocommit()
    first.cursor().execute("INSERT INTO t VALUES (1)")

    def second_writer() -> None:
        second = wrapper(tmp_path / "q.sqlite3", "second")
        second.ensure_connection()  # as atomic() does before it begins
        second._start_transaction_under_autocommit()
        order.append("second began")
        second.cursor().execute("INSERT INTO t VALUES (2)")
        second.commit()
        second.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.3)
    order.append("first commits")
    first.commit()
    thread.join(timeout=10)
    assert order == ["first commits", "second began"]
    with first.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert [r[0] for r in cursor.fetchall()] == [1, 2]
    first.close()
    assert base._WRITERS.acquire(blocking=False)
    base._WRITERS.release()


def test_rollback_and_close_give_the_lock_back(tmp_path: Path) -> None:
    db = wrapper(tmp_path / "r.sqlite3", "r")
    db.ensure_connection()
    db._start_transaction_under_autocommit()
    assert not base._WRITERS.acquire(blocking=False)
    db.rollback()
    assert base._WRITERS.acquire(blocking=False)
    base._WRITERS.release()
    db.ensure_connection()
    db._start_transaction_under_autocommit()
    db.close()
    assert base._WRITERS.acquire(blocking=False)
    base._WRITERS.release()


def test_another_process_holding_the_file_lock_makes_a_writer_wait(tmp_path: Path) -> None:
    """The processes sharing a database file queue on `<file>.writers` (another open file description here
    stands for another process: flock locks conflict between them)."""
    import fcntl
    import os

    path = tmp_path / "p.sqlite3"
    db = wrapper(path, "p")
    db.ensure_connection()
    other = os.open(f"{path}.writers", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(other, fcntl.LOCK_EX)
    released: list[float] = []

    def release_later() -> None:
        time.sleep(0.3)
        released.append(time.monotonic())
        fcntl.flock(other, fcntl.LOCK_UN)

    thread = threading.Thread(target=release_later)
    thread.start()
    db._start_transaction_under_autocommit()
    began = time.monotonic()
    thread.join()
    assert released
    assert began >= released[0]
    with pytest.raises(BlockingIOError):  # held by the transaction now
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    db.commit()
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # given back at commit
    fcntl.flock(other, fcntl.LOCK_UN)
    os.close(other)
    db.close()
