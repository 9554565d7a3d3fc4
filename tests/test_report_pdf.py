"""PDF reports read back with pypdf: text, characters, suppression marks, metadata, outline, bytes."""
from __future__ import annotations

import datetime as dt
import io
import itertools
import re

import pytest
from pypdf import PdfReader

from surveyapp.render.pdf import render_pdf
from surveyapp.reports.model import group_report, organisation_report

from .report_world import (  # noqa: F401  (fixtures)
    ALPHA,
    DEVELOPMENT_QUOTE,
    DRAFT_QUOTE,
    STRENGTH_QUOTE,
    definitions,
    for_lead,
    for_public,
    round_data,
    world_db,
)

DAY = dt.date(2026, 11, 22)


def squash(text: str) -> str:
    """Join the lines pypdf extracts, so wrapped sentences compare whole."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def alpha(round_data, definitions):
    """Alpha's report and its PDF, rendered once."""
    data, world, db = round_data
    report = organisation_report(db, for_lead(data, world.alpha), definitions["organisation"], world.alpha, DAY)
    return report, render_pdf(report)


@pytest.fixture(scope="module")
def alpha_text(alpha):
    reader = PdfReader(io.BytesIO(alpha[1]))
    return squash(" ".join(page.extract_text() for page in reader.pages))


def test_pdf_names_the_organisation_and_lists_strengths_and_development_areas(alpha_text, round_data):
    _, world, _ = round_data
    assert ALPHA in alpha_text
    assert "Strengths" in alpha_text and "Development areas" in alpha_text
    assert squash(world.framework.indicator("sp-1-1").text) in alpha_text
    assert squash(world.framework.indicator("sp-3-1").text) in alpha_text
    assert DRAFT_QUOTE not in alpha_text


def test_characters_people_type_round_trip(alpha_text):
    # curly apostrophe, en dash, é, ł, ő, and markup characters shown as typed, never as markup
    assert f"“{STRENGTH_QUOTE}”" in alpha_text
    assert f"“{DEVELOPMENT_QUOTE}”" in alpha_text
    assert "Last year’s round" in alpha_text


def test_metadata_outline_pages(alpha):
    report, pdf = alpha
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == report.title
    assert reader.metadata.author == "Tayside leadership self-assessment"
    assert len(reader.pages) > 3
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4
    outline = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in outline] == [s.heading for s in report.sections]
    pages = [reader.get_destination_page_number(item) for item in outline]
    assert pages == sorted(pages) and pages[-1] > 0
    nested = next(item for item in reader.outline if isinstance(item, list))
    assert nested[0].title == "Whole-system view and needs assessment"
    last = squash(reader.pages[-1].extract_text())
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in last


def test_same_report_gives_identical_bytes(alpha):
    report, pdf = alpha
    assert render_pdf(report) == pdf


def test_suppression_marks_and_footnote_in_the_pdf(round_data, definitions):
    data, _, _ = round_data
    pdf = render_pdf(group_report(for_public(data), definitions["area"], "Angus", DAY))
    text = squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "Too few organisations in Angus can be compared" in text
    assert "Whole-system view and needs assessment c c c c c 3.4" in text
    assert "c hidden: too few organisations" in text


def test_long_tables_repeat_their_header_and_charts_stay_whole():
    from surveyapp.reports.blocks import Cell, Chart, Paragraphs, Report, Section, Series, Table

    rows = tuple((Cell(f"Row {n} – a statement long enough to wrap onto a second line in its cell"), Cell("4.0"))
                 for n in range(150))
    table = Table(id="long", caption="A long table", columns=("Statement", "Average score"), rows=rows,
                  numeric=(False, True))
    chart_table = Table(id="c", caption="numbers", columns=("Domain", "Score"), rows=(), numeric=(False, True))
    chart = Chart(id="radar", chart="radar", title="Radar title", description="Radar description ends here.",
                  categories=("One", "Two", "Three", "Four"), series=(Series("Score", (1.0, 2.0, 3.0, 4.0)),),
                  low=1.0, high=6.0, value_label="Score", table=chart_table)
    filler = Paragraphs(("Words " * 400,))
    report = Report(kind="area", title="Layout test", author="Tests", subject="Layout", date="1 January 2026",
                    filename="layout", sections=(Section("s", "summary", "Section", (table, filler, chart)),))
    pages = [squash(p.extract_text()) for p in PdfReader(io.BytesIO(render_pdf(report))).pages]
    with_rows = [p for p in pages if "Row " in p]
    assert len(with_rows) >= 3
    assert all("Statement Average score" in p for p in with_rows)
    chart_pages = [n for n, p in enumerate(pages) if "Radar title" in p or "Radar description ends here." in p]
    assert len(set(chart_pages)) == 1, "the chart was split across pages"


