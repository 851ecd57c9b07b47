"""Evidence fixtures: the shipped studies in the database, and a valid study as a researcher would type it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # The shared world creates a dozen users; Argon2 makes that the slowest part of these tests by far.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shipped(db: None) -> None:
    # The data migration loads them, but a transactional (browser) test flushes the tables; syncing again is
    # idempotent, so every test starts from the shipped file whatever ran before it.
    from bondwell.evidence.shipped import sync

    sync()


def arms(rows: Sequence[Any]) -> dict[str, Any]:
    """escalc's SMD columns from PoolRow-like rows (massage arm first)."""
    return {
        "m1i": [r.mean_massage for r in rows], "sd1i": [r.sd_massage for r in rows],
        "n1i": [float(r.n_massage) for r in rows], "m2i": [r.mean_control for r in rows],
        "sd2i": [r.sd_control for r in rows], "n2i": [float(r.n_control) for r in rows],
    }  # fmt: skip


def valid_study(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "short_label": "Testwell 2025",
        "citation": "Testwell A, Example B. A trial of infant massage. J Example. 2025;1:1-9.",
        "doi": "10.9999/testwell.2025",
        "year": "2025",
        "design": "rct",
        "country": "Ireland",
        "pnd_definition": "EPDS >= 12 at 6 weeks",
        "dose": "6 weekly classes, daily home massage",
        "comparator": "routine care",
        "time_point": "end of the 6-week course",
        "n_massage": "40",
        "mean_massage": "8.0",
        "sd_massage": "3.0",
        "n_control": "40",
        "mean_control": "11.0",
        "sd_control": "3.5",
        "source": "Table 2",
    }
    data.update(overrides)
    return data
