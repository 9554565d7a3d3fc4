"""Write a framework definition as a workbook an author can edit in a spreadsheet.

The inverse of workbook_read: every key of the definition lands in one cell,
an absent key leaves its cell empty, so reading the workbook back gives the
same definition. A `lists` sheet holds the drop-down values (data validation).
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from surveyapp.frameworks.structure import BOOL, LIST
from surveyapp.frameworks.workbook_format import (
    FORMAT_LISTS,
    LISTS_SHEET,
    RULES,
    SETTINGS,
    SHEET,
    SHEETS,
    Sheet,
)

# a float that happens to be whole (gap: 1.0) keeps its decimal point through this format
FLOAT_FORMAT = "0.0##"
VALIDATED_ROWS = 500  # drop-downs reach this far below the header


def workbook_bytes(data: dict, extra_lists: dict | None = None) -> bytes:
    """Return the XLSX bytes of a definition; extra_lists adds vocabularies to the lists sheet."""
    book = Workbook()
    book.remove(book.active)
    rows = _rows(data)
    lists = {**FORMAT_LISTS, **(extra_lists or {})}
    for sheet in SHEETS:
        _write_sheet(book, sheet, rows[sheet.name])
    anchors = _write_lists(book, lists)
    _add_drop_downs(book, anchors)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(data: dict) -> dict[str, list[dict]]:
    """Flatten a definition into one list of {column: value} rows per sheet."""
    rows: dict[str, list[dict]] = {s.name: [] for s in SHEETS}
    for name in SETTINGS:
        value = _dotted(data, name)
        if value is not None:
            rows["settings"].append({"setting": name, "value": value})
    rows["sources"] = [dict(source) for source in data.get("sources") or ()]
    for scale in data.get("scales") or ():
        entries = [(lv["value"], lv) for lv in scale.get("levels") or ()]
        entries += [(op["key"], op) for op in scale.get("options") or ()]
        for n, (value, entry) in enumerate(entries):
            rows["scales"].append({
                "scale": scale["id"], "scale_label": scale.get("label") if n == 0 else None,
                "value": value, "label": entry.get("label"), "descriptor": entry.get("descriptor"),
            })
    for domain in data.get("domains") or ():
        rows["domains"].append({"id": domain["id"], "label": domain.get("title"),
                                "hint": domain.get("description"), "source": domain.get("source")})
        for ind in domain.get("indicators") or ():
            row = {"domain": domain["id"]}
            for column in SHEET["indicators"].columns[1:]:
                row[column.name] = ind.get(column.key)
            rows["indicators"].append(row)
            rows["choices"] += [{"indicator": ind["id"], "name": c["key"], "label": c["label"]}
                                for c in ind.get("choices") or ()]
            rows["next_steps"] += [{"indicator": ind["id"], "level": s["level"], "suggestion": s["text"]}
                                   for s in ind.get("next_steps") or ()]
    for name in RULES:
        value = _dotted(data.get("rules") or {}, name)
        if value is not None:
            rows["rules"].append({"rule": name, "value": value})
    return rows


def _dotted(data: dict, name: str):
    """Look up 'disclosure.mode' in nested mappings."""
    for part in name.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _write_sheet(book, sheet: Sheet, rows: list[dict]) -> None:
    """Write one sheet: a bold header row, then the rows."""
    ws = book.create_sheet(sheet.name)
    ws.append([c.name for c in sheet.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for r, row in enumerate(rows, start=2):
        for c, column in enumerate(sheet.columns, start=1):
            _put(ws.cell(row=r, column=c), row.get(column.name), column.type)
    for c, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = column.width


def _put(cell, value, kind: str) -> None:
    """Write one value so that reading it back gives the same value and type."""
    if value is None:
        return
    if kind == LIST:
        value = "\n".join(value)
    elif kind == BOOL and isinstance(value, bool):
        value = "yes" if value else "no"
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text that starts with '=' stays text, never a formula
        if "\n" in value or len(value) > 40:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    elif isinstance(value, float) and value.is_integer():
        cell.number_format = FLOAT_FORMAT


def _write_lists(book, lists: dict) -> dict[str, str]:
    """Write the lists sheet (list_name, name, label); return each list's cell range."""
    ws = book.create_sheet(LISTS_SHEET)
    ws.append(["list_name", "name", "label"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    anchors, row = {}, 2
    for list_name, entries in lists.items():
        first = row
        for name, label in entries:
            ws.append([list_name, name, label])
            row += 1
        anchors[list_name] = f"{quote_sheetname(LISTS_SHEET)}!$B${first}:$B${row - 1}"
    for letter, width in (("A", 14), ("B", 30), ("C", 40)):
        ws.column_dimensions[letter].width = width
    return anchors


def _add_drop_downs(book, anchors: dict[str, str]) -> None:
    """Give every column with a list a drop-down of that list's names."""
    for sheet in SHEETS:
        ws = book[sheet.name]
        for c, column in enumerate(sheet.columns, start=1):
            if column.choices not in anchors:
                continue
            letter = get_column_letter(c)
            check = DataValidation(type="list", formula1=anchors[column.choices], allow_blank=True,
                                   showErrorMessage=True, errorTitle=column.name,
                                   error=f"Choose a value from the '{column.choices}' list on the lists sheet")
            check.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
            ws.add_data_validation(check)
    settings = book["settings"]
    check = DataValidation(type="list", formula1=anchors["instrument"], allow_blank=True)
    for row in settings.iter_rows(min_row=2):
        if row[0].value == "instrument":
            check.add(row[1].coordinate)
    if check.sqref:
        settings.add_data_validation(check)
