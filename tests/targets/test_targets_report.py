"""Targets in the reports: target against result, met or not in the next round, and group counts under disclosure."""
from __future__ import annotations

import io
import re

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from ..plan_helpers import build_two_rounds, client_as
from ..security_world import add_user
from .helpers import set_targets

# Round two scores (plan_helpers): A l1 4, l2 3; B l1 5; C l1 5; E l1 6, l2 3; D (Angus) l1 3.


@pytest.fixture
def site(app, db):
    two = build_two_rounds(db)
    people = {
        "lead_a": add_user(db, "lead.a@example.org", "service_lead", [two.orgs["A"]], name="Lead A"),
        "lead_b": add_user(db, "lead.b@example.org", "service_lead", [two.orgs["B"]], name="Lead B"),
        "commissioner": add_user(db, "com@example.org", "commissioner", areas=["Dundee City"]),
    }

    class Site:
        pass
    site = Site()
    site.two, site.orgs, site.db = two, two.orgs, db
    site.client = lambda who: client_as(app, db, people[who])
    return site


def section(response, section_id: str = "section-targets"):
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    found = page.find(id=section_id)
    assert found is not None, f"no section {section_id}"
    return found


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def rows(table) -> list[list[str]]:
    return [[squash(c.get_text()) for c in tr.find_all(["th", "td"])] for tr in table.find("tbody").find_all("tr")]


def org_url(site, round_key: str, org: str = "A") -> str:
    return f"/results/rounds/{getattr(site.two, round_key)}/organisations/{site.orgs[org]}"


def area_url(site, area: str = "dundee-city") -> str:
    return f"/results/rounds/{site.two.second}/areas/{area}"


def test_the_report_shows_targets_against_results_and_the_next_rounds_report_whether_they_were_met(site):
    set_targets(site.db, site.two, site.orgs["A"], {"l1": 4, "l2": 4})  # round two: l1 4 (met), l2 3 (not)
    lead = site.client("lead_a")
    first = section(lead.get(org_url(site, "first")))
    assert rows(first.find(id="targets-next")) == [["Leaders are visible", "2.0", "4 Good"],
                                                    ["Leaders listen", "3.0", "4 Good"]]
    second = section(lead.get(org_url(site, "second")))
    assert "1 of 2 targets met." in squash(second.get_text())
    assert rows(second.find(id="targets-met")) == [["Leaders are visible", "4 Good", "4.0", "Met"],
                                                    ["Leaders listen", "4 Good", "3.0", "Not met"]]
    pdf = lead.get(f"{org_url(site, 'second')}/report.pdf")
    text = squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages))
    assert "Targets set after Round one" in text and "1 of 2 targets met." in text and "Not met" in text


def test_an_organisation_without_targets_is_told_so(site):
    assert "No targets were set" in section(site.client("lead_b").get(org_url(site, "second", "B"))).get_text()


def test_the_area_report_counts_targets_met_across_its_organisations(site):
    set_targets(site.db, site.two, site.orgs["A"], {"l1": 4})  # met
    set_targets(site.db, site.two, site.orgs["C"], {"l1": 6}, name="Lead C")  # 5: not met
    set_targets(site.db, site.two, site.orgs["E"], {"l2": 3}, name="Lead E")  # met
    found = section(site.client("lead_b").get(area_url(site)))
    assert "2 of 3 targets met, set after Round one by 3 organisations." in squash(found.get_text())
    assert rows(found.find(id="targets-met")) == [["2", "3", "3"]]


def test_a_group_too_small_shows_no_count_nor_one_that_would_give_it_away(site):
    set_targets(site.db, site.two, site.orgs["A"], {"l1": 4})
    set_targets(site.db, site.two, site.orgs["C"], {"l1": 6}, name="Lead C")
    set_targets(site.db, site.two, site.orgs["E"], {"l2": 3}, name="Lead E")
    set_targets(site.db, site.two, site.orgs["D"], {"l1": 4}, name="Lead D")  # Angus: one organisation
    lead = site.client("lead_b")
    angus = section(lead.get(area_url(site, "angus")))
    assert rows(angus.find(id="targets-met")) == [["c", "c", "c"]]
    assert "targets met, set after" not in angus.get_text()
    assert "too few organisations" in squash(angus.get_text())
    # Tayside (and the sector) minus Dundee City would be Angus's one organisation: Dundee's count is hidden too
    dundee = section(lead.get(area_url(site)))
    assert rows(dundee.find(id="targets-met")) == [["c", "c", "c"]]
    assert "another hidden figure cannot be worked out" in squash(dundee.get_text())


def test_a_count_that_says_every_other_organisation_met_its_targets_is_hidden_unless_all_are_known(site):
    for org in ("A", "C", "E"):
        set_targets(site.db, site.two, site.orgs[org], {"l1": 4}, name=f"Lead {org}")  # all met
    assert rows(section(site.client("lead_b").get(area_url(site))).find(id="targets-met")) == [["c", "c", "c"]]
    # the Dundee City commissioner may see each of these organisations' results anyway
    shown = section(site.client("commissioner").get(area_url(site)))
    assert rows(shown.find(id="targets-met")) == [["3", "3", "3"]]
