"""The admin outbox page: what is queued, sent and failed, retry and cancel, and whether mail is sent at all."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from surveyapp.accounts import outbox

from .conftest import csrf_token
from .security_world import add_user, make_app, sign_in_directly


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def admin(app, db):
    add_user(db, "admin@example.org", "admin")
    client = app.test_client()
    sign_in_directly(client, "admin@example.org")
    return client


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_with_no_mail_server_the_page_says_plainly_that_nothing_is_sent(admin, db):
    outbox.queue_message(db, "a@example.org", "Hello", "Body")
    warning = page(admin, "/admin/outbox").select_one(".govuk-warning-text")
    assert warning and "nothing is being sent" in warning.get_text()


def test_with_a_mail_server_the_page_names_it(tmp_path):
    app = make_app(tmp_path, SMTP_HOST="mail.example.org", SMTP_PORT=2525, SMTP_SECURITY="starttls")
    from surveyapp.storage.db import connect

    db = connect(app.config["DATABASE"])
    add_user(db, "admin@example.org", "admin")
    client = app.test_client()
    sign_in_directly(client, "admin@example.org")
    soup = page(client, "/admin/outbox")
    assert soup.select_one(".govuk-warning-text") is None and "mail.example.org:2525" in soup.get_text()


def test_the_page_shows_each_state_and_filters_by_it(admin, db):
    sent, failed, _queued = (outbox.queue_message(db, f"p{i}@example.org", "Hello", "Body") for i in range(3))
    outbox.mark_sent(db, sent)
    outbox.mark_failed(db, failed, "550 No such user")
    rows = page(admin, "/admin/outbox").select("tbody tr")
    assert [r.select(".govuk-tag")[0].get_text() for r in rows] == ["Queued", "Failed", "Sent"]
    assert "550 No such user" in rows[1].get_text()
    only_failed = page(admin, "/admin/outbox?state=failed").select("tbody tr")
    assert len(only_failed) == 1 and "p1@example.org" in only_failed[0].get_text()


def test_a_failed_message_can_be_retried_and_a_queued_one_cancelled(admin, db):
    failed = outbox.queue_message(db, "a@example.org", "Hello", "Body")
    outbox.mark_failed(db, failed, "550 No such user")
    url = f"/admin/outbox/{failed}"
    token = csrf_token(admin.get(url).get_data(as_text=True))
    assert admin.post(f"{url}/retry", data={}).status_code == 400, "no CSRF token, no change"
    assert outbox.get_message(db, failed)["state"] == "failed"
    assert admin.post(f"{url}/retry", data={"csrf_token": token}).status_code == 303
    assert outbox.get_message(db, failed)["state"] == "queued"
    assert admin.post(f"{url}/cancel", data={"csrf_token": token}).status_code == 303
    assert outbox.get_message(db, failed)["state"] == "cancelled"
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log WHERE action LIKE 'outbox.%' ORDER BY id")]
    assert actions == ["outbox.retry", "outbox.cancel"]
    buttons = [b.get_text() for b in page(admin, url).select("button")]
    assert "Retry this message" in buttons and "Cancel this message" not in buttons


def test_a_sent_message_cannot_be_retried(admin, db):
    sent = outbox.queue_message(db, "a@example.org", "Hello", "Body")
    outbox.mark_sent(db, sent)
    token = csrf_token(admin.get(f"/admin/outbox/{sent}").get_data(as_text=True))
    admin.post(f"/admin/outbox/{sent}/retry", data={"csrf_token": token})
    assert outbox.get_message(db, sent)["state"] == "sent"


def test_only_administrators_see_the_outbox(app, db):
    add_user(db, "fac@example.org", "facilitator", areas=["Dundee City"])
    client = app.test_client()
    sign_in_directly(client, "fac@example.org")
    assert client.get("/admin/outbox").status_code == 403
