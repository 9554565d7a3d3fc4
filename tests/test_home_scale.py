"""Home pages cost the same with 2 open rounds or 60: the facilitator's shows the newest few and links to all.

Counted from the SQL the app's own connection runs (sqlite3's trace callback), not timed: a
facilitator's home page once read every open round's places one round at a time, and with the
benchmark's 1,500 open rounds it did not answer within a minute.
"""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from surveyapp.frameworks.registry import get_framework, latest_version_key
from surveyapp.storage.db import kept_connection

from .security_world import add_user, ram_app, sign_in_directly, submit_all


@pytest.fixture
def app(tmp_path):
    yield from ram_app(tmp_path)


@pytest.fixture
def site(db, make_org, make_round):
    """Three organisations in two areas, every role, one open round with a submitted response."""
    alpha = make_org("Alpha Harbour Recovery Service (fictional)", "Dundee City")
    make_org("Beta Quay Support Project (fictional)", "Dundee City")
    make_org("Gamma Glen Service (fictional)", "Angus")
    lead = add_user(db, "lead@example.org", "service_lead", [alpha])
    add_user(db, "fac@example.org", "facilitator", areas=["Dundee City"])
    add_user(db, "com@example.org", "commissioner", areas=["Dundee City"])
    add_user(db, "admin@example.org", "admin")
    first = make_round(title="Round 1", closes_on="2099-03-31")
    submit_all(db, get_framework(db, latest_version_key(db, "strategic-planning")), first, alpha,
               "lead@example.org", lead)
    make_round(title="Round 2")
    return {"first": first}


def more_open_rounds(db, how_many: int) -> None:
    """Add open rounds of the same framework, as the benchmark's load rounds are."""
    key = latest_version_key(db, "strategic-planning")
    db.conn.executemany("INSERT INTO rounds (framework_key, title, status) VALUES (?, ?, 'open')",
                        [(key, f"Load round {n + 1}") for n in range(how_many)])
    db.conn.commit()


def statements_for(app, client, url: str) -> tuple[int, str]:
    """Return how many SQL statements one GET of url runs on the app's connection, and the page."""
    statements: list[str] = []
    served = kept_connection(app.config["DATABASE"])
    served.conn.set_trace_callback(statements.append)
    try:
        response = client.get(url)
    finally:
        served.conn.set_trace_callback(None)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


@pytest.mark.parametrize("email", ["fac@example.org", "com@example.org", "admin@example.org",
                                   "lead@example.org"])
def test_a_home_page_runs_as_many_statements_with_sixty_open_rounds_as_with_two(app, client, db, site, email):
    sign_in_directly(client, email)
    client.get("/")  # the first request of a session reads the user and session once
    few, _ = statements_for(app, client, "/")
    more_open_rounds(db, 58)
    many, _ = statements_for(app, client, "/")
    assert many == few


def test_the_facilitator_sees_the_newest_open_rounds_their_counts_and_a_link_to_all(app, client, db, site):
    more_open_rounds(db, 58)
    sign_in_directly(client, "fac@example.org")
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    cards = page.select(".govuk-summary-card__title")
    assert [c.get_text(strip=True) for c in cards] == [f"Load round {n}" for n in (58, 57, 56, 55, 54)]
    more = page.find(id="more-rounds")
    assert "60 rounds are open. These are the 5 newest." in more.get_text(" ", strip=True)
    assert more.find("a")["href"] == "/manage/rounds/"
    # counts cover the facilitator's area only: two Dundee City organisations, none submitted yet
    newest = page.select_one(".govuk-summary-card")
    assert "Dundee City 0 of 2 submitted (0%)" in newest.get_text(" ", strip=True)
    assert "Angus" not in newest.get_text(" ", strip=True)
    assert "Remind 2 not submitted" in newest.get_text(" ", strip=True)


def test_the_first_rounds_counts_include_its_submitted_response(app, client, db, site):
    sign_in_directly(client, "fac@example.org")
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    card = page.find(id=f"round-{site['first']}").get_text(" ", strip=True)
    assert "Dundee City 1 of 2 submitted (50%)" in card
    assert "Remind 1 not submitted" in card
    assert page.find(id="more-rounds") is None  # two open rounds: all are shown


def test_the_rounds_page_lists_fifty_a_page_newest_first(app, client, db, site):
    more_open_rounds(db, 58)
    sign_in_directly(client, "fac@example.org")
    first = BeautifulSoup(client.get("/manage/rounds/").get_data(as_text=True), "html.parser")
    rows = first.select("tbody tr td:first-child")
    assert len(rows) == 50
    assert rows[0].get_text(strip=True) == "Load round 58"
    assert "1 to 50 of 60" in first.find("caption").get_text(" ", strip=True)
    second = BeautifulSoup(client.get("/manage/rounds/?page=2").get_data(as_text=True), "html.parser")
    assert [td.get_text(strip=True) for td in second.select("tbody tr td:first-child")][-2:] == [
        "Round 2", "Round 1"]
