"""Reset-request timing: does POST /password-reset answer as fast for an unknown address as for a known one?

Issue 20 measured 12 ms for a known address and 6 ms for an unknown one: the
answer's timing told whether an account exists. This runs the app under
gunicorn (2 sync workers, 127.0.0.1, ports 22000-22099), creates N accounts,
then alternates reset requests for a known address and an unknown one (each
address used once, so the three-an-hour limit never applies), timing each
from sending the request to reading the last byte of the answer. It waits
a little between requests, so work done after an answer (the reset link
made once the response has gone) does not fall on the next request.

Run: python -m bench.reset_timing [--requests 400] [--project DIR]
(--project runs another checkout's code, e.g. a worktree of main, for the before figures.)
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from .common import PROJECT

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SETUP = """
import sys
from surveyapp.cli.main import prepare_database
from surveyapp.storage.db import connect, write_transaction
from surveyapp.accounts.users import create_user
db = connect(sys.argv[1])
assert prepare_database(db, sys.argv[3]) == []
with write_transaction(db):
    for i in range(int(sys.argv[2])):
        create_user(db, f"known{i}@example.org", f"Known {i}", "service_lead")
"""


def start(project: Path, database: Path, port: int, log: Path) -> subprocess.Popen:
    """Run gunicorn on the project's wsgi:app and wait until it answers."""
    env = {**os.environ, "PYTHONPATH": str(project), "SURVEYAPP_DATABASE": str(database),
           "SURVEYAPP_SECRET_KEY": "bench-" + "k" * 40}
    process = subprocess.Popen([GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "sync",
                                "--log-level", "warning", "wsgi:app"], cwd=project, env=env,
                               stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/password-reset")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn did not start: see {log}")


def session(port: int) -> tuple[str, str]:
    """GET the form once; return the session cookie and the CSRF token to post with."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/password-reset")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    return cookie, token.group(1)


def ask(port: int, cookie: str, token: str, email: str) -> float:
    """POST one reset request; return the milliseconds until the whole answer has been read."""
    body = urlencode({"email": email, "csrf_token": token})
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.connect()  # the TCP handshake is not part of the answer's time
    started = time.perf_counter()
    conn.request("POST", "/password-reset", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    assert response.status == 200, response.status
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests of each kind")
    parser.add_argument("--project", type=Path, default=PROJECT)
    parser.add_argument("--port", type=int, default=22001)
    parser.add_argument("--pause", type=float, default=0.03, help="seconds between requests")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="reset-timing-"))
    database = folder / "reset.sqlite"
    subprocess.run([sys.executable, "-c", SETUP, str(database), str(args.requests + 50),
                    str(args.project / "frameworks")], cwd=args.project, check=True,
                   env={**os.environ, "PYTHONPATH": str(args.project)})
    process = start(args.project, database, args.port, folder / "gunicorn.log")
    try:
        cookie, token = session(args.port)
        for i in range(20):  # warm both workers: templates, prepared statements
            ask(args.port, cookie, token, f"warm{i}@example.org")
            ask(args.port, cookie, token, f"known{args.requests + i}@example.org")
            time.sleep(args.pause)
        known, unknown = [], []
        for i in range(args.requests):
            pair = [(known, f"known{i}@example.org"), (unknown, f"nobody{i}@example.org")]
            for times, email in pair if i % 2 else reversed(pair):  # alternate which goes first
                times.append(ask(args.port, cookie, token, email))
                time.sleep(args.pause)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    k, u = statistics.median(known), statistics.median(unknown)
    q = lambda xs: statistics.quantiles(xs, n=10)[-1]  # noqa: E731
    print(f"project {args.project}, {args.requests} requests of each kind, gunicorn 2 sync workers")
    print(f"known address:   median {k:.2f} ms, p90 {q(known):.2f} ms")
    print(f"unknown address: median {u:.2f} ms, p90 {q(unknown):.2f} ms")
    print(f"difference of medians: {k - u:+.2f} ms (target: within 1 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
