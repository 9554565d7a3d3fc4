"""The held-out attacker against what each viewer is shown: demo rounds, and generated small groups.

On the code before the publishing step (one globally suppressed benchmark for
everyone) this finds the Dundee commissioner working out the one remaining
organisation's score on every indicator of demo round 6, medians of
three-organisation groups everywhere, and more; see docs/disclosure.md.
"""
from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from surveyapp.accounts.users import load_user
from surveyapp.benchmarks.aggregation import benchmark_round, compute_round_benchmark
from surveyapp.benchmarks.disclosure import EVERYONE, PUBLIC, Rules, Viewer
from surveyapp.benchmarks.publish import publish
from surveyapp.benchmarks.records import group_table
from surveyapp.benchmarks.round_cache import publish_for
from surveyapp.benchmarks.viewers import viewer_for_user
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.storage.db import connect

from ..aggregation_helpers import framework
from .attacker import attack


@pytest.fixture(scope="module")
def demo(demo_file):
    """A connection to the demo data; the tests only read it."""
    db = connect(demo_file)
    yield db
    db.close()


def demo_viewers(db) -> list[tuple[str, Viewer]]:
    """Return every demo person as a viewer, and someone who knows nobody."""
    people = [(email, viewer_for_user(db, load_user(db, user_id)))
              for user_id, email in db.execute("SELECT id, email FROM users ORDER BY id")]
    return people + [("nobody", PUBLIC)]


def test_no_demo_viewer_can_work_out_another_organisations_score(demo):
    rounds = [r[0] for r in demo.execute("SELECT id FROM rounds ORDER BY id")]
    assert len(rounds) == 7  # six rounds and the ADP recovery-oriented system of care round
    found = []
    for round_id in rounds:
        fw = framework_for_round(demo, round_id)
        raw = benchmark_round(demo, round_id, fw)
        for email, viewer in demo_viewers(demo):
            shown = publish_for(raw, fw, viewer, 3)
            found += [f"round {round_id}, {email}: {f}" for f in attack(raw, shown, viewer.known)]
            # nothing of an organisation the viewer may not see individually is in what they get
            if viewer.known is not None:
                assert set(shown.org_overall["organisation_id"]) <= set(viewer.known)
    assert found == []


def test_the_dundee_commissioner_sees_dundees_figures_in_every_round(demo):
    user_id = demo.execute("SELECT id FROM users WHERE email = 'commissioner@example.org'").fetchone()[0]
    viewer = viewer_for_user(demo, load_user(demo, user_id))
    for (round_id,) in demo.execute("SELECT id FROM rounds"):
        fw = framework_for_round(demo, round_id)
        shown = publish_for(benchmark_round(demo, round_id, fw), fw, viewer, 3)
        for level in ("overall", "domain", "indicator"):
            dundee = group_table(shown, "area", level)
            dundee = dundee[dundee["area"].astype(str) == "Dundee City"]
            assert len(dundee) and not dundee["suppressed"].any(), (round_id, level)


def generated_round(seed: int, n_orgs: int):
    """Make a round of many small, overlapping groups: 4 areas, 5 sectors, random sizes and scores."""
    fw = framework()
    rng = random.Random(seed)
    areas = ["Angus", "Dundee City", "Perth and Kinross", "Tayside-wide"]
    sectors = ["NHS", "Local authority", "Third sector", "Independent", "Lived experience"]
    organisations = pd.DataFrame({
        "organisation_id": range(1, n_orgs + 1), "name": [f"Org {n}" for n in range(1, n_orgs + 1)],
        "area": [rng.choice(areas) for _ in range(n_orgs)],
        "sector": [rng.choices(sectors, weights=(5, 3, 3, 1, 1))[0] for _ in range(n_orgs)],
        "n_respondents": [rng.randint(1, 3) for _ in range(n_orgs)],
    })
    rows = []
    for org, people in zip(organisations["organisation_id"], organisations["n_respondents"]):
        for indicator in ("l1", "l2", "w1", "w2", "w3"):
            if rng.random() < 0.1:
                continue  # some organisations leave an indicator unscored: patterns differ by item
            values = [rng.randint(1, 6) for _ in range(people)]
            rows.append((org, indicator, people, float(sum(values)), float(min(values)), float(max(values)), 0))
    stats = pd.DataFrame(rows, columns=["organisation_id", "indicator", "n_scoring", "value_sum", "value_min",
                                        "value_max", "n_non_scoring"])
    return compute_round_benchmark(stats, organisations, fw), organisations, rng


@pytest.mark.parametrize("seed", range(6))
def test_generated_small_groups_disclose_nothing_to_any_kind_of_viewer(seed):
    raw, organisations, rng = generated_round(seed, n_orgs=rng_size(seed))
    ids = organisations["organisation_id"].tolist()
    by_area = organisations.groupby("area")["organisation_id"].apply(frozenset).to_dict()
    viewers = [PUBLIC, EVERYONE,
               *(Viewer(f"commissioner for {a}", known=orgs, own=orgs) for a, orgs in by_area.items()),
               *(Viewer(f"lead of {o}", known=frozenset({o}), own=frozenset({o})) for o in rng.sample(ids, 4)),
               Viewer("two areas", known=by_area.get("Angus", frozenset()) | by_area.get("Dundee City", frozenset()))]
    for viewer in viewers:
        for rules in (Rules(), Rules(min_organisations=2, min_unknown=2), Rules(min_for_spread=4)):
            shown = publish(raw, viewer, rules)
            assert attack(raw, shown, viewer.known, rules.min_for_spread) == [], (viewer.label, rules)


def rng_size(seed: int) -> int:
    """Vary the size of the generated rounds: from very small to a few dozen organisations."""
    return [7, 11, 16, 24, 40, 60][seed]


def test_attacker_catches_what_one_global_suppression_leaves(demo):
    # the old rule: one benchmark for everyone, groups under 3 hidden, one complement per line
    raw, known = _round_six_as_dundee(demo)
    naive = publish(raw, EVERYONE, Rules())  # nothing hidden: the attacker must find plenty
    findings = attack(raw, naive, known)
    assert any("score determined" in str(f) for f in findings)
    assert any("spread shown" in str(f) for f in findings)


def _round_six_as_dundee(db):
    """Return demo round 6's raw benchmark and what Dundee's commissioner knows."""
    fw = framework_for_round(db, 6)
    raw = benchmark_round(db, 6, fw)
    known = {int(o) for o, a in db.execute("SELECT id, area FROM organisations") if a == "Dundee City"}
    return raw, known


def test_precision_every_published_number_has_the_frameworks_decimals(demo):
    raw, known = _round_six_as_dundee(demo)
    shown = publish(raw, Viewer("dundee", known=frozenset(known)), Rules(precision=1))
    for table in [*shown.groups.values(), shown.org_overall, shown.org_domain, shown.org_indicator]:
        for column in ("mean", "median", "q1", "q3", "score"):
            if column in table:
                values = table[column].dropna().astype(float).to_numpy()
                assert np.allclose(values, np.round(values, 1)), column
