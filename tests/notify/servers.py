"""Real servers on 127.0.0.1 for delivery tests: an SMS provider speaking Twilio's Messages API and an SMTP server.

Both can be taken down and brought back (the port stays the same), and the SMTP server can be made slow.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

ACCOUNT = "AC0123456789abcdef0123456789abcdef"
TOKEN = "test-auth-token"
SENDER = "+61400000999"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Text:
    to: str
    body: str
    key: str


class FakeSmsProvider:
    """Twilio's POST /2010-04-01/Accounts/{sid}/Messages.json: checks the credentials, answers 201 with a sid.

    `delivered` holds each text once per Idempotency-Key (what the recipient's phone shows); `requests` every
    request received. Numbers in `refused` get Twilio's 400 "invalid To number" (code 21211).
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.requests: list[Text] = []
        self.delivered: list[Text] = []
        self.refused: set[str] = set()
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.on_request: Any = None  # called with the Text before answering (a test may kill the sender here)

    def settings(self) -> dict[str, Any]:
        return {
            "kind": "twilio", "endpoint": f"http://127.0.0.1:{self.port}", "account": ACCOUNT, "token": TOKEN,
            "sender": SENDER, "timeout": 5.0, "idempotent": True,
        }

    def url(self) -> str:
        return f"twilio+http://{ACCOUNT}:{TOKEN}@127.0.0.1:{self.port}/?from=%2B61400000999&timeout=5"

    def start(self) -> None:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                expected = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
                if self.path != f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json":
                    return self._answer(404, {"code": 20404, "message": "not found"})
                if self.headers.get("Authorization") != expected:
                    return self._answer(401, {"code": 20003, "message": "Authenticate"})
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                text = Text(form.get("To", ""), form.get("Body", ""), self.headers.get("Idempotency-Key", ""))
                with provider.lock:
                    provider.requests.append(text)
                if text.to in provider.refused:
                    return self._answer(400, {"code": 21211, "message": f"The 'To' number {text.to} is not valid."})
                with provider.lock:
                    if not text.key or all(d.key != text.key for d in provider.delivered):
                        provider.delivered.append(text)
                if provider.on_request is not None:
                    provider.on_request(text)
                self._answer(201, {"sid": f"SM{abs(hash(text.key)):032d}"[:34], "status": "queued"})

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender was killed while waiting for the answer (the kill -9 test)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def to(self, number: str) -> list[Text]:
        with self.lock:
            return [t for t in self.delivered if t.to == number]


class Inbox:
    """An SMTP server on 127.0.0.1 (aiosmtpd) that can be stopped, started and slowed down."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.delay = 0.0
        self.controller: Any = None
        self.receiving = threading.Event()  # set when the first message starts arriving

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.endswith(".invalid"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.receiving.set()
        if self.delay:
            time.sleep(self.delay)  # blocks this SMTP server's loop, as a slow relay would
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


def serve_smtp(settings: Any) -> Iterator[Inbox]:
    """For an `smtp` fixture: Django sends through a real SMTP server on loopback (`stop()` simulates an outage)."""
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
