"""Shared fixtures: each test gets its own app on a fresh SQLite file."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from surveyapp import create_app
from surveyapp.cli.main import prepare_database
from surveyapp.storage.db import connect

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def prepared_database(tmp_path_factory):
    """Build a migrated database with the shipped frameworks once per test run."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    db = connect(path)
    assert prepare_database(db, str(PROJECT / "frameworks")) == []
    db.close()
    return path


def copy_database(source, target) -> None:
    """Copy a SQLite database with the backup API (safe with WAL files)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture
def app(tmp_path, prepared_database):
    """An app on its own fresh database with migrations applied and frameworks registered."""
    copy_database(prepared_database, tmp_path / "test.sqlite")
    app = create_app({
        "TESTING": True,
        "DATABASE": str(tmp_path / "test.sqlite"),
        "SECRET_KEY": "test-secret-key",
        "FRAMEWORKS_DIR": str(PROJECT / "frameworks"),
    })
    yield app


@pytest.fixture
def db(app):
    """A connection to the test app's database."""
    conn = connect(app.config["DATABASE"])
    yield conn
    conn.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(html: str) -> str:
    """Pull the CSRF token out of a rendered page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD):
    """Sign in through the real form, CSRF token included."""
    page = client.get("/sign-in").get_data(as_text=True)
    return client.post("/sign-in", data={"email": email, "password": password,
                                         "csrf_token": csrf_token(page)})


def post_form(client, url: str, data: dict, page_url: str | None = None):
    """POST to url with the CSRF token taken from page_url (default: url)."""
    page = client.get(page_url or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token(page)})


@pytest.fixture
def make_org(db):
    """Create an organisation; return its id."""
    def make(name="Test Org (fictional)", area="Dundee City", sector="Third sector"):
        return db.execute("INSERT INTO organisations (name, area, sector) VALUES (?, ?, ?)",
                          [name, area, sector]).lastrowid
    return make


@pytest.fixture
def make_user(db):
    """Create a user who can sign in with PASSWORD; return the id."""
    from surveyapp.accounts.users import create_user

    def make(email, role="service_lead", organisations=(), areas=(), name="Test Person"):
        return create_user(db, email, name, role, PASSWORD, organisations, areas)
    return make


@pytest.fixture
def make_round(db):
    """Create an open round for a framework; return its id."""
    from surveyapp.assessments.rounds import create_round
    from surveyapp.frameworks.registry import latest_version_key

    def make(framework_id="strategic-planning", title="Test round", **kwargs):
        return create_round(db, latest_version_key(db, framework_id), title, **kwargs)
    return make
