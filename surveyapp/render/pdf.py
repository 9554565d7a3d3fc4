"""Render a finished Report as an A4 PDF with reportlab's platypus.

Page numbers ("Page 2 of 9"), section headings in the PDF outline, title
and author metadata, DejaVu Sans for every character people type, charts
kept whole on one page, tables that repeat their header row. Built with
invariant=1, so the same report always gives the same bytes. Every piece
of text is escaped before it reaches Paragraph markup: nothing typed by a
user or written in a framework can become markup.
"""
from __future__ import annotations

import io
from types import MappingProxyType
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from surveyapp.render.charts import BASE_FONT_SIZE, drawing_for
from surveyapp.render.fonts import register_fonts
from surveyapp.reports.blocks import Report

MARGIN = 20 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN
CHART_DESIGN_WIDTH = 500  # charts.py lays charts out 500 points wide at the base font size
BRAND = colors.HexColor("#0b4f5c")
LIGHT = colors.HexColor("#f3f2f1")
RULE = colors.HexColor("#b1b4b6")
NOTICE = colors.HexColor("#fff7bf")
FOOTER_COLOUR = colors.HexColor("#505a5f")
FOOTER_SIZE = 7.5
PAGE_TOTAL = "page-total"


def styles() -> dict[str, ParagraphStyle]:
    """Return the paragraph styles, all in DejaVu Sans."""
    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13.5, spaceAfter=6)
    return {
        "body": body,
        "title": ParagraphStyle("title", body, fontName=bold, fontSize=22, leading=28, spaceAfter=14,
                                textColor=BRAND),
        "h1": ParagraphStyle("h1", body, fontName=bold, fontSize=15, leading=20, spaceBefore=4, spaceAfter=8,
                             keepWithNext=1, textColor=BRAND),
        "h2": ParagraphStyle("h2", body, fontName=bold, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4,
                             keepWithNext=1),
        "caption": ParagraphStyle("caption", body, fontName=bold, fontSize=9, leading=12, spaceBefore=4,
                                  spaceAfter=3, keepWithNext=1),
        "cell": ParagraphStyle("cell", body, fontSize=8, leading=10, spaceAfter=0),
        "cell_head": ParagraphStyle("cell_head", body, fontName=bold, fontSize=8, leading=10, spaceAfter=0),
        "cell_num": ParagraphStyle("cell_num", body, fontSize=8, leading=10, spaceAfter=0, alignment=TA_RIGHT),
        "head_num": ParagraphStyle("head_num", body, fontName=bold, fontSize=8, leading=10, spaceAfter=0,
                                   alignment=TA_RIGHT),
        "note": ParagraphStyle("note", body, fontSize=7.5, leading=10, spaceAfter=2,
                               textColor=colors.HexColor("#505a5f")),
        "item": ParagraphStyle("item", body, fontName=bold, spaceAfter=2),
        "detail": ParagraphStyle("detail", body, fontSize=8.5, leading=11.5, spaceAfter=3),
        "quote": ParagraphStyle("quote", body, fontSize=8.5, leading=11.5, leftIndent=10, spaceAfter=3,
                                borderPadding=(0, 0, 0, 6), textColor=colors.HexColor("#383f43")),
        "notice": ParagraphStyle("notice", body, fontName=bold, spaceAfter=0),
    }


def text(value: str) -> str:
    """Escape text for Paragraph markup, keeping line breaks people typed."""
    return escape(value).replace("\n", "<br/>")


def render_pdf(report: Report) -> bytes:
    """Return the report as PDF bytes."""
    buffer = io.BytesIO()
    doc = OutlinedDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN + 4 * mm,
        title=report.title, author=report.author, subject=report.subject, creator="surveyapp",
        invariant=1, lang="en-GB", displayDocTitle=1,
    )
    page = footer(report.title)
    doc.build(story(report, styles()), onFirstPage=page, onLaterPages=page, canvasmaker=FooterCanvas)
    return buffer.getvalue()


class OutlinedDocTemplate(SimpleDocTemplate):
    """A document template that puts headings into the PDF outline."""

    def afterFlowable(self, flowable) -> None:
        """Bookmark a heading and add it to the outline at its level."""
        mark = getattr(flowable, "_outline", None)
        if mark is None:
            return
        level, title = mark
        self._outline_count = getattr(self, "_outline_count", 0) + 1
        key = f"heading-{self._outline_count}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)
        if self._outline_count == 1:
            self.canv.showOutline()


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


def footer(title: str):
    """Return a page callback that writes the report title and 'Page N of M'."""
    def draw(canv, doc):
        regular, _ = register_fonts()
        canv.saveState()
        canv.setFont(regular, FOOTER_SIZE)
        canv.setFillColor(FOOTER_COLOUR)
        y = MARGIN - 2 * mm
        canv.drawString(MARGIN, y, _shorten(title, 90))
        label = f"Page {doc.page} of "
        x = A4[0] - MARGIN - 24 * mm
        canv.drawString(x, y, label)
        # the total is a form drawn at the end, when the number of pages is known
        canv.translate(x + canv.stringWidth(label, regular, FOOTER_SIZE), y)
        canv.doForm(PAGE_TOTAL)
        canv.restoreState()
    return draw


