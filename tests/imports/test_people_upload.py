"""An administrator invites people from a CSV file on the web: an import job, all or nothing, with
single-use invitation links written through the job's own connection."""
from __future__ import annotations

import io
import re
import threading

import pytest
from bs4 import BeautifulSoup

from surveyapp.assessments.import_jobs import work_once
from surveyapp.storage import jobs
from surveyapp.storage.db import connect
from tests.conftest import csrf_token, sign_in
from tests.imports.helpers import post_file

GOOD = (b"email,name,role,organisation,area\n"
        b"ailsa@example.org,Ailsa Reid,Service lead,tay road project (fictional),\n"
        b"bruce@example.org,Bruce Kerr,facilitator,,dundee city\n"
        b"cara@example.org,Cara Low,commissioner,,*\n")
BAD = (b"email,name,role,organisation,area\n"
       b"not-an-email,Ailsa Reid,service_lead,Tay Road Project (fictional),\n"
       b"bruce@example.org,Bruce Kerr,wizard,,\n"
       b"admin@example.org,Someone,facilitator,,Nowhere\n")
TABLES = ("users", "outbox", "tokens", "memberships", "user_areas")


@pytest.fixture
def admin(client, make_user, make_org):
    make_org("Tay Road Project (fictional)")
    make_user("admin@example.org", role="admin", name="Ada Admin")
    assert sign_in(client, "admin@example.org").status_code == 302
    return client


def upload(client, data: bytes, name="people.csv"):
    """Reach the upload from the People page and post the file with the form's CSRF token."""
    people = client.get("/admin/users").get_data(as_text=True)
    link = BeautifulSoup(people, "html.parser").find("a", string=re.compile("Invite people from a file"))
    page = client.get(link["href"])
    assert page.status_code == 200
    return post_file(client, link["href"], {"file": (io.BytesIO(data), name),
                                            "csrf_token": csrf_token(page.get_data(as_text=True))})


def counts(db):
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES if _exists(db, t)}


def _exists(db, table):
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [table]).fetchone() is not None


def status(client, response):
    assert response.status_code == 303, response.get_data(as_text=True)
    assert re.fullmatch(r"/imports/\d+", response.location)
    page = client.get(response.location)
    assert page.status_code == 200
    return BeautifulSoup(page.get_data(as_text=True), "html.parser")


def assert_invited(db, before):
    after = counts(db)
    assert after["users"] == before["users"] + 3 and after["outbox"] == before["outbox"] + 3
    assert after["tokens"] == before["tokens"] + 3, "each has a single-use invitation link"
    people = {r[0]: r[1:] for r in db.execute(
        "SELECT email, role, password_hash FROM users WHERE email LIKE '%@example.org' AND email != 'admin@example.org'")}
    assert people == {"ailsa@example.org": ("service_lead", None), "bruce@example.org": ("facilitator", None),
                      "cara@example.org": ("commissioner", None)}
    sent = {r[0]: r[1] for r in db.execute("SELECT to_address, body FROM outbox WHERE kind = 'invitation'")}
    assert set(sent) == set(people)
    assert all("/invitation/" in body or "http" in body for body in sent.values())


def test_an_admin_uploads_people_and_each_is_invited(admin, db):
    before = counts(db)
    soup = status(admin, upload(admin, GOOD))
    assert soup.select_one(".govuk-panel__title").get_text(strip=True) == "Import complete"
    text = soup.get_text(" ", strip=True)
    assert "3 people invited" in text
    assert "Spellings read as the standard names" in text and "Service lead" in text
    assert_invited(db, before)


def test_a_queued_file_is_run_by_the_worker_on_its_own_connection(app, admin, db):
    """The worker thread's path: no request, its own connection; the invitations write through it."""
    before = counts(db)
    admin_id = db.execute("SELECT id FROM users WHERE email = 'admin@example.org'").fetchone()[0]
    job_id, _ = jobs.create_job(db, "people", GOOD, filename="people.csv", user_id=admin_id)
    finished = []

    def worker():
        own = connect(app.config["DATABASE"])
        with app.app_context():  # as start_worker_thread(..., app=app) runs it
            finished.append(work_once(own))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(60)
    assert finished and finished[0]["state"] == "done", finished
    assert_invited(db, before)
    page = BeautifulSoup(admin.get(f"/imports/{job_id}").get_data(as_text=True), "html.parser")
    assert "3 people invited" in page.get_text(" ", strip=True)


def test_a_bad_file_lists_every_problem_and_invites_nobody(admin, db):
    before = counts(db)
    soup = status(admin, upload(admin, BAD))
    assert soup.h1.get_text(strip=True) == "Nothing was imported"
    listed = [tuple(td.get_text(" ", strip=True) for td in tr.find_all("td")) for tr in soup.select("tbody tr")]
    where = [(line, column) for line, column, _ in listed]
    assert ("2", "email") in where and ("3", "role") in where and ("4", "email") in where and ("4", "area") in where
    assert any("already an account" in p for *_, p in listed)
    assert counts(db) == before, "nothing was written"


def test_only_administrators_may_upload_people(client, make_user, db):
    make_user("facilitator@example.org", role="facilitator", areas=["Dundee City"])
    sign_in(client, "facilitator@example.org")
    assert client.get("/admin/users/import").status_code == 403
    token = csrf_token(client.get("/imports/responses").get_data(as_text=True))  # a form they may use
    assert post_file(client, "/admin/users/import", {"file": (io.BytesIO(GOOD), "p.csv"),
                                                     "csrf_token": token}).status_code == 403
    assert db.execute("SELECT count(*) FROM import_jobs").fetchone()[0] == 0


def test_an_upload_without_the_csrf_token_is_refused(admin, db):
    before = counts(db)
    response = post_file(admin, "/admin/users/import", {"file": (io.BytesIO(GOOD), "people.csv")})
    assert response.status_code in (400, 403)
    assert counts(db) == before and db.execute("SELECT count(*) FROM import_jobs").fetchone()[0] == 0


def test_surveyapp_imports_run_runs_a_queued_people_file(admin, db, runner):
    """The command-line worker (`surveyapp imports run`) invites through its own connection too."""
    before = counts(db)
    admin_id = db.execute("SELECT id FROM users WHERE email = 'admin@example.org'").fetchone()[0]
    jobs.create_job(db, "people", GOOD, filename="people.csv", user_id=admin_id)
    result = runner.invoke(args=["imports", "run"])
    assert result.exit_code == 0, result.output
    assert "3 people invited" in result.output
    assert_invited(db, before)
