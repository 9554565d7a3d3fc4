"""Journey 1 in a real browser: a service lead completes a self-assessment, by mouse and by keyboard."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from surveyapp.storage.db import connect

from .conftest import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = pytest.mark.browser

LEAD = "service.lead@example.org"
PASSWORD = "tayside demo passphrase"
NEW_PASSWORD = "otter lighthouse marmalade"


def sign_in(page, base, email=LEAD, password=PASSWORD):
    """Sign in through the form."""
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def open_assessment(page, organisation: str, framework_title: str):
    """Follow the home page link to one organisation's assessment in a round."""
    row = page.locator("tbody tr").filter(has_text=organisation).filter(has_text=framework_title).filter(
        has_text="2026/27")
    row.get_by_role("link").click()


def answer_page(page, skip: str | None = None):
    """Answer every question on a section page with the second option, skipping one radio group."""
    for group in page.locator("fieldset.govuk-fieldset").all():
        first = group.locator("input[type=radio]").first
        name = first.get_attribute("name")
        if name == skip:
            continue
        group.locator("input[type=radio]").nth(1).check()
    for box in page.locator("input.govuk-input[inputmode=decimal]").all():
        box.fill("7")
    for area in page.locator("textarea").all():
        if not area.input_value():
            area.fill("Seen in our team meeting notes – “good” progress, café staff included.")


def accept_invitation(page, live_server, live_database, email: str, organisation: str) -> None:
    """A facilitator invites a new service lead, who follows the emailed link and sets a password."""
    sign_in(page, live_server, "facilitator@example.org")
    page.goto(live_server + "/facilitate/invite")
    assert_accessible(page, "invite form")
    page.get_by_label("Organisation").select_option(label=organisation)
    page.get_by_label("Their email address").fill(email)
    page.get_by_label("Their full name").fill("Nia New-Lead")
    page.get_by_role("button", name="Send invitation").click()
    assert "is in the outbox" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("button", name="Sign out").click()
    db = connect(live_database)
    body = db.execute("SELECT body FROM outbox WHERE to_address = ? ORDER BY id DESC", [email]).fetchone()[0]
    db.close()
    link = re.search(r"https?://\S+/invitations/\S+", body).group(0)
    page.goto(live_server + link[link.index("/invitations/"):])
    assert_accessible(page, "accept invitation")
    page.get_by_label("Create a password").fill("short")
    page.get_by_role("button", name="Set password and sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page, "accept invitation with error")
    page.get_by_label("Create a password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()
    assert "signed in" in page.locator(".govuk-notification-banner").inner_text()


def test_service_lead_journey_with_the_mouse(page, live_server, live_database):
    accept_invitation(page, live_server, live_database, "nia.newlead@example.org",
                      "Harbourside Recovery Café (fictional)")
    assert_accessible(page, "home")
    screenshot(page, "desktop-home")
    open_assessment(page, "Harbourside Recovery Café", "Leadership for an enabling system")
    assert_accessible(page, "task list before start")
    page.get_by_role("button", name="Start now").click()

    # first section: answer all, save and continue; second: answer, then leave
    first_url = page.url
    answer_page(page)
    screenshot(page, "desktop-section")
    assert_accessible(page, "section page")
    page.get_by_role("button", name="Save and continue").click()
    second_url = page.url
    assert second_url != first_url
    answer_page(page)
    chosen = {g.locator("input:checked").get_attribute("name"): g.locator("input:checked").get_attribute("value")
              for g in page.locator("fieldset.govuk-fieldset").all()}
    page.get_by_role("button", name="Save and come back later").click()
    assert "have been saved" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page, "task list with saved banner")

    # leave entirely, come back: everything is still there
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "nia.newlead@example.org", NEW_PASSWORD)
    page.goto(second_url)
    again = {g.locator("input:checked").get_attribute("name"): g.locator("input:checked").get_attribute("value")
             for g in page.locator("fieldset.govuk-fieldset").all()}
    assert again == chosen
    page.get_by_role("button", name="Save and continue").click()

    # a validation error: one question left out
    skipped = page.locator("fieldset.govuk-fieldset input[type=radio]").first.get_attribute("name")
    answer_page(page, skip=skipped)
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error:")
    screenshot(page, "desktop-section-error")
    assert_accessible(page, "section page with errors")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.name") == skipped
    page.locator(f"input[name='{skipped}']").nth(2).check()
    page.get_by_role("button", name="Save and continue").click()

    # the rest of the sections
    while "/check" not in page.url:
        answer_page(page)
        page.get_by_role("button", name="Save and continue").click()
    assert_accessible(page, "check answers")
    screenshot(page, "desktop-check-answers")
    page.get_by_role("button", name="Submit self-assessment").click()
    panel = page.locator(".govuk-panel")
    assert re.search(r"SA-[A-Z2-9]{4}-[A-Z2-9]{4}", panel.inner_text())
    assert page.get_by_role("heading", name="Your organisation’s results").is_visible()
    assert page.locator("#domain-scores-caption").is_visible()
    assert_accessible(page, "confirmation and summary")
    screenshot(page, "desktop-confirmation")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="download it as a PDF").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Harbourside Recovery Café (fictional)" in " ".join(text.split())


