"""The CSRF token in pages: signed once per session secret, and only ever valid for its own session."""
from __future__ import annotations

import pytest

from surveyapp import csrf_tokens

from .conftest import csrf_token, sign_in
from .security_world import add_user, ram_app


@pytest.fixture
def app(tmp_path):
    yield from ram_app(tmp_path)


@pytest.fixture
def lead(db, make_org):
    add_user(db, "lead@example.org", "service_lead", [make_org("Alpha Harbour Recovery Service (fictional)")])
    return "lead@example.org"


def _sign_out(client, token):
    return client.post("/sign-out", data={"csrf_token": token})


def test_pages_in_one_session_carry_one_valid_token(client, lead):
    sign_in(client, lead)
    first = csrf_token(client.get("/").get_data(as_text=True))
    again = csrf_token(client.get("/account/password").get_data(as_text=True))
    assert again == first
    assert _sign_out(client, first).status_code == 302  # accepted: signed out
    assert client.get("/").headers["Location"].startswith("/sign-in")


def test_a_token_from_an_earlier_session_is_refused(client, lead):
    sign_in(client, lead)
    old = csrf_token(client.get("/").get_data(as_text=True))
    sign_in(client, lead)  # a new session, with a new CSRF secret
    new = csrf_token(client.get("/").get_data(as_text=True))
    assert new != old
    assert _sign_out(client, old).status_code == 400
    assert client.get("/").status_code == 200  # still signed in
    assert _sign_out(client, new).status_code == 302


def test_with_a_time_limit_every_page_gets_a_freshly_signed_token(app, client, lead):
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    csrf_tokens._SIGNED.clear()
    sign_in(client, lead)
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert csrf_tokens._SIGNED == {}
    assert _sign_out(client, token).status_code == 302
