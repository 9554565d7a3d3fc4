"""Home pages by role with the next step, distinct status tags, and the service pages in every footer
(issue 19, points 6, 9 and 12)."""
from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from surveyapp.frameworks.registry import get_framework, latest_version_key

from .security_world import add_user, ram_app, sign_in_directly, submit_all


@pytest.fixture
def app(tmp_path):
    yield from ram_app(tmp_path)


@pytest.fixture
def site(db, make_org, make_round):
    """Two organisations in Dundee City, an open round and a closed one with a submitted response."""
    alpha = make_org("Alpha Harbour Recovery Service (fictional)", "Dundee City")
    beta = make_org("Beta Quay Support Project (fictional)", "Dundee City")
    lead = add_user(db, "lead@example.org", "service_lead", [alpha, beta], name="Lee Lead")
    add_user(db, "fac@example.org", "facilitator", areas=["Dundee City"])
    add_user(db, "com@example.org", "commissioner", areas=["Dundee City"])
    add_user(db, "admin@example.org", "admin")
    closed = make_round(title="2025/26 round", status="closed")
    current = make_round(title="2026/27 round", closes_on="2027-03-31")
    framework = get_framework(db, latest_version_key(db, "strategic-planning"))
    submit_all(db, framework, closed, alpha, "lead@example.org", lead)
    return {"alpha": alpha, "beta": beta, "lead": lead, "closed": closed, "current": current,
            "framework": framework}


