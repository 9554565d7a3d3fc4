"""The bare PDF baseline: reportlab laying out a report's pages and charts from precomputed numbers.

`precompute` turns a finished report into plain lists of strings and numbers
(not timed); `render` lays them out with plain platypus flowables, the same
fonts (DejaVu Sans, embedded), the same A4 margins, table styles, footer with
"Page N of M", and charts drawn from reportlab graphics shapes. It leaves out
what the app adds around that: report definitions, section registries,
formatting, text wrapping inside charts, the PDF outline.
"""
from __future__ import annotations

import io
import math
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
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

FONTS = Path(__file__).resolve().parent.parent / "surveyapp" / "render" / "font_files"
MARGIN = 20 * mm
WIDTH = A4[0] - 2 * MARGIN
COLOURS = ("#0b4f5c", "#b3541e", "#505a5f")


def precompute(report) -> dict:
    """Turn a finished report into plain data: headings, texts, table cells and chart numbers."""
    sections = []
    for section in report.sections:
        blocks = []
        for block in section.blocks:
            kind = block.kind
            if kind == "paragraphs":
                blocks += [("p", t) for t in block.texts]
            elif kind in ("subheading", "notice"):
                blocks.append((kind, block.text))
            elif kind == "facts":
                blocks.append(("facts", [list(p) for p in block.pairs]))
            elif kind == "table":
                blocks.append(("table", _table(block)))
            elif kind == "chart":
                blocks.append(("chart", {
                    "type": block.chart, "title": block.title, "description": block.description,
                    "categories": list(block.categories), "low": block.low, "high": block.high,
                    "series": [(s.name, [v if v is not None and not math.isnan(v) else None for v in s.values])
                               for s in block.series]}))
                blocks.append(("table", _table(block.table)))
            elif kind == "list":
                blocks.append(("list", [(i.title, i.detail, list(i.quotes)) for i in block.items]))
        sections.append({"cover": section.type == "cover", "heading": section.heading, "blocks": blocks})
    return {"title": report.title, "author": report.author, "sections": sections}


def _table(block) -> dict:
    """Turn a table block into plain lists."""
    return {"caption": block.caption, "columns": list(block.columns), "numeric": list(block.numeric),
            "rows": [[(c.text, c.suppressed) for c in row] for row in block.rows],
            "notes": list(block.notes), "widths": list(block.widths) or [1] * len(block.columns)}


def _fonts() -> None:
    """Register DejaVu Sans under the baseline's own names, once."""
    if "BareSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("BareSans", str(FONTS / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("BareSans-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))


def _styles() -> dict:
    """Return the paragraph styles, sized as the app's."""
    body = ParagraphStyle("body", fontName="BareSans", fontSize=9.5, leading=13.5, spaceAfter=6)
    return {
        "body": body,
        "title": ParagraphStyle("title", body, fontName="BareSans-Bold", fontSize=22, leading=28, spaceAfter=14),
        "h1": ParagraphStyle("h1", body, fontName="BareSans-Bold", fontSize=15, leading=20, spaceBefore=4,
                             spaceAfter=8, keepWithNext=1),
        "h2": ParagraphStyle("h2", body, fontName="BareSans-Bold", fontSize=11.5, leading=15, spaceBefore=8,
                             spaceAfter=4, keepWithNext=1),
        "caption": ParagraphStyle("caption", body, fontName="BareSans-Bold", fontSize=9, leading=12,
                                  spaceBefore=4, spaceAfter=3, keepWithNext=1),
        "cell": ParagraphStyle("cell", body, fontSize=8, leading=10, spaceAfter=0),
        "head": ParagraphStyle("head", body, fontName="BareSans-Bold", fontSize=8, leading=10, spaceAfter=0),
        "num": ParagraphStyle("num", body, fontSize=8, leading=10, spaceAfter=0, alignment=TA_RIGHT),
        "note": ParagraphStyle("note", body, fontSize=7.5, leading=10, spaceAfter=2),
        "item": ParagraphStyle("item", body, fontName="BareSans-Bold", spaceAfter=2),
        "detail": ParagraphStyle("detail", body, fontSize=8.5, leading=11.5, spaceAfter=3),
        "quote": ParagraphStyle("quote", body, fontSize=8.5, leading=11.5, leftIndent=10, spaceAfter=3),
    }


class _PagesCanvas(canvas.Canvas):
    """A canvas that writes the page count into every footer at the end."""
    def save(self):
        """Define the page-count form, then write the file."""
        self.beginForm("total")
        self.setFont("BareSans", 7.5)
        self.drawString(0, 0, str(self.getPageNumber() - 1))
        self.endForm()
        super().save()


def render(content: dict) -> bytes:
    """Lay the precomputed report out as an A4 PDF; return its bytes."""
    _fonts()
    st = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, title=content["title"], author=content["author"],
                            invariant=1)

    def footer(canv, doc):
        canv.saveState()
        canv.setFont("BareSans", 7.5)
        canv.drawString(MARGIN, MARGIN - 2 * mm, content["title"])
        label = f"Page {doc.page} of "
        x = A4[0] - MARGIN - 24 * mm
        canv.drawString(x, MARGIN - 2 * mm, label)
        canv.translate(x + canv.stringWidth(label, "BareSans", 7.5), MARGIN - 2 * mm)
        canv.doForm("total")
        canv.restoreState()

    flow = []
    for n, section in enumerate(content["sections"]):
        flow.append(Paragraph(escape(section["heading"]), st["title" if section["cover"] else "h1"]))
        for kind, value in section["blocks"]:
            flow += _block(kind, value, st)
        flow.append(PageBreak() if section["cover"] and n + 1 < len(content["sections"]) else Spacer(1, 8))
    doc.build(flow, onFirstPage=footer, onLaterPages=footer, canvasmaker=_PagesCanvas)
    return out.getvalue()


