"""Repeated failed sign-ins are refused for a while, and no reply says whether an email has an account."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from surveyapp.accounts import throttle
from surveyapp.storage.timestamps import iso, utc_now

from .conftest import PASSWORD, sign_in
from .security_world import add_user, ram_app


@pytest.fixture
def app(tmp_path):
    yield from ram_app(tmp_path)


@pytest.fixture
def lead(db):
    return add_user(db, "lead@example.org", "service_lead")


def reply(response):
    """Return what a person would see of a sign-in reply: status and error text."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = soup.find(class_="govuk-error-summary")
    return response.status_code, summary.get_text(" ", strip=True) if summary else None


def test_wrong_password_and_unknown_email_get_the_same_reply(client, lead):
    known = reply(sign_in(client, "lead@example.org", "not the password"))
    unknown = reply(sign_in(client, "nobody@example.org", "not the password"))
    assert known == unknown
    assert known[1] and "Enter a correct email address and password" in known[1]


def test_five_failures_lock_the_email_even_with_the_right_password(client, db, lead):
    for _ in range(throttle.MAX_PER_EMAIL):
        assert sign_in(client, "lead@example.org", "wrong password").status_code == 200
    locked = sign_in(client, "Lead@Example.org", PASSWORD)  # any letter case counts as the same email
    assert locked.status_code == 429
    assert "too many attempts" in reply(locked)[1]
    assert client.get("/").status_code == 302, "not signed in"

    # an email without an account is locked out in just the same way
    for _ in range(throttle.MAX_PER_EMAIL):
        sign_in(client, "nobody@example.org", "wrong password")
    assert reply(sign_in(client, "nobody@example.org", PASSWORD)) == reply(locked)

    # once the failures are older than the window, the right password works again
    old = iso(utc_now() - dt.timedelta(minutes=throttle.WINDOW_MINUTES + 1))
    db.execute("UPDATE sign_in_failures SET failed_at = ?", [old])
    assert sign_in(client, "lead@example.org", PASSWORD).headers["Location"] == "/"
    assert db.execute("SELECT count(*) FROM sign_in_failures WHERE email = 'lead@example.org'").fetchone()[0] == 0, \
        "a successful sign-in clears the email's failures"


def test_one_client_trying_many_emails_is_locked_out(db, client, lead):
    now = utc_now()
    for n in range(throttle.MAX_PER_CLIENT):
        throttle.record_failure(db, f"guess{n}@example.org", "127.0.0.1", now)
    assert sign_in(client, "lead@example.org", PASSWORD).status_code == 429


def test_sign_ins_are_audited_without_passwords(client, db, lead):
    sign_in(client, "lead@example.org", "a wrong guess at it")
    sign_in(client, "lead@example.org", PASSWORD)
    rows = db.execute("SELECT action, user_email, detail FROM audit_log ORDER BY id").fetchall()
    assert rows[0] == ("sign_in.failure", "lead@example.org", "wrong password")
    assert rows[1][:2] == ("sign_in.success", "lead@example.org")
    everything = " ".join(str(v) for row in db.execute("SELECT * FROM audit_log") for v in row)
    assert "a wrong guess at it" not in everything and PASSWORD not in everything

