"""Consequential actions ask first: a confirmation page says what will happen and to whom (issue 19, point 8)."""
from __future__ import annotations

from bs4 import BeautifulSoup

from .conftest import csrf_token, sign_in


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _round_status(db, round_id) -> str:
    return db.execute("SELECT status FROM rounds WHERE id = ?", [round_id]).fetchone()[0]


def test_a_round_opens_only_after_the_facilitator_confirms(client, db, make_user, make_org, make_round):
    make_org("Alpha Harbour Recovery Service (fictional)", "Dundee City")
    make_org("Beta Glens Outreach Project (fictional)", "Angus")
    round_id = make_round(title="Spring check-in", status="closed", closes_on="2027-03-31")
    make_user("fac@example.org", role="facilitator", areas=["*"])
    sign_in(client, "fac@example.org")
    listing = client.get("/manage/rounds/")
    link = _soup(listing).find("a", href=f"/manage/rounds/{round_id}/confirm?status=open")
    assert link is not None and link.get_text(" ", strip=True) == "Open Spring check-in"

    # pressing Open on the list only asks
    asked = client.get(link["href"])
    assert asked.status_code == 200 and _round_status(db, round_id) == "closed"
    page = _soup(asked)
    assert page.h1.get_text(strip=True) == "Are you sure you want to open this round?"
    what = page.find(id="what-happens").get_text(" ", strip=True)
    assert "Service leads of the 2 organisations in this round can start, change and submit" in what
    assert "until 31 March 2027" in what and "No email is sent" in what
    who = page.find("dl").get_text(" ", strip=True)
    assert "Dundee City 1 organisation" in who and "Angus 1 organisation" in who

    # a POST without the confirmation (an old form, a crafted request) changes nothing either
    unconfirmed = client.post(f"/manage/rounds/{round_id}/status",
                              data={"status": "open", "csrf_token": csrf_token(asked.get_data(as_text=True))})
    assert unconfirmed.status_code == 200 and _round_status(db, round_id) == "closed"

    form = page.find("form", action=f"/manage/rounds/{round_id}/status")
    data = {i["name"]: i["value"] for i in form.find_all("input")}
    assert data["confirm"] == "yes"
    done = client.post(form["action"], data=data)
    assert done.status_code == 302 and _round_status(db, round_id) == "open"
    action = db.execute("SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert action == ("round.opened", f"round {round_id} (Spring check-in)")


def test_closing_a_round_says_who_has_not_submitted(client, db, make_user, make_org, make_round):
    first = make_org("Alpha Harbour Recovery Service (fictional)", "Dundee City")
    make_org("Beta Glens Outreach Project (fictional)", "Angus")
    round_id = make_round(title="Autumn round")
    db.execute("INSERT INTO responses (round_id, organisation_id, respondent) VALUES (?, ?, 'someone')",
               [round_id, first])
    make_user("fac@example.org", role="facilitator", areas=["*"])
    sign_in(client, "fac@example.org")
    page = _soup(client.get(f"/manage/rounds/{round_id}/confirm?status=closed"))
    what = page.find(id="what-happens").get_text(" ", strip=True)
    assert "0 of 2 organisations have submitted" in what
    assert "1 organisation has answers saved but not submitted" in what
    assert "1 organisation has not started" in what
    assert page.find("main").find("button").get_text(strip=True) == "Yes, close the round"
    assert _round_status(db, round_id) == "open"


def test_deactivating_an_account_asks_first_and_says_what_they_lose(client, db, make_user, make_org):
    org = make_org("Alpha Harbour Recovery Service (fictional)", "Dundee City")
    lead = make_user("lead@example.org", organisations=[org], name="Lee Lead")
    make_user("admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    person = _soup(client.get(f"/admin/users/{lead}"))
    link = person.find("a", string="Deactivate account")
    assert link["href"] == f"/admin/users/{lead}/deactivate"
    asked = client.get(link["href"])
    page = _soup(asked)
    assert page.h1.get_text(strip=True) == "Are you sure you want to deactivate this account?"
    what = page.find(id="what-happens").get_text(" ", strip=True)
    assert "Lee Lead is signed out everywhere" in what
    assert "can no longer answer for Alpha Harbour Recovery Service (fictional)" in what
    active = "SELECT active FROM users WHERE id = ?"
    assert db.execute(active, [lead]).fetchone()[0] == 1
    token = csrf_token(asked.get_data(as_text=True))
    client.post(f"/admin/users/{lead}/active", data={"active": "0", "csrf_token": token})
    assert db.execute(active, [lead]).fetchone()[0] == 1, "a POST without confirm=yes only asks"
    client.post(f"/admin/users/{lead}/active", data={"active": "0", "confirm": "yes", "csrf_token": token})
    assert db.execute(active, [lead]).fetchone()[0] == 0


def test_reopening_says_who_is_told(client, db, make_user, make_org, make_round):
    org = make_org("Alpha Harbour Recovery Service (fictional)", "Dundee City")
    lead = make_user("lead@example.org", organisations=[org], name="Lee Lead")
    round_id = make_round()
    response_id = db.execute(
        "INSERT INTO responses (round_id, organisation_id, respondent, user_id, status, reference, submitted_at) "
        "VALUES (?, ?, 'lead@example.org', ?, 'submitted', 'SA-ABCD-EFGH', '2026-12-02T09:30:00Z')",
        [round_id, org, lead]).lastrowid
    make_user("fac@example.org", role="facilitator", areas=["Dundee City"])
    sign_in(client, "fac@example.org")
    page = _soup(client.get(f"/facilitate/responses/{response_id}/reopen"))
    what = page.find(id="what-happens").get_text(" ", strip=True)
    assert "so Lee Lead can change it and submit it again" in what
    assert "Lee Lead (lead@example.org) is sent an email with your reason" in what
    assert "2 December 2026" in page.find("dl").get_text(" ", strip=True)
