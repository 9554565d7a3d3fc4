"""Facilitators create, open and close rounds; nobody else can."""
from __future__ import annotations

from bs4 import BeautifulSoup

from .conftest import csrf_token, sign_in


def test_facilitator_creates_and_closes_a_round(client, db, make_user):
    make_user("fac@example.org", role="facilitator", areas=["*"])
    sign_in(client, "fac@example.org")
    page = client.get("/manage/rounds/new").get_data(as_text=True)
    options = [o["value"] for o in BeautifulSoup(page, "html.parser").select("#framework option")]
    assert "mat-standards@1" in options
    created = client.post("/manage/rounds/new", data={
        "framework": "mat-standards@1", "title": "Winter MAT review", "opens": "2026-11-01",
        "closes": "2027-01-31", "csrf_token": csrf_token(page)})
    assert created.status_code == 302
    row = db.execute("SELECT id, framework_key, opens_on, closes_on, status FROM rounds WHERE title = 'Winter MAT review'").fetchone()
    assert row[1:] == ("mat-standards@1", "2026-11-01", "2027-01-31", "open")
    listing = client.get("/manage/rounds/").get_data(as_text=True)
    assert "Winter MAT review" in listing
    closed = client.post(f"/manage/rounds/{row[0]}/status", data={"status": "closed", "confirm": "yes", "csrf_token": csrf_token(listing)})
    assert closed.status_code == 302
    assert db.execute("SELECT status FROM rounds WHERE id = ?", [row[0]]).fetchone()[0] == "closed"


def test_invalid_round_keeps_what_was_typed(client, db, make_user):
    make_user("fac@example.org", role="facilitator", areas=["*"])
    sign_in(client, "fac@example.org")
    page = client.get("/manage/rounds/new").get_data(as_text=True)
    response = client.post("/manage/rounds/new", data={
        "framework": "mat-standards@1", "title": "Typed <title>", "opens": "2026-12-01",
        "closes": "2026-11-01", "csrf_token": csrf_token(page)})
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    assert [a.get_text() for a in soup.select(".govuk-error-summary a")] == [
        "The closing date must be the same as or after the opening date"]
    assert soup.find(id="title")["value"] == "Typed <title>"
    assert db.execute("SELECT count(*) FROM rounds").fetchone()[0] == 0


def test_service_leads_and_commissioners_cannot_manage_rounds(client, db, make_user, make_org, make_round):
    round_id = make_round()
    make_user("lead@example.org", organisations=[make_org()])
    make_user("com@example.org", role="commissioner", areas=["Dundee City"])
    for email in ("lead@example.org", "com@example.org"):
        sign_in(client, email)
        assert client.get("/manage/rounds/").status_code == 403
        assert client.get("/manage/rounds/new").status_code == 403
        token = csrf_token(client.get("/").get_data(as_text=True))
        assert client.post(f"/manage/rounds/{round_id}/status", data={"status": "closed", "csrf_token": token}).status_code == 403
        client.post("/sign-out", data={"csrf_token": token})
    assert db.execute("SELECT status FROM rounds").fetchone()[0] == "open"
