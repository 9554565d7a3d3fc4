"""Table cells that share parsed paragraph fragments give the same PDF, byte for byte."""
from __future__ import annotations

import datetime as dt

from reportlab.platypus import Paragraph

from surveyapp.render import pdf as render_pdf
from surveyapp.render import pdf_tables
from surveyapp.render.pdf_styles import text
from surveyapp.reports.blocks import Report, Section, make_table, score_cell, suppressible, text_cell
from surveyapp.reports.model import organisation_report

from .report_world import definitions, for_lead, for_public, round_data, world_db  # noqa: F401  (fixtures)

LONG = ("A long statement that wraps over several lines in its cell, with characters people type: "
        "’ – é ł ő, and markup that must stay text: <b>not bold</b> & <br/> =SUM(A1)")
# Texts repeated down a table, as scores and labels are: plain, markup characters, a typed
# line break, a long wrapping text, an empty cell and the marks for hidden and missing.
REPEATED = ("3.5", "4 of 4", "A & B <i>", "first line\nsecond line", LONG, "", "–")


def fresh_paragraphs():
    """Make every cell's paragraph by parsing its text, as reportlab's own examples do."""
    def paragraph(value, style):
        """Parse one cell's text."""
        return Paragraph(text(value), style)
    return paragraph


def repeating_report() -> Report:
    """Return a report whose table repeats texts over rows enough to span pages."""
    rows = [(text_cell(REPEATED[n % len(REPEATED)]), score_cell(3.5 + (n % 3) / 10),
             suppressible("1 Unsatisfactory", n % 4 == 0), text_cell(REPEATED[(n * 3) % len(REPEATED)]))
            for n in range(140)]
    table = make_table("repeats", "Repeated cells", ("Indicator", "Score", "Lowest answer", "Note"), rows,
                       (False, True, False, True), 3, widths=(4, 1, 1.6, 3))
    return Report(kind="organisation", title="Repeated cells", author="Tests", subject="Repeats",
                  date="22 November 2026", filename="repeats",
                  sections=(Section(id="repeats", type="table", heading="Repeats", blocks=(table,)),))


def test_shared_fragments_give_the_same_bytes_as_parsing_each_cell(monkeypatch):
    report = repeating_report()
    shared = render_pdf.render_pdf(report)
    monkeypatch.setattr(pdf_tables, "cell_paragraphs", fresh_paragraphs)
    assert render_pdf.render_pdf(report) == shared


def test_a_whole_organisation_report_is_unchanged_by_shared_fragments(monkeypatch, round_data, definitions):
    data, world, db = round_data
    report = organisation_report(db, for_lead(data, world.alpha), definitions["organisation"], world.alpha, dt.date(2026, 11, 22))
    shared = render_pdf.render_pdf(report)
    monkeypatch.setattr(pdf_tables, "cell_paragraphs", fresh_paragraphs)
    assert render_pdf.render_pdf(report) == shared