def _shorten(value: str, limit: int) -> str:
    """Shorten a footer line to fit."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def heading(value: str, style: ParagraphStyle, level: int) -> Paragraph:
    """Make a heading paragraph that the outline lists."""
    paragraph = Paragraph(text(value), style)
    paragraph._outline = (level, value)
    return paragraph


def story(report: Report, st: dict) -> list:
    """Turn the report's sections into flowables."""
    flowables = []
    for n, section in enumerate(report.sections):
        if section.type == "cover":
            flowables.append(heading(section.heading, st["title"], 0))
        else:
            flowables.append(heading(section.heading, st["h1"], 0))
        for block in section.blocks:
            flowables.extend(BLOCKS[block.kind](block, st))
        if section.type == "cover" and n + 1 < len(report.sections):
            flowables.append(PageBreak())
        else:
            flowables.append(Spacer(1, 8))
    return flowables


def paragraphs_flowables(block, st) -> list:
    """Render plain paragraphs."""
    return [Paragraph(text(t), st["body"]) for t in block.texts]


def subheading_flowables(block, st) -> list:
    """Render a subheading, listed one level down in the outline."""
    return [heading(block.text, st["h2"], 1)]


def notice_flowables(block, st) -> list:
    """Render a notice in a shaded box."""
    box = Table([[Paragraph(text(block.text), st["notice"])]], colWidths=[FRAME_WIDTH])
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), NOTICE), ("BOX", (0, 0), (-1, -1), 1, colors.black),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return [box, Spacer(1, 8)]


def facts_flowables(block, st) -> list:
    """Render label and value pairs as a two-column table without grid lines."""
    rows = [[Paragraph(text(k), st["cell_head"]), Paragraph(text(v), st["body"])] for k, v in block.pairs]
    table = Table(rows, colWidths=[FRAME_WIDTH * 0.3, FRAME_WIDTH * 0.7], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                               ("TOPPADDING", (0, 0), (-1, -1), 5)]))
    return [table, Spacer(1, 10)]


def table_flowables(block, st) -> list:
    """Render a table whose header row repeats on every page it spans."""
    paragraph = cell_paragraphs()
    head = [paragraph(c, st["head_num" if num else "cell_head"]) for c, num in zip(block.columns, block.numeric)]
    rows = [head]
    shading = []
    for r, row in enumerate(block.rows, start=1):
        cells = []
        for c, (cell, num) in enumerate(zip(row, block.numeric)):
            cells.append(paragraph(cell.text, st["cell_num" if num else "cell"]))
            if cell.suppressed:
                shading.append(("BACKGROUND", (c, r), (c, r), LIGHT))
        rows.append(cells)
    widths = block.widths or (1,) * len(block.columns)
    total = sum(widths)
    table = Table(rows, colWidths=[FRAME_WIDTH * w / total for w in widths], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *shading,
    ]))
    out = [Paragraph(text(block.caption), st["caption"]), table]
    out += [Paragraph(text(note), st["note"]) for note in block.notes]
    return out + [Spacer(1, 6)]


def cell_paragraphs():
    """Return a function that makes a table's cell paragraphs, parsing each distinct text once per style."""
    parsed = {}

    def paragraph(value: str, style: ParagraphStyle) -> Paragraph:
        """Make one cell's paragraph."""
        key = (value, style.name)
        if key not in parsed:
            first = Paragraph(text(value), style)
            parsed[key] = (first.text, first.style, first.frags)
            return first
        # A table repeats a few texts many times ("3.5", "4 of 4", "c"), and parsing the markup is
        # most of the cost of a paragraph; reportlab only reads the parsed fragments when it lays
        # out and draws a paragraph, so paragraphs with the same text and style can share them.
        cleaned, parsed_style, frags = parsed[key]
        return Paragraph(cleaned, parsed_style, frags=frags)
    return paragraph


def chart_flowables(block, st) -> list:
    """Render a chart that never splits across pages, followed by its numbers."""
    drawing = drawing_for(block, BASE_FONT_SIZE * min(1.0, FRAME_WIDTH / CHART_DESIGN_WIDTH))
    drawing.hAlign = "CENTER"
    figure = KeepTogether([Paragraph(text(block.title), st["caption"]), drawing,
                           Paragraph(text(block.description), st["note"])])
    return [figure, Spacer(1, 6), *table_flowables(block.table, st)]


def list_flowables(block, st) -> list:
    """Render a numbered list of items, each with its detail and quotations."""
    items = []
    for item in block.items:
        parts = [Paragraph(text(item.title), st["item"])]
        if item.detail:
            parts.append(Paragraph(text(item.detail), st["detail"]))
        if item.next_step:
            parts.append(Paragraph("Suggested next step: " + text(item.next_step), st["detail"]))
        if item.quotes:
            parts.append(Paragraph(text(block.quote_label) + ":", st["detail"]))
            parts += [Paragraph(f"“{text(q)}”", st["quote"]) for q in item.quotes]
        items.append(ListItem(parts, value=None))
    regular, _ = register_fonts()
    return [ListFlowable(items, bulletType="1", bulletFontName=regular, bulletFontSize=9.5, leftIndent=16),
            Spacer(1, 6)]


BLOCKS = MappingProxyType({
    "paragraphs": paragraphs_flowables, "subheading": subheading_flowables, "notice": notice_flowables,
    "facts": facts_flowables, "table": table_flowables, "chart": chart_flowables, "list": list_flowables,
})
