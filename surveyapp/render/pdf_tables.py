"""PDF tables: a header row that repeats on every page, columns never narrower than their longest word.

Each column is at least as wide as its longest word, so reportlab never has to cut a word
(splitLongWords is off); parsed cell markup is shared between cells with the same text.
"""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from surveyapp.render.pdf_styles import CELL_PADDING, FRAME_WIDTH, LIGHT, RULE, text


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


