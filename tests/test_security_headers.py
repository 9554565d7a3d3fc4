"""Security headers, cookie flags, CSRF refusal and plain error pages."""
from __future__ import annotations

import pytest

from .conftest import csrf_token
from .security_world import add_user, ram_app, sign_in_directly


@pytest.fixture
def app(tmp_path):
    yield from ram_app(tmp_path)


@pytest.fixture
def admin(db):
    return add_user(db, "admin@example.org", "admin")


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/sign-in", "/static/app.css", "/no-such-page", "/", "/password-reset"])
def test_every_kind_of_response_has_the_headers(client, path):
    with client.get(path) as response:
        assert_security_headers(response)
        assert "Strict-Transport-Security" not in response.headers, "HSTS only over HTTPS"


def test_signed_in_pages_are_never_cached(client, admin):
    sign_in_directly(client, "admin@example.org")
    for path in ("/", "/admin/users", "/admin/audit.csv"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert_security_headers(response)


def _vary(response) -> list[str]:
    return [name.strip().lower() for value in response.headers.getlist("Vary") for name in value.split(",")]


def test_pages_vary_on_the_cookie_once_whether_or_not_they_set_it(client, admin):
    sign_in_directly(client, "admin@example.org")
    client.get("/admin/users")  # the first page adds the CSRF secret to the cookie
    reading = client.get("/admin/users")  # reads the session, sets no cookie
    assert "Set-Cookie" not in reading.headers and _vary(reading) == ["cookie"]
    signing_out = client.post("/sign-out", data={"csrf_token": csrf_token(reading.get_data(as_text=True))})
    assert "Set-Cookie" in signing_out.headers and _vary(signing_out) == ["cookie"]
    with client.get("/static/app.css") as static:
        assert _vary(static) == []  # a static file is the same for everyone: shared caches may keep it


def test_https_adds_hsts_and_secure_cookies_when_configured(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True  # Flask's own setting; PROXY_HOPS also turns it on
    response = client.get("/sign-in", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_plain_http_cookies_are_httponly_and_samesite_but_not_secure(client):
    cookie = client.get("/sign-in").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


@pytest.mark.parametrize("path, data", [
    ("/sign-in", {"email": "admin@example.org", "password": "correct horse battery staple"}),
    ("/sign-out", {}),
    ("/admin/organisations", {"name": "Forged (fictional)", "area": "Angus", "sector": "NHS"}),
    ("/password-reset", {"email": "admin@example.org"}),
])
def test_a_post_without_a_valid_csrf_token_is_refused(client, db, admin, path, data):
    if path != "/sign-in":
        sign_in_directly(client, "admin@example.org")
    assert client.post(path, data=data).status_code == 400
    assert client.post(path, data={**data, "csrf_token": "forged"}).status_code == 400
    other = client.application.test_client()
    stolen = csrf_token(other.get("/sign-in").get_data(as_text=True))
    assert client.post(path, data={**data, "csrf_token": stolen}).status_code == 400, \
        "a token from another session is no good"
    assert db.execute("SELECT count(*) FROM organisations").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'csrf.refused'").fetchone()[0] == 3


def test_state_never_changes_on_get(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("auth.sign_out", "assess.start", "admin.set_user_active", "rounds.change_status"):
            assert "GET" not in rule.methods, rule.endpoint


def test_error_pages_are_plain(client):
    response = client.get("/no-such-page")
    body = response.get_data(as_text=True)
    assert response.status_code == 404 and "Page not found" in body
    assert "Traceback" not in body and "werkzeug" not in body.lower()
    assert client.application.debug is False


def test_uploads_are_refused_where_no_page_asks_for_one(client, admin):
    import io

    sign_in_directly(client, "admin@example.org")
    page = client.get("/admin/organisations").get_data(as_text=True)
    response = client.post("/admin/organisations", data={
        "name": (io.BytesIO(b"not a name"), "name.txt"), "area": "Angus", "sector": "NHS",
        "csrf_token": csrf_token(page)}, content_type="multipart/form-data")
    assert response.status_code == 400


def test_behind_a_proxy_the_forwarded_scheme_and_address_count(tmp_path):
    from .security_world import make_app, scratch_dir

    with scratch_dir(tmp_path) as folder:
        app = make_app(folder, PROXY_HOPS=1)
        response = app.test_client().get("/sign-in", headers={
            "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
        assert "Strict-Transport-Security" in response.headers
        assert "Secure" in response.headers["Set-Cookie"]
