"""Write benchmark aggregates and long-format responses as CSV or XLSX.

Aggregates keep the columns of `surveyapp benchmark`; a suppressed group's
numbers read "c" (not blank) and its `suppressed` column reads true. Every
text cell that a spreadsheet could run as a formula is neutralised the way
the response export does it.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from surveyapp.assessments.answers_csv import neutralise
from surveyapp.benchmarks.aggregation import ANSWER_COUNTS, STATS
from surveyapp.reports.blocks import SUPPRESSED, suppression_note
from surveyapp.storage.plain_text import without_control_characters

HIDDEN_WHEN_SUPPRESSED = frozenset(STATS) | frozenset(ANSWER_COUNTS)
# The workbook is read by people: its headings use the reports' words ("average", never "benchmark" or
# "mean"). CSV and JSON keep the column keys of `surveyapp benchmark`, which scripts rely on.
AGGREGATE_HEADINGS = {
    "organisation": "Organisation number", "organisation_name": "Organisation", "area": "Area",
    "sector": "Sector", "domain": "Domain code", "indicator": "Indicator code",
    "n_organisations": "Organisations", "n_respondents": "Respondents",
    "mean": "Average", "median": "Median", "q1": "Lower quartile", "q3": "Upper quartile",
    "n_scoring": "Scored answers", "n_non_scoring": "Answers not scored (such as not applicable)",
    "n_blank": "Left blank", "suppressed": "Hidden", "reason": "Why hidden",
}


@dataclass(frozen=True)
class Sheet:
    """One table for a workbook: a name, column headings and rows of plain values."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


def aggregate_rows(records: list[dict], columns: list[str]) -> tuple[tuple, ...]:
    """Turn benchmark records into rows, marking a suppressed group's numbers with "c"."""
    rows = []
    for record in records:
        hidden = bool(record.get("suppressed"))
        rows.append(tuple(
            SUPPRESSED if hidden and column in HIDDEN_WHEN_SUPPRESSED else _plain(record.get(column))
            for column in columns))
    return tuple(rows)


def _plain(value):
    """Return a value as a spreadsheet should hold it: true/false for flags, empty for missing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_text(columns, rows) -> str:
    """Return rows as CSV text, with formula-like text cells neutralised."""
    out = io.StringIO()
    # CRLF line ends (RFC 4180) also make the writer quote a field holding a bare carriage return
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def xlsx_bytes(sheets: list[Sheet], notes: tuple[str, ...] = (), headings=None) -> bytes:
    """Return a workbook with one worksheet per sheet and a Notes sheet, text cells neutralised.

    `headings` maps column keys to the words a reader sees in the first row.
    """
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(_sheet_name(sheet.name))
        ws.append([_cell((headings or {}).get(c, c)) for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([_cell(cell) for cell in row])
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text, whatever it starts with
        ws.freeze_panes = "A2"
    if notes:
        ws = book.create_sheet("Notes")
        for note in notes:
            ws.append([_cell(note)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    """Make a value safe for a worksheet: neutralised, and without the control characters XML cannot hold
    (text stored before they were refused at input must not break the export)."""
    return neutralise(without_control_characters(value))


def _sheet_name(name: str) -> str:
    """Make a valid worksheet name: no []:*?/\\ and at most 31 characters."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:31] or "Sheet"


def aggregate_notes(min_group: int) -> tuple[str, ...]:
    """Return the notes that explain an aggregates export."""
    return (
        suppression_note(min_group),
        "Hidden (suppressed in CSV and JSON): true when the group's numbers are hidden.",
        "Average, Median, Lower and Upper quartile (mean, median, q1, q3 in CSV and JSON): over organisations' "
        "own scores, each organisation counted once; quartiles by linear interpolation. The reports call the "
        "average of an area, a sector or Tayside the area, sector or Tayside average.",
        "Scored answers, Answers not scored, Left blank (n_scoring, n_non_scoring, n_blank): answers that were "
        "scored, non-scoring options such as 'not applicable', and questions left blank.",
    )
