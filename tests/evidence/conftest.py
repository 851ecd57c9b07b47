"""Evidence fixtures: fast password hashing, and the shipped review as the data migration publishes it."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shipped(db: None) -> Any:
    # A transactional (browser) test flushes the tables; loading again is idempotent.
    from bondwell.evidence.models import Record, Review, ReviewVersion
    from bondwell.evidence.shipped import load_shipped_review

    return load_shipped_review(Review, Record, ReviewVersion)
