"""Django's SQLite backend, with the write transactions of one process queued on one lock.

SQLite has one writer. Bondwell opens every transaction with BEGIN IMMEDIATE (settings.py), and a transaction
that finds the database locked waits in SQLite's busy handler, which sleeps and polls (1, 2, 5, 10 … 100 ms):
under load the write lock is often free while every waiting thread is still asleep, and a request's time goes to
polling rather than work (issue 18: the mother's submit flow, all write transactions, ran at a fifth of a
read-only view). Here the threads of one server process take a process-wide lock before BEGIN and give it back
at COMMIT or ROLLBACK, so they queue and are woken the moment it is free; only the processes poll each other.

A thread that waits longer than the connection's busy timeout goes ahead without the lock and lets SQLite
decide, as before (nothing can deadlock on it). Statements outside a transaction (autocommit) are not queued.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.backends.sqlite3 import base

_WRITERS = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):  # type: ignore[misc]
    _holds_writer_lock = False

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        self._writer_wait = float(params.get("timeout", 5))
        return params

    def _start_transaction_under_autocommit(self) -> None:
        if not self._holds_writer_lock:
            self._holds_writer_lock = _WRITERS.acquire(timeout=getattr(self, "_writer_wait", 5.0))
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_writer_lock()
            raise

    def _release_writer_lock(self) -> None:
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
