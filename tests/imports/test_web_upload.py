"""Uploading files on the web: checked whole, every problem located, then written all together or not at all."""
from __future__ import annotations

import io
import re

import pytest
from bs4 import BeautifulSoup

from surveyapp.frameworks.registry import framework_for_round
from tests.conftest import csrf_token, sign_in
from tests.imports.helpers import post_file, response_rows, to_csv


@pytest.fixture
def facilitator(client, make_user):
    """A facilitator for Dundee City, signed in."""
    make_user("facilitator@example.org", role="facilitator", areas=["Dundee City"])
    assert sign_in(client, "facilitator@example.org").status_code == 302
    return client


def upload_responses(client, round_id, data: bytes, name="returns.csv"):
    """Post a responses file through the upload page, as a person would."""
    page = client.get("/imports/responses")
    assert page.status_code == 200
    return post_file(client, "/imports/responses", {
        "round_id": str(round_id), "file": (io.BytesIO(data), name),
        "csrf_token": csrf_token(page.get_data(as_text=True))})


def job_page(client, response):
    """Follow an upload to its status page; return the page's text."""
    assert response.status_code == 303, response.get_data(as_text=True)
    assert re.fullmatch(r"/imports/\d+", response.location)
    page = client.get(response.location)
    assert page.status_code == 200
    return BeautifulSoup(page.get_data(as_text=True), "html.parser")


def problems(soup) -> list[tuple[str, str, str]]:
    """Return the (line, column, problem) rows of a failed import's table."""
    return [tuple(td.get_text(" ", strip=True) for td in tr.find_all("td")) for tr in soup.select("tbody tr")]


def count(db, table):
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_facilitator_uploads_responses_collected_elsewhere(facilitator, db, make_round):
    round_id = make_round()
    framework = framework_for_round(db, round_id)
    rows = (response_rows(framework, "Tay Road Project (fictional)", "Dundee City", "Third sector", "paper 1")
            + response_rows(framework, "Tay Road Project (fictional)", "Dundee City", "Third sector", "paper 2"))
    soup = job_page(facilitator, upload_responses(facilitator, round_id, to_csv(rows).encode()))
    assert soup.select_one(".govuk-panel__title").get_text(strip=True) == "Import complete"
    assert "2 submitted responses" in soup.get_text()
    assert count(db, "responses") == 2
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == len(rows)
    assert {r[0] for r in db.execute("SELECT status FROM responses")} == {"submitted"}


def test_every_problem_is_listed_with_line_and_column_up_to_a_limit_then_counted(facilitator, db, make_round):
    round_id = make_round()
    framework = framework_for_round(db, round_id)
    good = response_rows(framework, "Tay Road Project (fictional)", "Dundee City", "Third sector", "paper 1")
    bad = [("Tay Road Project (fictional)", "Dundee City", "Third sector", f"p{n}", "sp-1", "sp-1-1", "99", "")
           for n in range(150)]
    soup = job_page(facilitator, upload_responses(facilitator, round_id, to_csv(good + bad).encode()))
    assert soup.h1.get_text(strip=True) == "Nothing was imported"
    listed = problems(soup)
    assert len(listed) == 100
    first_bad_line = len(good) + 2
    assert listed[0][:2] == (str(first_bad_line), "value")
    assert "'99' is not on the scale for sp-1-1" in listed[0][2]
    text = soup.get_text(" ", strip=True)
    assert "and 50 more problems" in text or "and 200 more problems" in text
    assert count(db, "responses") == 0 and count(db, "organisations") == 0, "nothing was written"


def test_a_submitted_response_missing_a_required_question_is_refused(facilitator, db, make_round):
    round_id = make_round()
    framework = framework_for_round(db, round_id)
    required = next(i for i in framework.indicators if i.required)
    rows = response_rows(framework, "Tay Road Project (fictional)", "Dundee City", "Third sector", "paper 1",
                         skip={required.id})
    soup = job_page(facilitator, upload_responses(facilitator, round_id, to_csv(rows).encode()))
    [(line, column, message)] = problems(soup)
    assert (line, column) == ("2", "indicator")
    assert required.id in message and "paper 1" in message
    assert count(db, "responses") == 0


