"""Links that do one thing: the misuses of invitation and reset links found in issue 20."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from .conftest import csrf_token
from .security_world import add_user, make_app, sign_in_directly

NEW_PASSWORD = "a brand new passphrase for me"


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def people(db, make_org):
    dundee = make_org("Alpha Harbour Recovery Service (fictional)", "Dundee City")
    other = make_org("Delta Ferry Support (fictional)", "Dundee City")
    add_user(db, "fac@example.org", "facilitator", areas=["Dundee City"])
    add_user(db, "admin@example.org", "admin")
    lead = add_user(db, "lead@example.org", "service_lead", organisations=[other])
    return {"dundee": dundee, "other": other, "lead": lead}


def prepare(app) -> None:
    """Do the queued work behind requests (a reset request) now, as the sender would."""
    app.extensions.get("surveyapp.mail_prepare", lambda: None)()


def bodies(db) -> list[str]:
    return [r[0] for r in db.execute("SELECT body FROM outbox ORDER BY id")]


def last_link(app, db, kind: str) -> str:
    prepare(app)
    body = db.execute("SELECT body FROM outbox WHERE body LIKE ? ORDER BY id DESC LIMIT 1",
                      [f"%/{kind}/%"]).fetchone()[0]
    return re.search(rf"http://localhost(/{kind}/\S+)", body).group(1)


def invite(client, org_id, email, name="New Lead"):
    return client.post("/facilitate/invite", data={
        "organisation": str(org_id), "email": email, "name": name,
        "csrf_token": csrf_token(client.get("/facilitate/invite").get_data(as_text=True))})


def ask_reset(client, email):
    page = client.get("/password-reset").get_data(as_text=True)
    return client.post("/password-reset", data={"email": email, "csrf_token": csrf_token(page)})


def choose_password(client, link, data):
    page = client.get(link)
    if page.status_code != 200:
        return page
    return client.post(link, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})


def admin_creates(app, email="cara@example.org"):
    client = app.test_client()
    sign_in_directly(client, "admin@example.org")
    page = client.get("/admin/users/new").get_data(as_text=True)
    response = client.post("/admin/users/new", data={
        "name": "Cara Commissioner", "email": email, "role": "commissioner",
        "areas": ["Angus"], "csrf_token": csrf_token(page)})
    assert response.status_code == 302


def test_inviting_an_existing_account_adds_the_organisation_and_asks_them_to_sign_in(app, client, db, people):
    sign_in_directly(client, "fac@example.org")
    assert invite(client, people["dundee"], "lead@example.org").status_code == 302
    assert db.execute("SELECT count(*) FROM tokens").fetchone()[0] == 0, "no password-setting link"
    member_of = {r[0] for r in db.execute("SELECT organisation_id FROM memberships WHERE user_id = ?",
                                          [people["lead"]])}
    assert member_of == {people["dundee"], people["other"]}
    (body,) = bodies(db)
    assert "/invitations/" not in body and "choose a password" not in body.lower()
    assert "http://localhost/sign-in" in body and "Alpha Harbour Recovery Service" in body


def test_a_password_reset_ends_an_outstanding_invitation(app, db, people):
    admin_creates(app)
    invitation = last_link(app, db, "invitations")
    ask_reset(app.test_client(), "cara@example.org")
    reset = last_link(app, db, "password-reset")
    assert choose_password(app.test_client(), reset, {"password": NEW_PASSWORD}).status_code == 302
    late = choose_password(app.test_client(), invitation, {"password": "someone else's passphrase",
                                                           "name": "Mallory"})
    assert late.status_code == 404 and "already been used" in late.get_data(as_text=True)


def test_accepting_an_invitation_ends_an_outstanding_reset_link(app, db, people):
    admin_creates(app)
    invitation = last_link(app, db, "invitations")
    ask_reset(app.test_client(), "cara@example.org")
    reset = last_link(app, db, "password-reset")
    accepted = choose_password(app.test_client(), invitation, {"password": NEW_PASSWORD, "name": "Cara C"})
    assert accepted.status_code == 302
    late = choose_password(app.test_client(), reset, {"password": "someone else's passphrase"})
    assert late.status_code == 404 and "already been used" in late.get_data(as_text=True)


def test_a_reset_ends_every_other_reset_and_invitation_for_the_account(app, db, people):
    ask_reset(app.test_client(), "lead@example.org")
    first = last_link(app, db, "password-reset")
    ask_reset(app.test_client(), "lead@example.org")
    second = last_link(app, db, "password-reset")
    assert first != second
    assert choose_password(app.test_client(), second, {"password": NEW_PASSWORD}).status_code == 302
    assert app.test_client().get(first).status_code == 404
    open_links = db.execute("SELECT count(*) FROM tokens WHERE used_at IS NULL").fetchone()[0]
    assert open_links == 0


def lifetime(db, purpose) -> dt.timedelta:
    created, expires = db.execute("SELECT created_at, expires_at FROM tokens WHERE purpose = ? "
                                  "ORDER BY id DESC LIMIT 1", [purpose]).fetchone()
    return dt.datetime.fromisoformat(expires) - dt.datetime.fromisoformat(created)


def test_links_expire_after_seven_days_and_one_hour_by_default(app, db, people):
    admin_creates(app)
    ask_reset(app.test_client(), "lead@example.org")
    prepare(app)
    assert lifetime(db, "invitation") == dt.timedelta(days=7)
    assert lifetime(db, "password_reset") == dt.timedelta(hours=1)


def test_link_lifetimes_are_configurable(tmp_path):
    from surveyapp.storage.db import connect

    app = make_app(tmp_path, INVITATION_DAYS=2, RESET_HOURS=0.5)
    db = connect(app.config["DATABASE"])
    add_user(db, "admin@example.org", "admin")
    add_user(db, "lead@example.org", "service_lead")
    admin_creates(app)
    ask_reset(app.test_client(), "lead@example.org")
    prepare(app)
    assert lifetime(db, "invitation") == dt.timedelta(days=2)
    assert lifetime(db, "password_reset") == dt.timedelta(minutes=30)
    # the signature's own age limit follows the setting too: a link past it is refused
    link = last_link(app, db, "password-reset")
    db.execute("UPDATE tokens SET expires_at = '2000-01-01T00:00:00Z' WHERE purpose = 'password_reset'")
    assert "expired" in app.test_client().get(link).get_data(as_text=True)


def test_a_reset_request_does_the_same_work_for_known_and_unknown_addresses(app, db, people):
    def writes(email):
        before = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("outbox", "tokens", "audit_log")}
        response = ask_reset(app.test_client(), email)
        after = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
        page = response.get_data(as_text=True).replace(email, "EMAIL")
        return response.status_code, re.sub(r'value="[^"]+"', "", page), {t: after[t] - before[t] for t in before}

    known, unknown = writes("lead@example.org"), writes("nobody@example.org")
    assert known == unknown, "same answer and the same rows written before the response"
    assert db.execute("SELECT count(*) FROM tokens").fetchone()[0] == 0, "no link made while answering"
    prepare(app)
    prepared = [r[0] for r in db.execute("SELECT to_address FROM outbox WHERE body != ''")]
    assert prepared == ["lead@example.org"], "only the real account gets a message, after the response"
