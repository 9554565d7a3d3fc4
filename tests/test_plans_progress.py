"""How an action's indicators moved by the next round, checked against hand-computed scores."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from surveyapp.benchmarks.disclosure import EVERYONE, Viewer
from surveyapp.benchmarks.round_cache import round_fingerprint
from surveyapp.plans.actions import create_action
from surveyapp.plans.progress import (
    AWAITING_RESULTS,
    COMPARED,
    NO_NEXT_ROUND,
    BenchmarkCache,
    Movement,
    describe_movement,
    direction,
    next_round,
    progress_for_actions,
)
from surveyapp.plans.queries import list_actions
from surveyapp.plans.records import development_areas, plan_for_report

from .aggregation_helpers import add_org, add_response, new_db
from .plan_helpers import build_two_rounds, register_test_framework

TODAY = dt.date(2026, 11, 20)


@dataclass(frozen=True)
class Scenario:
    db: object
    two: object
    benchmarks: BenchmarkCache
    progress: dict
    ids: dict


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """Two rounds of the test framework (see plan_helpers for every score) and four actions.

    Built once for the module: benchmarks are the slow part, and no test here changes the data.
    """
    db = new_db(tmp_path_factory.mktemp("progress") / "progress.sqlite")
    two = build_two_rounds(db)
    ids = {
        "A": action_for(db, two.orgs["A"], two.first, ["l1", "l2", "w1"], title="Last year's action",
                        target_date=TODAY - dt.timedelta(days=1)),
        "D": action_for(db, two.orgs["D"], two.first, ["l1"], title="Angus action"),
        "A-new": action_for(db, two.orgs["A"], two.second, ["l2"], title="This year's action"),
    }
    # seen as Dundee City's commissioner, who may see A, B, C and E one by one
    dundee = Viewer("a commissioner for Dundee City", known=frozenset(two.orgs[k] for k in "ABCE"))
    benchmarks = BenchmarkCache(db, 3, dundee)
    yield Scenario(db, two, benchmarks, progress_for_actions(db, list_actions(db), dundee, benchmarks=benchmarks),
                   ids)
    db.close()


def action_for(db, org, round_id, indicators, **fields):
    """Create an action addressing the given indicators."""
    return create_action(db, org, round_id, title=fields.get("title", "Do something"), lead="Lead",
                         indicator_ids=indicators, target_date=fields.get("target_date"), today=TODAY)


def test_movement_for_the_organisation_and_its_area(scenario):
    progress = scenario.progress[scenario.ids["A"]]
    assert progress.state == COMPARED
    assert (progress.next_round_id, progress.next_round_title) == (scenario.two.second, "Round two")
    l1, l2, w1 = progress.indicators
    assert l1.organisation == Movement(2.0, 4.0, 2.0)            # A: 2 -> 4
    assert l1.area == Movement(4.0, 5.0, 1.0)                    # Dundee: (2+4+4+6)/4 -> (4+5+5+6)/4
    assert l1.organisation.direction == "up"
    assert (l2.organisation.direction, l2.area.direction) == ("same", "same")
    assert w1.organisation is None                               # "not applicable" in round one
    # Dundee's w1 rests only on organisations the commissioner already sees: shown, never hidden
    assert w1.area == Movement(4.0, 4.0, 0.0)
    assert scenario.progress[scenario.ids["A-new"]].state == NO_NEXT_ROUND


def test_an_area_too_small_to_show_is_hidden_not_shown(scenario):
    # Angus (one organisation, D) as Dundee's commissioner sees it: neither D nor its area
    (l1,) = scenario.progress[scenario.ids["D"]].indicators
    assert l1.organisation is None
    assert l1.area == Movement(None, None, None, suppressed=True, reason="too-few")
    assert describe_movement(l1.area) == "hidden: too few organisations"
    # D's own service lead knows D: Angus's figure is D's own score, so it is shown to them
    own = progress_for_actions(scenario.db, list_actions(scenario.db),
                               Viewer("D's lead", known=frozenset({scenario.two.orgs["D"]})))
    (l1,) = own[scenario.ids["D"]].indicators
    assert l1.organisation == Movement(1.0, 3.0, 2.0) and l1.area == Movement(1.0, 3.0, 2.0)


def test_no_later_round_and_no_results_yet(tmp_path):
    db = new_db(tmp_path / "waiting.sqlite")
    fw = register_test_framework(db)
    first = db["rounds"].insert({"framework_key": fw.key, "title": "One"}).last_pk
    org = add_org(db, "Harbour (fictional)", "Dundee City", round_id=first)
    add_response(db, first, org, {"l1": 2, "l2": 2, "w1": 2, "w2": 2, "w3": 2})
    action_id = action_for(db, org, first, ["l1"])
    assert progress_for_actions(db, list_actions(db), EVERYONE)[action_id].state == NO_NEXT_ROUND
    other = register_test_framework(db, "another-fw")
    db["rounds"].insert({"framework_key": other.key, "title": "Other framework"})
    assert next_round(db, first) is None  # a later round of another framework does not count
    second = db["rounds"].insert({"framework_key": fw.key, "title": "Two"}).last_pk
    add_response(db, second, org, {"l1": 5}, status="draft")  # a draft is not a result
    progress = progress_for_actions(db, list_actions(db), EVERYONE)[action_id]
    assert (progress.state, progress.next_round_id) == (AWAITING_RESULTS, second)
    db.close()


@pytest.mark.parametrize("change, expected", [
    (None, None), (0.0, "same"), (0.049, "same"), (-0.049, "same"), (0.05, "up"), (-0.3, "down")])
def test_direction_matches_the_one_decimal_place_shown(change, expected):
    assert direction(change) == expected


def test_describe_movement_in_words():
    assert describe_movement(Movement(2.0, 4.0, 2.0)) == "up 2.0 (2.0 to 4.0)"
    assert describe_movement(Movement(4.0, 3.5, -0.5)) == "down 0.5 (4.0 to 3.5)"
    assert describe_movement(Movement(3.0, 3.02, 0.02)) == "no change (3.0 to 3.0)"
    assert describe_movement(None) == "not scored in both rounds"


def test_plan_for_report_follows_up_the_previous_round_and_ignores_later_ones(scenario):
    db, two, ids, shared = scenario.db, scenario.two, scenario.ids, scenario.benchmarks
    second = plan_for_report(db, two.second, organisation_id=two.orgs["A"], viewer=shared.viewer, today=TODAY,
                             benchmarks=shared)
    assert [r["action_id"] for r in second] == [ids["A"], ids["A-new"]]  # followed-up actions first
    followed = second[0]
    assert followed["progress_state"] == COMPARED and followed["overdue"] is True
    l1 = followed["indicators"][0]
    assert l1["organisation_change"] == {"previous": 2.0, "current": 4.0, "change": 2.0,
                                         "direction": "up", "suppressed": False}
    assert l1["organisation_change_text"] == "up 2.0 (2.0 to 4.0)"
    assert l1["area_change_text"] == "up 1.0 (4.0 to 5.0)"
    assert (l1["text"], l1["domain_title"]) == ("Leaders are visible", "Leadership")
    assert followed["progress_text"].startswith("l1: up 2.0 (2.0 to 4.0) (area up 1.0 (4.0 to 5.0))")
    assert second[1]["progress_state"] == NO_NEXT_ROUND

    # a report on round one knows nothing of round two
    first = plan_for_report(db, two.first, organisation_id=two.orgs["A"], viewer=shared.viewer, today=TODAY,
                            benchmarks=shared)
    assert [(r["action_id"], r["progress_state"]) for r in first] == [(ids["A"], NO_NEXT_ROUND)]
    # an area report gathers that area's organisations only
    angus = plan_for_report(db, two.second, area="Angus", viewer=shared.viewer, today=TODAY, benchmarks=shared)
    assert [r["action"] for r in angus] == ["Angus action"]
    assert angus[0]["indicators"][0]["area_change_text"] == "hidden: too few organisations"
    assert len(plan_for_report(db, two.second, viewer=shared.viewer, today=TODAY, benchmarks=shared)) == 3
    with pytest.raises(KeyError):
        plan_for_report(db, 999, viewer=EVERYONE)


def test_development_areas_come_from_the_round_benchmark(scenario):
    db, two = scenario.db, scenario.two
    # the framework marks scores of 2 or less, or 1.0 below the benchmark, for development
    areas = development_areas(db, two.first, two.orgs["A"], benchmarks=scenario.benchmarks)
    assert [d["indicator"] for d in areas] == ["l1"]
    assert areas[0]["domain_title"] == "Leadership" and areas[0]["score"] == 2.0
    assert development_areas(db, two.first, 12345, benchmarks=scenario.benchmarks) == []


def test_kept_benchmarks_follow_every_change_they_depend_on(tmp_path):
    db = new_db(tmp_path / "kept.sqlite")
    fw = register_test_framework(db)
    first = db["rounds"].insert({"framework_key": fw.key, "title": "One"}).last_pk
    second = db["rounds"].insert({"framework_key": fw.key, "title": "Two"}).last_pk
    org = add_org(db, "Harbour (fictional)", "Dundee City")
    add_response(db, first, org, {"l1": 2})
    response = add_response(db, second, org, {"l1": 3})
    action_id = action_for(db, org, first, ["l1"])

    def org_change():
        return progress_for_actions(db, list_actions(db), EVERYONE)[action_id].indicators[0].organisation.change

    assert org_change() == 1.0
    # a changed answer always comes with a new response version (responses.save_domain)
    db.execute("UPDATE answers SET value = 5 WHERE response_id = ?", [response])
    db.execute("UPDATE responses SET version = version + 1 WHERE id = ?", [response])
    assert org_change() == 3.0
    add_response(db, second, add_org(db, "Glen (fictional)", "Dundee City"), {"l1": 6})
    assert org_change() == 3.0  # another organisation: this one's score is unchanged...
    before = round_fingerprint(db, second)
    db.execute("UPDATE organisations SET area = 'Angus' WHERE id = ?", [org])
    assert round_fingerprint(db, second) != before  # ...but moving it to another area is a change
    db.close()
