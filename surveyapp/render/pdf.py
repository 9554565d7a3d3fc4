"""Render a finished Report as an A4 PDF with reportlab's platypus.

A contents list, page numbers ("Page 2 of 9") beside the framework and
round on every page, section headings in the PDF outline, title, author and
language metadata, lines that break at spaces only, DejaVu Sans for every character people type, charts
kept whole on one page, tables that repeat their header row. Built with
invariant=1, so the same report always gives the same bytes. Every piece
of text is escaped before it reaches Paragraph markup: nothing typed by a
user or written in a framework can become markup.
"""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)
from reportlab.platypus.tableofcontents import TableOfContents

from surveyapp.render.fonts import register_fonts
from surveyapp.render.pdf_blocks import BLOCKS, heading
from surveyapp.render.pdf_styles import FOOTER_COLOUR, FOOTER_SIZE, MARGIN, PAGE_TOTAL, styles
from surveyapp.reports.blocks import Report


def render_pdf(report: Report) -> bytes:
    """Return the report as PDF bytes."""
    buffer = io.BytesIO()
    doc = OutlinedDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN + 4 * mm,
        title=report.title, author=report.author, subject=report.subject, creator="surveyapp",
        invariant=1, lang="en-GB", displayDocTitle=1,
    )
    page = footer(report.context or report.title)
    # two passes: the first finds each section's page for the contents list, the second prints them
    doc.multiBuild(story(report, styles()), onFirstPage=page, onLaterPages=page, canvasmaker=FooterCanvas)
    return buffer.getvalue()


class OutlinedDocTemplate(SimpleDocTemplate):
    """A document template that puts headings into the PDF outline and the contents list."""

    def beforeDocument(self) -> None:
        """Start each pass of a multi-pass build with no headings seen."""
        self._outline_count = 0

    def afterFlowable(self, flowable) -> None:
        """Bookmark a heading, add it to the outline at its level and list sections in the contents."""
        mark = getattr(flowable, "_outline", None)
        if mark is None:
            return
        level, title = mark
        self._outline_count += 1
        key = f"heading-{self._outline_count}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)
        if self._outline_count == 1:
            self.canv.showOutline()
        if level == 0 and getattr(flowable, "_contents", True):
            self.notify("TOCEntry", (0, title, self.page, key))


class FooterCanvas(canvas.Canvas):
    """A canvas that fills in the page count, known only at the end, on every page's footer."""

    def save(self):
        """Define the page-count form that every footer refers to, then write the file."""
        regular, _ = register_fonts()
        self.beginForm(PAGE_TOTAL)
        self.setFont(regular, FOOTER_SIZE)
        self.setFillColor(FOOTER_COLOUR)
        self.drawString(0, 0, str(self.getPageNumber() - 1))
        self.endForm()
        super().save()


def footer(context: str):
    """Return a page callback that writes the framework and round, and 'Page N of M', on every page."""
    def draw(canv, doc):
        regular, _ = register_fonts()
        canv.saveState()
        canv.setFont(regular, FOOTER_SIZE)
        canv.setFillColor(FOOTER_COLOUR)
        y = MARGIN - 2 * mm
        label = f"Page {doc.page} of "
        x = A4[0] - MARGIN - 24 * mm
        # whole words only: a long framework or round name takes a second line, never a cut word
        lines = simpleSplit(context, regular, FOOTER_SIZE, x - MARGIN - 4 * mm)
        for n, line in enumerate(lines[:2]):
            canv.drawString(MARGIN, y - n * FOOTER_SIZE * 1.3, line)
        canv.drawString(x, y, label)
        # the total is a form drawn at the end, when the number of pages is known
        canv.translate(x + canv.stringWidth(label, regular, FOOTER_SIZE), y)
        canv.doForm(PAGE_TOTAL)
        canv.restoreState()
    return draw


def story(report: Report, st: dict) -> list:
    """Turn the report's sections into flowables: the cover, the contents, then each section."""
    flowables = []
    for n, section in enumerate(report.sections):
        if section.type == "cover":
            title = heading(section.heading, st["title"], 0)
            title._contents = False  # the cover is the page the contents list is on
            flowables.append(title)
        else:
            flowables.append(heading(section.heading, st["h1"], 0))
        previous = None
        for block in section.blocks:
            flowables.extend(BLOCKS[block.kind](block, st, after=previous))
            previous = block
        if section.type == "cover" and n + 1 < len(report.sections):
            flowables += contents_flowables(st)
            flowables.append(PageBreak())
        else:
            flowables.append(Spacer(1, 8))
    return flowables


def contents_flowables(st) -> list:
    """List every section with its page number (filled in by the second pass of the build)."""
    contents = TableOfContents(dotsMinLevel=0, levelStyles=[st["contents"]])
    return [Spacer(1, 10), Paragraph("Contents", st["h1"]), contents]


