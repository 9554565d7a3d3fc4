"""Suggested next steps: validated per level, shown for development areas, added to a plan in one step."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from surveyapp.benchmarks.viewers import viewer_for_organisation
from surveyapp.frameworks.loader import load_framework_text
from surveyapp.frameworks.reading import load_with_lines
from surveyapp.plans.queries import list_actions
from surveyapp.reports.definitions import load_report_definitions
from surveyapp.reports.model import RoundData, organisation_report

from ..aggregation_helpers import FRAMEWORK_YAML, W3
from ..plan_helpers import build_two_rounds, client_as
from ..security_world import add_user
from ..test_framework_loader import errors_for

STEP_1 = "Ask each senior leader to join one front-line team meeting this quarter."
STEP_2 = "Agree how leaders share what they heard, and check it at the next round."
STEPS = (f"next_steps: [{{level: 1, text: '{STEP_1}'}}, {{level: 2, text: '{STEP_2}'}}]")


def framework_text() -> str:
    """The plan tests' framework, with next steps on l1 for its two lowest levels."""
    text = FRAMEWORK_YAML.format(version=1, extra=W3).replace("id: test-fw", "id: plan-test-fw")
    return text.replace("scale: six, weight: 2}", "scale: six, weight: 2, " + STEPS + "}")


@pytest.fixture
def site(app, db):
    """build_two_rounds on the framework with next steps: organisation A scores 2 on l1 in round one."""
    text = framework_text()
    fw = load_framework_text(text)
    data, _ = load_with_lines(text, "<test>")
    db["framework_versions"].insert({
        "key": fw.key, "framework_id": fw.id, "version": fw.version, "title": fw.title,
        "content_hash": fw.content_hash, "definition": json.dumps(data), "source_path": "<test>"})
    two = build_two_rounds(db)  # registers with ignore=True: ours, with next steps, stays
    lead = add_user(db, "lead.a@example.org", "service_lead", [two.orgs["A"]], name="Lead A")
    other = add_user(db, "lead.b@example.org", "service_lead", [two.orgs["B"]], name="Lead B")
    commissioner = add_user(db, "com@example.org", "commissioner", areas=["Dundee City"])
    return two, {"lead": lead, "other": other, "commissioner": commissioner}


def test_next_step_levels_must_be_on_the_scale():
    text = framework_text().replace("level: 2,", "level: 7,")
    assert errors_for(text) == [
        "frameworks/tip.yaml:27: domains[0].indicators[0].next_steps[1].level: "
        "level 7 is not on scale 'six'; its levels are 1, 2, 3, 4, 5, 6"]
    assert errors_for(framework_text().replace("level: 2,", "level: 1,")) == [
        "frameworks/tip.yaml:27: domains[0].indicators[0].next_steps[1].level: level 1 already has a next step"]


def test_the_step_for_a_result_is_that_of_the_highest_level_at_or_below_it():
    l1 = load_framework_text(framework_text()).indicator("l1")
    assert l1.next_step_for(1).text == STEP_1
    assert l1.next_step_for(2.5).text == STEP_2
    assert l1.next_step_for(0.5) is None


def test_organisation_report_lists_the_next_step_of_each_development_area(app, db, site):
    two, _ = site
    data = RoundData(db, two.first, 3)
    definition = load_report_definitions(app.config["REPORTS_DIR"])["organisation"]
    report = organisation_report(db, data.for_viewer(viewer_for_organisation(two.orgs["A"])), definition,
                                 two.orgs["A"])
    development = next(s for s in report.sections if s.type == "development")
    items = [i for b in development.blocks if b.kind == "list" for i in b.items]
    assert [(i.title, i.next_step) for i in items if i.title == "Leaders are visible"] == [
        ("Leaders are visible", STEP_2)]


