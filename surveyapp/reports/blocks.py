"""The finished report: frozen blocks that every renderer (HTML, PDF) draws as they are.

Every number here is already suppressed and formatted: a renderer never
decides what to hide or how many decimals to show. A suppressed figure is
the text "c", a missing one "–", and each table says what they mean.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

SUPPRESSED = "c"
MISSING = "–"
# Why a figure is hidden (benchmarks.disclosure's reasons), as a table note and as a cell's hover text.
TOO_FEW, COMPLEMENT, ALIKE = "too-few", "complement", "alike"
REASON_NOTES = {
    TOO_FEW: "{c} hidden: too few organisations. A group figure is shown when it rests on at least {min_group} "
             "organisations, two or more of them ones whose own results you cannot already see.",
    COMPLEMENT: "{c} hidden so that another hidden figure cannot be worked out from the figures that are shown.",
    ALIKE: "{c} hidden: the other organisations in the group all answered alike, so the counts would show "
           "each one's answer.",
}
REASON_SHORT = {TOO_FEW: "hidden: too few organisations",
                COMPLEMENT: "hidden so that another hidden figure cannot be worked out",
                ALIKE: "hidden: the counts would show each organisation's answer"}
MINUS = "−"  # U+2212: a real minus sign, so a negative gap does not read as a dash
HEAT_BANDS = 6


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, and the number behind it where there is one."""

    text: str
    value: float | None = None
    suppressed: bool = False
    band: int | None = None  # 1..HEAT_BANDS for heatmaps, None elsewhere
    reason: str = ""         # why a suppressed cell is hidden: a key of REASON_NOTES

    @property
    def hidden_because(self) -> str:
        """Say in a few words why this cell is hidden."""
        return REASON_SHORT.get(self.reason, REASON_SHORT[TOO_FEW])


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    id: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numeric: tuple[bool, ...]          # right-align this column
    notes: tuple[str, ...] = ()        # footnotes, e.g. what "c" means
    widths: tuple[float, ...] = ()     # relative column widths for paged output

    @property
    def has_suppressed(self) -> bool:
        """Return True when any cell is hidden."""
        return any(cell.suppressed for row in self.rows for cell in row)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    note: str = ""                     # e.g. why a whole series is missing


@dataclass(frozen=True)
class Chart:
    """A chart's data. The same numbers are always in `table`, for anyone who cannot read the chart."""

    kind: ClassVar[str] = "chart"
    id: str
    chart: str                         # "radar" or "bars"
    title: str
    description: str                   # a sentence that says what the chart shows
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    low: float
    high: float
    value_label: str
    table: Table


@dataclass(frozen=True)
class Item:
    title: str
    detail: str = ""
    quotes: tuple[str, ...] = ()
    next_step: str = ""  # the framework's suggestion for this result, on a development area


@dataclass(frozen=True)
class ItemList:
    kind: ClassVar[str] = "list"
    items: tuple[Item, ...]
    quote_label: str = "Evidence from respondents"


@dataclass(frozen=True)
class Paragraphs:
    kind: ClassVar[str] = "paragraphs"
    texts: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """Label and value pairs, such as a cover's organisation, framework and round."""

    kind: ClassVar[str] = "facts"
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Subheading:
    kind: ClassVar[str] = "subheading"
    text: str


@dataclass(frozen=True)
class Notice:
    """Something the reader must not miss, such as a whole group being hidden."""

    kind: ClassVar[str] = "notice"
    text: str


@dataclass(frozen=True)
class Highlights:
    """One column of a report's first screen: a few top items and a link to the section with all of them."""

    heading: str
    items: tuple[Item, ...]
    empty: str = ""                    # said when there are no items
    more: str = ""                     # link text to the full section, e.g. "All 4 strengths"
    target: str = ""                   # the id of that section


@dataclass(frozen=True)
class Glance:
    """A report's first screen: where the subject stands, where it is strong, where to act, what changed."""

    kind: ClassVar[str] = "glance"
    headline: str                      # the overall position, in one sentence
    columns: tuple[Highlights, ...]    # top strengths, top development areas
    more: tuple[str, ...] = ()         # said after the columns: other comparisons, the change since last round
    links: tuple[tuple[str, str], ...] = ()  # (link text, section id), e.g. the improvement plan


Block = Table | Chart | ItemList | Paragraphs | Facts | Subheading | Notice | Glance


