"""Improvement plan storage on a real SQLite file: actions, indicator links, notes, overdue, filters."""
from __future__ import annotations

import datetime as dt

import pytest

from surveyapp.plans.actions import add_note, complete_action, create_action, set_status, update_action
from surveyapp.plans.filters import OVERDUE, PlanFilter, apply_filter, domain_choices, lead_choices, parse_filter
from surveyapp.plans.model import PlanError, StaleAction, is_overdue
from surveyapp.plans.queries import get_action, list_actions, list_notes

from .aggregation_helpers import add_org, new_db
from .plan_helpers import register_test_framework

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def plan_db(tmp_path):
    """A database with the test framework, one round and two organisations."""
    db = new_db(tmp_path / "plans.sqlite")
    fw = register_test_framework(db)
    round_id = db["rounds"].insert({"framework_key": fw.key, "title": "Round one"}).last_pk
    orgs = [add_org(db, "Harbour (fictional)", "Dundee City"), add_org(db, "Glen (fictional)", "Angus")]
    yield db, round_id, orgs, fw
    db.close()


def new_action(db, round_id, org, **changes):
    """Create an action with sensible defaults."""
    fields = {"title": "Agree a shared data set", "lead": "NHS Tayside Public Health",
              "indicator_ids": ["l1", "w2"], "target_date": dt.date(2027, 3, 31)} | changes
    return create_action(db, org, round_id, today=TODAY, **fields)


def test_create_links_indicators_with_their_domains(plan_db):
    db, round_id, (harbour, _), _ = plan_db
    action_id = new_action(db, round_id, harbour, title="  Agree a shared data set \x00 ")
    action = get_action(db, action_id)
    assert action.title == "Agree a shared data set"  # edges and NUL stripped
    assert action.indicator_ids == ("l1", "w2")
    assert action.domain_ids == ("lead", "work")
    assert action.status == "not_started" and action.completed_on is None
    assert action.organisation_name == "Harbour (fictional)" and action.round_title == "Round one"
    rows = db.execute("SELECT indicator_id, domain_id FROM plan_action_indicators WHERE action_id = ?",
                      [action_id]).fetchall()
    assert sorted(rows) == [("l1", "lead"), ("w2", "work")]


@pytest.mark.parametrize("indicators, message", [
    ([], "at least one indicator"),
    (["nope"], "not a scored indicator"),
    (["note"], "not a scored indicator"),  # a text question has no score to move
])
def test_indicators_must_be_scored_ones_of_the_round(plan_db, indicators, message):
    db, round_id, (harbour, _), _ = plan_db
    with pytest.raises(PlanError, match=message):
        new_action(db, round_id, harbour, indicator_ids=indicators)
    assert db.execute("SELECT count(*) FROM plan_actions").fetchone()[0] == 0  # nothing half-written


@pytest.mark.parametrize("changes, message", [
    ({"title": "   "}, "what will be done is empty"),
    ({"lead": ""}, "the lead is empty"),
    ({"lead": "x" * 201}, "longer than 200"),
    ({"status": "finished"}, "unknown status"),
])
def test_create_refuses_bad_fields(plan_db, changes, message):
    db, round_id, (harbour, _), _ = plan_db
    with pytest.raises(PlanError, match=message):
        new_action(db, round_id, harbour, **changes)


def test_update_changes_fields_and_links_and_refuses_a_stale_version(plan_db):
    db, round_id, (harbour, _), _ = plan_db
    action_id = new_action(db, round_id, harbour)
    version = update_action(db, action_id, 1, title="Publish the data set", lead="ADP Commissioning Group",
                            indicator_ids=["w3"], target_date=None, status="on_track", today=TODAY)
    action = get_action(db, action_id)
    assert (version, action.version) == (2, 2)
    assert (action.title, action.lead, action.target_date, action.status) == (
        "Publish the data set", "ADP Commissioning Group", None, "on_track")
    assert action.indicator_ids == ("w3",)
    with pytest.raises(StaleAction):  # someone still holding version 1
        update_action(db, action_id, 1, title="Old", lead="Old", indicator_ids=["l1"], target_date=None,
                      status="not_started")
    assert get_action(db, action_id).title == "Publish the data set"


def test_complete_keeps_the_first_completion_date(plan_db):
    db, round_id, (harbour, _), _ = plan_db
    action_id = new_action(db, round_id, harbour)
    complete_action(db, action_id, today=TODAY)
    complete_action(db, action_id, today=TODAY + dt.timedelta(days=5))
    action = get_action(db, action_id)
    assert (action.status, action.completed_on) == ("done", TODAY)
    set_status(db, action_id, "at_risk", today=TODAY)  # reopened: no longer complete
    assert get_action(db, action_id).completed_on is None


