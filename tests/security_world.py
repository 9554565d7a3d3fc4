"""A small world of organisations, people and responses for the permission and hostile-input tests.

Organisation A is in Dundee City, B in Angus, C in Perth and Kinross. One
person of each role signs in; sessions are made directly in the database so
hundreds of requests do not each pay for a password hash.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from itsdangerous import URLSafeTimedSerializer

from surveyapp.accounts.outbox import queue_message
from surveyapp.accounts.sessions import start_session
from surveyapp.accounts.tokens import INVITATION, PASSWORD_RESET, issue_token
from surveyapp.accounts.users import create_user, hash_password, set_password_hash
from surveyapp.assessments.responses import Answer, save_domain, start_response, submit_response
from surveyapp.assessments.rounds import create_round
from surveyapp.cli.main import prepare_database
from surveyapp.frameworks.registry import get_framework, latest_version_key
from surveyapp.storage.db import connect
from surveyapp.web.timed_out_saves import keep_form

from .conftest import PASSWORD, PROJECT

ROLES = ("anonymous", "lead_a", "lead_b", "facilitator_dundee", "facilitator_all",
         "commissioner_dundee", "admin")
ORG_NAMES = {
    "A": "Alpha Harbour Recovery Service (fictional)",
    "B": "Beta Glens Outreach Project (fictional)",
    "C": "Gamma Carse Advice Centre (fictional)",
}
ORG_AREAS = {"A": "Dundee City", "B": "Angus", "C": "Perth and Kinross"}
# Organisation names each role must never be shown, on any page.
NEVER_SHOWN = {
    "lead_a": ("B",), "lead_b": ("A",), "facilitator_dundee": ("B",), "commissioner_dundee": ("B",),
}


@dataclass
class World:
    app: object
    orgs: dict = field(default_factory=dict)           # "A" -> id
    users: dict = field(default_factory=dict)          # role -> id
    round_open: int = 0                                # drafts for A and B
    round_done: int = 0                                # submitted responses for A and B
    drafts: dict = field(default_factory=dict)         # "A" -> response id
    submitted: dict = field(default_factory=dict)      # "A" -> response id
    domain_id: str = ""
    spare_user: int = 0
    message_id: int = 0
    invitation: str = ""
    reset: str = ""
    kept_token: str = ""
    sessions: dict = field(default_factory=dict)       # role -> a live session id, reused

    def db(self):
        """Open a connection to the world's database."""
        return connect(self.app.config["DATABASE"])


@lru_cache(maxsize=1)
def password_hash() -> str:
    """Hash the test password once for every user the tests create."""
    return hash_password(PASSWORD)


def add_user(db, email: str, role: str, organisations=(), areas=(), name: str = "Test Person") -> int:
    """Create a user who can sign in with PASSWORD, without hashing again."""
    user_id = create_user(db, email, name, role, None, organisations, areas)
    set_password_hash(db, user_id, password_hash())
    return user_id


_TEMPLATES: dict[str, Path] = {}


def _template_database() -> Path:
    """Migrate a database and register the frameworks once; later apps start from a copy."""
    if "db" not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="surveyapp-template-",
                                       dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "template.sqlite"
        db = connect(path)
        assert prepare_database(db, str(PROJECT / "frameworks")) == []
        db.close()  # the last connection to close folds the WAL back into the file
        _TEMPLATES["db"] = path
    return _TEMPLATES["db"]


def make_app(tmp_dir, **config):
    """Create an app on a fresh database in tmp_dir: migrated, frameworks registered, nothing else."""
    from surveyapp import create_app

    database = Path(tmp_dir) / "world.sqlite"
    shutil.copyfile(_template_database(), database)
    return create_app({
        "TESTING": True, "DATABASE": str(database), "SECRET_KEY": "test-secret-key",
        "FRAMEWORKS_DIR": str(PROJECT / "frameworks"), **config,
    })


