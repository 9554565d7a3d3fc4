"""Reports in a real browser at a laptop's and two phones' sizes: the first screen, reflow, axe.

Each report (organisation, area, sector) must open with its strengths and development areas on
the first screen, and, with every folded section open, nothing may be wider than the viewport.
"""
from __future__ import annotations

import pytest

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "tayside demo passphrase"
# round 5 is the 2026/27 strategic planning round: nine domains, a previous round, plans;
# Eastport (organisation 4, Dundee City) has both strengths and development areas there
REPORTS = {
    "organisation-report": "/results/rounds/5/organisations/4",
    "area-report": "/results/rounds/5/areas/dundee-city",
    "sector-report": "/results/rounds/5/sectors/nhs",
}
SIZES = {"desktop": (1280, 800), "phone": (390, 844), "small-phone": (320, 640)}


@pytest.fixture(scope="module")
def signed_in(browser, live_server):
    """One signed-in browser context per screen size, for a facilitator who covers all of Tayside."""
    contexts = {}
    for name, (width, height) in SIZES.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(live_server + "/sign-in")
        page.get_by_label("Email address").fill("facilitator@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        contexts[name] = page
    yield contexts
    for page in contexts.values():
        page.context.close()


WIDER_THAN_VIEWPORT = """() => [...document.querySelectorAll('body *')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > innerWidth + 1; })
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + Math.round(e.getBoundingClientRect().right))
    .slice(0, 10)"""


def on_first_screen(page, text: str) -> bool:
    """Return True when the element with this exact text is wholly inside the first screen."""
    box = page.get_by_text(text, exact=True).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("size", SIZES)
def test_report_fits_the_screen_and_opens_with_where_to_act(signed_in, live_server, report, size):
    page = signed_in[size]
    page.goto(live_server + REPORTS[report])
    page.wait_for_load_state("load")
    shared = "" if report == "organisation-report" else "shared "
    if size != "small-phone":  # the targets: a laptop and an ordinary phone
        for heading in (f"Top {shared}strengths", f"Top {shared}development areas"):
            assert on_first_screen(page, heading), f"{report} at {size}: “{heading}” is not on the first screen"
        first_items = page.locator(".app-glance__list > li")
        assert first_items.count() >= 2
        for column in range(2):
            item = page.locator(".app-glance__column").nth(column).locator("li").first
            if item.count():
                box = item.bounding_box()
                assert box["y"] + box["height"] <= page.viewport_size["height"], \
                    f"{report} at {size}: column {column}'s first item is not wholly on the first screen"
    if size != "small-phone":
        page.evaluate("() => window.scrollTo(0, 0)")
        screenshot(page, f"{report}-{size}-first-screen")
    # open every folded section, then measure: no sideways scrolling, no element past the edge
    page.get_by_role("button", name="Show all sections").click()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"{report} at {size}: the page scrolls sideways by {overflow}px"
    assert page.evaluate(WIDER_THAN_VIEWPORT) == [], f"{report} at {size}"
    assert_accessible(page, f"{report} at {size}")
