"""Issue 21 in a real browser: a framework written only in the spreadsheet template is uploaded, previewed,
published and answered; a suggested next step becomes a plan action in one click."""
from __future__ import annotations

import pytest

from surveyapp.storage.db import connect

from ..conftest import PROJECT
from .conftest import assert_accessible

pytestmark = pytest.mark.browser

PASSWORD = "tayside demo passphrase"
TEMPLATE = PROJECT / "frameworks" / "templates" / "framework-template.xlsx"


def sign_in(page, base, email):
    """Sign in through the form."""
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_spreadsheet_framework_is_uploaded_previewed_published_and_answered(browser, live_server, live_database):
    admin = browser.new_context().new_page()
    sign_in(admin, live_server, "admin@example.org")
    admin.goto(live_server + "/admin/frameworks")
    admin.get_by_role("link", name="Upload a framework").click()
    assert_accessible(admin, "framework upload")
    admin.get_by_label("Framework file").set_input_files(str(TEMPLATE))
    admin.get_by_role("button", name="Check the file").click()
    assert admin.locator("h1").inner_text() == "Example self-assessment"
    assert admin.locator("#preview-tasks a").all_inner_texts() == ["1. Leadership", "2. Staff"]
    assert_accessible(admin, "framework preview")
    admin.get_by_role("link", name="1. Leadership").click()
    assert admin.get_by_text("Leaders talk about the change at team meetings.").is_visible()
    assert_accessible(admin, "framework domain preview")
    admin.get_by_role("link", name="Back to the preview").click()
    admin.get_by_role("button", name="Publish version 1").click()
    assert "has been published" in admin.locator(".govuk-notification-banner").inner_text()
    admin.context.close()

    facilitator = browser.new_context().new_page()
    sign_in(facilitator, live_server, "facilitator@example.org")
    facilitator.goto(live_server + "/manage/rounds/new")
    facilitator.get_by_label("Framework").select_option(label="Example self-assessment (version 1)")
    facilitator.get_by_label("Title").fill("2026/27 Example self-assessment trial")
    facilitator.get_by_role("button", name="Create round").click()
    facilitator.context.close()
    db = connect(live_database)
    round_id, key = db.execute("SELECT id, framework_key FROM rounds WHERE title LIKE '%Example self-assessment trial'"
                               ).fetchone()
    assert key == "example-framework@1"

    lead = browser.new_context().new_page()
    sign_in(lead, live_server, "service.lead@example.org")
    lead.locator("tbody tr").filter(has_text="Example self-assessment trial").first.get_by_role("link").click()
    lead.get_by_role("button", name="Start").click()
    for group in lead.locator("fieldset.govuk-fieldset").all():
        group.locator("input[type=radio]").nth(1).check()
    lead.get_by_role("button", name="Save and continue").click()
    answered = db.execute("SELECT count(*) FROM answers JOIN responses ON responses.id = answers.response_id "
                          "WHERE responses.round_id = ? AND indicator_id LIKE 'ex-1-%'", [round_id]).fetchone()[0]
    db.close()
    lead.context.close()
    assert answered == 2
