"""The "Improvement plan" report section: blocks from plan_for_report records, and the PDF's text."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from surveyapp.benchmarks.disclosure import Viewer
from surveyapp.plans.actions import create_action
from surveyapp.plans.progress import BenchmarkCache
from surveyapp.plans.records import plan_for_report
from surveyapp.render.pdf import render_pdf
from surveyapp.reports.blocks import Notice, Report, Section, Table
from surveyapp.reports.plan import plan_blocks

from .aggregation_helpers import new_db
from .plan_helpers import build_two_rounds

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    """Two rounds (see plan_helpers), an overdue action from round one and a new one from round two."""
    db = new_db(tmp_path_factory.mktemp("report") / "report.sqlite")
    two = build_two_rounds(db)
    create_action(db, two.orgs["A"], two.first, title="Publish a shared data set & <b>timetable</b>",
                  lead="NHS Tayside Public Health", indicator_ids=["l1"], target_date=dt.date(2026, 10, 31),
                  status="at_risk")
    create_action(db, two.orgs["A"], two.second, title="Run joint leadership sessions",
                  lead="Third Sector Group", indicator_ids=["w2"], target_date=None)
    create_action(db, two.orgs["B"], two.first, title="B's own action", lead="Council", indicator_ids=["l2"],
                  status="done", today=dt.date(2026, 9, 1))
    dundee = Viewer("a commissioner for Dundee City", known=frozenset(two.orgs[k] for k in "ABCE"))
    benchmarks = BenchmarkCache(db, 3, dundee)
    yield db, two, benchmarks
    db.close()


def test_blocks_follow_up_last_round_then_list_this_rounds_actions(plan):
    db, two, benchmarks = plan
    records = plan_for_report(db, two.second, organisation_id=two.orgs["A"], viewer=benchmarks.viewer, today=TODAY,
                              benchmarks=benchmarks)
    notice, followed, new = plan_blocks(records, two.second, 3)
    assert isinstance(notice, Notice) and notice.text.startswith("1 action is overdue")
    assert isinstance(followed, Table) and followed.caption == "Actions agreed after Round one"
    assert followed.columns[-1] == "Change by this round"
    row = [c.text for c in followed.rows[0]]
    # indicators by their statements, never by their internal codes
    assert row == ["Publish a shared data set & <b>timetable</b>", "Leaders are visible",
                   "NHS Tayside Public Health", "31 October 2026", "At risk: overdue",
                   "“Leaders are visible”: up 2.0 (2.0 to 4.0), Dundee City up 1.0 (4.0 to 5.0)"]
    assert new.caption == "Actions agreed from this round’s results"
    assert "Change by this round" not in new.columns
    assert [c.text for c in new.rows[0]] == ["Run joint leadership sessions", "Staff are supported",
                                             "Third Sector Group", "To be agreed", "Not started"]


def test_area_blocks_name_each_organisation(plan):
    db, two, benchmarks = plan
    records = plan_for_report(db, two.second, area="Dundee City", viewer=benchmarks.viewer, today=TODAY,
                              benchmarks=benchmarks)
    blocks = plan_blocks(records, two.second, 3, with_organisation=True)
    followed = next(b for b in blocks if isinstance(b, Table))
    assert followed.columns[0] == "Organisation"
    assert [r[0].text for r in followed.rows] == ["Org A (fictional)", "Org B (fictional)"]
    assert followed.rows[1][5].text == "Done on 1 September 2026"


def test_the_plan_is_in_the_pdf_text(plan):
    db, two, benchmarks = plan
    records = plan_for_report(db, two.second, organisation_id=two.orgs["A"], viewer=benchmarks.viewer, today=TODAY,
                              benchmarks=benchmarks)
    report = Report(kind="organisation", title="Org A (fictional): report", author="Tests", subject="Plan",
                    date="20 November 2026", filename="plan",
                    sections=(Section("improvement-plan", "improvement_plan", "Improvement plan",
                                      plan_blocks(records, two.second, 3)),))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(report))).pages)
    text = " ".join(text.split())
    for expected in ("Improvement plan", "Actions agreed after Round one",
                     "Publish a shared data set & <b>timetable</b>", "At risk: overdue", "up 2.0 (2.0 to 4.0)",
                     "Run joint leadership sessions", "To be agreed"):
        assert expected in text


def test_a_report_without_the_plan_says_so_rather_than_showing_no_actions():
    from types import SimpleNamespace

    from surveyapp.reports.definitions import SectionDefinition
    from surveyapp.reports.plan import NOT_SHOWN, improvement_plan

    spec = SectionDefinition(id="improvement-plan", type="improvement_plan", heading="Improvement plan",
                             empty="No actions have been agreed yet.")
    # what a section builder reads from its report context, until ReportInputs carries `plan`
    inputs = SimpleNamespace(plan=None, round={"id": 2}, definition=SimpleNamespace(kind="area"))
    ctx = SimpleNamespace(fill=str, min_group=3, inputs=inputs)
    assert improvement_plan(ctx, spec).blocks[0].texts == (NOT_SHOWN,)
    ctx.inputs.plan = ()
    assert improvement_plan(ctx, spec).blocks[0].texts == ("No actions have been agreed yet.",)