def focus_is_visible(page) -> bool:
    """Return True when the focused element draws a visible focus indicator."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el || el === document.body) return false;
        const own = getComputedStyle(el);
        const target = (el.type === 'radio' || el.type === 'checkbox')
            ? getComputedStyle(el.parentElement.querySelector('label'), '::before') : own;
        return own.outlineStyle !== 'none' || own.boxShadow !== 'none'
            || target.boxShadow !== 'none' || target.outlineStyle !== 'none';
    }""")


def active(page) -> dict:
    """Describe the focused element."""
    return page.evaluate("""() => { const el = document.activeElement;
        return {tag: el.tagName, type: el.type || '', name: el.name || '', checked: !!el.checked,
                text: (el.innerText || el.value || '').trim().slice(0, 60)}; }""")


def tab_to(page, predicate, limit=400):
    """Press Tab until the focused element matches; check focus is visible at every stop."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = active(page)
        if here["tag"] != "BODY":
            assert focus_is_visible(page), f"focus not visible on {here}"
        if predicate(here):
            return here
    raise AssertionError("never reached the element by keyboard")


def press_and_follow(page, key: str = "Enter") -> None:
    """Press a key that follows a link or submits a form, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def test_service_lead_journey_with_the_keyboard_only(page, live_server):
    page.goto(live_server + "/sign-in")
    tab_to(page, lambda a: a["name"] == "email")
    page.keyboard.type(LEAD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    tab_to(page, lambda a: a["tag"] == "BUTTON" and a["text"] == "Sign in")
    press_and_follow(page)
    tab_to(page, lambda a: a["tag"] == "A" and a["text"].startswith("Harbourside")
           and "co-occurring" in page.evaluate("document.activeElement.closest('tr').innerText"))
    press_and_follow(page)
    tab_to(page, lambda a: a["text"] == "Start now")
    press_and_follow(page)
    assert "/domains/" in page.url
    while "/check" not in page.url:
        answered = set()
        total = page.locator("fieldset.govuk-fieldset").count()
        while len(answered) < total:
            here = tab_to(page, lambda a: a["type"] == "radio" and a["name"] not in answered)
            page.keyboard.press("Space")
            assert active(page)["checked"]
            answered.add(here["name"])
        for box in page.locator("input.govuk-input[inputmode=decimal]").all():
            name = box.get_attribute("name")
            tab_to(page, lambda a, n=name: a["name"] == n)
            page.keyboard.type("3")
        tab_to(page, lambda a: a["tag"] == "BUTTON" and a["text"] == "Save and continue")
        press_and_follow(page)
        assert page.locator(".govuk-error-summary").count() == 0, page.locator(".govuk-error-summary").inner_text()
    tab_to(page, lambda a: a["tag"] == "BUTTON" and a["text"] == "Submit self-assessment")
    press_and_follow(page)
    assert page.url.endswith("/confirmation")
    assert "Self-assessment submitted" in page.locator("h1").first.inner_text()


def test_pages_reflow_at_320_pixels(phone_page, live_server):
    page = phone_page
    sign_in(page, live_server)
    assert_no_horizontal_scroll(page, "home")
    screenshot(page, "phone-home")
    open_assessment(page, "Riverside Housing Support Service", "MAT Standards")
    page.get_by_role("button", name="Start now").click()
    assert_no_horizontal_scroll(page, "section page")
    assert_accessible(page, "section page at 320px")
    screenshot(page, "phone-section")
    page.get_by_role("button", name="Save and continue").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_horizontal_scroll(page, "section page with errors")
    screenshot(page, "phone-section-error")
