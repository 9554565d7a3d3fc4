"""Take the README's screenshots from a running app with demo data: python tools/readme_screenshots.py URL."""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def sign_in(page, base, email):
    page.goto(base + "/sign-in")
    page.fill("#email", email)
    page.fill("#password", "tayside demo passphrase")
    page.click("button[type=submit]")


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        desktop = browser.new_context(viewport={"width": 1100, "height": 800}).new_page()
        sign_in(desktop, base, "service.lead@example.org")
        desktop.screenshot(path=OUT / "home.png")
        desktop.locator("tbody tr").filter(has_text="Harbourside").filter(has_text="enabling").get_by_role("link").click()
        desktop.screenshot(path=OUT / "task-list.png")
        desktop.get_by_role("button", name="Start now").click()
        desktop.get_by_role("button", name="Save and continue").click()
        desktop.screenshot(path=OUT / "section-with-errors.png")
        desktop = browser.new_context(viewport={"width": 1100, "height": 800}).new_page()
        sign_in(desktop, base, "facilitator@example.org")
        desktop.goto(base + "/results/?round=5")
        desktop.locator("#heatmap-area").scroll_into_view_if_needed()
        desktop.screenshot(path=OUT / "dashboard-heatmap.png")
        # the report's sections are folded: the link to the chart's section opens it
        desktop.goto(base + "/results/rounds/5/areas/dundee-city#section-radar")
        desktop.locator("#section-radar figure.app-chart").first.scroll_into_view_if_needed()
        desktop.screenshot(path=OUT / "area-report.png")
        phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
        sign_in(phone, base, "service.lead@example.org")
        phone.locator("tbody tr").filter(has_text="Riverside").filter(has_text="MAT").get_by_role("link").click()
        phone.screenshot(path=OUT / "phone-task-list.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
