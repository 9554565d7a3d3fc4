"""Read a framework workbook into the same plain definition a YAML file gives.

Staged like the YAML path: check the file is a safe XLSX -> read each sheet
into rows -> assemble the definition with a map from path to cell
(`indicators!D14`) -> the loader validates it with the same rules as YAML.
No formula is evaluated and no external link is followed: a formula is an
error, and openpyxl is asked to drop links rather than load them.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from openpyxl.utils import get_column_letter

from surveyapp.frameworks.errors import DefinitionError, FrameworkErrors
from surveyapp.frameworks.structure import BOOL, INT, LIST, NUMBER, TEXT
from surveyapp.frameworks.workbook_format import (
    FALSE_WORDS,
    REQUIRED_SETTINGS,
    RULES,
    SETTINGS,
    SHEET,
    SHEETS,
    TRUE_WORDS,
    Sheet,
)
from surveyapp.frameworks.workbook_safety import MAX_BYTES, open_safely

LAYOUT_CODES = ("missing-sheet", "missing-column", "unknown-column", "merged-cells", "formula",
                "blank-row", "duplicate-key")
NUMBER_PATTERN = re.compile(r"-?\d+(\.\d+)?")


class _Collector:
    """Gather a workbook's errors, each at a cell."""

    def __init__(self, filename: str):
        self.filename = filename
        self.errors: list[DefinitionError] = []

    def add(self, code: str, cell: str, message: str, path: str = "") -> None:
        """Record one error at a cell."""
        self.errors.append(DefinitionError(code, self.filename, 0, path, message, cell=cell))


def read_workbook_file(path: str | Path) -> tuple[dict, dict]:
    """Read a workbook file into (definition, path -> cell map), or raise FrameworkErrors."""
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:  # refuse before reading a huge file into memory
        found = _Collector(str(path))
        found.add("too-large", "workbook", f"the file is {path.stat().st_size / 1048576:.1f} MB; a framework "
                                           f"workbook may be at most {MAX_BYTES // 1048576} MB")
        raise FrameworkErrors(found.errors)
    return read_workbook(path.read_bytes(), str(path))


def read_workbook(content: bytes, filename: str) -> tuple[dict, dict]:
    """Read workbook bytes into (definition, path -> cell map), or raise FrameworkErrors."""
    found = _Collector(filename)
    book = open_safely(content, filename, found)
    if book is None:
        raise FrameworkErrors(found.errors)
    sheets = {}
    for sheet in SHEETS:
        if sheet.name not in book.sheetnames:
            if sheet.required:
                found.add("missing-sheet", f"{sheet.name}!A1",
                          f"the workbook has no '{sheet.name}' sheet; its sheets are {', '.join(book.sheetnames)}")
            continue
        sheets[sheet.name] = _read_sheet(book[sheet.name], sheet, found)
    if found.errors:  # layout first: content checks on a broken layout would only add noise
        raise FrameworkErrors(found.errors)
    data, cells = _assemble(sheets, found)
    if found.errors:
        raise FrameworkErrors(found.errors)
    return data, cells


