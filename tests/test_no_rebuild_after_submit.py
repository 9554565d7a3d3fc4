"""After a submission, no results page reduces the round's answers again: they read the maintained rows.

Counted from the SQL the app's own connection runs (sqlite3's trace callback): the full
recompute is the pass that reduces a round's answers per organisation and indicator
(benchmarks.reduction.ORG_INDICATOR_SQL, one statement per organisation). The pages
still show the new submission at once.
"""
from __future__ import annotations

from bs4 import BeautifulSoup

from surveyapp.assessments.responses import Answer, save_domain, start_response, submit_response
from surveyapp.benchmarks.disclosure import EVERYONE
from surveyapp.benchmarks.round_cache import published_benchmark, round_cache
from surveyapp.demo.data import load_demo
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.reports.model import slug
from surveyapp.storage.db import kept_connection

from .conftest import sign_in

ROUND = 5  # the demo's open strategic-planning round; round 4 is its previous round


def reduces_answers(statement: str) -> bool:
    """Return True for a statement that reduces stored answers to organisation x indicator rows."""
    return "JOIN answers" in statement and "GROUP BY" in statement and "stats_org_indicator" not in statement


def submit_one(db, organisation_id: int) -> None:
    """Start, fill and submit one more response for an organisation, as a respondent does."""
    framework = framework_for_round(db, ROUND)
    response = start_response(db, ROUND, organisation_id, "late.respondent@example.org")
    version = response["version"]
    for domain in framework.domains:
        answers = {}
        for indicator in domain.indicators:
            if indicator.scored:
                answers[indicator.id] = Answer(value=float(indicator.scale.values[-1]))
            elif indicator.required:
                answers[indicator.id] = Answer(text="Written by the test.")
        version = save_domain(db, response["id"], domain, answers, version, completed=True)
    submit_response(db, framework, response["id"])


def test_a_submission_makes_no_page_reduce_the_answers_again(app, client, db):
    load_demo(db)
    round_cache.clear()
    sign_in(client, "facilitator@example.org", "tayside demo passphrase")
    org, area = db.execute(
        "SELECT o.id, o.area FROM organisations o JOIN responses r ON r.organisation_id = o.id "
        "WHERE r.round_id = ? AND r.status = 'submitted' ORDER BY o.id LIMIT 1", [ROUND]).fetchone()
    pages = [f"/results/?round={ROUND}", f"/results/rounds/{ROUND}/areas/{slug(area)}",
             f"/rounds/{ROUND}/organisations/{org}/summary", f"/results/rounds/{ROUND}/organisations/{org}"]
    for url in pages:  # every page once: the caches hold this round and the previous one
        assert client.get(url).status_code == 200
    respondents = _respondents(db, org)

    statements: list[str] = []
    served = kept_connection(app.config["DATABASE"])  # the connection the pages use in this thread
    served.conn.set_trace_callback(statements.append)
    try:
        submit_one(db, org)
        for url in pages:
            assert client.get(url).status_code == 200
        rebuilt_after_submit = [s for s in statements if reduces_answers(s)]
        # another worker process starts with nothing cached: it reads the maintained rows too
        round_cache.clear()
        for url in pages:
            assert client.get(url).status_code == 200
        rebuilt_by_a_fresh_worker = [s for s in statements if reduces_answers(s)]
    finally:
        served.conn.set_trace_callback(None)

    assert rebuilt_after_submit == []
    assert rebuilt_by_a_fresh_worker == []
    assert _respondents(db, org) == respondents + 1  # and the figures include the new response
    report = BeautifulSoup(client.get(pages[-1]).data, "html.parser").get_text(" ", strip=True)
    assert f"Submitted responses {respondents + 1}" in report


def _respondents(db, organisation_id: int) -> int:
    """Return how many respondents the published benchmark counts for an organisation."""
    bench = published_benchmark(db, ROUND, EVERYONE, 3)
    rows = bench.organisations[bench.organisations["organisation_id"] == organisation_id]
    return int(rows["n_respondents"].iloc[0])


def test_publishing_after_a_submission_takes_no_disclosure_decision_again(db):
    from surveyapp.benchmarks.aggregation import GROUPINGS, LEVELS, benchmark_round
    from surveyapp.benchmarks.disclosure import PUBLIC
    from surveyapp.benchmarks.publish import decision_cache
    from surveyapp.benchmarks.round_cache import publish_for
    from surveyapp.storage.memo import Memo

    load_demo(db)
    framework = framework_for_round(db, ROUND)
    scored = sum(len(d.scored_indicators) for d in framework.domains)
    # an organisation already scored on every item: one more response adds no member to any group
    org = db.execute("SELECT organisation_id FROM stats_org_indicator WHERE round_id = ? AND n_scoring > 0 "
                     "GROUP BY organisation_id HAVING count(*) = ? ORDER BY organisation_id LIMIT 1",
                     [ROUND, scored]).fetchone()[0]
    publish_for(benchmark_round(db, ROUND, framework), framework, PUBLIC, 3)
    taken = decision_cache.built
    submit_one(db, org)
    kept = publish_for(benchmark_round(db, ROUND, framework), framework, PUBLIC, 3)
    assert decision_cache.built == taken
    # the same figures as deciding everything afresh
    import surveyapp.benchmarks.publish as publish_module
    publish_module.decision_cache = Memo(4096)
    try:
        fresh = publish_for(benchmark_round(db, ROUND, framework), framework, PUBLIC, 3)
    finally:
        publish_module.decision_cache = decision_cache
    for level in LEVELS:
        for by in GROUPINGS:
            a, b = kept.groups[by, level], fresh.groups[by, level]
            assert a["reason"].tolist() == b["reason"].tolist()
            assert a["mean"].fillna(-1).tolist() == b["mean"].fillna(-1).tolist()
