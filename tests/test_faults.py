"""Disk full, a read-only database and a busy database: a plain page, typed answers kept, nothing half written.

Each fault is real SQLite behaviour on the connection a request uses: a
page limit makes SQLite report "database or disk is full", query_only
makes it report "attempt to write a readonly database", and a write lock
held by another connection, with a short busy timeout, makes it busy.
"""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import g

from surveyapp import create_app
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.storage.db import DatabaseSetupError, connect, get_db

from .conftest import PROJECT, csrf_token, sign_in

LEAKS = ("Traceback", "sqlite", "INSERT", "UPDATE", "database or disk is full", "readonly database",
         "database is locked")


@pytest.fixture
def faults(app):
    """Let a test apply PRAGMAs to each request's connection, after the user is loaded.

    The app keeps its connection between requests, so each PRAGMA is undone
    when the request ends: a fault lasts exactly as long as the test says.
    """
    pragmas = []

    @app.before_request
    def apply_pragmas():
        conn = get_db().conn
        g.undo_faults = []
        for pragma in pragmas:
            sql = pragma(conn) if callable(pragma) else pragma
            name = sql.split()[1]
            g.undo_faults.append(f"PRAGMA {name} = {conn.execute(f'PRAGMA {name}').fetchone()[0]}")
            conn.execute(sql)

    @app.teardown_request
    def undo_pragmas(exc=None):
        for sql in reversed(g.pop("undo_faults", [])):
            get_db().conn.execute(sql)

    return pragmas


def disk_full(conn) -> str:
    """Cap the file at its current size, so any new page makes SQLite report a full disk."""
    return f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}"


@pytest.fixture
def draft(client, db, make_org, make_user, make_round, faults):
    """A signed-in lead with a started draft; return (base url, framework, response id).

    Depends on `faults` so its hook is registered before the first request.
    """
    org = make_org("Riverside Test Service (fictional)")
    make_user("lead@example.org", organisations=[org])
    round_id = make_round()
    sign_in(client, "lead@example.org")
    base = f"/rounds/{round_id}/organisations/{org}"
    page = client.get(base + "/").get_data(as_text=True)
    assert client.post(base + "/start", data={"csrf_token": csrf_token(page)}).status_code == 302
    response_id = db.execute("SELECT id FROM responses").fetchone()[0]
    return base, framework_for_round(db, round_id), response_id


def fields_for(domain, level: str, comment: str) -> dict:
    """Answer every question in a domain with one level and one comment."""
    data = {}
    for ind in domain.indicators:
        data[ind.id] = level if ind.type == "rating" else (ind.choices[0].key if ind.choices else "Some text")
        if ind.evidence != "none":
            data[ind.id + "__comment"] = comment
    return data


def post_page(client, url: str, data: dict):
    """Save a domain page the way the browser does, with its version and token."""
    page = client.get(url).get_data(as_text=True)
    version = BeautifulSoup(page, "html.parser").find("input", attrs={"name": "version"})["value"]
    return client.post(url, data={**data, "action": "continue", "version": version,
                                  "csrf_token": csrf_token(page)})


def stored(db, response_id: int) -> tuple:
    """Return everything a save could touch: answers, statuses and the draft's version."""
    return (
        db.execute("SELECT * FROM answers WHERE response_id = ? ORDER BY indicator_id", [response_id]).fetchall(),
        db.execute("SELECT * FROM domain_status WHERE response_id = ? ORDER BY domain_id",
                   [response_id]).fetchall(),
        db.execute("SELECT status, version, reference FROM responses WHERE id = ?", [response_id]).fetchone(),
    )


def assert_kept_as_typed(response, data: dict, message: str) -> None:
    """Assert a 503 re-rendered the form with the error and every typed answer, and leaks nothing."""
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    soup = BeautifulSoup(html, "html.parser")
    assert soup.title.get_text().startswith("Error:")
    summary = soup.find(class_="govuk-error-summary").get_text(" ", strip=True)
    assert message in summary and "Nothing you typed has been lost; try again." in summary
    for name, value in data.items():
        textarea = soup.find("textarea", attrs={"name": name})
        if textarea is not None:
            assert textarea.get_text() == value, name
        else:
            assert soup.find("input", attrs={"name": name, "value": value}).has_attr("checked"), name
    for leak in LEAKS:
        assert leak not in html


