"""Refuse an unsafe workbook before openpyxl reads it: too large, a zip bomb, macros, links, not XLSX.

A framework workbook is tens of kilobytes of plain cells. Anything else is refused with
a located error before any of it is parsed, and openpyxl is asked to drop links and
macros rather than load them, so no formula is evaluated and no external link followed.
"""
from __future__ import annotations

import io
import warnings
import zipfile

from openpyxl import load_workbook

MAX_BYTES = 5 * 1024 * 1024  # a framework workbook is tens of kilobytes
MAX_UNPACKED = 40 * 1024 * 1024  # what the zip may expand to: more is a zip bomb
MAX_RATIO = 100  # no honest member of a workbook compresses this well when it is large
MAX_MEMBERS = 500

def open_safely(content: bytes, filename: str, found):
    """Check size, zip shape and macros before openpyxl sees the bytes; return the workbook or None.

    `found` collects each refusal (its `add(code, cell, message)`), located at the whole workbook.
    """
    where = "workbook"
    if len(content) > MAX_BYTES:
        found.add("too-large", where, f"the file is {len(content) / 1048576:.1f} MB; a framework workbook "
                                      f"may be at most {MAX_BYTES // 1048576} MB")
        return None
    if filename.lower().endswith((".xlsm", ".xltm", ".xlsb")):
        found.add("macros", where, "macro-enabled workbooks are not accepted; save it as .xlsx (Excel Workbook)")
        return None
    if not zipfile.is_zipfile(io.BytesIO(content)):
        found.add("not-xlsx", where, "the file is not an XLSX workbook (a CSV or another file renamed?); "
                                     "save it from your spreadsheet as .xlsx")
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            problem = archive_problem(archive, members)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        problem = ("not-xlsx", "the file is a damaged or unusual zip, not an XLSX workbook")
    if problem:
        found.add(problem[0], where, problem[1])
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; we check what matters
            return load_workbook(io.BytesIO(content), read_only=False, data_only=False,
                                 keep_vba=False, keep_links=False, rich_text=False)
    except Exception:  # openpyxl raises many types for a broken file; all mean the same to an author
        found.add("not-xlsx", where, "the file could not be read as an XLSX workbook")
        return None


def archive_problem(archive: zipfile.ZipFile, members) -> tuple[str, str] | None:
    """Return (code, message) when the zip is a bomb, holds macros or links, or is not a workbook."""
    names = {m.filename for m in members}
    if len(members) > MAX_MEMBERS:
        return "too-large", f"the workbook has {len(members)} parts; more than {MAX_MEMBERS} is not a framework"
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED:
        return "too-large", (f"the workbook unpacks to {unpacked / 1048576:.0f} MB (a zip bomb?); "
                             f"at most {MAX_UNPACKED // 1048576} MB is accepted")
    for m in members:
        if m.file_size > 1048576 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            ratio = m.file_size // max(m.compress_size, 1)
            return "too-large", f"part {m.filename} expands {ratio} times (a zip bomb?)"
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        return "not-xlsx", "the file is a zip but not an XLSX workbook"
    types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    if any(n.lower().endswith("vbaproject.bin") for n in names) or "macroEnabled" in types:
        return "macros", "the workbook holds macros; save it as .xlsx (Excel Workbook), without macros"
    if any(n.startswith("xl/externalLinks/") for n in names):
        return "external-link", "the workbook links to other files; remove the links (they are never followed)"
    return None
