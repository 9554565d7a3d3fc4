"""Workbooks for the tests: a shipped framework written out, then spoilt one way at a time."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from surveyapp.accounts.organisations import vocabulary_lists
from surveyapp.frameworks.errors import FrameworkErrors
from surveyapp.frameworks.loader import framework_from_definition, read_definition
from surveyapp.frameworks.workbook_read import read_workbook
from surveyapp.frameworks.workbook_write import workbook_bytes

from ..conftest import PROJECT

SHIPPED = sorted((PROJECT / "frameworks").glob("*.yaml"))
TEMPLATE = PROJECT / "frameworks" / "templates" / "framework-template.xlsx"


def shipped_definition(name: str = "mat-standards-v2.yaml") -> dict:
    """Return the plain definition of a shipped framework file."""
    return read_definition(PROJECT / "frameworks" / name)[0]


def as_next_version(data: dict) -> dict:
    """Return a copy of a definition as a version not yet published (9)."""
    return {**data, "version": 9}  # above every shipped version


def book_of(data: dict):
    """Return an openpyxl workbook of a definition, to spoil in a test."""
    return load_workbook(io.BytesIO(workbook_bytes(data, vocabulary_lists())))


def bytes_of(book) -> bytes:
    """Save an openpyxl workbook to bytes."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook_errors(content: bytes, filename: str = "framework.xlsx") -> list:
    """Read and validate workbook bytes; return the errors (there must be some)."""
    with pytest.raises(FrameworkErrors) as caught:
        data, cells = read_workbook(content, filename)
        framework_from_definition(data, filename, cells)
    return caught.value.errors


def codes_at(errors) -> list[tuple[str, str]]:
    """Return (number, cell) of each error."""
    return [(e.number, e.cell) for e in errors]