def test_notes_are_dated_change_status_and_list_newest_first(plan_db):
    db, round_id, (harbour, _), _ = plan_db
    action_id = new_action(db, round_id, harbour)
    add_note(db, action_id, "Scoping agreed.", noted_on=dt.date(2026, 10, 1), author_name="Fiona",
             today=TODAY)
    add_note(db, action_id, "Data has not arrived.", noted_on=dt.date(2026, 11, 1), status="at_risk",
             today=TODAY)
    add_note(db, action_id, "Signed off.", noted_on=dt.date(2026, 11, 15), status="done", today=TODAY)
    notes = list_notes(db, action_id)
    assert [(n.note, n.status) for n in notes] == [
        ("Signed off.", "done"), ("Data has not arrived.", "at_risk"), ("Scoping agreed.", "not_started")]
    action = get_action(db, action_id)
    # done as of the day the note reports, not the day it was typed
    assert (action.status, action.completed_on) == ("done", dt.date(2026, 11, 15))
    assert action.latest_note.note == "Signed off."
    with pytest.raises(PlanError, match="future"):
        add_note(db, action_id, "Tomorrow", noted_on=TODAY + dt.timedelta(days=1), today=TODAY)
    with pytest.raises(PlanError, match="empty"):
        add_note(db, action_id, " ", noted_on=TODAY, today=TODAY)


def test_deleting_is_not_offered_but_the_schema_cascades(plan_db):
    db, round_id, (harbour, _), _ = plan_db
    action_id = new_action(db, round_id, harbour)
    add_note(db, action_id, "A note", noted_on=TODAY, today=TODAY)
    db.execute("DELETE FROM plan_actions WHERE id = ?", [action_id])
    assert db.execute("SELECT count(*) FROM plan_action_indicators").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM plan_notes").fetchone()[0] == 0


@pytest.mark.parametrize("target, status, overdue", [
    (TODAY - dt.timedelta(days=1), "on_track", True),
    (TODAY - dt.timedelta(days=1), "at_risk", True),
    (TODAY - dt.timedelta(days=1), "done", False),   # done is never overdue
    (TODAY, "not_started", False),                   # due today: not yet overdue
    (TODAY + dt.timedelta(days=1), "not_started", False),
    (None, "not_started", False),                    # to be agreed
])
def test_overdue_is_a_passed_target_date_on_an_unfinished_action(plan_db, target, status, overdue):
    db, round_id, (harbour, _), _ = plan_db
    action = get_action(db, new_action(db, round_id, harbour, target_date=target, status=status))
    assert is_overdue(action, TODAY) is overdue


def test_list_filters_by_organisation_and_area_and_sorts_by_target_date(plan_db):
    db, round_id, (harbour, glen), _ = plan_db
    late = new_action(db, round_id, harbour, target_date=dt.date(2027, 6, 1))
    undated = new_action(db, round_id, harbour, target_date=None)
    soon = new_action(db, round_id, glen, target_date=dt.date(2026, 12, 1))
    assert [a.id for a in list_actions(db)] == [soon, late, undated]
    assert [a.id for a in list_actions(db, organisation_id=harbour)] == [late, undated]
    assert [a.id for a in list_actions(db, areas=["Angus"])] == [soon]
    assert list_actions(db, areas=[]) == []


def test_filters_by_status_lead_domain_and_due_date(plan_db):
    db, round_id, (harbour, glen), fw = plan_db
    overdue = new_action(db, round_id, harbour, target_date=TODAY - dt.timedelta(days=3),
                         lead="NHS Tayside", indicator_ids=["l1"], status="at_risk")
    done = new_action(db, round_id, glen, target_date=TODAY - dt.timedelta(days=3),
                      lead="Third Sector Group", indicator_ids=["w1"], status="done")
    later = new_action(db, round_id, glen, target_date=dt.date(2027, 6, 30),
                       lead="NHS Tayside", indicator_ids=["w2"])
    actions = list_actions(db)

    def ids(**kwargs):
        return sorted(a.id for a in apply_filter(actions, PlanFilter(**kwargs), TODAY))

    assert ids() == [overdue, done, later]
    assert ids(status=OVERDUE) == [overdue]
    assert ids(status="done") == [done]
    assert ids(lead="NHS Tayside") == [overdue, later]
    assert ids(domain="work") == [done, later]
    assert ids(due_by=dt.date(2027, 1, 1)) == [overdue, done]
    assert ids(lead="NHS Tayside", domain="work") == [later]
    assert lead_choices(actions) == ["NHS Tayside", "Third Sector Group"]
    assert domain_choices(actions, [fw]) == {"lead": "Leadership (Test framework)",
                                             "work": "Workforce (Test framework)"}


def test_parse_filter_keeps_good_values_and_reports_bad_ones():
    leads, domains = ["NHS Tayside"], {"lead": "Leadership"}
    good, errors = parse_filter({"status": "overdue", "lead": "NHS Tayside", "domain": "lead",
                                 "due_by": "2027-03-31"}, leads, domains)
    assert errors == {} and good == PlanFilter(OVERDUE, "NHS Tayside", "lead", dt.date(2027, 3, 31))
    bad, errors = parse_filter({"status": "x", "lead": "<b>", "domain": "z", "due_by": "2027-02-30"},
                               leads, domains)
    assert bad == PlanFilter() and not bad.active
    assert set(errors) == {"status", "lead", "domain", "due_by"}
