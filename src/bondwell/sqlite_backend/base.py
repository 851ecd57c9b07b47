"""Django's SQLite backend, with write transactions queued instead of polling SQLite's busy handler.

SQLite has one writer. Bondwell opens every transaction with BEGIN IMMEDIATE (settings.py), and a transaction
that finds the database locked waits in SQLite's busy handler, which sleeps and polls (1, 2, 5, 10 … 100 ms):
under load the write lock is often free while every waiting thread is still asleep, and a request's time goes to
waiting rather than work (issue 18: the mother's submit flow, all write transactions, ran at a fifth of a
read-only view). Here a transaction first takes two locks, given back at COMMIT, ROLLBACK or close:

- a lock per process, so that the threads of one server process queue and are woken the moment it is free;
- for a database file, an OS lock on `<database>.writers` beside it (flock), so that the processes (the web
  server's workers, the worker) queue the same way; the thread at the head of its process's queue polls it
  every 0.5-2 ms instead of SQLite's up to 100 ms.

A transaction that waits longer than the connection's busy timeout for either goes ahead without it and lets
SQLite decide, as before: nothing can deadlock on these locks. Statements outside a transaction (autocommit) are
not queued, nor is an in-memory database across processes.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from typing import Any

from django.db.backends.sqlite3 import base

_WRITERS = threading.Lock()
_FILES: dict[str, int] = {}  # the lock file of each database file, opened once per process
_FILES_LOCK = threading.Lock()


def _lock_file(name: str) -> int | None:
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    with _FILES_LOCK:
        if name not in _FILES:
            try:
                _FILES[name] = os.open(f"{name}.writers", os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                return None
        return _FILES[name]


class DatabaseWrapper(base.DatabaseWrapper):  # type: ignore[misc]
    _holds_writer_lock = False
    _holds_file_lock: int | None = None

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        self._writer_wait = float(params.get("timeout", 5))
        return params

    def _start_transaction_under_autocommit(self) -> None:
        if not self._holds_writer_lock:
            deadline = time.monotonic() + getattr(self, "_writer_wait", 5.0)
            self._holds_writer_lock = _WRITERS.acquire(timeout=max(0.0, deadline - time.monotonic()))
            if self._holds_writer_lock:
                self._take_file_lock(deadline)
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_writer_lock()
            raise

    def _take_file_lock(self, deadline: float) -> None:
        handle = _lock_file(str(self.settings_dict["NAME"]))
        if handle is None:
            return
        pause = 0.0005
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return
                time.sleep(pause)
                pause = min(pause * 2, 0.002)
            else:
                self._holds_file_lock = handle
                return

    def _release_writer_lock(self) -> None:
        if self._holds_file_lock is not None:
            handle, self._holds_file_lock = self._holds_file_lock, None
            fcntl.flock(handle, fcntl.LOCK_UN)
        if self._holds_writer_lock:
            self._holds_writer_lock = False
            _WRITERS.release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._release_writer_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._release_writer_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._release_writer_lock()
