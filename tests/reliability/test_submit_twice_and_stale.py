"""A double click sends one submission; two browsers on one draft never overwrite each other silently."""
from __future__ import annotations

import re
import threading

from bs4 import BeautifulSoup

from surveyapp.frameworks.registry import framework_for_round

from ..conftest import csrf_token, sign_in


def open_draft(app, db, make_org, make_user, make_round, browsers: int):
    """Sign one lead in on several browsers and start a draft; return them, the base url and framework."""
    org = make_org("Double Click Test Service (fictional)")
    make_user("lead@example.org", organisations=[org])
    round_id = make_round()
    clients = [app.test_client() for _ in range(browsers)]
    for client in clients:
        sign_in(client, "lead@example.org")
    base = f"/rounds/{round_id}/organisations/{org}"
    page = clients[0].get(base + "/").get_data(as_text=True)
    assert clients[0].post(base + "/start", data={"csrf_token": csrf_token(page)}).status_code == 302
    return clients, base, framework_for_round(db, round_id)


def page_fields(domain, level: str, comment: str = "") -> dict:
    """Answer a domain's questions the same way throughout."""
    data = {}
    for ind in domain.indicators:
        data[ind.id] = level if ind.type == "rating" else (ind.choices[0].key if ind.choices else "Notes")
        if comment and ind.evidence != "none":
            data[ind.id + "__comment"] = comment
    return data


def loaded(client, url: str) -> tuple[str, str]:
    """Open a domain page; return its CSRF token and the draft version it was loaded at."""
    page = client.get(url).get_data(as_text=True)
    return csrf_token(page), re.search(r'name="version" value="(\d+)"', page).group(1)


def test_the_same_submission_sent_twice_at_once_records_one(app, db, make_org, make_user, make_round):
    (first, second), base, framework = open_draft(app, db, make_org, make_user, make_round, browsers=2)
    for domain in framework.domains:
        url = f"{base}/domains/{domain.id}"
        token, version = loaded(first, url)
        assert first.post(url, data={**page_fields(domain, "4"), "action": "continue", "version": version,
                                     "csrf_token": token}).status_code == 302
    tokens = [csrf_token(c.get(base + "/check").get_data(as_text=True)) for c in (first, second)]
    version_before = db.execute("SELECT version FROM responses").fetchone()[0]

    together, replies = threading.Barrier(2), [None, None]

    def submit(n, client):
        together.wait()
        replies[n] = client.post(base + "/check", data={"csrf_token": tokens[n]})

    threads = [threading.Thread(target=submit, args=(n, c)) for n, c in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [r.status_code for r in replies] == [302, 302]
    assert all(r.location.endswith(base + "/confirmation") for r in replies)
    rows = db.execute("SELECT status, reference, version FROM responses").fetchall()
    assert len(rows) == 1 and rows[0][0] == "submitted"
    assert rows[0][2] == version_before + 1  # submitted once, not twice
    for client in (first, second):  # both see the one reference
        panel = BeautifulSoup(client.get(base + "/confirmation").data, "html.parser").find(class_="govuk-panel__body")
        assert rows[0][1] in panel.get_text()
    # and a third try, much later, still gets the confirmation rather than an error
    again = first.post(base + "/check", data={"csrf_token": tokens[0]})
    assert again.status_code == 302 and again.location.endswith(base + "/confirmation")


def test_a_save_from_an_old_copy_is_refused_with_what_changed(app, db, make_org, make_user, make_round):
    (mine, theirs), base, framework = open_draft(app, db, make_org, make_user, make_round, browsers=2)
    domain = framework.domains[0]
    url = f"{base}/domains/{domain.id}"
    my_token, my_version = loaded(mine, url)
    their_token, their_version = loaded(theirs, url)
    assert my_version == their_version

    their_answers = page_fields(domain, "2", "Their evidence")
    assert theirs.post(url, data={**their_answers, "action": "continue", "version": their_version,
                                  "csrf_token": their_token}).status_code == 302
    saved = db.execute("SELECT indicator_id, value, comment FROM answers ORDER BY 1").fetchall()

    my_answers = page_fields(domain, "5", "My evidence, typed carefully")
    stale = mine.post(url, data={**my_answers, "action": "continue", "version": my_version,
                                 "csrf_token": my_token})
    assert stale.status_code == 409
    soup = BeautifulSoup(stale.data, "html.parser")
    notice = soup.find(class_="govuk-error-summary").get_text(" ", strip=True)
    assert "Someone else saved this section while you were working on it" in notice
    assert "nothing you typed has been lost" in notice
    first = domain.indicators[0]
    assert f"{first.text}: Weak (2)" in notice  # what the other person saved, in words
    for ind in domain.indicators:  # everything I typed is still in the form
        assert soup.find("input", attrs={"name": ind.id, "value": "5"}).has_attr("checked")
        assert soup.find("textarea", attrs={"name": ind.id + "__comment"}).get_text() == "My evidence, typed carefully"
    assert db.execute("SELECT indicator_id, value, comment FROM answers ORDER BY 1").fetchall() == saved

    # saving again from the refreshed page, knowingly, keeps mine
    new_version = soup.find("input", attrs={"name": "version"})["value"]
    assert int(new_version) == int(my_version) + 1
    kept = mine.post(url, data={**my_answers, "action": "continue", "version": new_version,
                                "csrf_token": csrf_token(stale.get_data(as_text=True))})
    assert kept.status_code == 302
    assert {row[0] for row in db.execute("SELECT value FROM answers")} == {5.0}
