"""Plan exports: CSV and XLSX rows, with typed text neutralised so it never runs as a formula."""
from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from surveyapp.plans.exports import HEADINGS, plan_csv, plan_xlsx

HOSTILE = {
    "action": '=HYPERLINK("http://evil.example","click")',
    "lead": "+SUM(1,2)",
    "latest_note": "@cmd|' /C calc'!A0\x07 with a bell",
    "organisation": "-Org (fictional)",
}


def record(**changes) -> dict:
    """Return one plan record as plan_records makes it."""
    base = {
        "action_id": 1, "organisation_id": 1, "organisation": "Harbour (fictional)", "area": "Dundee City",
        "round_id": 1, "round_title": "2025/26", "framework_id": "fw", "action": "Agree a data set",
        "lead": "NHS Tayside Public Health", "target_date": "2027-03-31", "status": "at_risk",
        "status_label": "At risk", "overdue": True, "completed_on": None,
        "indicators": [{"indicator": "l1", "text": "Leaders are visible", "domain": "lead",
                        "domain_title": "Leadership"}],
        "domains": ["Leadership"], "latest_note": "Data is late", "latest_note_on": "2026-11-01",
        "progress_state": "compared", "progress_label": "Compared with 2026/27",
        "progress_text": "l1: up 2.0 (2.0 to 4.0) (area up 1.0 (4.0 to 5.0))",
    }
    return base | changes


def test_csv_has_one_row_per_action_like_a_commitments_table():
    rows = list(csv.reader(io.StringIO(plan_csv([record(), record(target_date=None, overdue=False)]))))
    assert tuple(rows[0]) == HEADINGS
    first = dict(zip(HEADINGS, rows[1]))
    assert first["Action (what will be done)"] == "Agree a data set"
    assert first["Lead person or partner agency"] == "NHS Tayside Public Health"
    assert first["Indicators addressed"] == "l1 Leaders are visible"
    assert (first["Target date"], first["Status"], first["Overdue"]) == ("2027-03-31", "At risk", "Yes")
    assert first["Change in the next round"].startswith("l1: up 2.0")
    second = dict(zip(HEADINGS, rows[2]))
    assert (second["Target date"], second["Overdue"]) == ("To be agreed", "No")


def test_csv_neutralises_formula_text():
    rows = list(csv.reader(io.StringIO(plan_csv([record(**HOSTILE)]))))
    row = dict(zip(HEADINGS, rows[1]))
    assert row["Action (what will be done)"] == "'" + HOSTILE["action"]
    assert row["Lead person or partner agency"] == "'+SUM(1,2)"
    assert row["Latest progress note"].startswith("'@cmd")
    assert row["Organisation"] == "'-Org (fictional)"


def test_csv_keeps_a_note_with_line_breaks_in_its_own_field():
    note = "Board met in March\rdata still late\r\nchase in May"
    text = plan_csv([record(latest_note=note), record()])
    assert text.endswith("\r\n") and text.count("\r\n") >= 3  # RFC 4180 line ends
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 3  # heading and two actions: the breaks stayed inside the note
    assert dict(zip(HEADINGS, rows[1]))["Latest progress note"] == note


def test_xlsx_holds_text_as_text_and_dates_as_dates():
    book = load_workbook(io.BytesIO(plan_xlsx([record(**HOSTILE)], "=Improvement plan")))
    sheet = book["Improvement plan"]
    assert sheet["A1"].value == "'=Improvement plan"
    assert [c.value for c in sheet[2]] == list(HEADINGS)
    row = dict(zip(HEADINGS, sheet[3]))
    action = row["Action (what will be done)"]
    assert action.value == "'" + HOSTILE["action"] and action.data_type == "s"  # never a formula
    assert row["Lead person or partner agency"].value == "'+SUM(1,2)"
    # the bell character cannot be stored in a worksheet, so it is dropped, not the note
    assert row["Latest progress note"].value == "'@cmd|' /C calc'!A0 with a bell"
    assert row["Target date"].value.date() == dt.date(2027, 3, 31)
    assert not any(c.data_type == "f" for r in sheet.iter_rows() for c in r)
