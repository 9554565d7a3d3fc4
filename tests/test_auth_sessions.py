"""Server-side sessions: a new one at sign-in, ended at sign-out, timed out, and a timed-out save kept."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from surveyapp.storage.timestamps import iso, utc_now

from .conftest import csrf_token, sign_in
from .security_world import add_user, fill_in, ram_app


@pytest.fixture
def app(tmp_path):
    yield from ram_app(tmp_path)


@pytest.fixture
def lead(db, make_org):
    org_id = make_org("Alpha Harbour Recovery Service (fictional)")
    return {"id": add_user(db, "lead@example.org", "service_lead", [org_id]), "org": org_id,
            "email": "lead@example.org"}


def session_rows(db, user_id):
    return db.execute("SELECT created_at, ended_at, end_reason FROM sessions WHERE user_id = ? ORDER BY rowid",
                      [user_id]).fetchall()


def age_sessions(db, user_id, *, idle_minutes=0, total_hours=0):
    """Pretend the user's live sessions were last used, and started, a while ago."""
    now = utc_now()
    db.execute("UPDATE sessions SET last_seen_at = ?, created_at = ? WHERE user_id = ? AND ended_at IS NULL",
               [iso(now - dt.timedelta(minutes=idle_minutes)),
                iso(now - dt.timedelta(hours=total_hours, minutes=idle_minutes)), user_id])


def test_sign_in_starts_a_new_session_and_ends_any_old_one(client, db, lead):
    client.get("/sign-in")
    before = client.get_cookie("session").value
    assert sign_in(client, lead["email"]).status_code == 302
    first = client.get_cookie("session").value
    assert first != before
    assert sign_in(client, lead["email"]).status_code == 302
    assert client.get_cookie("session").value != first
    rows = session_rows(db, lead["id"])
    assert len(rows) == 2 and rows[0][2] == "replaced" and rows[1][1] is None


def test_sign_out_ends_the_session_so_a_copied_cookie_stops_working(app, client, db, lead):
    sign_in(client, lead["email"])
    copied = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    page = client.get("/").get_data(as_text=True)
    assert client.post("/sign-out", data={"csrf_token": csrf_token(page)}).status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert session_rows(db, lead["id"])[-1][2] == "signed_out"


@pytest.mark.parametrize("idle, total, reason", [(61, 0, "idle"), (0, 13, "absolute")])
def test_sessions_time_out(client, db, lead, idle, total, reason):
    sign_in(client, lead["email"])
    age_sessions(db, lead["id"], idle_minutes=idle, total_hours=total)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert session_rows(db, lead["id"])[-1][2] == reason
    assert "You were signed out because you had not done anything" in client.get("/sign-in").get_data(as_text=True)


def test_a_session_in_use_does_not_time_out(client, db, lead):
    sign_in(client, lead["email"])
    age_sessions(db, lead["id"], idle_minutes=59, total_hours=11)
    assert client.get("/").status_code == 200


def test_deactivating_someone_ends_their_session(client, db, lead):
    sign_in(client, lead["email"])
    db.execute("UPDATE users SET active = 0 WHERE id = ?", [lead["id"]])
    assert client.get("/").status_code == 302
    assert session_rows(db, lead["id"])[-1][2] == "deactivated"


def test_a_save_after_time_out_goes_through_sign_in_and_keeps_everything_typed(client, db, lead, make_round):
    round_id = make_round()
    base = f"/rounds/{round_id}/organisations/{lead['org']}"
    sign_in(client, lead["email"])
    page = client.get(base + "/").get_data(as_text=True)
    domain_url = client.post(base + "/start", data={"csrf_token": csrf_token(page)}).headers["Location"]
    form = BeautifulSoup(client.get(domain_url).get_data(as_text=True), "html.parser").main.find("form", method="post")
    typed = fill_in(form, "My typed evidence, which took ages to write")

    age_sessions(db, lead["id"], idle_minutes=90)
    response = client.post(domain_url, data=typed)
    assert response.status_code == 302
    to_sign_in = response.headers["Location"]
    assert to_sign_in.startswith("/sign-in?") and "kept=" in to_sign_in
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == 0, "nothing saved without a session"

    sign_in_page = client.get(to_sign_in).get_data(as_text=True)
    assert "What you typed has been kept" in sign_in_page
    response = client.post(to_sign_in, data={"email": lead["email"], "password": "correct horse battery staple",
                                             "csrf_token": csrf_token(sign_in_page)})
    resume_url = response.headers["Location"]
    assert resume_url.startswith("/resume/")

    resume = BeautifulSoup(client.get(resume_url).get_data(as_text=True), "html.parser").main.find("form", method="post")
    assert resume["action"] == domain_url
    resent = {i["name"]: i.get("value", "") for i in resume.find_all("input")}
    assert {k: v for k, v in resent.items() if k != "csrf_token"} == {
        k: v for k, v in typed.items() if k != "csrf_token"}
    response = client.post(domain_url, data=resent)
    assert response.status_code == 302
    comments = [r[0] for r in db.execute("SELECT comment FROM answers WHERE comment IS NOT NULL")]
    assert "My typed evidence, which took ages to write" in comments
    assert client.get(resume_url).status_code == 404, "a kept form is handed back once"


def test_a_kept_form_is_only_given_back_to_the_person_who_typed_it(app, client, db, lead):
    from surveyapp.web.timed_out_saves import keep_form

    token = keep_form(db, lead["id"], "/", [("note", "private")])
    add_user(db, "other@example.org", "service_lead")
    sign_in(client, "other@example.org")
    assert client.get(f"/resume/{token}").status_code == 404
    assert db.execute("SELECT count(*) FROM kept_forms").fetchone()[0] == 1
