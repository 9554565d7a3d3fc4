"""Invitations and password resets: signed, single-use links that expire, delivered through the outbox."""
from __future__ import annotations

import re

import pytest

from .conftest import csrf_token, sign_in
from .security_world import add_user, ram_app, sign_in_directly

NEW_PASSWORD = "a brand new passphrase for me"


@pytest.fixture
def app(tmp_path):
    yield from ram_app(tmp_path)


@pytest.fixture
def people(db, make_org):
    dundee = make_org("Alpha Harbour Recovery Service (fictional)", "Dundee City")
    angus = make_org("Beta Glens Outreach Project (fictional)", "Angus")
    add_user(db, "fac@example.org", "facilitator", areas=["Dundee City"])
    add_user(db, "admin@example.org", "admin")
    return {"dundee": dundee, "angus": angus}


def last_link(db, kind: str) -> str:
    """Return the path of the newest link of a kind ('invitations' or 'password-reset') in the outbox."""
    body = db.execute("SELECT body FROM outbox ORDER BY id DESC LIMIT 1").fetchone()[0]
    return re.search(rf"http://localhost(/{kind}/\S+)", body).group(1)


def invite(client, org_id, email="new.lead@example.org", name="New Lead"):
    return client.post("/facilitate/invite", data={
        "organisation": str(org_id), "email": email, "name": name,
        "csrf_token": csrf_token(client.get("/facilitate/invite").get_data(as_text=True))})


def accept(client, link, password=NEW_PASSWORD, name="New Lead"):
    page = client.get(link)
    if page.status_code != 200:
        return page
    return client.post(link, data={"name": name, "password": password,
                                   "csrf_token": csrf_token(page.get_data(as_text=True))})


def test_an_invited_service_lead_sets_a_password_and_joins_the_organisation(app, client, db, people):
    sign_in_directly(client, "fac@example.org")
    assert invite(client, people["dundee"]).status_code == 302
    link = last_link(db, "invitations")
    assert db.execute("SELECT to_address FROM outbox").fetchone()[0] == "new.lead@example.org"

    newcomer = app.test_client()
    assert "Alpha Harbour Recovery Service" in newcomer.get(link).get_data(as_text=True)
    weak = accept(newcomer, link, password="password1")
    assert weak.status_code == 400 and "too common" in weak.get_data(as_text=True)
    response = accept(newcomer, link)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user_id, role = db.execute("SELECT id, role FROM users WHERE email = 'new.lead@example.org'").fetchone()
    assert role == "service_lead"
    assert db.execute("SELECT organisation_id FROM memberships WHERE user_id = ?", [user_id]).fetchall() == [
        (people["dundee"],)]
    assert newcomer.get("/").status_code == 200, "signed in"

    # single use: the same link, even in another browser, no longer works
    again = accept(app.test_client(), link, password="someone else's passphrase")
    assert again.status_code == 404 and "already been used" in again.get_data(as_text=True)
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY id")]
    assert "invitation.sent" in actions and "invitation.accepted" in actions


def test_an_expired_or_altered_invitation_is_refused(app, client, db, people):
    sign_in_directly(client, "fac@example.org")
    invite(client, people["dundee"])
    link = last_link(db, "invitations")
    db.execute("UPDATE tokens SET expires_at = '2000-01-01T00:00:00Z'")
    expired = app.test_client().get(link)
    assert expired.status_code == 404 and "expired" in expired.get_data(as_text=True)
    altered = app.test_client().get(link[:-3] + ("abc" if not link.endswith("abc") else "xyz"))
    assert altered.status_code == 404 and "not complete or not correct" in altered.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM users WHERE email = 'new.lead@example.org'").fetchone()[0] == 0


def test_a_facilitator_cannot_invite_to_an_organisation_outside_their_area(client, db, people):
    sign_in_directly(client, "fac@example.org")
    page = client.get("/facilitate/invite").get_data(as_text=True)
    assert "Beta Glens Outreach Project" not in page
    assert invite(client, people["angus"]).status_code == 400
    assert db.execute("SELECT count(*) FROM tokens").fetchone()[0] == 0


def test_an_invitation_cannot_turn_a_staff_account_into_a_service_lead(client, db, people):
    sign_in_directly(client, "fac@example.org")
    response = invite(client, people["dundee"], email="admin@example.org")
    assert response.status_code == 400 and "cannot be added to an organisation" in response.get_data(as_text=True)


def test_a_password_reset_says_the_same_whether_or_not_the_email_has_an_account(client, db, people):
    def ask(email):
        page = client.get("/password-reset").get_data(as_text=True)
        response = client.post("/password-reset", data={"email": email, "csrf_token": csrf_token(page)})
        response.close()  # as a server does once the answer has gone: the queued work is done then
        return response.status_code, response.get_data(as_text=True).replace(email, "EMAIL")

    assert ask("fac@example.org") == ask("nobody@example.org")
    assert [r[0] for r in db.execute("SELECT to_address FROM outbox")] == ["fac@example.org"]


def test_a_reset_link_changes_the_password_once_and_signs_out_everywhere_else(app, client, db, people):
    elsewhere = app.test_client()
    sign_in_directly(elsewhere, "fac@example.org")
    page = client.get("/password-reset").get_data(as_text=True)
    client.post("/password-reset", data={"email": "fac@example.org", "csrf_token": csrf_token(page)}).close()
    link = last_link(db, "password-reset")

    page = client.get(link)
    response = client.post(link, data={"password": NEW_PASSWORD,
                                       "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert elsewhere.get("/").status_code == 302, "the other session has ended"
    assert client.get(link).status_code == 404, "the link works once"
    assert sign_in(app.test_client(), "fac@example.org", NEW_PASSWORD).headers["Location"] == "/"
    assert sign_in(app.test_client(), "fac@example.org").status_code == 200, "the old password no longer works"


def test_an_expired_reset_link_is_refused(client, db, people):
    page = client.get("/password-reset").get_data(as_text=True)
    client.post("/password-reset", data={"email": "fac@example.org", "csrf_token": csrf_token(page)}).close()
    link = last_link(db, "password-reset")
    db.execute("UPDATE tokens SET expires_at = '2000-01-01T00:00:00Z'")
    response = client.get(link)
    assert response.status_code == 404 and "expired" in response.get_data(as_text=True)


def test_an_account_made_by_an_admin_gets_a_link_to_set_its_password(app, client, db, people):
    sign_in_directly(client, "admin@example.org")
    page = client.get("/admin/users/new").get_data(as_text=True)
    response = client.post("/admin/users/new", data={
        "name": "Cara Commissioner", "email": "cara@example.org", "role": "commissioner",
        "areas": ["Angus"], "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    newcomer = app.test_client()
    assert accept(newcomer, last_link(db, "invitations"), name="Cara Commissioner").status_code == 302
    assert newcomer.get("/").status_code == 200
    assert db.execute("SELECT area FROM user_areas JOIN users ON users.id = user_id "
                      "WHERE email = 'cara@example.org'").fetchall() == [("Angus",)]
