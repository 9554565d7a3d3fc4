"""Setting targets in the browser's place: who may, CSRF, save and return, change and clear, and the audit log."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from surveyapp.plans.targets import list_targets

from ..plan_helpers import build_two_rounds, client_as
from ..security_world import add_user
from .helpers import hold_back


@pytest.fixture
def site(app, db):
    """Round one has results from everyone; organisation A has not yet answered round two."""
    two = build_two_rounds(db)
    hold_back(db, two.second, two.orgs["A"])
    people = {
        "lead_a": add_user(db, "lead.a@example.org", "service_lead", [two.orgs["A"]], name="Lead A"),
        "lead_b": add_user(db, "lead.b@example.org", "service_lead", [two.orgs["B"]], name="Lead B"),
        "facilitator": add_user(db, "fac@example.org", "facilitator", areas=["Dundee City"]),
        "commissioner": add_user(db, "com@example.org", "commissioner", areas=["Dundee City"]),
    }

    class Site:
        pass
    site = Site()
    site.two, site.orgs, site.db = two, two.orgs, db
    site.client = lambda who: client_as(app, db, people[who])
    site.overview = f"/organisations/{two.orgs['A']}/rounds/{two.first}/targets"
    site.lead_domain = f"{site.overview}/lead"
    return site


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_a_service_lead_sets_changes_and_clears_targets_and_each_change_is_audited(site):
    lead = site.client("lead_a")
    page = soup(lead.get(site.overview))
    assert "No targets are set yet" in page.find(id="targets-count").get_text()
    link = page.find(id="domain-lead").find("a")
    assert link["href"] == site.lead_domain and link.get_text().startswith("Set targets")
    form = soup(lead.get(site.lead_domain))
    labels = [label.get_text() for label in form.find_all("label") if label["for"].startswith("target_l1-")]
    assert labels == ["No target", "1 Unsatisfactory", "2 Weak", "3 Adequate", "4 Good", "5 Very good",
                      "6 Excellent"]
    assert "Your result in Round one: 2.0" in form.get_text()
    saved = lead.post(site.lead_domain, data={"csrf_token": lead.csrf, "target_l1": "4", "target_l2": ""})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"{site.overview}#domain-lead")
    page = soup(lead.get(site.overview))
    assert "Targets saved for Leadership" in page.get_text()
    assert "Target: 4 Good" in page.find(id="target-l1").get_text()
    assert "Set by Lead A" in page.find(id="target-l1").get_text()
    assert "Target: No target" in page.find(id="target-l2").get_text()
    assert page.find(id="domain-lead").find("a").get_text().startswith("Change targets")
    assert soup(lead.get(site.lead_domain)).find(id="target_l1-4").has_attr("checked")
    lead.post(site.lead_domain, data={"csrf_token": lead.csrf, "target_l1": "5", "target_l2": "3"})
    assert {i: t.level for i, t in list_targets(site.db, site.orgs["A"], site.two.first).items()} == {
        "l1": 5.0, "l2": 3.0}
    lead.post(site.lead_domain, data={"csrf_token": lead.csrf, "target_l1": "", "target_l2": "3"})
    assert set(list_targets(site.db, site.orgs["A"], site.two.first)) == {"l2"}
    log = [(r["action"], r["detail"]) for r in site.db.query(
        "SELECT action, detail FROM audit_log WHERE action LIKE 'target.%' ORDER BY id")]
    first = site.two.first
    assert log == [("target.set", f"round {first}, indicator l1, level 4"),
                   ("target.set", f"round {first}, indicator l1, level 5"),
                   ("target.set", f"round {first}, indicator l2, level 3"),
                   ("target.cleared", f"round {first}, indicator l1")]


def test_a_level_not_on_the_scale_is_refused_with_an_error_and_nothing_saved(site):
    lead = site.client("lead_a")
    refused = lead.post(site.lead_domain, data={"csrf_token": lead.csrf, "target_l1": "9"})
    assert refused.status_code == 400
    summary = soup(refused).find(class_="govuk-error-summary")
    assert "Select a target for “Leaders are visible”, or no target" in summary.get_text()
    assert list_targets(site.db, site.orgs["A"], site.two.first) == {}


def test_without_the_csrf_token_nothing_is_saved(site):
    lead = site.client("lead_a")
    refused = lead.post(site.lead_domain, data={"target_l1": "4"})
    assert refused.status_code == 400
    assert list_targets(site.db, site.orgs["A"], site.two.first) == {}


@pytest.mark.parametrize("who", ["lead_b", "commissioner", "facilitator"])
def test_nobody_but_the_organisations_service_leads_may_set_its_targets(site, who):
    person = site.client(who)
    assert person.get(site.lead_domain).status_code == 403
    assert person.post(site.lead_domain, data={"csrf_token": person.csrf, "target_l1": "4"}).status_code == 403
    assert list_targets(site.db, site.orgs["A"], site.two.first) == {}


def test_those_who_see_the_results_see_the_targets_others_do_not(site):
    assert site.client("lead_b").get(site.overview).status_code == 403
    for who in ("commissioner", "facilitator"):
        page = soup(site.client(who).get(site.overview))
        assert page.find(id="targets-read-only") and not page.find(id="domain-lead").find("a")


def test_targets_close_once_the_next_round_has_results_and_need_results_to_set(site):
    lead = site.client("lead_b")  # B has answered round two
    url = f"/organisations/{site.orgs['B']}/rounds/{site.two.first}/targets"
    assert soup(lead.get(url)).find(id="targets-closed")
    assert lead.post(f"{url}/lead", data={"csrf_token": lead.csrf, "target_l1": "4"}).status_code == 409
    assert list_targets(site.db, site.orgs["B"], site.two.first) == {}
    mine = site.client("lead_a")  # A has no results in round two: nothing to set targets on
    assert mine.get(f"/organisations/{site.orgs['A']}/rounds/{site.two.second}/targets").status_code == 404
    assert mine.get(f"{site.overview}/nope").status_code == 404


def test_the_report_and_the_plan_link_to_the_targets_of_their_round(site):
    lead = site.client("lead_a")
    report = soup(lead.get(f"/results/rounds/{site.two.first}/organisations/{site.orgs['A']}"))
    assert report.find(id="targets-link").find("a")["href"] == site.overview
    plan = soup(lead.get(f"/organisations/{site.orgs['A']}/plan?round={site.two.first}"))
    assert plan.find(id="targets-link").find("a")["href"] == site.overview


def test_the_targets_download_as_csv_and_xlsx_with_the_next_rounds_result_once_there(site):
    import csv
    import io

    from openpyxl import load_workbook

    from .helpers import submit

    lead = site.client("lead_a")
    lead.post(site.lead_domain, data={"csrf_token": lead.csrf, "target_l1": "4", "target_l2": "4"})
    assert soup(lead.get(site.overview)).find(id="targets-downloads")
    submit(site.db, site.two.second, site.orgs["A"])  # round two: l1 4 (met), l2 3 (not met)
    got = lead.get(f"{site.overview}.csv")
    assert got.headers["Content-Disposition"].startswith("attachment") and got.headers["Cache-Control"] == "no-store"
    table = list(csv.DictReader(io.StringIO(got.get_data(as_text=True))))
    assert [(r["Indicator"], r["Result in Round one"], r["Target"], r["Result in the next round"], r["Met"])
            for r in table] == [("Leaders are visible", "2.0", "4 Good", "4.0", "Yes"),
                                ("Leaders listen", "3.0", "4 Good", "3.0", "No")]
    book = load_workbook(io.BytesIO(lead.get(f"{site.overview}.xlsx").data))
    assert [c.value for c in book["targets"][2]][3:6] == ["Leaders are visible", 2.0, "4 Good"]
    assert site.client("lead_b").get(f"{site.overview}.csv").status_code == 403
    assert lead.get(f"{site.overview}.pdf").status_code == 404
