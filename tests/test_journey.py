"""The service lead's journey through the Flask test client."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from surveyapp.frameworks.registry import framework_for_round

from .conftest import csrf_token, sign_in


@pytest.fixture
def journey(app, client, db, make_org, make_user, make_round):
    org = make_org("Harbour Test Service (fictional)")
    make_user("lead@example.org", organisations=[org])
    round_id = make_round("strategic-planning")
    sign_in(client, "lead@example.org")
    base = f"/rounds/{round_id}/organisations/{org}"
    framework = framework_for_round(db, round_id)
    return base, framework, round_id, org


def full_answers(domain, level="4"):
    """Answer every question in a domain the way a careful lead would."""
    data = {}
    for ind in domain.indicators:
        if ind.type == "rating":
            data[ind.id] = level
        elif ind.type in ("choice", "yesno"):
            data[ind.id] = ind.choices[0].key
        elif ind.type == "number":
            data[ind.id] = "12"
        else:
            data[ind.id] = "Joint training with partners."
    return data


def start(client, base):
    """Start the response from the task list, as the lead's "Start now" button does."""
    page = client.get(base + "/").get_data(as_text=True)
    return client.post(base + "/start", data={"csrf_token": csrf_token(page)})


def save(client, url, data, action="continue"):
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return client.post(url, data={**data, "action": action, "version": version,
                                  "csrf_token": csrf_token(page)})


