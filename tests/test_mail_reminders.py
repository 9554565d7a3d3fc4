"""Reminders: a facilitator sees who has not submitted in an open round, previews, and sends (once a day)."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from .conftest import csrf_token
from .security_world import add_user, make_app, sign_in_directly
from .smtp_server import smtp_server  # noqa: F401 (a fixture)


@pytest.fixture
def app(tmp_path, smtp_server):
    return make_app(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_SECURITY="none",
                    MAIL_FROM="surveys@example.org")


@pytest.fixture
def world(db, make_org, make_round):
    from surveyapp.assessments.responses import start_response

    orgs = {name: make_org(f"{name} Service (fictional)", area) for name, area in
            (("Alpha", "Dundee City"), ("Beta", "Dundee City"), ("Gamma", "Dundee City"), ("Delta", "Angus"))}
    add_user(db, "fac@example.org", "facilitator", areas=["Dundee City"], name="Fiona Facilitator")
    people = {
        "ann": add_user(db, "ann@example.org", "service_lead", [orgs["Alpha"]], name="Ann Alpha"),
        "abe": add_user(db, "abe@example.org", "service_lead", [orgs["Alpha"]], name="Abe Alpha"),
        "bea": add_user(db, "bea@example.org", "service_lead", [orgs["Beta"]], name="Bea Beta"),
        "dan": add_user(db, "dan@example.org", "service_lead", [orgs["Delta"]], name="Dan Delta"),
    }
    round_id = make_round(title="Spring 2027 round", closes_on="2099-05-31")
    draft = start_response(db, round_id, orgs["Alpha"], "ann@example.org", people["ann"])
    submitted = start_response(db, round_id, orgs["Beta"], "bea@example.org", people["bea"])
    db.execute("UPDATE responses SET status = 'submitted', reference = 'R1' WHERE id = ?", [submitted["id"]])
    return {"orgs": orgs, "people": people, "round": round_id, "draft": draft}


def facilitator(app):
    client = app.test_client()
    sign_in_directly(client, "fac@example.org")
    return client


def test_the_page_lists_who_has_not_submitted_by_organisation_and_person(app, world):
    page = facilitator(app).get(f"/facilitate/rounds/{world['round']}/reminders")
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    rows = [" ".join(td.get_text(" ", strip=True) for td in tr.select("td")) for tr in soup.select("tbody tr")]
    assert len(rows) == 3
    assert "Alpha Service" in rows[0] and "Abe Alpha" in rows[0] and "In progress" in rows[0]
    assert "Ann Alpha" in rows[1]
    assert "Gamma Service" in rows[2] and "No service lead yet" in rows[2] and "Not started" in rows[2]
    text = soup.get_text()
    assert "Beta Service" not in text, "submitted"
    assert "Delta Service" not in text, "outside the facilitator's area"
    checked = [i["value"] for i in soup.select("input[name=people][checked]")]
    assert sorted(checked) == sorted([str(world["people"]["ann"]), str(world["people"]["abe"])])


def post(client, url, data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_a_preview_shows_the_message_and_queues_nothing(app, db, world):
    url = f"/facilitate/rounds/{world['round']}/reminders"
    response = post(facilitator(app), url, {"people": [str(world["people"]["ann"])], "action": "preview"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Check the reminder before sending" in page
    assert "Spring 2027 round" in page and "Strategic" in page and "Ann Alpha" in page and "Abe Alpha" not in page
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_reminders_go_to_the_selection_once_a_day_logged_and_delivered(app, db, world, smtp_server):
    client = facilitator(app)
    url = f"/facilitate/rounds/{world['round']}/reminders"
    ann, abe = str(world["people"]["ann"]), str(world["people"]["abe"])
    assert post(client, url, {"people": [ann], "action": "send"}).status_code == 302
    assert post(client, url, {"people": [ann, abe], "action": "send"}).status_code == 302
    to = [r[0] for r in db.execute("SELECT to_address FROM outbox ORDER BY id")]
    assert to == ["ann@example.org", "abe@example.org"], "Ann had hers today already"
    # Ann is no longer offered today, and a form loaded earlier sends her nothing more
    soup = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    assert [i["value"] for i in soup.select("input[name=people]")] == []
    again = post(client, url, {"people": [ann], "action": "send"})
    assert "already had one today" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 2
    logged = [r[0] for r in db.execute("SELECT detail FROM audit_log WHERE action = 'reminder.sent' ORDER BY id")]
    assert len(logged) == 2 and "ann@example.org" in logged[0]
    assert db.execute("SELECT count(*) FROM reminders WHERE outbox_id IS NOT NULL").fetchone()[0] == 2

    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert "sent 2" in result.output
    message = next(m for m in smtp_server.messages if m["To"] == "ann@example.org")
    assert message["Subject"] == "Reminder: a self-assessment is waiting for you"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for words in ("Spring 2027 round", "Strategic", "Alpha Service", "a draft is saved", "31 May 2099",
                  "http://localhost/sign-in", "Fiona Facilitator"):
        assert words in text and words in html, words


def test_no_reminders_for_a_closed_round_or_another_role(app, db, world):
    db.execute("UPDATE rounds SET status = 'closed'")
    assert facilitator(app).get(f"/facilitate/rounds/{world['round']}/reminders").status_code == 409
    lead = app.test_client()
    sign_in_directly(lead, "ann@example.org")
    assert lead.get(f"/facilitate/rounds/{world['round']}/reminders").status_code == 403


def test_an_automatic_reminder_goes_a_set_number_of_days_before_the_round_closes(tmp_path, smtp_server):
    import datetime as dt

    from surveyapp.storage.db import connect

    app = make_app(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_SECURITY="none",
                   REMINDER_DAYS_BEFORE_CLOSE=3, BASE_URL="https://survey.example.org/")
    db = connect(app.config["DATABASE"])
    org = db.execute("INSERT INTO organisations (name, area, sector) VALUES ('Alpha (fictional)', 'Angus', "
                     "'Third sector')").lastrowid
    add_user(db, "ann@example.org", "service_lead", [org], name="Ann Alpha")
    from surveyapp.assessments.rounds import create_round
    from surveyapp.frameworks.registry import latest_version_key

    closing = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)).isoformat()
    create_round(db, latest_version_key(db, "strategic-planning"), "Closing soon", closes_on=closing)
    create_round(db, latest_version_key(db, "strategic-planning"), "Closing later", closes_on="2099-01-01")
    runner = app.test_cli_runner()
    assert "queued 1 automatic reminders" in runner.invoke(args=["mail", "send"]).output
    assert "automatic" not in runner.invoke(args=["mail", "send"]).output, "once a day"
    (message,) = smtp_server.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "This is a reminder that" in text and "Closing soon" in text and "https://survey.example.org/sign-in" in text
    detail = db.execute("SELECT detail FROM audit_log WHERE action = 'reminder.sent'").fetchone()[0]
    assert "automatic" in detail
