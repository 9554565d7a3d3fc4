"""The round cache: reused while nothing changed, rebuilt after any save, submission or regrouping."""
from __future__ import annotations

from surveyapp.assessments.responses import Answer, save_domain, start_response, submit_response
from surveyapp.benchmarks.round_cache import RoundCache, round_fingerprint
from surveyapp.frameworks.registry import framework_for_round


def counting_builder():
    """Return a build function that counts its calls."""
    calls = []

    def build():
        calls.append(1)
        return len(calls)
    return build, calls


def complete_answer(ind) -> Answer:
    """Answer any question type, with evidence where the framework asks for it."""
    comment = "Seen at the March review." if ind.evidence == "required" else None
    if ind.type == "rating":
        return Answer(value=ind.scale.levels[-1].value, comment=comment)
    if ind.type in ("choice", "yesno"):
        return Answer(option=ind.choices[0].key, comment=comment)
    if ind.type == "number":
        return Answer(value=12.0, comment=comment)
    return Answer(text="Joint training with partners.", comment=comment)


def test_reused_until_a_save_then_rebuilt(db, make_org, make_round):
    org = make_org()
    round_id = make_round()
    framework = framework_for_round(db, round_id)
    cache, (build, calls) = RoundCache(), counting_builder()
    assert cache.get(db, round_id, "board", build) == 1
    assert cache.get(db, round_id, "board", build) == 1
    assert len(calls) == 1

    response = start_response(db, round_id, org, "lead@example.org")
    assert cache.get(db, round_id, "board", build) == 2
    domain = framework.domains[0]
    ind = domain.scored_indicators[0]
    save_domain(db, response["id"], domain, {ind.id: Answer(value=3.0)}, response["version"], completed=False)
    assert cache.get(db, round_id, "board", build) == 3
    assert cache.get(db, round_id, "board", build) == 3
    assert len(cache) == 1  # the stale entry was replaced, not kept beside the new one


def test_submission_and_regrouping_change_the_fingerprint(db, make_org, make_round):
    org = make_org()
    round_id = make_round()
    framework = framework_for_round(db, round_id)
    response = start_response(db, round_id, org, "lead@example.org")
    version = response["version"]
    for domain in framework.domains:
        answers = {i.id: complete_answer(i) for i in domain.indicators}
        version = save_domain(db, response["id"], domain, answers, version, completed=True)
    before = round_fingerprint(db, round_id)
    submit_response(db, framework, response["id"])
    after_submit = round_fingerprint(db, round_id)
    assert after_submit != before
    db.execute("UPDATE organisations SET area = 'Angus' WHERE id = ?", [org])
    assert round_fingerprint(db, round_id) != after_submit


def test_rounds_and_keys_are_kept_apart(db, make_round):
    first, second = make_round(title="One"), make_round(title="Two")
    cache = RoundCache(size=2)
    assert cache.get(db, first, "a", lambda: "first a") == "first a"
    assert cache.get(db, second, "a", lambda: "second a") == "second a"
    assert cache.get(db, first, "a", lambda: "rebuilt") == "first a"
    assert cache.get(db, first, "b", lambda: "first b") == "first b"  # evicts the least recently used
    assert cache.get(db, second, "a", lambda: "rebuilt") == "rebuilt"


def test_a_change_to_another_round_it_depends_on_rebuilds(db, make_org, make_round):
    org = make_org()
    previous, current = make_round(title="Spring"), make_round(title="Autumn")
    cache = RoundCache()
    assert cache.get(db, current, "report", lambda: "built", also=(previous,)) == "built"
    assert cache.get(db, current, "report", lambda: "rebuilt", also=(previous,)) == "built"
    start_response(db, previous, org, "lead@example.org")
    assert cache.get(db, current, "report", lambda: "rebuilt", also=(previous,)) == "rebuilt"
