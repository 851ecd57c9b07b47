"""The instruments package's own example runs as written, so its docstring cannot drift from the API."""

from __future__ import annotations

import doctest

import bondwell.instruments


def test_the_package_example_runs_as_written() -> None:
    result = doctest.testmod(bondwell.instruments, verbose=False)
    assert result.attempted >= 4
    assert result.failed == 0
