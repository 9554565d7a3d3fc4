"""A real gunicorn server on a temporary database, and plain HTTP clients that keep cookies.

The reliability tests drive the app the way browsers do, over sockets, so
that several processes write to one SQLite file and can be killed mid-write.
"""
from __future__ import annotations

import contextlib
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from gunicorn.config import KNOWN_SETTINGS

from surveyapp.accounts.users import create_user
from surveyapp.assessments.rounds import create_round
from surveyapp.cli.main import prepare_database
from surveyapp.frameworks.registry import latest_version_key
from surveyapp.storage.db import connect, write_transaction

PROJECT = Path(__file__).resolve().parents[2]
FRAMEWORKS = PROJECT / "frameworks"
PASSWORD = "correct horse battery staple"
SECRET_KEY = "reliability-test-secret"
GUNICORN_SETTINGS = {setting.name for setting in KNOWN_SETTINGS}
# Everything a broken connection can look like from the client's side.
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


# --- the database ---------------------------------------------------------------------------

def seed(path: Path, users: int, orgs_per_user: int) -> dict:
    """Create a database with one open round and service leads with organisations.

    Returns {"round_id": id, "people": [(email, [org ids])]}. The password is
    hashed once and shared, because scrypt for every person would dominate.
    """
    db = connect(path)
    try:
        assert prepare_database(db, str(FRAMEWORKS)) == []
        round_id = create_round(db, latest_version_key(db, "strategic-planning"), "Reliability round")
        people, password_hash = [], None
        with write_transaction(db):
            for u in range(users):
                orgs = [db.execute("INSERT INTO organisations (name, area, sector) VALUES (?, ?, ?)",
                                   [f"Service {u}-{k} (fictional)", "Dundee City", "Third sector"]).lastrowid
                        for k in range(orgs_per_user)]
                email = f"lead{u}@example.org"
                if password_hash is None:
                    user_id = create_user(db, email, f"Lead {u}", "service_lead", PASSWORD, orgs)
                    password_hash = db.execute("SELECT password_hash FROM users WHERE id = ?",
                                               [user_id]).fetchone()[0]
                else:
                    user_id = create_user(db, email, f"Lead {u}", "service_lead", None, orgs)
                    db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, user_id])
                people.append((email, orgs))
        return {"round_id": round_id, "people": people}
    finally:
        db.close()


def stored_rows(conn, response_id: int, domain_id: str) -> set[tuple]:
    """Return a domain's stored answers as comparable tuples."""
    return set(conn.execute(
        "SELECT indicator_id, value, option, text, comment FROM answers "
        "WHERE response_id = ? AND domain_id = ?", [response_id, domain_id]).fetchall())


def response_ids(conn, round_id: int) -> dict[tuple[str, int], int]:
    """Map (respondent, organisation id) to response id for a round."""
    return {(r, o): i for i, r, o in conn.execute(
        "SELECT id, respondent, organisation_id FROM responses WHERE round_id = ?", [round_id])}


def assert_sound(conn) -> None:
    """Assert the file passes SQLite's own checks and holds no half-written page."""
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # answers for a domain never exist without the domain's status row, and the reverse for
    # completed domains: a page save writes both in one transaction or neither
    orphans = conn.execute(
        "SELECT a.response_id, a.domain_id FROM answers a LEFT JOIN domain_status s "
        "ON s.response_id = a.response_id AND s.domain_id = a.domain_id WHERE s.domain_id IS NULL"
    ).fetchall()
    assert orphans == [], f"answers without a domain status: {orphans[:5]}"


# --- answers --------------------------------------------------------------------------------

COMMENTS = [None, "Board minutes, March", "Ça va – naïve café ✓ “quoted”", "Line one\r\nLine two"]


def answers_for(domain, seed_text: str) -> dict[str, str]:
    """Make a complete, valid set of form fields for a domain, the same for the same seed."""
    rng = random.Random(seed_text)
    fields = {}
    for ind in domain.indicators:
        if ind.type == "rating":
            # the indicator's own scale: a framework version may offer other options (or N/A on some items)
            fields[ind.id] = rng.choice([f"{lv.value:g}" for lv in ind.scale.levels]
                                        + [f"opt:{o.key}" for o in ind.scale.options])
        elif ind.type in ("choice", "yesno"):
            fields[ind.id] = rng.choice([c.key for c in ind.choices])
        elif ind.type == "number":
            fields[ind.id] = str(rng.randint(0, 50))
        else:
            fields[ind.id] = f"Plan reviewed {rng.randint(1, 999)} times"
        comment = rng.choice(COMMENTS)
        if ind.evidence != "none" and comment:
            fields[ind.id + "__comment"] = comment
    return fields


