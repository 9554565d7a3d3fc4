"""Errors in framework definitions, each saying where: file and line, or sheet and cell."""
from __future__ import annotations

import re
from dataclasses import dataclass

# The stable number of every error and warning code, and what it means (docs/frameworks.md
# lists the same catalogue; a test keeps the two in step). Numbers are never reused.
CATALOGUE: dict[str, tuple[str, str]] = {
    "encoding": ("E001", "the file is not UTF-8 text"),
    "yaml": ("E002", "the file is not valid YAML, or uses a tag"),
    "empty": ("E003", "the file, a required text or a list is empty"),
    "key-type": ("E004", "a key is not text"),
    "duplicate-key": ("E005", "a key is given twice in one mapping"),
    "unknown-key": ("E006", "a key (or a workbook column or setting) is not part of the format"),
    "missing-key": ("E007", "a required key (or cell) is missing"),
    "type": ("E008", "a value has the wrong type, or a question type is unknown"),
    "id-format": ("E009", "an id or key uses characters other than a-z, 0-9, '-' and '_'"),
    "version": ("E010", "the version is below 1"),
    "instrument": ("E011", "instrument is neither 'original' nor 'adaptation'"),
    "unknown-scale": ("E012", "an indicator names a scale that is not defined"),
    "duplicate-id": ("E013", "an id or key is used twice"),
    "levels": ("E014", "a scale has fewer than two levels"),
    "level-order": ("E015", "level values do not strictly increase"),
    "option-key": ("E016", "a non-scoring option key looks like a number"),
    "empty-domain": ("E017", "a domain has no indicators"),
    "scale": ("E018", "a question that is not a rating names a scale"),
    "choices": ("E019", "a question that is not a choice has choices"),
    "range": ("E020", "min/max on a question that is not a number, or max below min"),
    "not-applicable": ("E021", "'Not applicable' offered on a question that is not a rating"),
    "evidence": ("E022", "evidence is not none, optional or required"),
    "weight": ("E023", "a weight is 0 or less"),
    "rules": ("E024", "a rule limit is out of range"),
    "disclosure": ("E025", "a disclosure setting is below its safe floor, or the mode is unknown"),
    "frozen": ("E026", "a version that has responses would change"),
    "duplicate-version": ("E027", "two files define the same id and version"),
    "level-range": ("E028", "a next step names a level its indicator's scale does not have"),
    "next-step": ("E029", "a next step on a question that is not a rating, or two for one level"),
    "published": ("E030", "this id and version is already published with other content"),
    # workbook layout
    "not-xlsx": ("E040", "the file is not an XLSX workbook (for example a CSV renamed)"),
    "too-large": ("E041", "the file, or what it unpacks to, is over the size limit"),
    "macros": ("E042", "the workbook holds macros (.xlsm, a VBA project)"),
    "missing-sheet": ("E043", "a required sheet is missing"),
    "missing-column": ("E044", "a required column is missing from a sheet's header row"),
    "unknown-column": ("E045", "a column header is not part of the format"),
    "merged-cells": ("E046", "cells are merged"),
    "formula": ("E047", "a cell holds a formula (formulas are never evaluated)"),
    "blank-row": ("E048", "a blank row comes before more rows"),
    "unknown-domain": ("E049", "an indicator names a domain the domains sheet does not define"),
    "unknown-indicator": ("E050", "a choice or next step names an indicator that is not defined"),
    "external-link": ("E051", "the workbook links to another file"),
    # warnings: shown, never blocking
    "long-statement": ("W101", "a statement is over 25 words"),
    "reading-ease": ("W102", "a statement's Flesch reading ease is under 55"),
    "two-things": ("W103", "'and'/'or' joins two things in one rating item"),
    "no-descriptor": ("W104", "a level of a scale has no descriptor"),
    "alias": ("W105", "a recognised alias was mapped to its accepted spelling"),
}


def format_path(path: tuple) -> str:
    """Render a path tuple as `domains[3].indicators[1].scale`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass(frozen=True)
class DefinitionError:
    code: str
    file: str
    line: int
    path: str
    message: str
    cell: str = ""  # "indicators!D14" for a workbook; then line is 0

    @property
    def number(self) -> str:
        """Return the stable catalogue number of this error's code, e.g. 'E012'."""
        return CATALOGUE.get(self.code, ("E000", ""))[0]

    @property
    def where(self) -> str:
        """Return the location: `indicators!D14` in a workbook, `file.yaml:37` in YAML."""
        return self.cell or f"{self.file}:{self.line}"

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        if self.cell:
            return f"{self.file}: {self.cell}: {self.message}" + (f" ({self.path})" if self.path else "")
        return f"{self.file}:{self.line}: {where}{self.message}"

    def sort_key(self) -> tuple:
        """Order errors as a reader meets them: by line, or by sheet, row and column."""
        match = re.fullmatch(r"(.*)!([A-Z]+)(\d+)", self.cell)
        if match:
            column = sum((ord(c) - 64) * 26 ** i for i, c in enumerate(reversed(match[2])))
            return (0, match[1], int(match[3]), column, self.path, self.message)
        return (self.line, "", 0, 0, self.path, self.message)


class FrameworkErrors(Exception):
    """One or more hard errors found in a framework definition."""

    def __init__(self, errors: list[DefinitionError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))
