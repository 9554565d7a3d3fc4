"""A service lead sets a target in a real browser and finds it on the organisation's report, with axe-core."""
from __future__ import annotations

import re

import pytest

from surveyapp.storage.db import connect

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

LEAD = "service.lead@example.org"
PASSWORD = "tayside demo passphrase"
ROUND = "2025/26 strategic planning self-assessment"


def test_a_service_lead_sets_a_target_and_sees_it_on_the_report(page, live_server, live_database):
    db = connect(live_database)
    try:
        org_id, round_id = db.execute(
            "SELECT m.organisation_id, r.id FROM memberships m JOIN users u ON u.id = m.user_id, rounds r "
            "WHERE u.email = ? AND r.title = ?", [LEAD, ROUND]).fetchone()
    finally:
        db.close()
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(LEAD)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/results/rounds/{round_id}/organisations/{org_id}")
    page.get_by_role("link", name="Targets for the next round").click()
    page.wait_for_url(re.compile(rf".*/rounds/{round_id}/targets$"))
    assert_accessible(page, "targets overview")
    page.locator(".govuk-summary-card").first.get_by_role("link", name=re.compile(r"(Set|Change) targets")).click()
    assert_accessible(page, "set targets for a domain")
    first = page.locator("fieldset").first
    statement = first.locator("legend").inner_text().strip()
    choice = first.locator(".govuk-radios__item").last  # the top level of the scale
    level = choice.locator("label").inner_text().strip()
    choice.locator("input").check()
    page.get_by_role("button", name="Save targets").click()
    assert "Targets saved for" in page.locator(".govuk-notification-banner").inner_text()
    row = page.locator(".govuk-summary-list__row", has_text=statement)
    assert f"Target: {level}" in row.inner_text()
    screenshot(page, "desktop-targets-overview")
    page.get_by_role("link", name=re.compile("Back to the report")).click()
    page.get_by_role("button", name=re.compile("^Targets")).click()
    targets = page.locator("#section-targets")
    table_row = targets.locator("#targets-next tr", has_text=statement)
    assert table_row.locator("td").last.inner_text().strip() == level
    assert_accessible(page, "report with targets")