def test_a_sector_alias_is_mapped_and_listed_never_silently(facilitator, db, make_round):
    round_id = make_round()
    framework = framework_for_round(db, round_id)
    rows = response_rows(framework, "Peer Voices (fictional)", "Dundee City", "Lived experience", "paper 1")
    soup = job_page(facilitator, upload_responses(facilitator, round_id, to_csv(rows).encode()))
    assert soup.select_one(".govuk-panel__title").get_text(strip=True) == "Import complete"
    mapped = soup.find("h2", string="Spellings read as the standard names").find_next("ul").get_text(" ", strip=True)
    assert (f"sector 'Lived experience' was read as 'Lived experience/community' on {len(rows)} rows "
            "(first on line 2)") in mapped
    assert db.execute("SELECT sector FROM organisations").fetchone()[0] == "Lived experience/community"


def test_an_unknown_sector_is_an_error_naming_the_allowed_ones(facilitator, db, make_round):
    round_id = make_round()
    framework = framework_for_round(db, round_id)
    rows = response_rows(framework, "Peer Voices (fictional)", "Dundee City", "Peer group", "paper 1")
    soup = job_page(facilitator, upload_responses(facilitator, round_id, to_csv(rows).encode()))
    line, column, message = problems(soup)[0]
    assert (line, column) == ("2", "sector") and "unknown sector 'Peer group'" in message
    assert "Lived experience/community" in message


def test_a_latin_1_file_is_refused_with_its_line_not_a_byte_position(facilitator, db, make_round):
    round_id = make_round()
    framework = framework_for_round(db, round_id)
    rows = response_rows(framework, "Tay Road Project (fictional)", "Dundee City", "Third sector", "paper 1")
    rows[4] = rows[4][:7] + ("Réunion notes",)
    soup = job_page(facilitator, upload_responses(facilitator, round_id, to_csv(rows).encode("latin-1")))
    [(line, _, message)] = problems(soup)
    assert line == "6" and "not UTF-8" in message and "Latin-1" in message
    assert "byte" not in message and "position" not in message


def run_queued_imports(db) -> None:
    """Do what the background worker does: run every queued import."""
    from surveyapp.assessments.import_jobs import work_once

    while work_once(db):
        pass


def test_a_10_mb_line_is_refused_with_its_line_number(client, db, make_user):
    make_user("admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    data = b"name,area,sector\nOne (fictional),Angus,NHS\n" + b"x" * (10 * 1024 * 1024) + b",Angus,NHS\n"
    page = client.get("/admin/organisations/import").get_data(as_text=True)
    response = post_file(client, "/admin/organisations/import", {
        "file": (io.BytesIO(data), "orgs.csv"), "csrf_token": csrf_token(page)})
    assert "Waiting to start" in job_page(client, response).get_text(), "a large file waits for the worker"
    run_queued_imports(db)
    [(line, _, message)] = problems(job_page(client, response))
    assert line == "3" and "10,485,770 characters long" in message
    assert count(db, "organisations") == 0


def test_a_facilitator_cannot_import_into_an_area_they_do_not_cover(facilitator, db, make_round):
    round_id = make_round()
    framework = framework_for_round(db, round_id)
    rows = response_rows(framework, "Glens Group (fictional)", "Angus", "NHS", "paper 1")
    [(line, column, message), *_] = problems(job_page(facilitator, upload_responses(
        facilitator, round_id, to_csv(rows).encode())))
    assert (line, column) == ("2", "area") and "cannot import responses for organisations in Angus" in message
    assert count(db, "responses") == 0


def test_service_leads_have_no_upload_page(client, make_user, make_org):
    make_user("lead@example.org", organisations=[make_org()])
    sign_in(client, "lead@example.org")
    assert client.get("/imports/responses").status_code == 403


def test_an_upload_over_the_size_limit_says_what_the_limit_is(app, facilitator, db, make_round):
    app.config["IMPORT_MAX_BYTES"] = 1024 * 1024
    round_id = make_round()
    response = upload_responses(facilitator, round_id, b"organisation\n" + b"x," * (1024 * 1024))
    assert response.status_code == 413
    assert "The file is too large: it must be smaller than 1 MB" in response.get_data(as_text=True)
    assert count(db, "import_jobs") == 0
