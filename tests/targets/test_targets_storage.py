"""Targets: stored per organisation, round and indicator; met when the next round's score reaches the level."""
from __future__ import annotations

import math

import pytest

from surveyapp.benchmarks.target_counts import organisation_tallies, target_met
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.plans.model import PlanError
from surveyapp.plans.targets import (
    clear_target,
    list_targets,
    may_change_targets,
    set_target,
    target_records,
    targets_due,
)

from ..plan_helpers import build_two_rounds
from .helpers import hold_back, set_targets, submit


@pytest.fixture
def two(db):
    return build_two_rounds(db)


@pytest.mark.parametrize(("score", "level", "met"), [
    (4.0, 4, True), (5.0, 4, True), (3.9, 4, False), (3.96, 4, True),  # 3.96 is shown as 4.0: met
    (3.94, 4, False), (None, 4, None), (math.nan, 3, None),
])
def test_a_target_is_met_when_the_score_as_shown_reaches_the_level(score, level, met):
    assert target_met(score, level) is met


def test_set_change_and_clear_a_target_with_who_set_it(db, two):
    org = two.orgs["A"]
    hold_back(db, two.second, org)
    set_target(db, org, two.first, "l1", 4, set_by_name="Lead A")
    stored = list_targets(db, org, two.first)["l1"]
    assert (stored.level, stored.domain_id, stored.set_by_name) == (4.0, "lead", "Lead A") and stored.set_at
    set_target(db, org, two.first, "l1", 5, set_by_name="Lead A2")
    assert list_targets(db, org, two.first)["l1"].level == 5.0
    assert list_targets(db, two.orgs["B"], two.first) == {}
    assert clear_target(db, org, two.first, "l1") is True
    assert clear_target(db, org, two.first, "l1") is False
    assert list_targets(db, org, two.first) == {}


def test_levels_off_the_scale_unscored_indicators_and_unknown_ones_are_refused(db, two):
    org = two.orgs["A"]
    hold_back(db, two.second, org)
    for indicator, level in (("l1", 7), ("l1", 2.5), ("note", 1), ("nope", 3)):
        with pytest.raises(PlanError):
            set_target(db, org, two.first, indicator, level)
    assert list_targets(db, org, two.first) == {}


def test_targets_close_once_the_next_round_has_the_organisations_results(db, two):
    org = two.orgs["A"]
    assert not may_change_targets(db, org, two.first)  # round two already has A's results
    with pytest.raises(PlanError, match="no longer"):
        set_target(db, org, two.first, "l1", 4)
    hold_back(db, two.second, org)
    assert may_change_targets(db, org, two.first)
    submit(db, two.second, org)
    assert may_change_targets(db, org, two.second)  # no round three yet: round two's targets are open


def test_targets_apply_to_the_next_round_and_are_met_or_not_there(db, two):
    # A: l1 2 -> 4, l2 3 -> 3; w1 4 in round two
    set_targets(db, two, two.orgs["A"], {"l1": 4, "l2": 4, "w1": 5})
    set_targets(db, two, two.orgs["B"], {"l1": 6})
    due = targets_due(db, two.second)
    assert {(d["organisation_id"], d["indicator_id"]) for d in due} == {
        (two.orgs["A"], "l1"), (two.orgs["A"], "l2"), (two.orgs["A"], "w1"), (two.orgs["B"], "l1")}
    assert targets_due(db, two.first) == []
    framework = framework_for_round(db, two.second)
    records = target_records(list_targets(db, two.orgs["A"], two.first).values(),
                             {"l1": 4.0, "l2": 3.0, "w1": None}, framework)
    assert [(r["indicator"], r["level_label"], r["met"]) for r in records] == [
        ("l1", "Good", True), ("l2", "Good", False), ("w1", "Very good", None)]


def test_tallies_count_assessed_targets_and_those_met_per_organisation(db, two):
    from surveyapp.benchmarks.round_cache import kept_benchmark

    set_targets(db, two, two.orgs["A"], {"l1": 4, "l2": 4})
    set_targets(db, two, two.orgs["B"], {"l1": 6})
    tallies = organisation_tallies(kept_benchmark(db, two.second, 3), targets_due(db, two.second))
    assert {r.organisation_id: (r.n_set, r.n_met) for r in tallies.itertuples()} == {
        two.orgs["A"]: (2, 1), two.orgs["B"]: (1, 0)}
