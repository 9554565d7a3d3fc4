"""Take the reports' screenshots for the README, desktop and phone: python tools/report_screenshots.py URL.

Each is the report's first screen, as its reader meets it, at 1280x800 and 390x844, with the
demo data (round 5, strategic planning 2026/27), signed in as the Tayside-wide facilitator.
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
REPORTS = {
    "organisation-report": "/results/rounds/5/organisations/4",
    "area-report": "/results/rounds/5/areas/dundee-city",
    "sector-report": "/results/rounds/5/sectors/nhs",
}
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def main(base: str) -> None:
    """Save REPORTS x SIZES first screens, and the organisation report's ranked chart, under docs/screenshots."""
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size, (width, height) in SIZES.items():
            page = browser.new_context(viewport={"width": width, "height": height}).new_page()
            page.goto(base + "/sign-in")
            page.fill("#email", "facilitator@example.org")
            page.fill("#password", "tayside demo passphrase")
            page.click("button[type=submit]")
            for name, path in REPORTS.items():
                page.goto(base + path)
                page.screenshot(path=OUT / f"{name}-{size}.png")
            page.goto(base + REPORTS["organisation-report"] + "#section-radar")
            page.locator("figure.app-chart").first.screenshot(path=OUT / f"organisation-report-chart-{size}.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
