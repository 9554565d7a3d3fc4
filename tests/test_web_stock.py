"""The web layer's stock parts, by what people see: CSRF refusals, sign-in, and links under a mount point."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

from surveyapp.frameworks.registry import framework_for_round

from .conftest import PASSWORD, csrf_token, sign_in


def _plain_refusal(response) -> None:
    """Assert a 400 shown as the service's own error page, with nothing of the code behind it."""
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Sorry, there is a problem with that request" in body
    assert "Traceback" not in body and "CSRF" not in body and "werkzeug" not in body.lower()


def test_signing_in_works_and_leads_home(client, make_user, make_org):
    make_user("lead@example.org", organisations=[make_org()])
    response = sign_in(client, "lead@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert BeautifulSoup(home.data, "html.parser").find("button", string="Sign out") is not None


def test_a_sign_in_without_a_csrf_token_is_refused_plainly(client, db, make_user):
    make_user("lead@example.org")
    client.get("/sign-in")  # a session exists, but the post carries no token
    refused = client.post("/sign-in", data={"email": "lead@example.org", "password": PASSWORD})
    _plain_refusal(refused)
    assert client.get("/").headers["Location"].startswith("/sign-in")  # not signed in
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'csrf.refused'").fetchone()[0] == 1


def test_a_domain_save_without_a_csrf_token_is_refused_plainly(client, db, make_org, make_user, make_round):
    org = make_org()
    make_user("lead@example.org", organisations=[org])
    round_id = make_round("strategic-planning")
    sign_in(client, "lead@example.org")
    base = f"/rounds/{round_id}/organisations/{org}"
    client.post(base + "/start", data={"csrf_token": csrf_token(client.get(base + "/").get_data(as_text=True))})
    domain = framework_for_round(db, round_id).domains[0]
    url = f"{base}/domains/{domain.id}"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    answer = {domain.scored_indicators[0].id: "3", "version": version, "action": "later"}
    for token in ({}, {"csrf_token": "forged"}):
        _plain_refusal(client.post(url, data={**answer, **token}))
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == 0
    saved = client.post(url, data={**answer, "csrf_token": csrf_token(page)})
    assert saved.status_code == 302  # the same save with the page's token goes through
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] >= 1


def _links(response) -> tuple[str, str]:
    page = BeautifulSoup(response.data, "html.parser")
    return (page.find("link", rel="stylesheet", href=lambda h: h.endswith("app.css"))["href"],
            page.find("a", class_="app-header__service")["href"])


def test_page_links_follow_the_path_the_app_is_mounted_under(client):
    assert _links(client.get("/sign-in")) == ("/static/app.css", "/")
    mounted = client.get("/sign-in", base_url="http://localhost/self-assessment")
    assert _links(mounted) == ("/self-assessment/static/app.css", "/self-assessment/")
    assert _links(client.get("/sign-in")) == ("/static/app.css", "/")
