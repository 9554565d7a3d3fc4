"""Real-browser fixtures: the app under gunicorn, Debian's Chromium via Playwright, axe-core."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from surveyapp.cli.main import prepare_database
from surveyapp.demo.data import load_demo
from surveyapp.storage.db import connect

from ..conftest import PROJECT

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT / "test-artifacts"
AXE_SOURCE = AXE.read_text(encoding="utf-8") if AXE.exists() else ""
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    """Skip browser tests only where no browser exists and this is not CI."""
    missing = [p for p in (CHROMIUM, AXE) if not Path(p).exists()]
    if not missing:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"browser tests need {missing}; `make test` installs them")
    skip = pytest.mark.skip(reason=f"not installed here: {', '.join(map(str, missing))} (run `make test`)")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_database(tmp_path_factory):
    """The demo database the live server uses (tests read the outbox from it, as a mail client would)."""
    database = tmp_path_factory.mktemp("live") / "live.sqlite"
    db = connect(database)
    assert prepare_database(db, str(PROJECT / "frameworks")) == []
    load_demo(db)
    db.close()
    return database


@pytest.fixture(scope="session")
def live_server(live_database):
    """Serve the app with demo data under gunicorn on 127.0.0.1; yield its base URL."""
    database = live_database
    folder = database.parent
    port = _free_port()
    env = {**os.environ, "SURVEYAPP_DATABASE": str(database), "SURVEYAPP_SECRET_KEY": "browser-test-key",
           "SURVEYAPP_FRAMEWORKS": str(PROJECT / "frameworks")}
    log = open(folder / "gunicorn.log", "w")  # noqa: SIM115 (the server writes to it until the session ends)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--no-control-socket", "--chdir", str(PROJECT), "wsgi:app"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/sign-in", timeout=2)
            break
        except OSError as exc:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"server did not start: {(folder / 'gunicorn.log').read_text()}") from exc
            time.sleep(0.2)
    yield base
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    """Launch Debian's Chromium once per test run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _fresh_page(browser, width: int, height: int):
    """Yield a page in its own browser context (own cookies) of the given viewport size."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page at desktop size."""
    yield from _fresh_page(browser, 1280, 900)


@pytest.fixture
def phone_page(browser):
    """A fresh page at 320 CSS pixels wide."""
    yield from _fresh_page(browser, 320, 640)


def run_axe(page, label: str) -> list[dict]:
    """Run axe-core (WCAG 2.x A/AA, 2.2) on the page; return serious and critical violations."""
    # evaluate, not a <script> tag: our Content-Security-Policy rightly blocks inline script
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
               values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})""")
    bad = [
        {"page": label, "id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    return bad


def assert_accessible(page, label: str) -> None:
    """Fail with the details of any serious or critical axe violation."""
    violations = run_axe(page, label)
    assert violations == [], violations


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot for reviewers under test-artifacts/screenshots/."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def assert_no_horizontal_scroll(page, label: str) -> None:
    """The page reflows: nothing wider than the viewport except scrollable table regions."""
    # measure the finished page: mid-navigation, before the stylesheets apply, tables are unwrapped
    page.wait_for_load_state("load")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{label}: page scrolls sideways by {overflow}px"