def _read_sheet(ws, sheet: Sheet, found: _Collector) -> list[tuple[int, dict, dict]]:
    """Return the sheet's rows as (row number, {column: value}, {column: cell})."""
    for merged in ws.merged_cells.ranges:
        found.add("merged-cells", f"{ws.title}!{merged.coord.split(':')[0]}",
                  f"cells {merged.coord} are merged; unmerge them and put the value in each cell")
    for row in ws.iter_rows():
        for cell in row:
            # openpyxl marks a formula with data type "f"; array and table formulas are objects
            if cell.data_type == "f" or type(cell.value).__name__.endswith("Formula"):
                found.add("formula", f"{ws.title}!{cell.coordinate}",
                          "this cell holds a formula; formulas are never evaluated: type the value itself")
    header = {}
    for cell in ws[1]:
        name = cell.value.strip().lower() if isinstance(cell.value, str) else cell.value
        if name in (None, ""):
            continue
        if not isinstance(name, str) or sheet.column(name) is None:
            close = difflib.get_close_matches(str(name), [c.name for c in sheet.columns], n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            known = ", ".join(c.name for c in sheet.columns)
            found.add("unknown-column", f"{ws.title}!{cell.coordinate}",
                      f"unknown column '{name}'{hint}; the {sheet.name} sheet's columns are {known}")
        elif name in header.values():
            found.add("duplicate-key", f"{ws.title}!{cell.coordinate}", f"column '{name}' appears twice")
        else:
            header[cell.column] = name
    last = get_column_letter(max(ws.max_column, 1) + 1)
    for column in sheet.columns:
        if column.required and column.name not in header.values():
            found.add("missing-column", f"{ws.title}!{last}1",
                      f"the {sheet.name} sheet needs a '{column.name}' column in its header row")
    rows, blank = [], None
    for row in ws.iter_rows(min_row=2):
        values, cells = {}, {}
        for cell in row:
            value = cell.value.strip("\r") if isinstance(cell.value, str) else cell.value
            if isinstance(value, str) and not value.strip():
                value = None
            if cell.column not in header:
                if value is not None:
                    found.add("unknown-column", f"{ws.title}!{cell.coordinate}",
                              "this cell is in a column with no header; give the column a header or clear it")
                continue
            name = header[cell.column]
            cells[name] = f"{ws.title}!{cell.coordinate}"
            if value is not None:
                values[name] = _convert(value, sheet.column(name).type, cell.number_format)
        number = row[0].row if row else 0
        if not values:
            blank = blank or number
            continue
        if blank:
            found.add("blank-row", f"{ws.title}!A{blank}",
                      f"row {blank} is blank but rows follow it; delete the blank row")
            blank = None
        for column in sheet.columns:  # a missing value is reported at the cell it belongs in
            cells.setdefault(column.name, f"{ws.title}!{get_column_letter(sheet.columns.index(column) + 1)}{number}")
        rows.append((number, values, cells))
    return rows


def _convert(value, kind: str, number_format: str = "General"):
    """Turn a cell value into the definition's type; leave it as found when it does not fit (the validator says so)."""
    if kind == TEXT:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return str(value) if isinstance(value, int) or not value.is_integer() else str(int(value))
        return value
    if kind in (INT, NUMBER):
        if isinstance(value, str) and NUMBER_PATTERN.fullmatch(value.strip()):
            text = value.strip()
            return int(text) if "." not in text else float(text)
        if kind == NUMBER and isinstance(value, int) and not isinstance(value, bool) and "." in number_format:
            return float(value)  # written as 1.0: keep it a decimal, so the definition is unchanged
        if kind == INT and isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    if kind == BOOL:
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS:
            return True
        if isinstance(value, str) and value.strip().lower() in FALSE_WORDS:
            return False
        return value
    if kind == LIST:
        return [line.strip() for line in str(value).split("\n") if line.strip()]
    return value


def _assemble(sheets: dict, found: _Collector) -> tuple[dict, dict]:
    """Build the definition from the sheets' rows, with a map from each path to its cell."""
    data: dict = {}
    cells: dict = {(): "settings!A1"}
    _settings(sheets["settings"], data, cells, found)
    data["sources"] = []
    cells[("sources",)] = "sources!A1"
    for n, (_, values, where) in enumerate(sheets["sources"]):
        data["sources"].append(dict(values))
        _place(cells, ("sources", n), where, SHEET["sources"])
    data["scales"] = _scales(sheets["scales"], cells, found)
    data["domains"] = _domains(sheets, cells, found)
    if "rules" in sheets:
        rules: dict = {}
        for _, values, where in sheets["rules"]:
            name = values.get("rule")
            if name not in RULES:
                found.add("unknown-key", where["rule"], f"unknown rule '{name}'; rules are {', '.join(RULES)}")
                continue
            section, key = name.split(".")
            if "value" in values:
                rules.setdefault(section, {})[key] = values["value"]
            cells[("rules", section, key)] = where["value"]
            cells.setdefault(("rules", section), where["rule"])
            cells.setdefault(("rules",), where["rule"])
        if rules:
            data["rules"] = rules
    return data, cells


def _place(cells: dict, path: tuple, where: dict, sheet: Sheet) -> None:
    """Map a row's path, and each of its keys, to the row's cells."""
    cells[path] = where[sheet.columns[0].name]
    for column in sheet.columns:
        if column.key:
            cells[path + (column.key,)] = where[column.name]


def _settings(rows, data: dict, cells: dict, found: _Collector) -> None:
    """Read the two-column settings sheet into the top-level keys and the disclosure block."""
    seen = set()
    for _, values, where in rows:
        name = values.get("setting")
        if name not in SETTINGS:
            close = difflib.get_close_matches(str(name), list(SETTINGS), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            found.add("unknown-key", where["setting"], f"unknown setting '{name}'{hint}")
            continue
        if name in seen:
            found.add("duplicate-key", where["setting"], f"setting '{name}' appears twice")
            continue
        seen.add(name)
        path = tuple(name.split("."))
        cells[path] = where["value"]
        if len(path) == 2:
            cells.setdefault(path[:1], where["setting"])
        if "value" not in values:
            continue
        value = _convert(values["value"], SETTINGS[name], "General")
        if len(path) == 2:
            data.setdefault(path[0], {})[path[1]] = value
        else:
            data[name] = value
    for name in REQUIRED_SETTINGS:
        cells.setdefault((name,), "settings!A1")


def _scales(rows, cells: dict, found: _Collector) -> list[dict]:
    """Group the scales sheet's rows into scales: a number in `value` is a level, a key an option."""
    scales: dict[str, dict] = {}
    cells[("scales",)] = "scales!A1"
    for _, values, where in rows:
        scale_id = values.get("scale")
        if scale_id is None:
            found.add("missing-key", where["scale"], "every row of the scales sheet names its scale")
            continue
        if scale_id not in scales:
            s = len(scales)
            scales[scale_id] = {"id": scale_id, "levels": []}
            cells[("scales", s)] = cells[("scales", s, "id")] = where["scale"]
            cells[("scales", s, "label")] = cells[("scales", s, "levels")] = where["scale_label"]
        scale = scales[scale_id]
        s = list(scales).index(scale_id)
        if "scale_label" in values:
            if "label" in scale and scale["label"] != values["scale_label"]:
                found.add("duplicate-key", where["scale_label"],
                          f"scale '{scale_id}' already has the label '{scale['label']}'; give it once")
            scale["label"] = values["scale_label"]
            cells[("scales", s, "label")] = where["scale_label"]
        value = values.get("value")
        entry = {k: values[c] for c, k in (("label", "label"), ("descriptor", "descriptor")) if c in values}
        if value is None:
            found.add("missing-key", where["value"], "give a level value (a number) or an option key")
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            path = ("scales", s, "levels", len(scale["levels"]))
            scale["levels"].append({"value": value, **entry})
        else:
            options = scale.setdefault("options", [])
            path = ("scales", s, "options", len(options))
            options.append({"key": value, **entry})
        cells[path] = where["scale"]
        cells[path + ("value",)] = cells[path + ("key",)] = where["value"]
        cells[path + ("label",)] = where["label"]
        cells[path + ("descriptor",)] = where["descriptor"]
    return list(scales.values())


def _domains(sheets: dict, cells: dict, found: _Collector) -> list[dict]:
    """Read domains, then put each indicator (and its choices and next steps) in its domain."""
    domains, index = [], {}
    cells[("domains",)] = "domains!A1"
    for d, (_, values, where) in enumerate(sheets["domains"]):
        domain = {key: values[c.name] for c in SHEET["domains"].columns if (key := c.key) and c.name in values}
        domain["indicators"] = []
        domains.append(domain)
        index.setdefault(domain.get("id"), d)
        _place(cells, ("domains", d), where, SHEET["domains"])
        cells[("domains", d, "indicators")] = where["id"]
    indicators = {}
    for _, values, where in sheets["indicators"]:
        domain_id = values.get("domain")
        if domain_id not in index:
            known = ", ".join(str(k) for k in index)
            found.add("unknown-domain", where["domain"],
                      f"domain '{domain_id}' is not on the domains sheet; its domains are {known}")
            continue
        d = index[domain_id]
        ind = {c.key: values[c.name] for c in SHEET["indicators"].columns if c.key and c.name in values}
        path = ("domains", d, "indicators", len(domains[d]["indicators"]))
        domains[d]["indicators"].append(ind)
        _place(cells, path, where, SHEET["indicators"])
        cells[path] = where["id"]
        indicators.setdefault(ind.get("id"), (ind, path))
    for sheet_name, key in (("choices", "choices"), ("next_steps", "next_steps")):
        sheet = SHEET[sheet_name]
        for _, values, where in sheets.get(sheet_name, ()):
            target = indicators.get(values.get("indicator"))
            if target is None:
                found.add("unknown-indicator", where["indicator"],
                          f"indicator '{values.get('indicator')}' is not on the indicators sheet")
                continue
            ind, path = target
            items = ind.setdefault(key, [])
            item_path = path + (key, len(items))
            items.append({c.key: values[c.name] for c in sheet.columns if c.key and c.name in values})
            _place(cells, item_path, where, sheet)
            cells[item_path] = where[sheet.columns[1].name]
            cells.setdefault(path + (key,), where["indicator"])
    return domains
