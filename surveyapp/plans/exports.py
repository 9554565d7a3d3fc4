"""An improvement plan as CSV and XLSX: one row per action, laid out like a partnership's commitments table.

Takes the plain records of plan_records.py. Every text cell passes through
`neutralise`, so typed text can never run as a spreadsheet formula.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from surveyapp.assessments.answers_csv import neutralise

# (heading, width in characters for XLSX)
COLUMNS = (
    ("Organisation", 30), ("Area", 16), ("Results round", 28),
    ("Indicators addressed", 50), ("Domains", 30),
    ("Action (what will be done)", 60), ("Lead person or partner agency", 30),
    ("Target date", 12), ("Status", 12), ("Overdue", 9), ("Completed on", 12),
    ("Latest progress note", 50), ("Note date", 12),
    ("Next round", 28), ("Change in the next round", 60),
)
HEADINGS = tuple(h for h, _ in COLUMNS)
DATE_COLUMNS = frozenset(HEADINGS.index(h) for h in ("Target date", "Completed on", "Note date"))


def plan_rows(records) -> list[list]:
    """Return one row of cells per action record, in COLUMNS order."""
    return [[
        r["organisation"], r["area"], r["round_title"],
        "; ".join(f"{i['indicator']} {i['text']}" for i in r["indicators"]),
        "; ".join(r["domains"]),
        r["action"], r["lead"],
        r["target_date"] or "To be agreed", r["status_label"], "Yes" if r["overdue"] else "No",
        r["completed_on"] or "",
        r["latest_note"] or "", r["latest_note_on"] or "",
        r["progress_label"], r["progress_text"],
    ] for r in records]


def plan_csv(records) -> str:
    """Return the plan as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; a bare CR in a comment is then quoted
    writer.writerow(HEADINGS)
    for row in plan_rows(records):
        writer.writerow([neutralise(c) for c in row])
    return out.getvalue()


def _xlsx_cell(index: int, value):
    """Make a value safe for a worksheet: dates as dates, text neutralised and free of control characters."""
    if index in DATE_COLUMNS and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass  # "To be agreed"
    if isinstance(value, str):
        return neutralise(_printable(value))
    return value


def _printable(text: str) -> str:
    """Drop the control characters a worksheet cannot hold (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def plan_xlsx(records, title: str) -> bytes:
    """Return the plan as an XLSX workbook with one sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Improvement plan"
    sheet.append([neutralise(_printable(title))])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(HEADINGS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in plan_rows(records):
        sheet.append([_xlsx_cell(i, c) for i, c in enumerate(row)])
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = wrap
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
