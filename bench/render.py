"""Benchmark 2: GET of a 60-indicator domain page, app against a bare Jinja2 template.

Both run in this process through Flask's test client, one request at a time,
on the same database: the app's full stack (session, sign-in check, CSRF
token, permissions, macros; a page view binds no WTForms form since the third
session, only a post does) against a bare Flask route that makes the same SQL
reads and renders the same HTML from a flat template.
Run alone: python -m bench.render
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from surveyapp import create_app
from surveyapp.accounts.users import create_user
from surveyapp.storage.db import connect, write_transaction

from . import synthetic
from .bare_app import create_bare_app
from .common import PASSWORD, Row, app_config, compare_rates, copy_database, first_difference, normalise_html, run_alone

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
EMAIL = "render.client@example.org"
TARGET = 0.5


def prepare(built: synthetic.Built, directory: Path) -> tuple[Path, int]:
    """Copy the Tayside database and add an open round on the one-page framework; return both."""
    path = copy_database(built.path, directory / "render.sqlite")
    db = connect(path)
    with write_transaction(db):
        round_id = db.execute("INSERT INTO rounds (framework_key, title, status) VALUES (?, ?, 'open')",
                              [built.page_framework_key, "Synthetic one-page round"]).lastrowid
        create_user(db, EMAIL, "Render Client", "service_lead", password=PASSWORD, organisations=[1])
    db.close()
    return path, round_id


def signed_in_client(app, email: str):
    """Return a test client signed in through the real form, and its CSRF token."""
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    done = client.post("/sign-in", data={"email": email, "password": PASSWORD,
                                         "csrf_token": TOKEN.search(page).group(1)})
    if done.status_code != 302:
        raise RuntimeError(f"sign-in failed with {done.status_code}")
    token = TOKEN.search(client.get("/").get_data(as_text=True)).group(1)
    return client, token


def page_answers(domain) -> dict:
    """Answer the page as a lead part-way through would: most rated, some options, some evidence."""
    data = {}
    for n, ind in enumerate(domain.indicators):
        if n % 10 == 9:
            continue  # not answered yet
        data[ind.id] = "opt:dont_know" if n % 10 == 4 else str(1 + n % 6)
        if n % 3 == 0:
            data[ind.id + "__comment"] = f"Evidence for statement {n + 1}: minutes & <notes>."
    return data


def run(built: synthetic.Built, directory: Path, seconds: float = 6.0) -> list[Row]:
    """Render the page through the app and the bare baseline; return the result rows."""
    path, round_id = prepare(built, directory)
    app = create_app(app_config(path, built))
    client, token = signed_in_client(app, EMAIL)
    base = f"/rounds/{round_id}/organisations/1"
    started = client.post(base + "/start", data={"csrf_token": token})
    url = started.location
    domain = _domain(path, built.page_framework_key)
    saved = client.post(url, data={**page_answers(domain), "csrf_token": token, "version": "1",
                                   "action": "later"})
    if saved.status_code != 302:
        raise RuntimeError(f"saving the page failed with {saved.status_code}")

    bare = create_bare_app(str(path)).test_client()
    bare_url = f"/bare{base}/domains/{domain.id}?r={EMAIL}"
    client.get(url)  # shows, and so clears, the "saved" message
    app_html = client.get(url).get_data(as_text=True)
    bare_html = bare.get(bare_url).get_data(as_text=True)
    same = normalise_html(app_html) == normalise_html(bare_html)
    note = "" if same else "bare HTML differs from the app's: " + first_difference(
        normalise_html(app_html), normalise_html(bare_html))

    def app_get():
        response = client.get(url)
        assert response.status_code == 200

    def bare_get():
        response = bare.get(bare_url)
        assert response.status_code == 200

    timing = compare_rates(app_get, bare_get, seconds)
    # pages a second one core would serve: from CPU time, which other work on the machine hardly moves
    app_rate, bare_rate = 1 / timing["app"]["cpu"], 1 / timing["bare"]["cpu"]
    fields = len(domain.indicators) + sum(i.evidence != "none" for i in domain.indicators)
    return [
        Row("2 page render", f"GET {len(domain.indicators)}-indicator page, in process ({fields} fields, "
            f"{len(app_html) // 1024} KB)", app_rate, bare_rate, "pages/s",
            target=f">= {TARGET} x bare", passed=app_rate / bare_rate >= TARGET,
            note=(note + "; " if note else "") + "pages a second per core, from CPU time; wall-clock rates "
                 f"(best batch) app {timing['app']['rate']:.1f}, bare {timing['bare']['rate']:.1f} pages/s",
            extra={"timing": timing, "same_html": same}),
        Row("2 page render", "CPU time per page", timing["app"]["cpu"] * 1000, timing["bare"]["cpu"] * 1000,
            "ms", higher_is_better=False),
    ]


def _domain(path: Path, key: str):
    """Return the one domain of the page framework."""
    from surveyapp.frameworks.registry import get_framework

    db = connect(path)
    try:
        return get_framework(db, key).domains[0]
    finally:
        db.close()


def main() -> None:
    """Run this benchmark alone on a fresh Tayside database."""
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 6.0
    run_alone("tayside", lambda built, directory: run(built, directory, seconds))


if __name__ == "__main__":
    main()
