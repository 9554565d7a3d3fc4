"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd), that can be told to refuse."""
from __future__ import annotations

import asyncio
import itertools
import threading
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

# issue 20's ports are 22000-22099; each server takes the next, so a closing one never collides
_PORTS = itertools.cycle(range(22010, 22100))


def free_port() -> int:
    """Return the next port in this issue's range."""
    return next(_PORTS)


class Recorder:
    """Keep every message accepted; give the replies queued in `refuse` first, one per message."""

    def __init__(self):
        self.messages = []
        self.refuse: list[str] = []
        self.delay = 0.0  # seconds between taking a message and saying 250: a window to kill a sender in
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse:
                return self.refuse.pop(0)
            self.messages.append(message_from_bytes(envelope.original_content or envelope.content, policy=default))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


class SmtpServer:
    """Start and stop an aiosmtpd server on a fixed port, so a test can take it down and up again."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.recorder = Recorder()
        self.controller = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.recorder.messages


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()
