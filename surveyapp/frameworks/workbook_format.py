"""The framework workbook format: its sheets, their columns, and the lists behind the drop-downs.

One table, read by both the reader and the writer, so the two cannot disagree.
Column names follow XLSForm habits where the meaning is the same: lower-case,
`label` for the text shown, `hint` for the help under it, `required`.
"""
from __future__ import annotations

from dataclasses import dataclass

from surveyapp.frameworks.model import EVIDENCE_MODES, INSTRUMENT_KINDS, QUESTION_TYPES
from surveyapp.frameworks.structure import BOOL, INT, LIST, NUMBER, TEXT


@dataclass(frozen=True)
class Column:
    name: str  # the header in the workbook
    key: str  # the key in the definition
    type: str  # TEXT, INT, NUMBER, BOOL or LIST (one item per line)
    required: bool = False  # the column must be in the header row
    choices: str = ""  # the list on the lists sheet that gives this column a drop-down
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    required: bool = True
    note: str = ""

    def column(self, name: str) -> Column | None:
        """Return the column with this header, if the sheet has one."""
        return next((c for c in self.columns if c.name == name), None)


# settings and rules are two-column sheets: one row per setting
SETTINGS = {
    "id": TEXT, "version": INT, "title": TEXT, "summary": TEXT, "instrument": TEXT, "adaptation": TEXT,
    "disclosure.min_organisations": INT, "disclosure.min_unknown": INT, "disclosure.min_for_spread": INT,
    "disclosure.precision": INT, "disclosure.mode": TEXT,
}
REQUIRED_SETTINGS = ("id", "version", "title", "summary", "instrument", "adaptation")
RULES = {
    "strengths.min_score": NUMBER, "strengths.max": INT,
    "development.max_score": NUMBER, "development.gap": NUMBER, "development.max": INT,
}

SHEETS: tuple[Sheet, ...] = (
    Sheet("settings", (
        Column("setting", "", TEXT, True, width=30),
        Column("value", "", TEXT, True, width=80),
    ), note="One row per setting: id, version, title, summary, instrument, adaptation, disclosure.*"),
    Sheet("sources", (
        Column("title", "title", TEXT, True, width=50), Column("publisher", "publisher", TEXT, width=30),
        Column("year", "year", TEXT, width=8), Column("url", "url", TEXT, width=30),
        Column("note", "note", TEXT, width=60),
    )),
    Sheet("scales", (
        Column("scale", "id", TEXT, True), Column("scale_label", "label", TEXT, width=30),
        Column("value", "value", NUMBER, True, width=10), Column("label", "label", TEXT, True, width=24),
        Column("descriptor", "descriptor", TEXT, width=60),
    ), note="One row per level (a number in value) or non-scoring option (a key such as dont_know in value)"),
    Sheet("domains", (
        Column("id", "id", TEXT, True), Column("label", "title", TEXT, True, width=40),
        Column("hint", "description", TEXT, width=60), Column("source", "source", TEXT, width=40),
    )),
    Sheet("indicators", (
        Column("domain", "", TEXT, True), Column("id", "id", TEXT, True, width=12),
        Column("type", "type", TEXT, choices="type", width=10),
        Column("label", "text", TEXT, True, width=60), Column("hint", "guidance", TEXT, width=60),
        Column("prompts", "prompts", LIST, width=40), Column("scale", "scale", TEXT, width=12),
        Column("required", "required", BOOL, choices="yes_no", width=10),
        Column("weight", "weight", NUMBER, width=8),
        Column("allow_not_applicable", "allow_not_applicable", BOOL, choices="yes_no", width=12),
        Column("evidence", "evidence", TEXT, choices="evidence", width=10),
        Column("evidence_label", "evidence_label", TEXT, width=30),
        Column("min", "min", NUMBER, width=8), Column("max", "max", NUMBER, width=8),
    )),
    Sheet("choices", (
        Column("indicator", "", TEXT, True), Column("name", "key", TEXT, True),
        Column("label", "label", TEXT, True, width=40),
    ), required=False, note="The answers of choice questions"),
    Sheet("rules", (
        Column("rule", "", TEXT, True, width=24), Column("value", "", NUMBER, True),
    ), required=False, note="One row per rule: strengths.min_score, strengths.max, development.max_score, ..."),
    Sheet("next_steps", (
        Column("indicator", "", TEXT, True), Column("level", "level", NUMBER, True, width=8),
        Column("suggestion", "text", TEXT, True, width=80),
    ), required=False, note="A suggested next step per indicator and level"),
)
SHEET = {s.name: s for s in SHEETS}
LISTS_SHEET = "lists"

# The lists the drop-downs use; callers add vocabularies from other packages (areas, sectors).
FORMAT_LISTS: dict[str, tuple[tuple[str, str], ...]] = {
    "yes_no": (("yes", "Yes"), ("no", "No")),
    "type": tuple((t, t) for t in QUESTION_TYPES),
    "evidence": tuple((e, e) for e in EVIDENCE_MODES),
    "instrument": tuple((k, k) for k in INSTRUMENT_KINDS),
}
TRUE_WORDS = ("yes", "true", "y")
FALSE_WORDS = ("no", "false", "n")