@dataclass(frozen=True)
class Section:
    id: str
    type: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Report:
    kind: str                          # organisation, area or sector
    title: str
    author: str
    subject: str
    date: str
    filename: str                      # a safe file name stem for downloads
    sections: tuple[Section, ...]
    context: str = ""                  # the framework and round, e.g. for every PDF page's header

    def section(self, section_id: str) -> Section | None:
        """Return the section with this id, if the report has it."""
        return next((s for s in self.sections if s.id == section_id), None)


def is_missing(value) -> bool:
    """Return True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_score(value, decimals: int = 1) -> str:
    """Format a score with one decimal, or the missing mark."""
    return MISSING if is_missing(value) else f"{float(value):.{decimals}f}"


def fmt_gap(value) -> str:
    """Format a difference with its sign: +0.4, −0.4, 0.0."""
    if is_missing(value):
        return MISSING
    text = f"{abs(float(value)):.1f}"
    if text == "0.0":
        return text
    return ("+" if value > 0 else MINUS) + text


def fmt_count(value) -> str:
    """Format a whole number, or the missing mark."""
    return MISSING if is_missing(value) else str(int(value))


def ordinal(number: int) -> str:
    """Write a whole number as an ordinal: 1st, 2nd, 3rd, 11th, 22nd, 80th."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def fmt_number(value) -> str:
    """Format a scale value or rule threshold without needless decimals: 5, 1.5."""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def hidden(record: dict | None) -> str:
    """Return why a benchmark record is hidden ("" when it is shown)."""
    if not record or not record.get("suppressed"):
        return ""
    return record.get("reason") or TOO_FEW


def _reason(suppressed: bool | str) -> str:
    """Return the reason a cell is hidden, from a flag or a reason."""
    return suppressed if isinstance(suppressed, str) else TOO_FEW


def score_cell(value, suppressed: bool | str = False, low: float | None = None, high: float | None = None) -> Cell:
    """Make a score cell: "c" when suppressed (a flag, or the reason), "–" when missing, with a heat band."""
    if suppressed:
        return Cell(SUPPRESSED, suppressed=True, reason=_reason(suppressed))
    if is_missing(value):
        return Cell(MISSING)
    band = heat_band(float(value), low, high) if low is not None and high is not None else None
    return Cell(fmt_score(value), value=float(value), band=band)


def text_cell(text: str) -> Cell:
    """Make a plain text cell."""
    return Cell(text)


def suppressible(text: str, suppressed: bool | str) -> Cell:
    """Make a cell that shows text unless suppressed (a flag, or the reason)."""
    return Cell(SUPPRESSED, suppressed=True, reason=_reason(suppressed)) if suppressed else Cell(text)


def heat_band(value: float, low: float, high: float) -> int:
    """Place a value in one of HEAT_BANDS equal bands between low and high."""
    if high <= low:
        return 1
    share = (value - low) / (high - low)
    return max(1, min(HEAT_BANDS, 1 + int(share * HEAT_BANDS)))


def table_notes(rows, min_group: int) -> tuple[str, ...]:
    """Return the footnotes that the marks used in these rows need."""
    notes = []
    cells = [cell for row in rows for cell in row]
    reasons = {cell.reason for cell in cells if cell.suppressed}
    notes.extend(reason_note(reason, min_group) for reason in REASON_NOTES if reason in reasons)
    if any(cell.text == MISSING for cell in cells):
        notes.append(f"{MISSING} no scoring answers, or no figure to show.")
    return tuple(notes)


def reason_note(reason: str, min_group: int) -> str:
    """Explain the suppression mark for one reason."""
    return REASON_NOTES[reason].format(c=SUPPRESSED, min_group=min_group)


def suppression_note(min_group: int) -> str:
    """Explain the suppression mark, every reason (for exports, where one legend serves a whole file)."""
    return " ".join(reason_note(reason, min_group) for reason in REASON_NOTES)


def make_table(table_id: str, caption: str, columns, rows, numeric, min_group: int,
               widths=(), extra_notes=()) -> Table:
    """Build a table with the footnotes its marks need."""
    rows = tuple(tuple(row) for row in rows)
    return Table(id=table_id, caption=caption, columns=tuple(columns), rows=rows, numeric=tuple(numeric),
                 notes=table_notes(rows, min_group) + tuple(extra_notes), widths=tuple(widths))
