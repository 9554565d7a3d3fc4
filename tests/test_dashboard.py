"""The facilitator dashboard: progress, heatmaps with suppression, filters, drill-down, refusals."""
from __future__ import annotations

from bs4 import BeautifulSoup

from .report_world import client_as, web_world  # noqa: F401  (fixtures)


def page(response) -> BeautifulSoup:
    """Parse an HTML reply."""
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def column(table, header: str) -> list:
    """Return the body cells under one column heading."""
    headers = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    index = headers.index(header)
    return [row.find_all(["th", "td"])[index] for row in table.tbody.find_all("tr")]


def test_dashboard_shows_progress_heatmaps_and_marks_hidden_groups(web_world, client_as):
    soup = page(client_as("facilitator").get(f"/results/?round={web_world.round_id}"))
    progress = soup.find("table", id="progress-area")
    rows = {r.th.get_text(strip=True): [td.get_text(strip=True) for td in r.find_all("td")]
            for r in progress.tbody.find_all("tr")}
    assert rows["Dundee City"] == ["4", "4", "4"]
    assert rows["Angus"] == ["c", "c", "c"]          # one organisation
    assert rows["Total: Tayside"] == ["8", "8", "8"]
    # a facilitator for the whole of Tayside sees every organisation one by one: no average of
    # theirs is hidden, not even Angus's single organisation
    heat = soup.find("table", id="heatmap-area")
    angus = column(heat, "Angus")
    assert "c" not in {cell.get_text(strip=True) for cell in angus}
    dundee = column(heat, "Dundee City")
    assert dundee[0].get_text(strip=True) == "4"
    assert any(c.startswith("heat-") and c[5:].isdigit() for c in dundee[1]["class"])
    assert any("Alpha Café" in a.get_text() for a in soup.select("a[href*='/organisations/']"))
    assert not soup.select("[style]") and not soup.select("script:not([src])")


def test_hidden_averages_are_marked_with_their_reason(web_world, client_as):
    # for Dundee City's facilitator, NHS is Dens Road (theirs) and two Perth organisations;
    # with groups of four required it is too few, and says so
    web_world.app.config["MIN_GROUP"] = 4
    soup = page(client_as("dundee_facilitator").get(f"/results/?round={web_world.round_id}"))
    heat = soup.find("table", id="heatmap-sector")
    nhs = column(heat, "NHS")
    assert {cell.get_text(strip=True) for cell in nhs} == {"c"}
    assert all("heat-suppressed" in cell["class"] for cell in nhs)
    assert nhs[1].find("abbr")["title"] == "hidden: too few organisations"
    notes = heat.find_parent("div").find_next_sibling("div").get_text()
    assert "c hidden: too few organisations. A group figure is shown when it rests on at least 4" in notes
    # Local authority is Docks Council Team, which the facilitator sees anyway: shown
    assert column(heat, "Local authority")[1].get_text(strip=True) != "c"


def test_filters_narrow_to_an_area_and_a_sector(web_world, client_as):
    url = f"/results/?round={web_world.round_id}&area=Dundee+City&sector=Third+sector"
    soup = page(client_as("facilitator").get(url))
    by_sector = soup.find("table", id="heatmap-sector")
    assert by_sector.caption.get_text(strip=True) == "Average domain scores by sector in Dundee City"
    assert [th.get_text(strip=True) for th in by_sector.thead.find_all("th")] == [
        "Domain", "Third sector", "Tayside"]
    names = [a.get_text() for a in soup.select("a[href*='/organisations/']")]
    assert len(names) == 2 and all("Alpha" in n or "Dee Street" in n for n in names)


def test_drill_down_counts_answers_and_hides_small_groups(web_world, client_as):
    client = client_as("facilitator")
    soup = page(client.get(f"/results/indicators/sp-2-1?round={web_world.round_id}&area=Dundee+City"))
    counts = {r.th.get_text(strip=True): r.td.get_text(strip=True)
              for r in soup.find("table", id="distribution-data").tbody.find_all("tr")}
    assert counts["1 Unsatisfactory"] == "1" and counts["6 Excellent"] == "1"
    assert counts["3 Satisfactory"] == "3"
    assert soup.select_one("figure.app-chart svg[role=img]")
    # for Dundee City's facilitator, the NHS answers they cannot see (Perth Clinic and Crieff Clinic)
    # are all "3": the counts would give both answers away, so they are hidden, and the page says why
    lead = client_as("dundee_facilitator")
    hidden = page(lead.get(f"/results/indicators/sp-2-1?round={web_world.round_id}&sector=NHS"))
    assert not hidden.select("figure.app-chart")
    cells = [r.td.get_text(strip=True) for r in hidden.find("table", id="distribution-data").tbody.find_all("tr")]
    assert set(cells) == {"c"}
    assert "whose own results you cannot see gave the same answer" in hidden.get_text()
    # the Tayside-wide facilitator knows both, so sees the counts
    shown = page(client.get(f"/results/indicators/sp-2-1?round={web_world.round_id}&sector=NHS"))
    assert shown.select_one("figure.app-chart svg[role=img]")


def test_an_area_facilitator_sees_only_their_area(web_world, client_as):
    client = client_as("dundee_facilitator")
    response = client.get(f"/results/?round={web_world.round_id}")
    text = response.get_data(as_text=True)
    assert "Arbroath Outreach" not in text and "Perth Advice" not in text
    heat = page(response).find("table", id="heatmap-area")
    assert [th.get_text(strip=True) for th in heat.thead.find_all("th")] == ["Domain", "Dundee City", "Tayside"]
    assert client.get(f"/results/?round={web_world.round_id}&area=Angus").status_code == 403
    assert client.get(f"/results/indicators/sp-1-1?round={web_world.round_id}&area=Angus").status_code == 403


def test_service_leads_and_administrators_have_no_dashboard(web_world, client_as):
    for person in ("alpha_lead", "admin"):
        assert client_as(person).get("/results/").status_code == 403
    facilitator = client_as("facilitator")
    assert facilitator.get("/results/?area=Atlantis").status_code == 400
    assert facilitator.get(f"/results/indicators/nothing?round={web_world.round_id}").status_code == 404
