"""Administrators manage people and organisations and read the audit log and outbox; facilitators reopen."""
from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup

from surveyapp.frameworks.registry import get_framework, latest_version_key

from .conftest import csrf_token, sign_in
from .security_world import add_user, fill_in, ram_app, sign_in_directly, submit_all


@pytest.fixture
def app(tmp_path):
    yield from ram_app(tmp_path)


@pytest.fixture
def world(db, make_org):
    dundee = make_org("Alpha Harbour Recovery Service (fictional)", "Dundee City")
    angus = make_org("Beta Glens Outreach Project (fictional)", "Angus")
    return {
        "dundee": dundee, "angus": angus,
        "admin": add_user(db, "admin@example.org", "admin"),
        "lead": add_user(db, "lead@example.org", "service_lead", [dundee]),
        "fac": add_user(db, "fac@example.org", "facilitator", areas=["Dundee City"]),
    }


def post(client, url, data, page_url=None):
    page = client.get(page_url or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token(page)})


def test_admin_adds_an_organisation_and_imports_more(client, db, world):
    sign_in_directly(client, "admin@example.org")
    assert post(client, "/admin/organisations", {"name": "Gamma Carse Advice Centre (fictional)",
                                                 "area": "Perth and Kinross", "sector": "Third sector"}).status_code == 302
    duplicate = post(client, "/admin/organisations", {"name": "Gamma Carse Advice Centre (fictional)",
                                                      "area": "Angus", "sector": "NHS"})
    assert duplicate.status_code == 400 and "already an organisation" in duplicate.get_data(as_text=True)

    def upload(text):
        page = client.get("/admin/organisations/import").get_data(as_text=True)
        return client.post("/admin/organisations/import", content_type="multipart/form-data", data={
            "file": (io.BytesIO(text.encode("utf-8")), "orgs.csv"), "csrf_token": csrf_token(page)})

    bad = upload("name,area,sector\nDelta Hub (fictional),Atlantis,NHS\n")
    assert bad.status_code == 303, "the upload becomes an import job, with a page of its own"
    assert "unknown area" in client.get(bad.location).get_data(as_text=True)
    good = upload("name,area,sector\nDelta Hub (fictional),Angus,NHS\n")
    assert good.status_code == 303 and "Import complete" in client.get(good.location).get_data(as_text=True)
    names = [r[0] for r in db.execute("SELECT name FROM organisations ORDER BY name")]
    assert "Delta Hub (fictional)" in names and "Gamma Carse Advice Centre (fictional)" in names
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log")]
    assert "organisation.created" in actions and "organisations.imported" in actions


def test_admin_changes_memberships_and_deactivates_someone(app, client, db, world):
    elsewhere = app.test_client()
    sign_in_directly(elsewhere, "lead@example.org")
    sign_in_directly(client, "admin@example.org")
    url = f"/admin/users/{world['lead']}"
    assert post(client, url, {"organisations": [str(world["dundee"]), str(world["angus"])]}).status_code == 302
    assert sorted(r[0] for r in db.execute("SELECT organisation_id FROM memberships WHERE user_id = ?",
                                           [world["lead"]])) == sorted([world["dundee"], world["angus"]])
    assert post(client, url, {}).status_code == 400, "a service lead keeps at least one organisation"

    assert post(client, url + "/active", {"active": "0", "confirm": "yes"}, page_url=url).status_code == 302
    assert elsewhere.get("/").status_code == 302, "deactivation signs them out at once"
    assert sign_in(app.test_client(), "lead@example.org").status_code == 200, "and they cannot sign in"
    assert post(client, url + "/active", {"active": "1"}, page_url=url).status_code == 302
    assert sign_in(app.test_client(), "lead@example.org").status_code == 302


def test_admin_cannot_deactivate_themselves(client, db, world):
    sign_in_directly(client, "admin@example.org")
    url = f"/admin/users/{world['admin']}"
    post(client, url + "/active", {"active": "0", "confirm": "yes"}, page_url=url)
    assert db.execute("SELECT active FROM users WHERE id = ?", [world["admin"]]).fetchone()[0] == 1
    assert client.get("/admin/").status_code == 200


def test_admin_sees_people_frameworks_and_the_outbox(client, db, world):
    from surveyapp.accounts.outbox import queue_message

    message_id = queue_message(db, "someone@example.org", "A subject", "Line one\n\nhttp://localhost/x")
    sign_in_directly(client, "admin@example.org")
    assert "lead@example.org" in client.get("/admin/users").get_data(as_text=True)
    frameworks = client.get("/admin/frameworks").get_data(as_text=True)
    assert "strategic-planning@1" in frameworks
    assert "A subject" in client.get("/admin/outbox").get_data(as_text=True)
    assert "http://localhost/x" in client.get(f"/admin/outbox/{message_id}").get_data(as_text=True)


