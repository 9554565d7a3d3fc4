"""The dashboard is cached per process, and a change to the round shows on the very next request."""
from __future__ import annotations

from bs4 import BeautifulSoup

from surveyapp.assessments.responses import reopen_response
from surveyapp.benchmarks.round_cache import round_cache
from surveyapp.demo.data import load_demo

from .conftest import sign_in


def progress_text(client) -> str:
    """Return the text of the response-progress tables."""
    soup = BeautifulSoup(client.get("/results/?round=5").data, "html.parser")
    heading = soup.find("h2", string="Response progress")
    return " ".join(t.get_text(" ", strip=True) for t in heading.find_all_next("table", limit=2))


def test_a_reopened_response_shows_at_once_despite_the_cache(client, db):
    load_demo(db)
    round_cache.clear()
    sign_in(client, "facilitator@example.org", "tayside demo passphrase")
    before = progress_text(client)
    assert progress_text(client) == before  # served from the cache
    assert len(round_cache) >= 2  # the round's data and the dashboard tables
    # reopen every submitted response of one organisation: its area's submitted count drops
    org, = db.execute("SELECT organisation_id FROM responses WHERE round_id = 5 AND status = 'submitted' "
                      "GROUP BY organisation_id ORDER BY organisation_id LIMIT 1").fetchone()
    for (response_id,) in db.execute("SELECT id FROM responses WHERE round_id = 5 AND organisation_id = ? "
                                     "AND status = 'submitted'", [org]).fetchall():
        reopen_response(db, response_id)
    assert progress_text(client) != before
