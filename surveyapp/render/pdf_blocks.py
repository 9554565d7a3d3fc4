"""The flowables for each kind of report block: paragraphs, notices, facts, charts, lists, the summary."""
from __future__ import annotations

from types import MappingProxyType

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from surveyapp.render.charts import BASE_FONT_SIZE, drawing_for
from surveyapp.render.fonts import register_fonts
from surveyapp.render.pdf_styles import CHART_DESIGN_WIDTH, FRAME_WIDTH, NOTICE, RULE, text
from surveyapp.render.pdf_tables import table_flowables


def heading(value: str, style: ParagraphStyle, level: int) -> Paragraph:
    """Make a heading paragraph that the outline lists."""
    paragraph = Paragraph(text(value), style)
    paragraph._outline = (level, value)
    return paragraph


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
