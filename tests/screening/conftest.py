"""Screening fixtures: a real SMTP server on loopback that can be stopped and started, text packs, a clock."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

PLACEHOLDER_PACK = Path(__file__).parents[1] / "fixtures" / "instruments" / "epds-placeholder-pack.yaml"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # Argon2 is what production uses; here it would only slow down making the test world on a busy machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_text_packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """By default no licensed wording is installed (mothers get the PHQ-9), whatever the machine holds."""
    folder = tmp_path / "text-packs"
    folder.mkdir()
    monkeypatch.setenv("BONDWELL_TEXT_DIR", str(folder))
    return folder


@pytest.fixture
def epds_pack(no_text_packs: Path) -> Path:
    """The test-only EPDS pack (placeholder wording, real scoring key) installed: mothers get the EPDS."""
    shutil.copy(PLACEHOLDER_PACK, no_text_packs / "epds.yaml")
    return no_text_packs


class Inbox:
    """Messages an SMTP server on 127.0.0.1 accepted, and the switch to take it down and bring it back."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]

    def ids(self) -> list[str]:
        with self.lock:
            return [str(m["X-Bondwell-Notification"]) for m in self.messages]


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """Django sends through a real SMTP server on loopback (started here; `stop()` simulates an outage)."""
    inbox = Inbox()
    inbox.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = inbox.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    inbox.stop()