def test_a_lead_adds_a_suggested_step_to_the_plan_in_one_action(app, db, site):
    two, people = site
    org = two.orgs["A"]
    lead = client_as(app, db, people["lead"])
    page = BeautifulSoup(lead.get(f"/organisations/{org}/plan?round={two.first}").get_data(as_text=True),
                         "html.parser")
    area = page.find(id="development-l1")
    assert f"Suggested next step: {STEP_2}" in area.get_text()
    form = area.find("form")
    fields = {i["name"]: i["value"] for i in form.find_all("input")}
    assert set(fields) == {"csrf_token", "round", "indicator"}
    reply = lead.post(form["action"], data={**fields, "csrf_token": lead.csrf})
    assert reply.status_code == 302
    (action,) = list_actions(db, organisation_id=org)
    assert (action.title, action.indicator_ids, action.lead) == (STEP_2, ("l1",), "Lead A")
    assert reply.location.endswith(f"/organisations/{org}/plan/actions/{action.id}/edit")  # editable next
    edit = BeautifulSoup(lead.get(reply.location).get_data(as_text=True), "html.parser")
    assert edit.find(id="title").get_text().strip() == STEP_2


def test_only_someone_who_may_change_the_plan_can_add_a_step(app, db, site):
    two, people = site
    org = two.orgs["A"]
    data = {"round": str(two.first), "indicator": "l1"}
    for who in ("other", "commissioner"):
        client = client_as(app, db, people[who])
        assert client.post(f"/organisations/{org}/plan/next-steps",
                           data={**data, "csrf_token": client.csrf}).status_code in (403, 404)
    lead = client_as(app, db, people["lead"])
    assert lead.post(f"/organisations/{org}/plan/next-steps", data=data).status_code == 400  # no CSRF token
    # an indicator that is not a development area with a suggestion is refused
    assert lead.post(f"/organisations/{org}/plan/next-steps",
                     data={"round": str(two.first), "indicator": "w2", "csrf_token": lead.csrf}).status_code == 400
    assert list_actions(db, organisation_id=org) == []


def _latest_shipped():
    """Return (latest file, the one before it) for every shipped framework id."""
    from ..conftest import PROJECT
    by_id: dict[str, list] = {}
    for path in (PROJECT / "frameworks").glob("*-v*.yaml"):
        fid, _, version = path.stem.rpartition("-v")
        by_id.setdefault(fid, []).append((int(version), path))
    return [tuple(p for _, p in sorted(files)[-2:]) for files in sorted(by_id.values())]


LATEST = _latest_shipped()


def test_every_shipped_framework_id_is_checked():
    assert {latest.name for _, latest in LATEST} == {
        "adp-recovery-system-v2.yaml", "mat-standards-v3.yaml", "strategic-planning-v3.yaml",
        "trauma-informed-leadership-v3.yaml", "culture-change-mhsu-v3.yaml", "enabling-system-v3.yaml"}


@pytest.mark.parametrize("previous, latest", LATEST, ids=[latest.name for _, latest in LATEST])
def test_shipped_framework_suggests_a_step_for_its_two_lowest_levels(previous, latest):
    """Every rated item has a step for its scale's two lowest levels.

    Only rated items have levels and only they become development areas, so the rule is about them; a yes/no,
    number or text question has no levels and carries no step.
    """
    from surveyapp.frameworks.loader import load_framework_file
    from surveyapp.frameworks.readability import MAX_WORDS, MIN_READING_EASE, reading_ease

    fw = load_framework_file(latest)
    rated = [i for i in fw.indicators if i.scored]
    assert rated
    for indicator in fw.indicators:
        if indicator.scored:
            lowest = indicator.scale.values[:2]
            assert tuple(s.level for s in indicator.next_steps) == lowest, indicator.id
            assert all(len(s.text.split()) <= MAX_WORDS for s in indicator.next_steps), indicator.id
        else:
            assert indicator.next_steps == (), indicator.id
    steps = [s.text for i in rated for s in i.next_steps]
    assert sum(map(reading_ease, steps)) / len(steps) >= MIN_READING_EASE
    assert len(set(steps)) == len(steps), "each suggestion is written for its own item"
    assert fw.instrument == "adaptation" and "This is an adaptation" in fw.adaptation and fw.sources
    # the statements people answered on the previous version are unchanged: only suggestions were added
    old = load_framework_file(previous)
    assert [(i.id, i.text, i.guidance) for i in fw.indicators] == [(i.id, i.text, i.guidance) for i in old.indicators]
    assert fw.scales == old.scales