def test_disk_full_keeps_what_was_typed_and_the_page_saved_before(client, db, draft, faults):
    base, framework, response_id = draft
    domain = framework.domains[0]
    url = f"{base}/domains/{domain.id}"
    assert post_page(client, url, fields_for(domain, "3", "First evidence")).status_code == 302
    before = stored(db, response_id)

    faults.append(disk_full)
    # long evidence needs new pages, which the full disk cannot give
    typed = fields_for(domain, "5", "Minutes of every meeting since 2019. " * 120)
    reply = post_page(client, url, typed)
    assert_kept_as_typed(reply, typed, "Your answers could not be saved because the server has run out "
                                       "of storage space.")
    assert stored(db, response_id) == before  # the old page is whole, not half replaced

    faults.clear()
    assert post_page(client, url, typed).status_code == 302
    assert {row[6] for row in db.execute("SELECT * FROM answers WHERE domain_id = ?", [domain.id])} == {
        typed[domain.indicators[0].id + "__comment"].strip()}


def test_read_only_database_refuses_saves_and_submissions_plainly(client, db, draft, faults):
    base, framework, response_id = draft
    for domain in framework.domains:
        assert post_page(client, f"{base}/domains/{domain.id}", fields_for(domain, "4", "ok")).status_code == 302
    before = stored(db, response_id)
    faults.append("PRAGMA query_only = ON")

    domain = framework.domains[1]
    typed = fields_for(domain, "2", "Changed my mind after the workshop")
    reply = post_page(client, f"{base}/domains/{domain.id}", typed)
    assert_kept_as_typed(reply, typed, "Your answers could not be saved because the database cannot be "
                                       "changed at the moment.")

    page = client.get(base + "/check").get_data(as_text=True)
    submit = client.post(base + "/check", data={"csrf_token": csrf_token(page)})
    assert submit.status_code == 503
    summary = BeautifulSoup(submit.data, "html.parser").find(class_="govuk-error-summary").get_text(" ")
    assert "could not be submitted because the database cannot be changed" in summary
    assert stored(db, response_id) == before  # still a draft with the same answers


def test_a_write_outside_the_form_pages_gets_the_plain_error_page(client, db, draft, faults, make_org):
    base, _framework, _response_id = draft
    other = make_org("Second Test Service (fictional)")
    db.execute("INSERT INTO memberships (user_id, organisation_id) SELECT id, ? FROM users", [other])
    round_id = base.split("/")[2]
    page = client.get(f"/rounds/{round_id}/organisations/{other}/").get_data(as_text=True)
    faults.append("PRAGMA query_only = ON")
    reply = client.post(f"/rounds/{round_id}/organisations/{other}/start",
                        data={"csrf_token": csrf_token(page)})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 503
    assert BeautifulSoup(html, "html.parser").h1.get_text() == \
        "Sorry, the service cannot save anything at the moment"
    assert "Nothing you had already saved has been lost" in html
    for leak in LEAKS:
        assert leak not in html
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 1


def test_busy_database_says_so_plainly_and_keeps_what_was_typed(app, client, db, draft, faults):
    base, framework, response_id = draft
    domain = framework.domains[2]
    url = f"{base}/domains/{domain.id}"
    before = stored(db, response_id)
    faults.append("PRAGMA busy_timeout = 200")
    holder = connect(app.config["DATABASE"])
    holder.conn.execute("BEGIN IMMEDIATE")  # another writer holding the lock for a long time
    try:
        typed = fields_for(domain, "6", "Agreed at the March board")
        reply = post_page(client, url, typed)
        assert_kept_as_typed(reply, typed, "Your answers could not be saved because the service is very busy.")
    finally:
        holder.conn.execute("ROLLBACK")
        holder.close()
    assert stored(db, response_id) == before
    assert post_page(client, url, typed).status_code == 302  # once the lock is gone, the same save works


def test_app_refuses_to_start_without_durable_settings(tmp_path):
    # SQLite cannot put a temporary (unnamed) database in WAL mode
    with pytest.raises(DatabaseSetupError, match="journal_mode"):
        create_app({"TESTING": True, "DATABASE": "", "SECRET_KEY": "x",
                    "FRAMEWORKS_DIR": str(PROJECT / "frameworks")})
