"""Check your answers is one collapsed block per section, with its counts and a change link
(issue 19, point 4)."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from surveyapp.assessments.responses import Answer, save_domain, start_response
from surveyapp.frameworks.registry import get_framework, latest_version_key

from .security_world import add_user, ram_app, sign_in_directly


@pytest.fixture
def app(tmp_path):
    yield from ram_app(tmp_path)


def test_each_section_is_collapsed_with_its_counts_and_a_change_link(client, db, make_org, make_round):
    org = make_org("Alpha Harbour Recovery Service (fictional)", "Dundee City")
    lead = add_user(db, "lead@example.org", "service_lead", [org])
    round_id = make_round()
    framework = get_framework(db, latest_version_key(db, "strategic-planning"))
    response = start_response(db, round_id, org, "lead@example.org", lead)
    first = framework.domains[0]
    rated = [ind for ind in first.indicators if ind.type == "rating"]
    save_domain(db, response["id"], first, {rated[0].id: Answer(value=rated[0].scale.levels[-1].value)},
                response["version"], completed=False)
    sign_in_directly(client, "lead@example.org")
    url = f"/rounds/{round_id}/organisations/{org}/check"
    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")

    sections = page.select("section.app-check-section")
    assert len(sections) == len(framework.domains)
    for number, (section, domain) in enumerate(zip(sections, framework.domains, strict=True), start=1):
        assert section.h2.get_text(strip=True) == f"{number}. {domain.title}"
        details = section.find("details")
        assert details is not None and not details.has_attr("open"), "answers are collapsed by default"
        assert len(details.select(".govuk-summary-list__row")) == len(domain.indicators)
        change = section.select_one(".app-check-section__change")
        assert change["href"] == f"/rounds/{round_id}/organisations/{org}/domains/{domain.id}?from=check"
        assert change.get_text(" ", strip=True) == f"Change answers in section {number}, {domain.title}"
    count = sections[0].find(id=f"section-{first.id}-count").get_text(" ", strip=True)
    assert count.startswith(f"1 answered, {len(first.indicators) - 1} not answered")
    second = framework.domains[1]
    assert sections[1].find(id=f"section-{second.id}-count").get_text(" ", strip=True).startswith(
        f"0 answered, {len(second.indicators)} not answered")
    total = sum(len(d.indicators) for d in framework.domains)
    assert page.find(id="answered-total").get_text(" ", strip=True).startswith(
        f"You have answered 1 of {total} questions in {len(framework.domains)} sections")


def test_a_section_that_stops_submission_is_opened(client, db, make_org, make_round):
    org = make_org("Alpha Harbour Recovery Service (fictional)", "Dundee City")
    lead = add_user(db, "lead@example.org", "service_lead", [org])
    round_id = make_round()
    start_response(db, round_id, org, "lead@example.org", lead)
    sign_in_directly(client, "lead@example.org")
    url = f"/rounds/{round_id}/organisations/{org}/check"
    page = client.get(url).get_data(as_text=True)
    from .conftest import csrf_token

    refused = client.post(url, data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 400
    soup = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    targets = [a["href"] for a in soup.select(".govuk-error-summary a")]
    assert targets and all(soup.select_one(f"{t} details").has_attr("open") for t in targets)