def _block(kind: str, value, st: dict) -> list:
    """Return the flowables for one precomputed block."""
    if kind == "p":
        return [Paragraph(escape(value), st["body"])]
    if kind == "subheading":
        return [Paragraph(escape(value), st["h2"])]
    if kind == "notice":
        box = Table([[Paragraph(escape(value), st["item"])]], colWidths=[WIDTH])
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, colors.black), ("LEFTPADDING", (0, 0), (-1, -1), 8),
                                 ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        return [box, Spacer(1, 8)]
    if kind == "facts":
        table = Table([[Paragraph(escape(k), st["head"]), Paragraph(escape(v), st["body"])] for k, v in value],
                      colWidths=[WIDTH * 0.3, WIDTH * 0.7], hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.grey),
                                   ("TOPPADDING", (0, 0), (-1, -1), 5)]))
        return [table, Spacer(1, 10)]
    if kind == "table":
        return _table_flowables(value, st)
    if kind == "chart":
        drawing = _radar(value) if value["type"] == "radar" else _bars(value)
        return [KeepTogether([Paragraph(escape(value["title"]), st["caption"]), drawing,
                              Paragraph(escape(value["description"]), st["note"])]), Spacer(1, 6)]
    if kind == "list":
        items = [ListItem([Paragraph(escape(title), st["item"])]
                          + ([Paragraph(escape(detail), st["detail"])] if detail else [])
                          + ([Paragraph("Evidence from respondents:", st["detail"])] if quotes else [])
                          + [Paragraph("“" + escape(q) + "”", st["quote"]) for q in quotes])
                 for title, detail, quotes in value]
        return [ListFlowable(items, bulletType="1", bulletFontName="BareSans", bulletFontSize=9.5, leftIndent=16),
                Spacer(1, 6)]
    raise ValueError(kind)


def _table_flowables(t: dict, st: dict) -> list:
    """Return a caption, a table with a repeating header and its notes."""
    rows = [[Paragraph(escape(c), st["head"]) for c in t["columns"]]]
    shading = []
    for r, row in enumerate(t["rows"], start=1):
        rows.append([Paragraph(escape(text), st["num" if num else "cell"])
                     for (text, _), num in zip(row, t["numeric"])])
        shading += [("BACKGROUND", (c, r), (c, r), colors.lightgrey)
                    for c, (_, hidden) in enumerate(row) if hidden]
    total = sum(t["widths"])
    table = Table(rows, colWidths=[WIDTH * w / total for w in t["widths"]], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.black),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.grey),
                               ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                               ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                               *shading]))
    return ([Paragraph(escape(t["caption"]), st["caption"]), table]
            + [Paragraph(escape(n), st["note"]) for n in t["notes"]] + [Spacer(1, 6)])


def _radar(chart: dict) -> Drawing:
    """Draw a radar chart from plain numbers."""
    size, n = 340, len(chart["categories"])
    d = Drawing(WIDTH, size)
    cx, cy, radius = WIDTH / 2, size / 2, size / 2 - 30
    span = (chart["high"] - chart["low"]) or 1

    def point(i, value):
        angle = math.pi / 2 - 2 * math.pi * i / n
        r = radius * (value - chart["low"]) / span
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    for ring in range(1, 6):
        d.add(Polygon([c for i in range(n) for c in point(i, chart["low"] + span * ring / 5)],
                      strokeColor=colors.grey, fillColor=None, strokeWidth=0.4))
    for i, label in enumerate(chart["categories"]):
        x, y = point(i, chart["high"])
        d.add(Line(cx, cy, x, y, strokeColor=colors.grey, strokeWidth=0.4))
        d.add(String(x, y + 4, label, fontName="BareSans", fontSize=7, textAnchor="middle"))
    for s, (name, values) in enumerate(chart["series"]):
        points = [c for i, v in enumerate(values) if v is not None for c in point(i, v)]
        if points:
            d.add(PolyLine(points + points[:2], strokeColor=colors.HexColor(COLOURS[s % 3]), strokeWidth=1.5))
        d.add(String(10, 20 + 12 * s, name, fontName="BareSans", fontSize=7))
    return d


def _bars(chart: dict) -> Drawing:
    """Draw a bar chart from plain numbers."""
    height = 220
    d = Drawing(WIDTH, height)
    slot = (WIDTH - 40) / max(1, len(chart["categories"]))
    span = (chart["high"] - chart["low"]) or 1
    for c, label in enumerate(chart["categories"]):
        d.add(String(40 + slot * (c + 0.5), 10, label, fontName="BareSans", fontSize=7, textAnchor="middle"))
        for s, (_name, values) in enumerate(chart["series"]):
            value = values[c]
            if value is None:
                continue
            h = (height - 50) * (value - min(0, chart["low"])) / span
            x = 40 + slot * c + 4 + s * (slot - 8) / len(chart["series"])
            d.add(Rect(x, 24, (slot - 8) / len(chart["series"]) - 2, h,
                       fillColor=colors.HexColor(COLOURS[s % 3]), strokeColor=None))
            d.add(String(x, 28 + h, f"{value:g}", fontName="BareSans", fontSize=6))
    return d