def build_world(tmp_dir) -> World:
    """Create the organisations, people, rounds, responses and links every walk uses."""
    world = World(app=make_app(tmp_dir))
    db = world.db()
    for key, name in ORG_NAMES.items():
        world.orgs[key] = db.execute("INSERT INTO organisations (name, area, sector) VALUES (?, ?, ?)",
                                     [name, ORG_AREAS[key], "Third sector"]).lastrowid
    people = {
        "lead_a": ("service_lead", [world.orgs["A"]], []),
        "lead_b": ("service_lead", [world.orgs["B"]], []),
        "facilitator_dundee": ("facilitator", [], ["Dundee City"]),
        "facilitator_all": ("facilitator", [], ["*"]),
        "commissioner_dundee": ("commissioner", [], ["Dundee City"]),
        "admin": ("admin", [], []),
    }
    for role, (kind, orgs, areas) in people.items():
        world.users[role] = add_user(db, f"{role.replace('_', '.')}@example.org", kind, orgs, areas,
                                     name=f"Person {role}")
    world.spare_user = add_user(db, "spare@example.org", "service_lead", [world.orgs["C"]])
    key = latest_version_key(db, "strategic-planning")
    framework = get_framework(db, key)
    world.domain_id = framework.domains[0].id
    world.round_open = create_round(db, key, "Open round")
    world.round_done = create_round(db, key, "Finished round")
    for org in ("A", "B"):
        lead = "lead_a" if org == "A" else "lead_b"
        email = f"{lead.replace('_', '.')}@example.org"
        world.drafts[org] = start_response(db, world.round_open, world.orgs[org], email,
                                           world.users[lead])["id"]
        world.submitted[org] = submit_all(db, framework, world.round_done, world.orgs[org], email,
                                          world.users[lead])
    world.message_id = queue_message(db, "someone@example.org", "Hello", "A message body")
    secret = world.app.config["SECRET_KEY"]
    world.invitation = issue_token(db, secret, INVITATION, "invitee@example.org", name="Invitee",
                                   organisation_id=world.orgs["C"], created_by=world.users["facilitator_all"])
    world.reset = issue_token(db, secret, PASSWORD_RESET, "spare@example.org", user_id=world.spare_user)
    world.kept_token = keep_form(db, world.users["lead_a"], "/", [("note", "kept text")])
    db.close()
    return world


def submit_all(db, framework, round_id, org_id, email, user_id) -> int:
    """Answer every question with the first choice or some text, submit, and return the response id."""
    response = start_response(db, round_id, org_id, email, user_id)
    version = response["version"]
    for domain in framework.domains:
        answers = {}
        for ind in domain.indicators:
            if ind.type == "rating":
                answers[ind.id] = Answer(value=ind.scale.levels[0].value, comment="Seen in practice")
            elif ind.type in ("choice", "yesno"):
                answers[ind.id] = Answer(option=ind.choices[0].key, comment="Seen in practice")
            elif ind.type == "number":
                answers[ind.id] = Answer(value=ind.minimum or 0, comment="Seen in practice")
            else:
                answers[ind.id] = Answer(text="Some text", comment="Seen in practice")
        version = save_domain(db, response["id"], domain, answers, version, completed=True)
    submit_response(db, framework, response["id"])
    return response["id"]


def client_for(world: World, role: str, fresh: bool = False):
    """Return a test client signed in as role (or not signed in), with a CSRF token ready.

    Each role's session is reused unless fresh is asked for (sign-out ends it);
    the cookie is signed here, as Flask would sign it, so no request is spent on it.
    """
    client = world.app.test_client()
    raw = "csrf-raw-token-for-tests"
    sid = None
    if role != "anonymous":
        sid = None if fresh else world.sessions.get(role)
        if sid is None:
            db = world.db()
            sid = start_session(db, world.users[role])
            db.close()
            if not fresh:
                world.sessions[role] = sid
    contents = {"csrf_token": raw, **({"sid": sid} if sid else {})}
    cookie = world.app.session_interface.get_signing_serializer(world.app).dumps(contents)
    client.set_cookie(world.app.config["SESSION_COOKIE_NAME"], cookie)
    client.csrf = URLSafeTimedSerializer(world.app.secret_key, salt="wtf-csrf-token").dumps(raw)
    return client


@contextmanager
def scratch_dir(fallback: Path):
    """Yield a folder for a test database, in RAM where the machine has /dev/shm.

    Every write is synced to disk (synchronous=FULL); on a busy shared machine those
    syncs dominate a walk of hundreds of requests. A RAM disk makes them free
    without changing anything SQLite does.
    """
    if not os.access("/dev/shm", os.W_OK):
        yield fallback
        return
    path = Path(tempfile.mkdtemp(prefix="surveyapp-tests-", dir="/dev/shm"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def ram_app(tmp_path):
    """Yield an app on a fresh database, in RAM where possible (see scratch_dir)."""
    with scratch_dir(tmp_path) as folder:
        yield make_app(folder)


def fill_in(form, text: str) -> dict:
    """Answer every question on a domain page: the first option of each choice, text in every box."""
    data = {}
    for element in form.find_all(["input", "textarea"]):
        name = element.get("name")
        if element.name == "textarea":
            data[name] = text
        elif element.get("type") == "radio":
            data.setdefault(name, element["value"])
        elif element.get("type") == "hidden":
            data[name] = element.get("value", "")
    data["action"] = "continue"
    return data


def sign_in_directly(client, email: str) -> None:
    """Start a session for email as a real sign-in would, without paying for the password check.

    For tests about something else; tests about signing in use the form (conftest.sign_in).
    """
    db = connect(client.application.config["DATABASE"])
    user_id = db.execute("SELECT id FROM users WHERE email = ?", [email]).fetchone()[0]
    sid = start_session(db, user_id)
    db.close()
    with client.session_transaction() as session:
        session.clear()
        session["sid"] = sid
