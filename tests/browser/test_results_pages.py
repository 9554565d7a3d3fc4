"""Results pages in a real browser: dashboard, drill-down, report page and PDF download, with axe-core.

axe-core is injected as a script, which the app's Content-Security-Policy rightly refuses, so axe
runs in a context that bypasses CSP; every page is also loaded with CSP enforced, and must not
make the browser complain (no inline style or script, SVG charts included).
"""
from __future__ import annotations

import re

import pytest

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


@pytest.fixture
def axe_page(browser):
    """A desktop-size page where axe-core may be injected (CSP bypassed)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, bypass_csp=True)
    yield context.new_page()
    context.close()


def csp_complaints(browser, base, paths) -> list[str]:
    """Load pages with CSP enforced and return what the browser reports about it."""
    context = browser.new_context()
    page = context.new_page()
    complaints = []
    page.on("console", lambda m: complaints.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, base)
    for path in paths:
        page.goto(base + path)
    context.close()
    return complaints


def test_facilitator_dashboard_filters_and_drill_down(axe_page, live_server):
    page = axe_page
    sign_in(page, live_server)
    page.get_by_role("link", name="Results", exact=True).click()
    page.get_by_label("Round", exact=True).select_option("5")  # 2026/27 strategic planning, which has a previous round
    page.get_by_label("Area", exact=True).select_option("Dundee City")
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url(re.compile(r".*area=Dundee\+City.*"))
    assert page.locator("#heatmap-sector td.heat-suppressed").count() > 0  # small sectors in one area
    assert_accessible(page, "dashboard")
    screenshot(page, "desktop-results-dashboard")
    page.locator("summary", has_text="Whole-system view").click()
    page.get_by_role("link", name=re.compile(r"Answers to indicator sp-1-1")).click()
    assert page.locator("figure.app-chart svg[role=img]").is_visible()
    assert_accessible(page, "indicator drill-down")


def test_organisation_report_page_and_pdf(axe_page, live_server):
    page = axe_page
    sign_in(page, live_server)
    page.goto(live_server + "/results/?round=5")
    page.get_by_role("link", name=re.compile(r"Dockside Community Justice Service")).click()
    assert "Dockside Community Justice Service" in page.locator("h1").inner_text()
    chart = page.locator("figure.app-chart svg[role=img]").first
    assert chart.is_visible() and chart.get_attribute("aria-labelledby")
    assert_accessible(page, "organisation report")
    screenshot(page, "desktop-organisation-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report as a PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_report_reflows_at_320_pixels(browser, live_server):
    context = browser.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(live_server + "/results/rounds/5/areas/angus")
    assert_no_horizontal_scroll(page, "area report at 320px")
    assert_accessible(page, "area report at 320px")
    screenshot(page, "phone-area-report")
    context.close()


def test_results_pages_keep_the_content_security_policy(browser, live_server):
    paths = ["/results/?round=5", "/results/indicators/sp-1-1?round=5", "/results/rounds/5/areas/angus"]
    assert csp_complaints(browser, live_server, paths) == []
