"""Start and stop gunicorn on a free loopback port, for the app and for the bare baseline."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .common import PROJECT

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
WORKERS = 4


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, path: str, seconds: float = 60) -> None:
    """Poll until the server answers `path`, or give up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                conn.close()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not come up")


@dataclass(frozen=True)
class Server:
    """A running gunicorn: its port and the master's process id."""
    port: int
    pid: int


@contextmanager
def gunicorn(app: str, env: dict, log: Path, ready_path: str, workers: int = WORKERS):
    """Run `gunicorn app` with sync workers on a free port for the duration of the block; yield its port and pid."""
    port = free_port()
    command = [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--worker-class", "sync", "--backlog", "2048", "--timeout", "120",
               "--log-level", "warning", app]
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=PROJECT, env={**os.environ, **env},
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_until_up(port, ready_path)
            yield Server(port, process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
