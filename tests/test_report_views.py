"""Report pages and PDF downloads: who may see which report, and what the page shows."""
from __future__ import annotations

import io

from bs4 import BeautifulSoup
from pypdf import PdfReader

from .report_world import ALPHA, STRENGTH_QUOTE, client_as, web_world  # noqa: F401  (fixtures)


def page(response) -> BeautifulSoup:
    """Parse an HTML reply."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def org_url(world, name=None, pdf=False) -> str:
    org_id = world.alpha if name is None else world.orgs[name]
    return f"/results/rounds/{world.round_id}/organisations/{org_id}" + ("/report.pdf" if pdf else "")


def test_service_lead_sees_their_own_report_with_charts_and_tables(web_world, client_as):
    client = client_as("alpha_lead")
    response = client.get(org_url(web_world))
    assert response.status_code == 200
    soup = page(response)
    assert soup.h1.get_text(strip=True) == ALPHA
    figure = soup.select_one("figure.app-chart")
    svg = figure.find("svg")
    assert svg["role"] == "img"
    for label_id in svg["aria-labelledby"].split():
        assert soup.find(id=label_id) is not None
    assert figure.find_next_sibling("div", class_="app-table-wrap").find("table")  # the numbers, beside
    assert not soup.select("[style]")
    headings = [h.get_text(strip=True) for h in soup.select("main h2, main h3")]
    assert "Strengths" in headings and "How this report was made" in headings
    assert STRENGTH_QUOTE in soup.get_text()
    assert soup.find("a", href=org_url(web_world, pdf=True))


def first_part(soup) -> str:
    """Return the text a report shows before its first table, chart or folded section."""
    words = []
    for element in soup.find("main").descendants:
        if getattr(element, "name", None) in ("table", "figure") or (
                getattr(element, "get", None) and "govuk-accordion" in (element.get("class") or [])):
            break
        if isinstance(element, str) and element.parent.name not in ("script", "style"):
            words.append(element)
    return " ".join(" ".join(words).split())


def test_organisation_report_opens_with_its_strengths_and_development_areas(web_world, client_as):
    soup = page(client_as("alpha_lead").get(org_url(web_world)))
    opening = first_part(soup)
    fw = web_world.framework
    # Alpha is strongest on sp-1 and weakest on sp-3-1 (report_world)
    assert fw.indicator("sp-1-1").text in opening
    assert fw.indicator("sp-3-1").text in opening
    assert "Overall score" in opening and "Dundee City average" in opening
    # a screen holds about 150 words: the development area must come within them, not after the cover's facts
    before = opening.split(fw.indicator("sp-3-1").text)[0]
    assert len(before.split()) < 150, f"the development area comes after {len(before.split())} words"
    # everything else is folded away, each section a GOV.UK accordion section, the plan linked from the top
    sections = soup.select(".govuk-accordion .govuk-accordion__section-heading")
    assert "Strengths" in [s.get_text(strip=True) for s in sections]
    plan = soup.find("a", string="See the improvement plan")
    assert soup.find(id=plan["href"][1:]).find_parent(class_="govuk-accordion")


def test_area_report_opens_with_shared_strengths_and_development_areas(web_world, client_as):
    soup = page(client_as("commissioner").get(f"/results/rounds/{web_world.round_id}/areas/dundee-city"))
    opening = first_part(soup)
    assert "Top shared strengths" in opening and "Top shared development areas" in opening
    before = opening.split(web_world.framework.indicator("sp-3-1").text)[0]
    assert len(before.split()) < 150, f"the development area comes after {len(before.split())} words"


def test_pdf_download_is_recorded_in_the_audit_log(web_world, client_as, db):
    response = client_as("alpha_lead").get(org_url(web_world, pdf=True))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="round-')
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Alpha Café & <Partners>" in text
    row = db.execute("SELECT user_email, organisation_id FROM audit_log WHERE action = 'report.downloaded'").fetchone()
    assert row == ("alpha.lead@example.org", web_world.alpha)


def test_suppressed_benchmarks_show_c_in_the_html_report(web_world, client_as):
    web_world.app.config["MIN_GROUP"] = 4  # Perth and Kinross has three organisations: now too few
    soup = page(client_as("perth_lead").get(org_url(web_world, "Perth Advice (fictional)")))
    table = soup.find("table", id="domain-scores")
    area_cells = [row.find_all("td")[1].get_text(strip=True) for row in table.tbody.find_all("tr")]
    assert set(area_cells) == {"c"}
    notes = table.find_parent("div").find_next_sibling("div").get_text()
    assert "c hidden: too few organisations. A group figure is shown when it rests on at least 4" in notes
    assert soup.find("abbr", title="hidden: too few organisations")


def test_nobody_sees_another_organisations_report(web_world, client_as):
    lead = client_as("alpha_lead")
    for url in (org_url(web_world, "Perth Advice (fictional)"), org_url(web_world, "Perth Advice (fictional)", True)):
        response = lead.get(url)
        assert response.status_code == 403
        assert "Perth Advice" not in response.get_data(as_text=True)
    commissioner = client_as("commissioner")
    assert commissioner.get(org_url(web_world)).status_code == 200
    assert commissioner.get(org_url(web_world, "Arbroath Outreach (fictional)")).status_code == 403
    assert client_as("admin").get(org_url(web_world)).status_code == 403


def test_group_reports_follow_the_area_rules(web_world, client_as):
    base = f"/results/rounds/{web_world.round_id}"
    commissioner = client_as("commissioner")
    assert commissioner.get(f"{base}/areas/angus").status_code == 403
    assert commissioner.get(f"{base}/areas/angus/report.pdf").status_code == 403
    dundee = commissioner.get(f"{base}/areas/dundee-city")
    assert dundee.status_code == 200
    assert not any(name in dundee.get_data(as_text=True) for name in web_world.orgs)
    # Local authority is one organisation, in Dundee City: the commissioner sees it anyway, so its
    # figures are shown to them; to Perth Advice's lead they would be Docks' own scores, so hidden
    sector = page(commissioner.get(f"{base}/sectors/local-authority"))
    assert "Too few" not in sector.get_text() and sector.find("table", id="domain-scores").find("abbr") is None
    hidden = client_as("perth_lead").get(f"{base}/sectors/local-authority").get_data(as_text=True)
    assert "Too few Local authority organisations can be compared" in hidden
    assert commissioner.get(f"{base}/areas/atlantis").status_code == 404
    assert client_as("admin").get(f"{base}/sectors/nhs").status_code == 403


OWN_WORDS = "Our peer workers wrote the <b>recovery</b> charter – “nothing about us without us”."


def test_text_answers_appear_in_the_organisations_own_report_only(web_world, client_as, db):
    # Alpha's first submitted respondent answers the open question sp-8-5 in their own words
    response_id, = db.execute("SELECT id FROM responses WHERE organisation_id = ? AND round_id = ? AND "
                              "status = 'submitted' ORDER BY id LIMIT 1", [web_world.alpha, web_world.round_id]).fetchone()
    db.execute("INSERT INTO answers (response_id, indicator_id, domain_id, value, option, text, comment) "
               "VALUES (?, 'sp-8-5', ?, NULL, NULL, ?, NULL)",
               [response_id, web_world.framework.domain_of("sp-8-5").id, OWN_WORDS])
    db.conn.commit()
    own = page(client_as("alpha_lead").get(org_url(web_world)))
    section = own.find(id="section-text_answers")
    assert OWN_WORDS in section.get_text() and web_world.framework.indicator("sp-8-5").text in section.get_text()
    assert section.find("b") is None  # shown as typed, never as markup
    pdf = client_as("alpha_lead").get(org_url(web_world, pdf=True))
    assert "nothing about us without us" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    base = f"/results/rounds/{web_world.round_id}"
    commissioner = client_as("commissioner")
    for url in (f"{base}/areas/dundee-city", f"{base}/sectors/third-sector", f"{base}/areas/dundee-city/report.pdf"):
        body = commissioner.get(url)
        assert body.status_code == 200
        text = body.get_data(as_text=True) if body.mimetype == "text/html" else " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(body.data)).pages)
        assert "nothing about us" not in text, url
    # another organisation's own report does not carry Alpha's words either
    other = client_as("commissioner").get(org_url(web_world, "Dee Street Support (fictional)"))
    assert "nothing about us" not in other.get_data(as_text=True)
