"""The concurrency harness itself: calls start together, results keep their order, a failure is not lost."""

from __future__ import annotations

import threading

import pytest

from tests.threads import run_together


def test_calls_start_together_and_results_keep_their_order() -> None:
    inside = threading.Barrier(3)  # would time out unless all three run at the same time

    def call(n: int) -> int:
        inside.wait(timeout=5)
        return n * n

    assert run_together([lambda n=n: call(n) for n in range(3)]) == [0, 1, 4]


def test_the_first_failure_is_raised_in_the_tests_thread() -> None:
    def fails() -> int:
        raise LookupError("taken twice")

    with pytest.raises(LookupError, match="taken twice"):
        run_together([lambda: 1, fails])
