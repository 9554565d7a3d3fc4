"""Text hygiene and limits: control characters refused at input, exports valid for any stored text,
hostile YAML refused quickly with a line, ids out of range a page not found, full disk a plain sentence."""
from __future__ import annotations

import io
import time

import pytest
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from surveyapp.assessments.answers_csv import import_responses
from surveyapp.assessments.forms import COMMENT_SUFFIX, build_domain_form, form_errors
from surveyapp.frameworks.errors import FrameworkErrors
from surveyapp.frameworks.reading import load_with_lines
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.render.tables import Sheet, xlsx_bytes
from tests.conftest import sign_in
from tests.imports.helpers import response_rows, to_csv


def test_an_imported_comment_with_a_control_character_is_refused_with_line_and_column(db, make_round):
    round_id = make_round()
    framework = framework_for_round(db, round_id)
    rows = response_rows(framework, "Tay Road Project (fictional)", "Dundee City", "Third sector", "paper 1")
    rows[2] = rows[2][:7] + ("Minutes\x07 of May",)
    count, errors = import_responses(db, round_id, framework, to_csv(rows))
    assert count == 0 and db.execute("SELECT count(*) FROM answers").fetchone()[0] == 0
    problem = errors[0]
    assert (problem.line, problem.column) == (4, "comment")
    assert "control character (U+0007) at character 8" in problem.message


def test_typed_evidence_with_a_control_character_is_refused_naming_the_field(app, db, make_round):
    framework = framework_for_round(db, make_round())
    domain = framework.domains[0]
    ind = next(i for i in domain.indicators if i.type == "rating")
    with app.test_request_context(method="POST"):
        form = build_domain_form(framework, domain, False, MultiDict({
            ind.id: "1", ind.id + COMMENT_SUFFIX: "See the minutes\x1b[31m"}))
        assert not form.validate()
        message = form_errors(form)[ind.id + COMMENT_SUFFIX]
    assert message.startswith("Your evidence for") and "control character (U+001B)" in message


def test_exports_stay_valid_whatever_text_was_stored_before():
    book = load_workbook(io.BytesIO(xlsx_bytes([Sheet("responses", ("organisation", "comment"),
                                                      (("Bell\x07 Org (fictional)", "note\x00\x0bhere"),))])))
    assert list(book["responses"].iter_rows(min_row=2, values_only=True)) == [("Bell Org (fictional)", "notehere")]


def nested_aliases(levels: int, width: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [6, 10])
def test_yaml_aliases_that_expand_hugely_are_refused_quickly_with_a_line(levels):
    started = time.monotonic()
    with pytest.raises(FrameworkErrors) as raised:
        load_with_lines(nested_aliases(levels), "hostile.yaml")
    assert time.monotonic() - started < 1.0
    [error] = raised.value.errors
    assert error.file == "hostile.yaml" and error.line > 1
    assert "expands through its aliases" in error.message


def test_yaml_with_too_many_aliases_or_too_large_is_refused():
    many = "base: &b x\n" + "".join(f"k{n}: *b\n" for n in range(150))
    with pytest.raises(FrameworkErrors) as raised:
        load_with_lines(many, "many.yaml")
    assert raised.value.errors[0].line == 102 and "more than 100 aliases" in raised.value.errors[0].message
    with pytest.raises(FrameworkErrors) as raised:
        load_with_lines("title: " + "x" * (3 * 1024 * 1024) + "\n", "big.yaml")
    assert raised.value.errors[0].line == 1 and "may be at most 2,097,152" in raised.value.errors[0].message


def test_an_id_out_of_range_is_a_page_not_found(client, make_user):
    make_user("admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    assert client.get("/admin/users/99999999999999999999").status_code == 404
    assert client.get("/results/rounds/99999999999999999999/aggregates").status_code == 404


def test_a_full_disk_imports_nothing_and_says_so_plainly(db, make_round, make_user):
    from surveyapp.assessments.import_jobs import run_job
    from surveyapp.storage import jobs

    round_id = make_round()
    user = make_user("facilitator@example.org", role="facilitator", areas=["*"])
    framework = framework_for_round(db, round_id)
    rows = [r for n in range(40) for r in response_rows(framework, f"Org {n} (fictional)", "Angus", "NHS", "p")]
    jobs.create_job(db, "responses", to_csv(rows).encode(), round_id=round_id, user_id=user)
    claimed = jobs.claim_next(db)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
    finished = run_job(db, claimed)
    db.execute("PRAGMA max_page_count = 1073741823")
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0
    assert finished["state"] == "failed"
    assert finished["result"]["message"] == ("Nothing was imported because the server ran out of storage space. "
                                             "Ask your administrator, then upload the file again.")