WORD = re.compile(r"[^\W\d_][\w’'–-]*")


def report_words(report) -> set[str]:
    """Every word the report's tables and headings hold, as typed."""
    words = set()
    for section in report.sections:
        words.update(WORD.findall(section.heading))
        for block in section.blocks:
            tables = [block] if block.kind == "table" else [block.table] if block.kind == "chart" else []
            for table in tables:
                texts = [table.caption, *table.columns, *(c.text for row in table.rows for c in row)]
                words.update(w for t in texts for w in WORD.findall(t))
    return words


def split_words(pdf: bytes, words: set[str]) -> list[str]:
    """Return each word of the report that the PDF breaks across two lines, as 'piece|rest'."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines = [line.split() for line in page.extract_text().splitlines() if line.split()]
        for before, after in itertools.pairwise(lines):
            head, tail = before[-1], after[0]
            if (head + tail) in words and not (head in words and tail in words):
                found.append(f"{head}|{tail}")
    return found


LONG_TITLE = ("Commissioners, providers and people with lived and living experience agree together, in "
              "writing, the interdisciplinary arrangements for commissioning recovery-oriented services")


def test_no_word_is_split_across_lines_in_tables(round_data, definitions):
    from surveyapp.reports.blocks import Report, Section, make_table, score_cell, text_cell

    # a long indicator title beside the narrow, many-worded columns of an organisation's benchmark table
    columns = ("Indicator", "Your score", "Perth and Kinross mean", "Third sector mean", "Tayside mean",
               "Percentile in Perth and Kinross", "Percentile in Third sector")
    rows = [(text_cell(LONG_TITLE), *(score_cell(4.25) for _ in range(4)), text_cell("80th percentile"),
             text_cell("Organisations"))]
    table = make_table("long", "Indicators", columns, rows, (False,) + (True,) * 6, 3,
                       widths=(3.2, 1, 1, 1, 1, 1.1, 1.1))
    made = Report(kind="organisation", title="Long titles", author="Tests", subject="Long", date="1 January 2026",
                  filename="long", sections=(Section("s", "indicator_detail", "Indicator detail", (table,)),))
    data, _, _ = round_data
    area = group_report(for_public(data), definitions["area"], "Dundee City", DAY)
    for report in (made, area):
        pdf = render_pdf(report)
        assert split_words(pdf, report_words(report)) == [], report.title
    assert squash(LONG_TITLE) in squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(
        render_pdf(made))).pages))


def test_every_page_names_the_framework_and_round_and_the_contents_list_the_sections(alpha):
    report, pdf = alpha
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == report.title
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    pages = [squash(p.extract_text()) for p in reader.pages]
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert "Strategic planning self-assessment, This year’s round" in text, f"page {number}"
        assert f"Page {number} of {total}" in text
    # the title once: the cover names the organisation; no page repeats the report's title
    assert sum(report.title in text for text in pages) <= 1
    # a contents list on the first page: every section after the cover, with the page it starts on
    outline = [item for item in reader.outline if not isinstance(item, list)]
    first = pages[0]
    assert "Contents" in first
    for item in outline[1:]:
        assert re.search(re.escape(item.title) + r"[ .]*" + str(reader.get_destination_page_number(item) + 1),
                         first) or re.search(r"[ .]*" + str(reader.get_destination_page_number(item) + 1) + " "
                                             + re.escape(item.title), first), item.title
