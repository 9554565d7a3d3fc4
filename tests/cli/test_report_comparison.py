"""`surveyapp report` PDFs compare with the latest earlier round in which the subject has results, as the web does."""
from __future__ import annotations

import datetime as dt
import io
import pickle
import re

from pypdf import PdfReader

from surveyapp.assessments.rounds import create_round
from surveyapp.cli import report_batch
from surveyapp.frameworks.registry import latest_version_key
from surveyapp.reports.definitions import load_report_definitions
from surveyapp.reports.model import RoundData
from surveyapp.storage.db import connect
from tests.cli.conftest import run_script
from tests.conftest import PROJECT, copy_database
from tests.imports.test_change_since import ORGS, submit

FIRST_ROUND = "this is the first round"


def pdf_text(path) -> str:
    """Return a PDF file's text with its line breaks as spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)
    return re.sub(r"\s+", " ", text)


def test_batch_pdfs_of_a_subject_that_skipped_a_round_compare_with_its_last_results(
        tmp_path, prepared_database, logs):
    path = tmp_path / "surveyapp.sqlite"
    copy_database(prepared_database, path)
    db = connect(path)
    key = latest_version_key(db, "strategic-planning")
    first, skipped, latest = (create_round(db, key, title) for title in
                              ("Spring 2024 (fictional)", "Spring 2025 (fictional)", "Spring 2026 (fictional)"))
    submit(db, first, ORGS)
    submit(db, skipped, ORGS[2:])  # neither Angus organisation took part (so Angus skipped it too)
    submit(db, latest, ORGS, top=True)
    ids = {name: org_id for org_id, name in db.execute("SELECT id, name FROM organisations")}
    db.close()
    skipper = ids[ORGS[0][0]]

    folder = tmp_path / "all"
    run = run_script(["report", "--round", str(latest), "--all", "--jobs", "2", "-o", str(folder)], path, logs)
    assert run.code == 0, run.text
    reports = {p.name: pdf_text(p) for p in folder.glob("*.pdf")}

    skipper_pdf = reports[f"round-{latest}-organisation-skipper-fictional.pdf"]
    assert FIRST_ROUND not in skipper_pdf
    assert "scores in “Spring 2024 (fictional)”" in skipper_pdf, "names the round it compares with"
    angus = reports[f"round-{latest}-area-angus.pdf"]
    assert FIRST_ROUND not in angus and "“Spring 2024 (fictional)”" in angus
    # those who took part in the previous round are compared with it
    steady_pdf = reports[f"round-{latest}-organisation-steady-two-fictional.pdf"]
    assert "scores in “Spring 2025 (fictional)”" in steady_pdf and "Spring 2024" not in steady_pdf
    assert "“Spring 2025 (fictional)”" in reports[f"round-{latest}-area-dundee-city.pdf"]

    # one report alone (no worker processes) makes the same comparison
    alone = tmp_path / "skipper.pdf"
    run = run_script(["report", "--round", str(latest), "--organisation", str(skipper), "-o", str(alone)], path, logs)
    assert run.code == 0, run.text
    assert "scores in “Spring 2024 (fictional)”" in pdf_text(alone)

    # spawned workers (used when the parent runs threads) get the earlier round in the pickled bundle
    db = connect(path)
    data = RoundData(db, latest, 3)
    tasks, earlier = report_batch.with_comparisons(db, data, [report_batch.Task(
        "organisation", skipper, viewer=report_batch.audience(data, "organisation", skipper))])
    db.close()
    bundle = report_batch.Bundle(data=data, definitions=load_report_definitions(PROJECT / "reports"),
                                 date=dt.date(2026, 6, 1), output_dir=str(tmp_path), earlier=earlier)
    spawned = report_batch._unpack(pickle.loads(pickle.dumps(report_batch._pack(bundle))))
    (tmp_path / "spawned.pdf").write_bytes(report_batch.render_task(spawned, tasks[0])[1])
    assert "scores in “Spring 2024 (fictional)”" in pdf_text(tmp_path / "spawned.pdf")
