"""One harness for the concurrency tests: run calls in threads that start at the same moment.

Each call runs in its own thread (so on its own database connection), all of them released together by a
barrier; each thread closes its connections when done. The first failure is raised in the test's own thread
with its traceback, and results come back in the order of the calls.

    counts = run_together([lambda: escalate_overdue(later)] * 4)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connections

T = TypeVar("T")


def run_together(calls: Sequence[Callable[[], T]], *, timeout: float = 30) -> list[T]:
    """Run every call at once, each in its own thread; their results in order, or the first failure raised."""
    barrier = threading.Barrier(len(calls))
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = call()
        except BaseException as error:  # raised again in the test's thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        raise AssertionError(f"{stuck} of {len(threads)} threads still running after {timeout} s")
    if errors:
        raise errors[0]
    return [results[i] for i in range(len(calls))]
