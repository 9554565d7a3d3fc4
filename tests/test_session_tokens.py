"""What a session carries: a signed cookie that cannot be altered, outlive its key or its age, and the CSRF
token its pages carry, valid only for its own session."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from flask_wtf.csrf import CSRFError

from .conftest import PASSWORD, csrf_token, sign_in
from .security_world import add_user, ram_app


@pytest.fixture
def app(tmp_path):
    yield from ram_app(tmp_path)


@pytest.fixture
def lead(db, make_org):
    add_user(db, "lead@example.org", "service_lead", [make_org("Alpha Harbour Recovery Service (fictional)")])
    return "lead@example.org"


def signed_in(response) -> bool:
    return response.status_code == 200


def sign_in_and_read(client, email):
    """Sign in, open a page (which adds the CSRF secret) and return the browser's cookie."""
    sign_in(client, email)
    assert signed_in(client.get("/"))
    assert signed_in(client.get("/"))
    return client.get_cookie("session").value


def tampered(cookie: str) -> str:
    """Change one character of the payload, keeping the signature."""
    i = 3
    return cookie[:i] + ("A" if cookie[i] != "A" else "B") + cookie[i + 1:]


def test_a_changed_copy_of_a_cookie_is_refused(app, client, lead):
    cookie = sign_in_and_read(client, lead)
    forger = app.test_client()
    forger.set_cookie("session", tampered(cookie))
    assert forger.get("/").headers["Location"].startswith("/sign-in")
    # nor is the same signature accepted on a different payload after the real one was used
    forger.set_cookie("session", cookie.split(".")[0][:-1] + "." + cookie.split(".", 1)[1])
    assert forger.get("/").status_code == 302
    assert signed_in(client.get("/"))


def test_a_cookie_stops_working_when_the_secret_key_changes(app, client, lead):
    sign_in_and_read(client, lead)
    app.secret_key = "a different secret key for the test"
    assert client.get("/").headers["Location"].startswith("/sign-in")


def test_a_cookie_stops_working_when_it_expires(app, client, lead):
    app.permanent_session_lifetime = dt.timedelta(seconds=2)
    sign_in_and_read(client, lead)
    time.sleep(3.1)  # the cookie's signature is stamped in whole seconds
    assert client.get("/").headers["Location"].startswith("/sign-in")


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


def test_with_a_time_limit_tokens_still_work(app, client, lead):
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    sign_in(client, lead)
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert _sign_out(client, token).status_code == 302


def _signed_out(client) -> bool:
    return client.get("/").headers.get("Location", "").startswith("/sign-in")


def _post_passes_csrf(app, client, token) -> bool:
    """Run a sign-out post's request hooks (the CSRF check among them) without its view."""
    cookie = client.get_cookie("session").value
    with app.test_request_context("/sign-out", method="POST", data={"csrf_token": token},
                                  headers={"Cookie": f"session={cookie}"}):
        try:
            app.preprocess_request()
        except CSRFError:
            return False
        return True


def test_a_token_is_accepted_again_but_a_forged_one_never(app, client, lead):
    sign_in(client, lead)
    token = csrf_token(client.get("/").get_data(as_text=True))
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert not _post_passes_csrf(app, client, forged)
    assert _post_passes_csrf(app, client, token)
    assert _post_passes_csrf(app, client, token)
    assert not _post_passes_csrf(app, client, forged)  # a good token vouches for nothing else
    assert _sign_out(client, token).status_code == 302
    assert _signed_out(client)


def test_over_https_a_token_still_needs_a_same_site_referrer(client, lead):
    https = "https://localhost"
    page = client.get("/sign-in", base_url=https).get_data(as_text=True)
    client.post("/sign-in", base_url=https, headers={"Referer": f"{https}/sign-in"},
                data={"email": lead, "password": PASSWORD, "csrf_token": csrf_token(page)})
    client.get("/", base_url=https)  # the first page after signing in creates the session's CSRF secret
    token = csrf_token(client.get("/", base_url=https).get_data(as_text=True))
    for referrer in ({}, {"Referer": "https://elsewhere.example/"}):
        refused = client.post("/sign-out", base_url=https, headers=referrer, data={"csrf_token": token})
        assert refused.status_code == 400
    assert client.get("/", base_url=https).status_code == 200  # still signed in
    signed_out = client.post("/sign-out", base_url=https, headers={"Referer": f"{https}/"},
                             data={"csrf_token": token})
    assert signed_out.status_code == 302
    assert client.get("/", base_url=https).headers["Location"].startswith("/sign-in")