def _home(client, email) -> BeautifulSoup:
    sign_in_directly(client, email)
    response = client.get("/")
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _rows(soup) -> dict[str, list[str]]:
    table = soup.find("table")
    return {" ".join(td.get_text(" ", strip=True) for td in tr.find_all("td")[:2]):
            [td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")}


def test_service_lead_home_says_what_to_do_next(client, site):
    home = _home(client, "lead@example.org")
    step = home.find(id="next-step")
    link = step.find("a")
    assert link["href"] == f"/rounds/{site['current']}/organisations/{site['alpha']}/"
    assert link.get_text(strip=True).startswith("Start: Alpha Harbour Recovery Service (fictional)")
    assert "It closes on 31 March 2027." in step.get_text(" ", strip=True)
    # each assessment has its next step as a link; a submitted one leads to its results
    rows = home.find("table").tbody.find_all("tr")
    assert [tr.select_one(".app-next-step").get_text(strip=True) for tr in rows] == [
        "Start", "Start", "See your results"]
    assert rows[2].find("a")["href"] == f"/rounds/{site['closed']}/organisations/{site['alpha']}/summary"
    assert rows[0].find("a")["href"] == f"/rounds/{site['current']}/organisations/{site['alpha']}/"
    results = home.find(id="latest-results").find_all("a")
    assert [a["href"] for a in results] == [f"/rounds/{site['closed']}/organisations/{site['alpha']}/summary"]
    plans = [a["href"] for a in home.find(id="your-plans").find_all("a")]
    assert f"/organisations/{site['alpha']}/plan" in plans and f"/organisations/{site['beta']}/plan" in plans


def test_a_reopened_response_has_its_own_tag_and_next_step(client, db, site):
    response_id = db.execute("SELECT id FROM responses WHERE round_id = ?", [site["closed"]]).fetchone()[0]
    db.execute("UPDATE rounds SET status = 'open' WHERE id = ?", [site["closed"]])
    db.execute("UPDATE responses SET status = 'draft' WHERE id = ?", [response_id])
    fac = db.execute("SELECT id FROM users WHERE email = 'fac@example.org'").fetchone()[0]
    db.execute("INSERT INTO reopenings (response_id, reopened_by, reason, reopened_at) "
               "VALUES (?, ?, 'fix section 2', '2026-12-01T10:00:00Z')", [response_id, fac])
    home = _home(client, "lead@example.org")
    row = next(tr for tr in home.find("table").tbody.find_all("tr") if "2025/26" in tr.get_text()
           and "Alpha" in tr.get_text())
    tag = row.find("strong", class_="govuk-tag")
    assert tag.get_text(strip=True) == "Reopened" and "govuk-tag--orange" in tag["class"]
    assert row.select_one(".app-next-step").get_text(strip=True) == "Change and submit again"


def test_every_status_has_its_own_tag_colour(app):
    with app.app_context():
        macros = app.jinja_env.get_template("_macros.html").module
        tags = {s: BeautifulSoup(str(macros.status_tag(s)), "html.parser").strong
                for s in ("not_started", "in_progress", "completed", "submitted", "reopened")}
    words = {s: t.get_text(strip=True) for s, t in tags.items()}
    assert words == {"not_started": "Not started", "in_progress": "In progress", "completed": "Completed",
                     "submitted": "Submitted", "reopened": "Reopened"}
    colours = {s: " ".join(c for c in t["class"] if c.startswith("govuk-tag--")) for s, t in tags.items()}
    assert len(set(colours.values())) == 5, colours
    # GOV.UK Frontend 6 has no --blue or --light-blue: a class it does not define would look like the default
    defined = Path(app.static_folder, "govuk", "govuk-frontend.min.css").read_text(encoding="utf-8")
    for colour in filter(None, colours.values()):
        assert f".{colour}{{" in defined or f".{colour}," in defined, colour


def test_task_list_tags_differ_for_completed_and_in_progress(client, db, site):
    from surveyapp.assessments.responses import Answer, save_domain, start_response

    response = start_response(db, site["current"], site["alpha"], "lead@example.org", site["lead"])
    first, second = site["framework"].domains[:2]
    answers = {ind.id: Answer(value=ind.scale.levels[0].value) if ind.type == "rating" else Answer(text="x")
               for ind in first.indicators}
    save_domain(db, response["id"], first, answers, response["version"], completed=True)
    save_domain(db, response["id"], second, {}, response["version"] + 1, completed=False)
    sign_in_directly(client, "lead@example.org")
    page = BeautifulSoup(client.get(f"/rounds/{site['current']}/organisations/{site['alpha']}/").data, "html.parser")
    tags = [page.find(id=f"task-{n}-status").strong for n in (1, 2, 3)]
    assert [t.get_text(strip=True) for t in tags] == ["Completed", "In progress", "Not started"]
    # the colour a reader sees: a modifier GOV.UK Frontend does not define leaves the default blue
    assert len({_shown_colour(client.application, t) for t in tags}) == 3


def _shown_colour(app, tag) -> str:
    """Return the tag colour GOV.UK Frontend draws for a tag element."""
    defined = Path(app.static_folder, "govuk", "govuk-frontend.min.css").read_text(encoding="utf-8")
    for name in tag["class"]:
        if name.startswith("govuk-tag--") and (f".{name}{{" in defined or f".{name}," in defined):
            return name
    return "default"


def test_facilitator_home_shows_response_rate_per_area_and_the_reminder_action(client, site):
    home = _home(client, "fac@example.org")
    card = home.find(id=f"round-{site['current']}")
    assert "Dundee City 0 of 2 submitted (0%)" in card.get_text(" ", strip=True)
    actions = {a.get_text(" ", strip=True): a["href"] for a in card.find_all("a")}
    assert actions["Remind 2 not submitted in 2026/27 round"] == f"/facilitate/rounds/{site['current']}/reminders"
    assert actions["See responses to 2026/27 round"] == f"/facilitate/?round={site['current']}"


def test_commissioner_home_offers_the_latest_reports(client, site):
    home = _home(client, "com@example.org")
    links = [a["href"] for a in home.find(id=f"reports-{site['closed']}").find_all("a")]
    assert links == [f"/results/rounds/{site['closed']}/areas/dundee-city/report.pdf",
                     f"/results/rounds/{site['closed']}/areas/dundee-city"]
    assert client.get(links[1]).status_code == 200


def test_administrator_home_links_everything_they_manage(client, site):
    home = _home(client, "admin@example.org")
    summary = home.find(id="admin-summary")
    links = [a["href"] for a in summary.find_all("a")]
    assert links == ["/admin/users", "/admin/organisations", "/admin/frameworks", "/admin/outbox", "/admin/audit"]
    assert "4 active" in summary.get_text(" ", strip=True)


FOOTER = {"Accessibility statement": "/accessibility", "Privacy notice": "/privacy", "Contact": "/contact"}


def _footer_links(html: str) -> dict[str, str]:
    footer = BeautifulSoup(html, "html.parser").find("footer")
    return {a.get_text(strip=True): a["href"] for a in footer.find_all("a")}


@pytest.mark.parametrize("email,url", [
    (None, "/sign-in"), (None, "/accessibility"), (None, "/no-such-page"),
    ("lead@example.org", "/"), ("lead@example.org", "check"), ("fac@example.org", "/facilitate/"),
    ("com@example.org", "/results/"), ("admin@example.org", "/admin/users"),
])
def test_every_page_footer_links_the_service_pages(client, site, email, url):
    if email:
        sign_in_directly(client, email)
    if url == "check":
        url = f"/rounds/{site['closed']}/organisations/{site['alpha']}/check"
    response = client.get(url)
    assert _footer_links(response.get_data(as_text=True)) == FOOTER


@pytest.mark.parametrize("url,heading,says", [
    ("/accessibility", "Accessibility statement", "PDF reports are not tagged"),
    ("/privacy", "Privacy notice", "How long we keep it"),
    ("/contact", "Contact", "contact your facilitator"),
])
def test_service_pages_are_open_to_everyone(client, url, heading, says):
    response = client.get(url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.h1.get_text(strip=True) == heading
    assert says in soup.find("main").get_text(" ", strip=True)