def test_full_journey(client, db, journey):
    base, fw, _round_id, _org = journey
    # task list before starting: nothing stored yet, a start button
    page = client.get(base + "/")
    assert b"Start now" in page.data
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0
    started = client.post(base + "/start", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    first, _second = fw.domains[0], fw.domains[1]
    assert started.location.endswith(f"/domains/{first.id}")

    # partial save with "save and come back later": no required-answer errors
    ind = first.scored_indicators[0]
    partial = save(client, f"{base}/domains/{first.id}",
                   {ind.id: "5", f"{ind.id}__comment": "Board minutes, March"}, action="later")
    assert partial.status_code == 302 and partial.location.endswith(base + "/")
    tasks = BeautifulSoup(client.get(base + "/").data, "html.parser")
    assert "In progress" in tasks.find(id="task-1-status").get_text()
    assert "Not started" in tasks.find(id="task-2-status").get_text()

    # resume: the saved answer and comment are there
    resumed = BeautifulSoup(client.get(f"{base}/domains/{first.id}").data, "html.parser")
    assert resumed.find("input", attrs={"name": ind.id, "value": "5"}).has_attr("checked")
    assert resumed.find("textarea", attrs={"name": f"{ind.id}__comment"}).get_text() == "Board minutes, March"

    # invalid answer: "continue" with one required answer missing and a bad value elsewhere
    data = full_answers(first)
    missing = first.scored_indicators[1]
    data.pop(missing.id)
    data[f"{ind.id}__comment"] = "Typed <b>evidence</b> kept"
    data[first.scored_indicators[2].id] = "99"  # not on the scale
    bad = save(client, f"{base}/domains/{first.id}", data)
    assert bad.status_code == 200
    soup = BeautifulSoup(bad.data, "html.parser")
    assert soup.title.get_text().startswith("Error:")
    summary_links = [a["href"] for a in soup.select(".govuk-error-summary a")]
    assert f"#{missing.id}" in summary_links and f"#{first.scored_indicators[2].id}" in summary_links
    # what was typed is kept, escaped
    assert soup.find("textarea", attrs={"name": f"{ind.id}__comment"}).get_text() == "Typed <b>evidence</b> kept"
    assert soup.find("input", attrs={"name": ind.id, "value": "4"}).has_attr("checked")
    assert b"<b>evidence</b>" not in bad.data
    # nothing of the invalid page was stored
    stored = db.execute("SELECT value, comment FROM answers WHERE indicator_id = ?", [ind.id]).fetchone()
    assert stored == (5.0, "Board minutes, March")

    # fix and complete every domain
    for domain in fw.domains:
        done = save(client, f"{base}/domains/{domain.id}", full_answers(domain))
        assert done.status_code == 302, domain.id
    assert done.location.endswith("/check")

    # check answers shows every answer with change links
    check = BeautifulSoup(client.get(base + "/check").data, "html.parser")
    rows = check.select(".govuk-summary-list__row")
    assert len(rows) == len(fw.indicators)
    assert len(check.select(".govuk-summary-list__actions a")) == len(fw.indicators)

    # submit: confirmation with a reference, then locked
    page = client.get(base + "/check").get_data(as_text=True)
    submitted = client.post(base + "/check", data={"csrf_token": csrf_token(page)})
    assert submitted.location.endswith("/confirmation")
    confirmation = client.get(base + "/confirmation").get_data(as_text=True)
    reference = db.execute("SELECT reference FROM responses").fetchone()[0]
    assert re.fullmatch(r"SA-[A-Z2-9]{4}-[A-Z2-9]{4}", reference)
    assert reference in confirmation
    assert "Your organisation’s results" in confirmation
    # the organisation's own summary: every rating answered 4, so every section and overall is 4.0
    table = BeautifulSoup(confirmation, "html.parser").find(id="domain-scores-caption").find_parent("table")
    scores = {row.th.get_text(strip=True): row.find("td").get_text(strip=True)
              for row in table.select("tbody tr")}
    assert scores == {**{d.title: "4.0" for d in fw.domains}, "Overall": "4.0"}

    locked = client.get(f"{base}/domains/{first.id}")
    assert b"cannot be changed" in locked.data and b"Save and continue" not in locked.data
    attempt = client.post(f"{base}/domains/{first.id}", data={**full_answers(first, "1"), "action": "continue",
                          "version": "99", "csrf_token": csrf_token(confirmation)})
    assert attempt.status_code == 409
    assert db.execute("SELECT count(*) FROM answers WHERE value = 1").fetchone()[0] == 0


def test_submit_refused_until_every_section_is_complete(client, db, journey):
    base, fw, *_ = journey
    start(client, base)
    save(client, f"{base}/domains/{fw.domains[0].id}", full_answers(fw.domains[0]))
    page = client.get(base + "/check").get_data(as_text=True)
    refused = client.post(base + "/check", data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 400
    soup = BeautifulSoup(refused.data, "html.parser")
    links = [a["href"] for a in soup.select(".govuk-error-summary a")]
    assert links == [f"#section-{d.id}" for d in fw.domains[1:]]
    assert db.execute("SELECT status FROM responses").fetchone()[0] == "draft"


def test_double_submit_records_one_submission(client, db, journey):
    base, fw, *_ = journey
    start(client, base)
    for domain in fw.domains:
        save(client, f"{base}/domains/{domain.id}", full_answers(domain))
    token = csrf_token(client.get(base + "/check").get_data(as_text=True))
    first = client.post(base + "/check", data={"csrf_token": token})
    again = client.post(base + "/check", data={"csrf_token": token})
    assert first.location == again.location and again.location.endswith("/confirmation")
    assert db.execute("SELECT count(*), count(reference) FROM responses WHERE status='submitted'").fetchone() == (1, 1)


def test_stale_save_is_refused_and_keeps_what_was_typed(client, db, journey):
    base, fw, *_ = journey
    start(client, base)
    domain = fw.domains[0]
    url = f"{base}/domains/{domain.id}"
    old_page = client.get(url).get_data(as_text=True)
    old_version = re.search(r'name="version" value="(\d+)"', old_page).group(1)
    save(client, url, full_answers(domain, "6"))  # someone else's save in between
    mine = full_answers(domain, "2")
    stale = client.post(url, data={**mine, "action": "continue", "version": old_version,
                                   "csrf_token": csrf_token(old_page)})
    assert stale.status_code == 409
    soup = BeautifulSoup(stale.data, "html.parser")
    assert "Someone else saved this section" in soup.get_text()
    first = domain.scored_indicators[0]
    assert soup.find("input", attrs={"name": first.id, "value": "2"}).has_attr("checked")
    assert db.execute("SELECT value FROM answers WHERE indicator_id = ?", [first.id]).fetchone()[0] == 6.0
    # saving again from the re-shown page (now on the current version) succeeds
    resend = client.post(url, data={**mine, "action": "continue",
                                    "version": soup.find("input", attrs={"name": "version"})["value"],
                                    "csrf_token": csrf_token(stale.get_data(as_text=True))})
    assert resend.status_code == 302
    assert db.execute("SELECT value FROM answers WHERE indicator_id = ?", [first.id]).fetchone()[0] == 2.0


def test_closed_round_cannot_be_started(client, db, journey, make_round):
    base, _fw, round_id, _org = journey
    db.execute("UPDATE rounds SET status = 'closed' WHERE id = ?", [round_id])
    page = client.get(base + "/").get_data(as_text=True)
    assert "Start now" not in page
    assert client.post(base + "/start", data={"csrf_token": csrf_token(page)}).status_code == 409
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0


def test_someone_else_cannot_open_the_organisations_assessment(client, db, journey, make_org, make_user):
    base, _fw, _round_id, _org = journey
    other = make_org("Other Place (fictional)", area="Angus")
    make_user("other@example.org", organisations=[other])
    client.post("/sign-out", data={"csrf_token": csrf_token(client.get(base + "/").get_data(as_text=True))})
    sign_in(client, "other@example.org")
    refused = client.get(base + "/")
    assert refused.status_code == 403
    assert b"Harbour Test Service" not in refused.data


def test_a_value_outside_the_scale_is_refused_and_nothing_is_stored(client, db, journey):
    base, fw, *_ = journey
    start(client, base)
    domain = fw.domains[0]
    first = domain.scored_indicators[0]
    refused = save(client, f"{base}/domains/{domain.id}", {**full_answers(domain), first.id: "99"})
    assert refused.status_code == 200
    soup = BeautifulSoup(refused.data, "html.parser")
    assert soup.select_one(".govuk-error-summary a")["href"] == f"#{first.id}"
    assert "Not a valid choice" in soup.select_one(f"#{first.id}-error").get_text()
    # what else was typed is still on the page, and nothing reached the database
    second = domain.scored_indicators[1]
    assert soup.find("input", attrs={"name": second.id, "value": "4"}).has_attr("checked")
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == 0


def test_a_domain_page_post_without_the_session_csrf_token_is_refused(client, db, journey):
    base, fw, *_ = journey
    start(client, base)
    domain = fw.domains[0]
    url = f"{base}/domains/{domain.id}"
    for token in ({}, {"csrf_token": "forged"}):
        response = client.post(url, data={**full_answers(domain), "action": "continue", "version": "1", **token})
        assert response.status_code == 400
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == 0


def test_the_submission_and_its_audit_entry_commit_together(client, db, journey):
    base, fw, round_id, org = journey
    start(client, base)
    for domain in fw.domains:
        save(client, f"{base}/domains/{domain.id}", full_answers(domain))
    token = csrf_token(client.get(base + "/check").get_data(as_text=True))
    # the audit log refuses writes: the submission must not be acknowledged or kept without its entry
    db.execute("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'no'); END")
    client.application.testing = False  # let the app answer with its error page, as in production
    assert client.post(base + "/check", data={"csrf_token": token}).status_code == 500
    assert db.execute("SELECT status, reference FROM responses").fetchone() == ("draft", None)
    db.execute("DROP TRIGGER refuse_audit")
    done = client.post(base + "/check", data={"csrf_token": token})
    assert done.location.endswith("/confirmation")
    reference = db.execute("SELECT reference FROM responses WHERE status = 'submitted'").fetchone()[0]
    assert db.execute("SELECT organisation_id, detail FROM audit_log WHERE action = 'response.submitted'"
                      ).fetchall() == [(org, f"round {round_id}, reference {reference}")]
