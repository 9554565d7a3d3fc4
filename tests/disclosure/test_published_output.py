"""Every results page and export, for every demo person: the numbers are the ones the publishing step gave.

Exports are compared record for record with `publish` for that person; pages
are checked for precision (no number with more decimals than the framework
publishes, in text or in a chart's drawing) and for never showing a figure
for a group that `publish` hid.
"""
from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from surveyapp.accounts.organisations import AREAS, SECTORS
from surveyapp.accounts.permissions import can_view_group, can_view_results, covers_area
from surveyapp.accounts.users import load_user
from surveyapp.benchmarks.aggregation import BY, LEVELS
from surveyapp.benchmarks.records import benchmark_records
from surveyapp.benchmarks.round_cache import published_benchmark
from surveyapp.benchmarks.viewers import viewer_for_user
from surveyapp.reports.model import slug

from ..plan_helpers import client_as

ROUNDS = (4, 5, 6)  # round 5 follows round 4 of the same framework: change since last round too
LONG_DECIMAL = re.compile(r"\d+\.\d{2,}")


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory, demo_file):
    """An app on its own copy of the demo data, with every demo person."""
    from surveyapp import create_app
    from surveyapp.storage.db import connect

    from ..conftest import PROJECT, copy_database

    path = tmp_path_factory.mktemp("site") / "demo.sqlite"
    copy_database(demo_file, path)
    db = connect(path)
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "walk",
                      "FRAMEWORKS_DIR": str(PROJECT / "frameworks")})
    people = [load_user(db, uid) for (uid,) in db.execute("SELECT id FROM users ORDER BY id")]
    yield app, db, people
    db.close()


def visible(user, record) -> bool:
    """Say whether the export view lets this person see a record's group, as reports.aggregates does."""
    if "organisation" in record:
        return can_view_results(user, {"id": record["organisation"], "area": record["area"]})
    return can_view_group(user, record.get("area"))


def test_exports_carry_exactly_the_published_figures(demo_site):
    app, db, people = demo_site
    checked = 0
    for user in people:
        if not any(covers_area(user, a) for a in AREAS):
            continue  # only facilitators and commissioners export
        client = client_as(app, db, user["id"])
        viewer = viewer_for_user(db, user)
        for round_id in ROUNDS:
            published = published_benchmark(db, round_id, viewer, 3)
            for by in BY:
                for level in LEVELS:
                    response = client.get(f"/results/rounds/{round_id}/aggregates?by={by}&level={level}&format=json")
                    assert response.status_code == 200
                    expected = [r for r in benchmark_records(published, by, level) if visible(user, r)]
                    assert json.loads(response.data) == expected, (user["email"], round_id, by, level)
                    checked += 1
    assert checked >= 3 * len(BY) * len(LEVELS)


def pages_for(user, round_id, db) -> list[str]:
    """Return every results page of a round this person may open."""
    base = f"/results/rounds/{round_id}"
    urls = [f"{base}/areas/{slug(a)}" for a in AREAS if can_view_group(user, a)]
    urls += [f"{base}/sectors/{slug(s)}" for s in SECTORS if can_view_group(user, None)]
    organisations = [f"{base}/organisations/{org_id}" for org_id, area in db.execute(
        "SELECT DISTINCT o.id, o.area FROM organisations o JOIN responses r ON r.organisation_id = o.id "
        "WHERE r.round_id = ? AND r.status = 'submitted' ORDER BY o.id", [round_id])
        if can_view_results(user, {"id": org_id, "area": area})]
    urls += organisations[:3]  # each organisation's report is built the same way: three per person
    if any(covers_area(user, a) for a in AREAS):
        urls.append(f"/results/?round={round_id}")
    return urls


def test_pages_show_no_number_finer_than_published_and_no_hidden_figure(demo_site):
    app, db, people = demo_site
    walked = 0
    for user in people:
        client = client_as(app, db, user["id"])
        for round_id in ROUNDS:
            for url in pages_for(user, round_id, db):
                response = client.get(url)
                assert response.status_code == 200, (user["email"], url)
                soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
                for svg in soup.find_all("svg"):
                    for element in svg.find_all(True):
                        for key in ("points", "d", "x", "y", "cx", "cy", "width", "height"):
                            value = element.get(key) or ""
                            assert not re.search(r"\d+\.\d{3,}", value), (url, key, value)
                    svg.decompose()  # its labels are checked as text below; its geometry above
                text = soup.get_text(" ")
                assert not LONG_DECIMAL.search(text), (user["email"], url, LONG_DECIMAL.search(text)[0])
                walked += 1
    assert walked > 50


def test_a_hidden_group_shows_c_and_never_its_numbers(demo_site):
    app, db, people = demo_site
    lead = next(u for u in people if u["email"] == "service.lead@example.org")
    viewer = viewer_for_user(db, lead)
    client = client_as(app, db, lead["id"])
    hidden_seen = 0
    for round_id in ROUNDS:
        published = published_benchmark(db, round_id, viewer, 3)
        for record in benchmark_records(published, "sector", "overall"):
            page = BeautifulSoup(client.get(f"/results/rounds/{round_id}/sectors/{slug(record['sector'])}")
                                 .get_data(as_text=True), "html.parser")
            cells = [td.get_text(strip=True) for td in page.find("table", id="domain-scores").find_all("td")]
            if record["suppressed"]:
                hidden_seen += 1
                assert set(cells[:5]) == {"c"}, (round_id, record["sector"])
            else:
                assert f"{record['mean']:.1f}" in cells
    assert hidden_seen > 0
