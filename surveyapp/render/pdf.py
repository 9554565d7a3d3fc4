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
from types import MappingProxyType
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
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
from reportlab.platypus.tableofcontents import TableOfContents

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
CELL_PADDING = 3


def styles() -> dict[str, ParagraphStyle]:
    """Return the paragraph styles, all in DejaVu Sans."""
    regular, bold = register_fonts()
    # splitLongWords off: lines break at spaces only, never inside a word (columns are sized for it)
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13.5, spaceAfter=6, splitLongWords=0)
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
        "contents": ParagraphStyle("contents", body, leftIndent=0, firstLineIndent=0, spaceAfter=2),
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


def heading(value: str, style: ParagraphStyle, level: int) -> Paragraph:
    """Make a heading paragraph that the outline lists."""
    paragraph = Paragraph(text(value), style)
    paragraph._outline = (level, value)
    return paragraph


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


def paragraphs_flowables(block, st, after=None) -> list:
    """Render plain paragraphs."""
    return [Paragraph(text(t), st["body"]) for t in block.texts]


def subheading_flowables(block, st, after=None) -> list:
    """Render a subheading, listed one level down in the outline."""
    return [heading(block.text, st["h2"], 1)]


def notice_flowables(block, st, after=None) -> list:
    """Render a notice in a shaded box."""
    box = Table([[Paragraph(text(block.text), st["notice"])]], colWidths=[FRAME_WIDTH])
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), NOTICE), ("BOX", (0, 0), (-1, -1), 1, colors.black),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return [box, Spacer(1, 8)]


def facts_flowables(block, st, after=None) -> list:
    """Render label and value pairs as a two-column table without grid lines."""
    rows = [[Paragraph(text(k), st["cell_head"]), Paragraph(text(v), st["body"])] for k, v in block.pairs]
    table = Table(rows, colWidths=[FRAME_WIDTH * 0.3, FRAME_WIDTH * 0.7], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                               ("TOPPADDING", (0, 0), (-1, -1), 5)]))
    return [table, Spacer(1, 10)]


def table_flowables(block, st, after=None) -> list:
    """Render a table whose header row repeats on every page it spans, its columns wide enough for every word."""
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
    table = Table(rows, colWidths=column_widths(block, st), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        *shading,
    ]))
    repeats = after is not None and after.kind == "subheading" and after.text == block.caption
    out = ([] if repeats else [Paragraph(text(block.caption), st["caption"])]) + [table]
    out += [Paragraph(text(note), st["note"]) for note in block.notes]
    return out + [Spacer(1, 6)]


def column_widths(block, st) -> list[float]:
    """Share the frame's width out as the table's relative widths ask, but never narrower than a column's longest word.

    Cells wrap at spaces only (the styles set splitLongWords off): a word is never broken
    across lines, so each column must be at least as wide as its widest word.
    """
    widths = block.widths or (1,) * len(block.columns)
    total = sum(widths)
    wanted = [FRAME_WIDTH * w / total for w in widths]
    least = [longest_word(block, c, st) + 2 * CELL_PADDING for c in range(len(block.columns))]
    if sum(least) >= FRAME_WIDTH:
        return [FRAME_WIDTH * m / sum(least) for m in least]
    fixed = [False] * len(wanted)
    # give each too-narrow column its least width and take it from the others, in proportion
    while True:
        short = [c for c, (w, m) in enumerate(zip(wanted, least)) if w < m - 0.01 and not fixed[c]]
        if not short:
            return wanted
        for c in short:
            wanted[c], fixed[c] = least[c], True
        spare = FRAME_WIDTH - sum(w for w, f in zip(wanted, fixed) if f)
        free = sum(widths[c] for c in range(len(wanted)) if not fixed[c])
        wanted = [w if fixed[c] else spare * widths[c] / free for c, w in enumerate(wanted)]


def longest_word(block, column: int, st) -> float:
    """Return the width of the widest word in one column, its heading included."""
    head = st["head_num" if block.numeric[column] else "cell_head"]
    body = st["cell_num" if block.numeric[column] else "cell"]
    widest = max((stringWidth(w, head.fontName, head.fontSize) for w in block.columns[column].split()), default=0)
    for row in block.rows:
        for word in set(row[column].text.split()):
            widest = max(widest, stringWidth(word, body.fontName, body.fontSize))
    return widest


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


def chart_flowables(block, st, after=None) -> list:
    """Render a chart that never splits across pages, followed by its numbers."""
    drawing = drawing_for(block, BASE_FONT_SIZE * min(1.0, FRAME_WIDTH / CHART_DESIGN_WIDTH))
    drawing.hAlign = "CENTER"
    figure = KeepTogether([Paragraph(text(block.title), st["caption"]), drawing,
                           Paragraph(text(block.description), st["note"])])
    return [figure, Spacer(1, 6), *table_flowables(block.table, st, after=block)]


def list_flowables(block, st, after=None) -> list:
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


def glance_flowables(block, st, after=None) -> list:
    """Render a report's first screen: the headline, top strengths and development areas, what else to read."""
    out = [Paragraph(text(block.headline), st["item"])]
    for column in block.columns:
        out.append(Paragraph(text(column.heading), st["h2"]))
        if not column.items:
            out.append(Paragraph(text(column.empty), st["body"]))
        items = [ListItem([Paragraph(text(item.title), st["body"]), Paragraph(text(item.detail), st["detail"])],
                          value=None) for item in column.items]
        if items:
            regular, _ = register_fonts()
            out.append(ListFlowable(items, bulletType="1", bulletFontName=regular, bulletFontSize=9.5,
                                    leftIndent=16))
        if column.more:
            out.append(Paragraph(text(f"{column.more}: see “{column.heading.removeprefix('Top ').capitalize()}”."),
                                 st["detail"]))
    out += [Paragraph(text(t), st["body"]) for t in block.more]
    return out + [Spacer(1, 6)]


BLOCKS = MappingProxyType({
    "paragraphs": paragraphs_flowables, "subheading": subheading_flowables, "notice": notice_flowables,
    "facts": facts_flowables, "table": table_flowables, "chart": chart_flowables, "list": list_flowables,
    "glance": glance_flowables,
})
