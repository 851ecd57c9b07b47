"""Screening fixtures: a real SMTP server on loopback (tests.notify.servers), text packs, a clock."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.notify.servers import Inbox, serve_smtp

PLACEHOLDER_PACK = Path(__file__).parents[1] / "fixtures" / "instruments" / "epds-placeholder-pack.yaml"


@pytest.fixture
def empty_cache() -> Iterator[None]:
    """The cache emptied around a test that counts what a cached page or audit does (the queue's live rows)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # Argon2 is what production uses; here it would only slow down making the test world on a busy machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_text_packs(tmp_path: Path, settings: Any) -> Path:
    """By default no licensed wording is installed (mothers get the PHQ-9), whatever the machine holds."""
    folder = tmp_path / "text-packs"
    folder.mkdir()
    settings.BONDWELL_TEXT_DIR = folder
    return folder


@pytest.fixture
def epds_pack(no_text_packs: Path) -> Path:
    """The test-only EPDS pack (placeholder wording, real scoring key) installed: mothers get the EPDS."""
    shutil.copy(PLACEHOLDER_PACK, no_text_packs / "epds.yaml")
    return no_text_packs


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """Django sends through a real SMTP server on loopback (started here; `stop()` simulates an outage)."""
    yield from serve_smtp(settings)