def test_the_audit_log_can_be_read_filtered_and_exported(client, db, world):
    sign_in(client, "admin@example.org")
    page = client.get("/admin/audit?action=sign_in.success").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    rows = soup.select("main tbody tr")
    assert rows and all(r.find_all("td")[3].get_text(strip=True) == "Signed in" for r in rows)
    assert "sign_in.success" not in soup.select_one("main").get_text()  # nor in the filter's choices
    assert soup.select_one("#action option[selected]").get_text(strip=True) == "Signed in"
    assert client.get("/admin/audit?page=999999999999999999999").status_code == 200
    response = client.get("/admin/audit.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0]["action"] == "sign_in.success" and rows[0]["at"].endswith("Z")  # the export keeps the codes
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'audit.exported'").fetchone()[0] == 1


@pytest.fixture
def submitted(db, world, make_round):
    key = latest_version_key(db, "strategic-planning")
    round_id = make_round()
    return submit_all(db, get_framework(db, key), round_id, world["dundee"], "lead@example.org", world["lead"])


def test_a_facilitator_reopens_a_submitted_response_with_a_reason(client, db, world, submitted):
    sign_in_directly(client, "fac@example.org")
    assert "Alpha Harbour Recovery Service" in client.get("/facilitate/").get_data(as_text=True)
    url = f"/facilitate/responses/{submitted}/reopen"
    assert post(client, url, {"reason": "   "}).status_code == 400, "a reason is required"
    assert post(client, url, {"reason": "They asked to correct domain 2"}).status_code == 302
    assert db.execute("SELECT status FROM responses WHERE id = ?", [submitted]).fetchone()[0] == "draft"
    assert db.execute("SELECT reason, reopened_by FROM reopenings").fetchall() == [
        ("They asked to correct domain 2", world["fac"])]
    entry = db.execute("SELECT organisation_id, detail FROM audit_log WHERE action = 'response.reopened'").fetchone()
    assert entry[0] == world["dundee"] and "They asked to correct domain 2" in entry[1]
    assert db.execute("SELECT to_address FROM outbox").fetchone()[0] == "lead@example.org"
    assert client.get(url).status_code == 409, "only a submitted response can be reopened"


def test_a_facilitator_cannot_reopen_outside_their_area(client, db, world, make_round):
    other = add_user(db, "angus.lead@example.org", "service_lead", [world["angus"]])
    key = latest_version_key(db, "strategic-planning")
    response_id = submit_all(db, get_framework(db, key), make_round(), world["angus"],
                             "angus.lead@example.org", other)
    sign_in_directly(client, "fac@example.org")
    url = f"/facilitate/responses/{response_id}/reopen"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"reason": "x"}).status_code in (400, 403)
    assert db.execute("SELECT status FROM responses WHERE id = ?", [response_id]).fetchone()[0] == "submitted"
    assert "Beta Glens" not in client.get("/facilitate/").get_data(as_text=True)


def test_a_submission_is_audited_without_any_answer_text(client, db, world, make_round):
    round_id = make_round()
    base = f"/rounds/{round_id}/organisations/{world['dundee']}"
    sign_in_directly(client, "lead@example.org")
    url = client.post(base + "/start", data={"csrf_token": csrf_token(client.get(base + "/").get_data(as_text=True))}
                      ).headers["Location"]
    while "/domains/" in url:
        form = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser").main.find("form", method="post")
        url = client.post(url, data={**fill_in(form, "SECRET-ANSWER-TEXT"),
                                     "csrf_token": csrf_token(str(form))}).headers["Location"]
    assert post(client, base + "/check", {}).status_code == 302
    entry = db.execute("SELECT user_email, organisation_id, detail FROM audit_log "
                       "WHERE action = 'response.submitted'").fetchone()
    assert entry[0] == "lead@example.org" and entry[1] == world["dundee"] and "reference SA-" in entry[2]
    everything = " ".join(str(v) for row in db.execute("SELECT * FROM audit_log") for v in row)
    assert "SECRET-ANSWER-TEXT" not in everything


def test_the_audit_log_names_every_action_in_words_without_internal_numbers(client, db, world, make_round):
    round_id = make_round(title="2026/27 round")
    sign_in(client, "fac@example.org")
    closed = post(client, f"/manage/rounds/{round_id}/status", {"status": "closed", "confirm": "yes"},
                  page_url=f"/manage/rounds/{round_id}/confirm?status=closed")
    assert closed.status_code == 302
    sign_in(client, "admin@example.org")
    page = BeautifulSoup(client.get("/admin/audit").get_data(as_text=True), "html.parser")
    cells = [r.find_all("td") for r in page.select("main tbody tr")]
    actions = {c[3].get_text(strip=True) for c in cells}
    assert "Round closed" in actions and "Signed in" in actions
    assert not [a for a in actions if "." in a or "_" in a]  # no code such as round.closed
    details = " ".join(c[4].get_text(" ", strip=True) for c in cells)
    assert "2026/27 round" in details and f"round {round_id} (" not in details
    assert page.find("code") is None
