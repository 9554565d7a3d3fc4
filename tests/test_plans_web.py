"""Improvement plan pages through the Flask test client, checked by structure."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from surveyapp.plans.actions import add_note, create_action
from surveyapp.plans.queries import get_action, list_actions

from .plan_helpers import build_two_rounds, client_as
from .security_world import add_user

YESTERDAY = dt.date.today() - dt.timedelta(days=1)
HOSTILE_TITLE = '<script>alert("plan")</script> =HYPERLINK("http://evil.example","x")'


@pytest.fixture
def site(app, db):
    """Two rounds with hand-computed scores, and one person of each kind."""
    two = build_two_rounds(db)
    orgs = two.orgs
    people = {
        "lead_a": add_user(db, "lead.a@example.org", "service_lead", [orgs["A"]], name="Lead A"),
        "lead_b": add_user(db, "lead.b@example.org", "service_lead", [orgs["B"]], name="Lead B"),
        "lead_d": add_user(db, "lead.d@example.org", "service_lead", [orgs["D"]], name="Lead D"),
        "facilitator": add_user(db, "fac@example.org", "facilitator", areas=["Dundee City"], name="Fiona"),
        "facilitator_angus": add_user(db, "fac.angus@example.org", "facilitator", areas=["Angus"]),
        "commissioner": add_user(db, "com@example.org", "commissioner", areas=["Dundee City"]),
        "admin": add_user(db, "admin@example.org", "admin"),
    }

    class Site:
        pass
    site = Site()
    site.two, site.orgs, site.db, site.app = two, orgs, db, app
    site.client = lambda who: client_as(app, db, people[who] if who else None)
    return site


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def make_action(site, org="A", round_key="first", **fields):
    """Store an action directly, for pages that show one."""
    values = {"title": "Agree a shared data set", "lead": "NHS Tayside Public Health",
              "indicator_ids": ["l1"], "target_date": dt.date(2027, 3, 31)} | fields
    return create_action(site.db, site.orgs[org], getattr(site.two, round_key), **values)


def plan_url(site, org="A") -> str:
    return f"/organisations/{site.orgs[org]}/plan"


def test_results_link_to_the_plan_and_development_areas_offer_an_action(site):
    lead = site.client("lead_a")
    assert soup_of(lead.get("/")).find(id="plans-link")["href"] == "/plans"
    results = soup_of(lead.get(f"/rounds/{site.two.first}/organisations/{site.orgs['A']}/summary"))
    link = results.find(id="plan-link")["href"]
    assert link == f"{plan_url(site)}?round={site.two.first}"
    page = soup_of(lead.get(link))
    assert page.find(id="no-actions")
    area = page.find(id="development-l1")
    assert "Leaders are visible" in area.get_text() and "No action addresses this yet" in area.get_text()
    add = area.find("a", href=re.compile("/actions/new"))
    assert add.get_text().startswith("Add an action")
    add = add["href"]
    assert add == f"{plan_url(site)}/actions/new?round={site.two.first}&indicator=l1"


def test_add_an_action_from_a_development_area(site):
    lead = site.client("lead_a")
    url = f"{plan_url(site)}/actions/new?round={site.two.first}&indicator=l1"
    form = soup_of(lead.get(url))
    assert form.find(id="picked-l1")  # the chosen development area, shown
    boxes = form.find_all("input", attrs={"name": "indicators"})
    checked = [i["value"] for i in boxes if i.has_attr("checked")]
    assert checked == ["l1"]
    assert form.find("input", attrs={"name": "status", "value": "not_started"}).has_attr("checked")

    # nothing chosen, a bad date and an empty action: every problem listed, every typed value kept
    bad = lead.post(url, data={"csrf_token": lead.csrf, "title": "", "lead": "Harbour <b>team</b>",
                               "target_date": "2027-02-30", "status": "on_track"})
    assert bad.status_code == 400
    page = soup_of(bad)
    assert page.title.get_text().startswith("Error:")
    links = {a["href"]: a.get_text() for a in page.select(".govuk-error-summary__list a")}
    assert links == {"#title": "Enter what will be done",
                     "#indicators-0": "Select at least one indicator this action addresses",
                     "#target_date": "Target date must be a real date, for example 2027-03-31"}
    assert page.find(id="indicators-0")
    assert page.find(id="lead")["value"] == "Harbour <b>team</b>"
    assert page.find(id="target_date")["value"] == "2027-02-30"
    assert page.find("input", attrs={"name": "status", "value": "on_track"}).has_attr("checked")
    assert page.find(id="picked-l1")  # still shown after the error

    done = lead.post(url, data={"csrf_token": lead.csrf, "title": "Agree a shared data set",
                                "indicators": ["l1", "w2"], "lead": "NHS Tayside Public Health",
                                "target_date": "2027-03-31", "status": "on_track"})
    assert done.status_code == 302 and done.location.endswith(f"{plan_url(site)}?round={site.two.first}")
    (action,) = list_actions(site.db, organisation_id=site.orgs["A"])
    assert (action.title, action.indicator_ids, action.target_date, action.status) == (
        "Agree a shared data set", ("l1", "w2"), dt.date(2027, 3, 31), "on_track")
    assert action.round_id == site.two.first


def test_missing_csrf_token_is_refused(site):
    lead = site.client("lead_a")
    response = lead.post(f"{plan_url(site)}/actions/new?round={site.two.first}",
                         data={"title": "x", "indicators": ["l1"], "lead": "y", "status": "on_track"})
    assert response.status_code == 400
    assert list_actions(site.db) == []


def test_edit_changes_status_and_refuses_a_stale_edit_keeping_what_was_typed(site):
    action_id = make_action(site)
    url = f"{plan_url(site)}/actions/{action_id}/edit"
    lead, facilitator = site.client("lead_a"), site.client("facilitator")
    form = soup_of(lead.get(url))
    assert form.find("input", attrs={"name": "version"})["value"] == "1"
    assert form.find(id="title").get_text() == "Agree a shared data set"
    data = {"csrf_token": lead.csrf, "title": "Agree a shared data set", "indicators": ["l1"],
            "lead": "NHS Tayside", "target_date": "2027-03-31", "status": "at_risk", "version": "1"}
    assert facilitator.post(url, data={**data, "csrf_token": facilitator.csrf}).status_code == 302
    assert get_action(site.db, action_id).status == "at_risk"

    stale = lead.post(url, data={**data, "title": "My older wording", "status": "on_track"})
    assert stale.status_code == 409
    page = soup_of(stale)
    assert "Someone else changed this action" in page.select_one(".govuk-error-summary").get_text()
    assert page.find(id="title").get_text() == "My older wording"
    assert "at risk" in page.find(id="current-action").get_text().lower()
    assert page.find("input", attrs={"name": "version"})["value"] == "2"
    assert get_action(site.db, action_id).title == "Agree a shared data set"  # nothing overwritten


def test_progress_notes_and_marking_done(site):
    action_id = make_action(site)
    url = f"{plan_url(site)}/actions/{action_id}"
    lead = site.client("lead_a")
    page = soup_of(lead.get(url))
    assert page.find("input", attrs={"name": "status", "value": "not_started"}).has_attr("checked")
    assert page.find(id="noted_on")["value"] == dt.date.today().isoformat()

    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    bad = lead.post(url + "/notes", data={"csrf_token": lead.csrf, "note": "Typed note kept",
                                          "noted_on": future, "status": "on_track"})
    assert bad.status_code == 400
    page = soup_of(bad)
    assert page.select_one(".govuk-error-summary a")["href"] == "#noted_on"
    assert page.find(id="note").get_text() == "Typed note kept"
    assert page.find(id="noted_on")["value"] == future

    ok = lead.post(url + "/notes", data={"csrf_token": lead.csrf, "status": "on_track",
                                         "note": "Scoping agreed.\nFirst meeting held.",
                                         "noted_on": YESTERDAY.isoformat()})
    assert ok.status_code == 302
    page = soup_of(lead.get(url))
    (note,) = page.find(id="notes-list").find_all("li")
    assert [p.get_text() for p in note.select(".app-note")] == ["Scoping agreed.", "First meeting held."]
    assert "On track" in note.get_text() and "Lead A" in note.get_text()
    assert get_action(site.db, action_id).status == "on_track"

    assert lead.post(url + "/complete", data={"csrf_token": lead.csrf}).status_code == 302
    page = soup_of(lead.get(url))
    assert "Done" in page.find(id="action-status").get_text()
    assert page.find(id="complete") is None
    assert get_action(site.db, action_id).completed_on == dt.date.today()


def test_overdue_actions_stand_out_in_words_not_colour_alone(site):
    late = make_action(site, title="Late action", target_date=YESTERDAY)
    finished = make_action(site, title="Finished action", target_date=YESTERDAY, status="done")
    future = make_action(site, title="Future action", target_date=dt.date.today() + dt.timedelta(days=30))
    page = soup_of(site.client("lead_a").get(plan_url(site)))
    assert "1 action is overdue" in page.find(id="overdue-warning").get_text()
    late_row = page.find(id=f"action-{late}")
    assert late_row["data-overdue"] == "true"
    assert late_row.find(class_="govuk-tag", string="Overdue")
    assert "target date has passed" in late_row.get_text()
    for other in (finished, future):
        row = page.find(id=f"action-{other}")
        assert not row.has_attr("data-overdue") and "Overdue" not in row.get_text()


def test_the_change_after_the_next_round_is_shown(site):
    action_id = make_action(site, indicator_ids=["l1", "w1"])
    lead = site.client("lead_a")
    page = soup_of(lead.get(f"{plan_url(site)}/actions/{action_id}"))
    l1 = [td.get_text() for td in page.find(id="movement-l1").find_all("td")]
    assert l1 == ["up 2.0 (2.0 to 4.0)", "up 1.0 (4.0 to 5.0)"]  # A, then Dundee City's average
    w1 = [td.get_text() for td in page.find(id="movement-w1").find_all("td")]
    # Dundee's w1 rests on B, C and E in round one, but with Perth and Kinross and Tayside it would
    # give Angus's one organisation: hidden as the complement, and the page says so
    assert w1 == ["not scored in both rounds", "hidden so that another hidden figure cannot be worked out"]
    assert "Round two" in page.find(id="movement-caption").get_text()
    row = soup_of(lead.get(plan_url(site))).find(id=f"action-{action_id}")
    assert "l1: up 2.0 (2.0 to 4.0)" in row.get_text()
    # an action on the latest round has nothing to compare with yet
    newer = make_action(site, round_key="second")
    page = soup_of(lead.get(f"{plan_url(site)}/actions/{newer}"))
    assert "No later round" in page.find(id="movement-state").get_text()


def test_another_organisations_lead_sees_nothing_of_the_plan(site):
    action_id = make_action(site, title="Secret action of A")
    other = site.client("lead_b")
    base = f"{plan_url(site)}/actions/{action_id}"
    for url in (plan_url(site), base, base + "/edit", f"{plan_url(site)}.csv", f"{plan_url(site)}.xlsx",
                f"{plan_url(site)}/actions/new"):
        response = other.get(url)
        assert response.status_code == 403, url
        assert b"Secret action" not in response.data and b"Org A" not in response.data
    for url in (base + "/notes", base + "/complete", base + "/edit"):
        assert other.post(url, data={"csrf_token": other.csrf, "note": "x", "noted_on": "2026-01-01",
                                     "status": "done"}).status_code == 403
    # A's action asked for under B's own plan: not found, and nothing shown
    own = f"{plan_url(site, 'B')}/actions/{action_id}"
    for response in (other.get(own), other.get(own + "/edit"),
                     other.post(own + "/complete", data={"csrf_token": other.csrf})):
        assert response.status_code == 404 and b"Secret action" not in response.data
    assert get_action(site.db, action_id).status == "not_started"
    assert [li.get_text() for li in soup_of(other.get("/plans")).select("#plan-list li a")] == [
        "Org B (fictional)"]
    assert other.get("/areas/Dundee%20City/plan").status_code == 403


def test_commissioner_reads_but_cannot_change(site):
    action_id = make_action(site, title="Commissioned action")
    commissioner = site.client("commissioner")
    plan = commissioner.get(plan_url(site))
    assert plan.status_code == 200 and b"Commissioned action" in plan.data
    page = soup_of(plan)
    assert not page.find("a", href=re.compile("/actions/new"))
    action = soup_of(commissioner.get(f"{plan_url(site)}/actions/{action_id}"))
    assert not action.find("a", href=re.compile("/edit")) and action.find(id="note") is None
    assert action.find(id="complete") is None
    base = f"{plan_url(site)}/actions/{action_id}"
    assert commissioner.get(base + "/edit").status_code == 403
    assert commissioner.get(f"{plan_url(site)}/actions/new").status_code == 403
    for url in (base + "/notes", base + "/complete", base + "/edit"):
        assert commissioner.post(url, data={"csrf_token": commissioner.csrf}).status_code == 403
    assert get_action(site.db, action_id).status == "not_started"
    assert commissioner.get("/areas/Dundee%20City/plan").status_code == 200
    assert commissioner.get("/areas/Angus/plan").status_code == 403
    assert commissioner.get(plan_url(site, "D")).status_code == 403  # D is in Angus


def test_facilitators_edit_only_in_their_areas_and_others_are_refused(site):
    action_id = make_action(site)
    note = {"note": "Checked at the review", "noted_on": YESTERDAY.isoformat(), "status": "at_risk"}
    facilitator = site.client("facilitator")
    assert [a.get_text() for a in soup_of(facilitator.get("/plans")).select("#plan-list a")] == ["Dundee City"]
    url = f"{plan_url(site)}/actions/{action_id}/notes"
    assert facilitator.post(url, data={**note, "csrf_token": facilitator.csrf}).status_code == 302
    angus = site.client("facilitator_angus")
    assert angus.post(url, data={**note, "csrf_token": angus.csrf}).status_code == 403
    assert angus.get(plan_url(site)).status_code == 403
    admin = site.client("admin")
    for page in (plan_url(site), "/plans", "/areas/Dundee%20City/plan"):
        assert admin.get(page).status_code == 403
    anonymous = site.client(None).get(plan_url(site))
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.location
    assert site.client("facilitator").get("/areas/Nowhere/plan").status_code == 404


def test_area_plan_filters_and_exports_what_is_shown(site):
    a = make_action(site, title="Overdue action", lead="NHS Tayside", indicator_ids=["l1"],
                    target_date=YESTERDAY, status="at_risk")
    b = make_action(site, org="B", title="Finished action", lead="Third Sector Group", indicator_ids=["w2"],
                    target_date=YESTERDAY, status="done")
    c = make_action(site, org="C", title="Later action", lead="NHS Tayside", indicator_ids=["w1"],
                    target_date=dt.date.today() + dt.timedelta(days=200))
    make_action(site, org="D", title="Angus action")  # another area: never on Dundee's plan
    facilitator = site.client("facilitator")

    def shown(query=""):
        page = soup_of(facilitator.get(f"/areas/Dundee%20City/plan{query}"))
        return {int(tr["id"].split("-")[1]) for tr in page.select("#actions tbody tr")}

    assert shown() == {a, b, c}
    assert shown("?status=overdue") == {a}
    assert shown("?status=done") == {b}
    assert shown("?lead=NHS+Tayside") == {a, c}
    assert shown("?domain=work") == {b, c}
    assert shown(f"?due_by={dt.date.today().isoformat()}") == {a, b}
    assert shown("?lead=NHS+Tayside&domain=work") == {c}
    page = soup_of(facilitator.get("/areas/Dundee%20City/plan?status=overdue"))
    assert page.find(id="filter-status").find("option", selected=True)["value"] == "overdue"
    assert "Showing 1 of 3 actions" in page.find(id="showing").get_text()
    assert "Org A (fictional)" in page.find(id=f"action-{a}").get_text()

    bad = facilitator.get("/areas/Dundee%20City/plan?status=nonsense&due_by=2027-02-30")
    assert bad.status_code == 400
    errors = soup_of(bad).select(".govuk-error-summary__list a")
    assert {e["href"] for e in errors} == {"#filter-status", "#filter-due_by"}
    assert soup_of(bad).find(id="filter-due_by")["value"] == "2027-02-30"

    export = facilitator.get("/areas/Dundee%20City/plan.csv?status=overdue")
    assert export.headers["Content-Disposition"] == 'attachment; filename="improvement-plan-dundee-city.csv"'
    assert export.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert [r["Action (what will be done)"] for r in rows] == ["Overdue action"]
    assert rows[0]["Overdue"] == "Yes"


def test_hostile_text_is_escaped_on_pages_and_neutralised_in_exports(site):
    action_id = make_action(site, title=HOSTILE_TITLE, lead="@SUM(A1)")
    add_note(site.db, action_id, '<img src=x onerror="alert(1)">', noted_on=YESTERDAY)
    lead = site.client("lead_a")
    for url in (plan_url(site), f"{plan_url(site)}/actions/{action_id}",
                f"{plan_url(site)}/actions/{action_id}/edit"):
        page = soup_of(lead.get(url))
        assert page.find("script", string=re.compile("alert")) is None
        assert page.find("img", attrs={"onerror": True}) is None
        assert HOSTILE_TITLE in page.get_text()  # shown as text, exactly as typed
    rows = list(csv.reader(io.StringIO(lead.get(f"{plan_url(site)}.csv").get_data(as_text=True))))
    assert rows[1][6] == "'@SUM(A1)"  # the lead column
    xlsx = lead.get(f"{plan_url(site)}.xlsx")
    assert xlsx.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.cell(row=3, column=6).value == HOSTILE_TITLE  # starts with "<": left alone
    assert sheet.cell(row=3, column=7).value == "'@SUM(A1)"
    assert not any(c.data_type == "f" for r in sheet.iter_rows() for c in r)


PEOPLE = {
    "lead_a": {"role": "service_lead", "organisations": frozenset({1}), "areas": frozenset()},
    "facilitator_dundee": {"role": "facilitator", "organisations": frozenset(),
                           "areas": frozenset({"Dundee City"})},
    "facilitator_all": {"role": "facilitator", "organisations": frozenset(), "areas": frozenset({"*"})},
    "commissioner_dundee": {"role": "commissioner", "organisations": frozenset(),
                            "areas": frozenset({"Dundee City"})},
    "admin": {"role": "admin", "organisations": frozenset(), "areas": frozenset()},
}


@pytest.mark.parametrize("name, args, true_for", [
    ("can_edit_plan", ({"id": 1, "area": "Dundee City"},), {"lead_a", "facilitator_dundee", "facilitator_all"}),
    ("can_edit_plan", ({"id": 2, "area": "Angus"},), {"facilitator_all"}),
    ("can_view_area_plan", ("Dundee City",), {"facilitator_dundee", "facilitator_all", "commissioner_dundee"}),
    ("can_view_area_plan", ("Angus",), {"facilitator_all"}),
])
def test_plan_permission_rules(name, args, true_for):
    from surveyapp.accounts import permissions

    function = getattr(permissions, name)
    assert not function(None, *args)
    assert {who for who, user in PEOPLE.items() if function(user, *args)} == true_for
