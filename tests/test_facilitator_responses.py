"""The facilitator's responses page: filters by round, framework, area, sector and status, 50 to a page,
with counts and a reminder action for those not submitted (issue 19, point 7)."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from .security_world import add_user, ram_app, sign_in_directly


@pytest.fixture
def app(tmp_path):
    yield from ram_app(tmp_path)


@pytest.fixture
def site(db, make_round):
    """60 Dundee City organisations (half NHS) and 5 in Angus, in one open strategic-planning round and one
    closed MAT round; in the open one, the first 20 have submitted and the next 10 have a draft."""
    dundee = [db.execute("INSERT INTO organisations (name, area, sector) VALUES (?, 'Dundee City', ?)",
                         [f"Dundee org {n:02d} (fictional)", "NHS" if n % 2 else "Third sector"]).lastrowid
              for n in range(60)]
    angus = [db.execute("INSERT INTO organisations (name, area, sector) VALUES (?, 'Angus', 'NHS')",
                        [f"Angus org {n} (fictional)"]).lastrowid for n in range(5)]
    open_round = make_round(title="Open planning round")
    closed_round = make_round("mat-standards", title="Closed MAT round", status="closed")
    for n, org in enumerate(dundee[:30]):
        submitted = n < 20
        db.execute("INSERT INTO responses (round_id, organisation_id, respondent, status, reference, submitted_at) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   [open_round, org, f"r{n}", "submitted" if submitted else "draft",
                    f"SA-TEST-{n:04d}" if submitted else None, "2026-12-02T09:30:00Z" if submitted else None])
    add_user(db, "fac@example.org", "facilitator", areas=["Dundee City"])
    return {"dundee": dundee, "angus": angus, "open": open_round, "closed": closed_round}


def _page(client, query="") -> BeautifulSoup:
    sign_in_directly(client, "fac@example.org")
    response = client.get("/facilitate/" + query)
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _names(soup) -> list[str]:
    return [tr.td.contents[0].strip() for tr in soup.select("table tbody tr")]


def _count(soup) -> str:
    return soup.find(id="result-count").get_text(" ", strip=True)


def test_responses_are_paged_50_at_a_time_with_counts(client, site):
    first = _page(client)
    # 60 Dundee organisations in each of 2 rounds; Angus is not this facilitator's
    assert _count(first) == "120 responses"
    assert len(_names(first)) == 50
    assert not any(name.startswith("Angus") for name in _names(first))
    pages = [a.get_text(strip=True) for a in first.select(".govuk-pagination__item a")]
    assert pages == ["1", "2", "3"]
    third = _page(client, "?page=3")
    assert len(_names(third)) == 20
    assert third.select_one(".govuk-pagination__item--current a").get_text(strip=True) == "3"
    assert _page(client, "?page=99").select_one(".govuk-pagination__item--current a").get_text(strip=True) == "3"
    assert _page(client, "?page=abc").select_one(".govuk-pagination__item--current a").get_text(strip=True) == "1"


def test_filters_narrow_the_list_and_keep_their_choice_across_pages(client, site):
    submitted = _page(client, f"?round={site['open']}&status=submitted")
    assert _count(submitted) == "20 responses of 120"
    assert all(tr.find("a").get_text(" ", strip=True).startswith("Reopen the response from")
               for tr in submitted.select("table tbody tr"))
    assert submitted.find(id="filter-status").find("option", selected=True)["value"] == "submitted"
    counts = submitted.find(id="status-counts").get_text(" ", strip=True)
    assert counts == "Not started 30 In progress 10 Reopened 0 Submitted 20"

    nhs = _page(client, "?sector=NHS&status=not_started")
    assert _count(nhs) == "45 responses of 120"  # 15 not started in the open round, 30 in the closed one
    assert all(tr.select_one(".govuk-body-s").get_text(strip=True) == "Dundee City, NHS"
               for tr in nhs.select("table tbody tr"))

    mat = _page(client, "?framework=mat-standards")
    assert _count(mat) == "60 responses of 120"
    assert {tr.find_all("td")[1].get_text(strip=True) for tr in mat.select("table tbody tr")} == {"Closed MAT round"}
    next_link = mat.select_one(".govuk-pagination__next a")["href"]
    assert "framework=mat-standards" in next_link and "page=2" in next_link

    # an area this facilitator does not cover is not offered, and asking for it shows only their own
    areas = [o["value"] for o in _page(client).find(id="filter-area").find_all("option")]
    assert areas == ["", "Dundee City"]
    assert _count(_page(client, "?area=Angus")) == "120 responses"


def test_a_reminder_action_for_those_not_submitted_in_open_rounds(client, site):
    page = _page(client, f"?round={site['open']}")
    links = page.find(id="remind").find_all("a")
    assert [(a.get_text(" ", strip=True), a["href"]) for a in links] == [
        ("Remind the 40 organisations not submitted in Open planning round",
         f"/facilitate/rounds/{site['open']}/reminders")]
    # a closed round has no one to remind
    assert _page(client, f"?round={site['closed']}").find(id="remind") is None
    assert _page(client, f"?round={site['open']}&status=submitted").find(id="remind") is None


def test_every_response_from_an_organisation_is_listed_so_each_can_be_reopened(client, db, site):
    org = site["dundee"][0]  # already submitted once in the open round
    second = db.execute(
        "INSERT INTO responses (round_id, organisation_id, respondent, status, reference, submitted_at) "
        "VALUES (?, ?, 'second person', 'submitted', 'SA-TEST-XTRA', '2026-12-01T09:00:00Z')",
        [site["open"], org]).lastrowid
    page = _page(client, f"?round={site['open']}&status=submitted")
    assert _count(page) == "21 responses of 121"
    assert page.find("a", href=f"/facilitate/responses/{second}/reopen") is not None
    # an organisation is reminded once, however many responses it has
    remind = _page(client, f"?round={site['open']}").find(id="remind").get_text(" ", strip=True)
    assert "Remind the 40 organisations not submitted" in remind
