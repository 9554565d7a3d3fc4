"""The PDF's measures, colours and paragraph styles, and text escaped for Paragraph markup."""
from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from surveyapp.render.fonts import register_fonts

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


