"""Journeys 2 and 3 in a real browser: a facilitator runs a round; a commissioner takes a PDF to the board."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from surveyapp.storage.db import connect

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "tayside demo passphrase"


def sign_in(page, base, email):
    """Sign in through the form."""
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_facilitator_runs_a_round(page, live_server, live_database):
    sign_in(page, live_server, "facilitator@example.org")

    # create a round
    page.get_by_role("link", name="Create, open and close assessment rounds").click()
    page.get_by_role("link", name="Create a round").click()
    assert_accessible(page, "create round")
    page.get_by_label("Framework").select_option(label="MAT Standards implementation self-assessment (version 1)")
    page.get_by_label("Title").fill("Spring 2027 MAT standards check-in")
    page.get_by_role("button", name="Create round").click()
    assert "Spring 2027 MAT standards check-in" in page.locator("table").inner_text()
    assert_accessible(page, "rounds list")

    # watch progress on the dashboard: the new round has no responses yet
    page.get_by_role("link", name="Results", exact=True).click()
    db = connect(live_database)
    new_round, = db.execute("SELECT id FROM rounds WHERE title = 'Spring 2027 MAT standards check-in'").fetchone()
    page.get_by_label("Round", exact=True).select_option(str(new_round))
    page.get_by_role("button", name="Show results").click()
    assert_accessible(page, "dashboard of an empty round")

    # compare areas and sectors in a round with results, then drill into an indicator
    page.get_by_label("Round", exact=True).select_option("5")
    page.get_by_role("button", name="Show results").click()
    heat_area = page.locator("#heatmap-area")
    assert heat_area.is_visible() and page.locator("#heatmap-sector").is_visible()
    assert "Dundee City" in heat_area.inner_text() and "Angus" in heat_area.inner_text()
    # a facilitator for the whole of Tayside sees every organisation: none of their figures is hidden
    assert page.locator("td.heat-suppressed").count() == 0
    screenshot(page, "desktop-dashboard")
    page.locator("summary").filter(has_text="Knowing the need").first.click()
    # the link names the indicator by its statement, never its code
    page.get_by_role("link", name=re.compile(r"^Answers to “")).first.click()
    assert page.locator("figure.app-chart svg[role=img]").is_visible()
    assert page.locator("table").count() >= 1  # every chart has its table
    assert_accessible(page, "indicator drill-down")

    # reopen a submitted response with a reason
    _reference, org_name, response_id = db.execute(
        "SELECT r.reference, o.name, r.id FROM responses r JOIN organisations o ON o.id = r.organisation_id "
        "WHERE r.status = 'submitted' AND r.round_id = 6 ORDER BY r.id LIMIT 1").fetchone()
    page.get_by_role("link", name="Facilitate").click()
    # the responses page lists every round 50 to a page: narrow it to this round's submitted responses
    page.get_by_label("Round").select_option("6")
    page.get_by_label("Status").select_option("submitted")
    page.get_by_role("button", name="Apply filters").click()
    assert_accessible(page, "responses filtered")
    link = page.locator(f"a[href$='/responses/{response_id}/reopen']")
    assert _squash(link.inner_text()) == f"Reopen the response from {org_name}"
    link.click()
    page.get_by_role("button", name="Reopen response").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page, "reopen with error")
    page.get_by_label("Why are you reopening this response?").fill(
        "The lead asked to correct section 3 after their board meeting.")
    page.get_by_role("button", name="Reopen response").click()
    assert "has been reopened" in page.locator(".govuk-notification-banner").inner_text()
    status, = db.execute("SELECT status FROM responses WHERE id = ?", [response_id]).fetchone()
    reason, = db.execute("SELECT reason FROM reopenings WHERE response_id = ?", [response_id]).fetchone()
    db.close()
    assert status == "draft" and reason.startswith("The lead asked")


def _listed(section) -> list[str]:
    """Return the statements a report section lists, as shown on screen."""
    # the list items, not the links onward from the first screen ("See the improvement plan")
    items = [t.strip() for t in section.locator("li:not(:has(a))").all_inner_texts() if t.strip()]
    if not items:
        items = [t.strip() for t in section.locator("tbody tr th, tbody tr td:first-child").all_inner_texts()]
    return items


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_commissioner_downloads_the_area_benchmark_pdf(page, live_server):
    sign_in(page, live_server, "commissioner@example.org")
    page.get_by_role("link", name="Results", exact=True).click()
    page.get_by_label("Round", exact=True).select_option("5")
    page.get_by_role("button", name="Show results").click()
    page.get_by_role("link", name="Dundee City area report").click()
    assert "Dundee City" in page.locator("h1").inner_text()
    assert_accessible(page, "area report")
    screenshot(page, "desktop-area-report")
    strengths = _listed(page.locator("section", has=page.get_by_role("heading", name="Shared strengths")))
    development = _listed(page.locator("section", has=page.get_by_role("heading", name="Shared development areas")))
    assert strengths or development, "the demo area report shows strengths or development areas"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this report as a PDF").click()
    path = download_info.value.path()
    data = Path(path).read_bytes()
    assert data.startswith(b"%PDF-")
    text = _squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    assert "Dundee City" in text
    for statement in strengths + development:
        # the PDF holds what the screen showed (compare the first words: PDF text wraps lines)
        assert _squash(statement)[:60] in text, statement

    # a commissioner for Dundee City cannot open Angus
    response = page.goto(live_server + "/results/rounds/5/areas/angus")
    assert response.status == 403