def expected_rows(domain, fields: dict[str, str]) -> set[tuple]:
    """Return the rows a save of these form fields must leave in the answers table."""
    rows = set()
    for ind in domain.indicators:
        raw = fields.get(ind.id)
        # browsers send CRLF; the form keeps it as typed
        comment = fields.get(ind.id + "__comment") or None
        value = option = text = None
        if ind.type == "rating":
            if raw.startswith("opt:"):
                option = raw[4:]
            else:
                value = float(raw)
        elif ind.type in ("choice", "yesno"):
            option = raw
        elif ind.type == "number":
            value = float(raw)
        else:
            text = raw
        rows.add((ind.id, value, option, text, comment))
    return rows


def prefill(path: Path, round_id: int, framework, people, domains) -> dict[tuple[str, int], int]:
    """Store drafts with the given domains completed, in one transaction; return response ids."""
    db = connect(path)
    try:
        with write_transaction(db):
            for email, orgs in people:
                for org in orgs:
                    response_id = db.execute(
                        "INSERT INTO responses (round_id, organisation_id, respondent) VALUES (?, ?, ?)",
                        [round_id, org, email]).lastrowid
                    for domain in domains:
                        rows = expected_rows(domain, answers_for(domain, f"{email}/{org}/{domain.id}"))
                        db.conn.executemany(
                            "INSERT INTO answers (response_id, indicator_id, domain_id, value, option, "
                            "text, comment) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(response_id, i, domain.id, v, o, t, c) for i, v, o, t, c in rows])
                        db.execute("INSERT INTO domain_status (response_id, domain_id, status) "
                                   "VALUES (?, ?, 'completed')", [response_id, domain.id])
        return response_ids(db.conn, round_id)
    finally:
        db.close()


# --- the server -----------------------------------------------------------------------------

def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing is listening on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(db_path: Path, port: int, workers: int, log: Path, preload: bool = False):
    """Start gunicorn serving wsgi:app on 127.0.0.1:port, in its own process group."""
    env = {**os.environ, "SURVEYAPP_DATABASE": str(db_path), "SURVEYAPP_SECRET_KEY": SECRET_KEY,
           "SURVEYAPP_FRAMEWORKS": str(FRAMEWORKS), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "5"]
    if preload:
        command.append("--preload")
    if "control_socket_disable" in GUNICORN_SETTINGS:
        # gunicorn 25.1+ opens one control socket per user; parallel servers must not share it
        command.append("--no-control-socket")
    with open(log, "ab") as err:
        proc = subprocess.Popen(command + ["wsgi:app"], cwd=PROJECT, env=env, stdout=err, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    wait_until_serving(proc, port, log)
    return proc


def wait_until_serving(proc, port: int, log: Path, timeout: float = 30) -> None:
    """Wait for the sign-in page to answer; fail with the server's log if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"gunicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if Browser(port, timeout=2).get("/sign-in").status == 200:
                return
        except CONNECTION_ERRORS:
            pass
        time.sleep(0.05)
    raise AssertionError(f"gunicorn did not start within {timeout}s:\n{log.read_text()[-3000:]}")


def workers_of(proc) -> list[int]:
    """Return the pids of a gunicorn master's worker processes."""
    try:
        text = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(pid) for pid in text.split()]


def kill_server(proc) -> None:
    """SIGKILL the whole server, master and workers, as a crash would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def stop_server(proc) -> None:
    """Stop gunicorn gracefully by its pid, killing it if it will not stop."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        kill_server(proc)


# --- the clients ----------------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    location: str
    body: str


class Browser:
    """One person's browser: keeps its cookies and speaks plain HTTP/1.1, one connection a request."""

    def __init__(self, port: int, timeout: float = 60):
        self.port, self.timeout, self.cookies = port, timeout, {}

    def get(self, path: str) -> Reply:
        """GET a page without following redirects."""
        return self.request("GET", path)

    def post(self, path: str, fields: dict) -> Reply:
        """POST form fields without following redirects."""
        return self.request("POST", path, urlencode(list(fields.items())).encode())

    def request(self, method: str, path: str, body: bytes | None = None) -> Reply:
        """Send one request and keep any cookies the reply sets."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=headers)
            reply = conn.getresponse()
            text = reply.read().decode("utf-8", "replace")
            for header in reply.headers.get_all("Set-Cookie") or ():
                self._keep(header)
            return Reply(reply.status, reply.headers.get("Location", ""), text)
        finally:
            conn.close()

    def _keep(self, header: str) -> None:
        """Store or forget one cookie from a Set-Cookie header."""
        name, _, value = header.split(";", 1)[0].partition("=")
        lowered = header.lower()
        if "max-age=0" in lowered or "expires=thu, 01 jan 1970" in lowered:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value.strip()

    def sign_in(self, email: str) -> None:
        """Sign in once through the real form."""
        page = self.get("/sign-in")
        reply = self.post("/sign-in", {"email": email, "password": PASSWORD,
                                       "csrf_token": csrf_from(page.body)})
        assert reply.status == 302, f"sign-in for {email} gave {reply.status}"


def csrf_from(html: str) -> str:
    """Pull the CSRF token out of a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def version_from(html: str) -> str:
    """Pull the draft's version out of a domain page."""
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "page has no version field"
    return match.group(1)
