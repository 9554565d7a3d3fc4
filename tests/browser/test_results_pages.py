"""Results pages in a real browser: dashboard, drill-down, report page and PDF download, with axe-core.

Every page is loaded with the Content-Security-Policy enforced and must not make the browser
complain: no inline style or script, the SVG charts included.
"""
from __future__ import annotations

import re

import pytest

from surveyapp.storage.db import connect

from .conftest import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = pytest.mark.browser

FACILITATOR = "facilitator@example.org"
PASSWORD = "tayside demo passphrase"


def sign_in(page, base, email=FACILITATOR):
    """Sign in through the form."""
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def watch_csp(page) -> list[str]:
    """Collect what the browser reports about the Content-Security-Policy while the test runs."""
    complaints = []
    page.on("console", lambda m: complaints.append(m.text) if "Content Security Policy" in m.text else None)
    return complaints


def test_facilitator_dashboard_filters_and_drill_down(page, live_server):
    complaints = watch_csp(page)
    sign_in(page, live_server)
    page.get_by_role("link", name="Results", exact=True).click()
    page.get_by_label("Round", exact=True).select_option("5")  # 2026/27 strategic planning, which has a previous round
    page.get_by_label("Area", exact=True).select_option("Dundee City")
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url(re.compile(r".*area=Dundee\+City.*"))
    # the Tayside-wide facilitator sees every organisation one by one: nothing is hidden from them
    assert page.locator("#heatmap-sector td.heat-suppressed").count() == 0
    assert_accessible(page, "dashboard")
    screenshot(page, "desktop-results-dashboard")
    page.locator("summary", has_text="Knowing the need").click()
    page.get_by_role("link", name=re.compile(r"Answers to “We have an up-to-date joint strategic needs")).click()
    assert page.locator("figure.app-chart svg[role=img]").is_visible()
    assert_accessible(page, "indicator drill-down")
    assert complaints == []


def test_hidden_figures_are_marked_and_accessible(page, live_server):
    # Dundee City's commissioner cannot see the Perth and Angus organisations: small sectors across
    # Tayside are hidden from them, marked "c" with the reason, and the page stays accessible
    sign_in(page, live_server, "commissioner@example.org")
    page.goto(live_server + "/results/?round=5")
    hidden = page.locator("#heatmap-sector td.heat-suppressed")
    assert hidden.count() > 0
    assert hidden.first.locator("abbr").get_attribute("title") == "hidden: too few organisations"
    assert_accessible(page, "dashboard with hidden figures")


def test_organisation_report_page_and_pdf(page, live_server, live_database):
    complaints = watch_csp(page)
    db = connect(live_database)
    name, = db.execute(
        "SELECT o.name FROM organisations o JOIN responses r ON r.organisation_id = o.id "
        "WHERE r.round_id = 5 AND r.status = 'submitted' AND o.area = 'Dundee City' "
        "ORDER BY o.id LIMIT 1").fetchone()
    db.close()
    sign_in(page, live_server)
    page.goto(live_server + "/results/?round=5")
    page.get_by_role("link", name=re.compile(re.escape(name))).click()
    assert name in page.locator("h1").inner_text()
    page.get_by_role("button", name="Show all sections").click()  # the sections after the summary are folded
    chart = page.locator("figure.app-chart svg[role=img]").first
    assert chart.is_visible() and chart.get_attribute("aria-labelledby")
    assert_accessible(page, "organisation report")
    screenshot(page, "desktop-organisation-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report as a PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert complaints == []


def test_report_reflows_at_320_pixels(phone_page, live_server):
    complaints = watch_csp(phone_page)
    sign_in(phone_page, live_server)
    phone_page.goto(live_server + "/results/rounds/5/areas/angus")
    assert_no_horizontal_scroll(phone_page, "area report at 320px")
    assert_accessible(phone_page, "area report at 320px")
    screenshot(phone_page, "phone-area-report")
    assert complaints == []
