"""Responses in one long CSV format, for import and export.

Columns: organisation, area, sector, respondent, domain, indicator, value,
comment. `value` is a level's numeric value, a non-scoring option's key,
a choice key, a number or free text, as the indicator's type needs.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from surveyapp.accounts.organisations import PROGRESS_EVERY, check_organisation_row
from surveyapp.assessments.forms import MAX_COMMENT, MAX_TEXT, value_key
from surveyapp.assessments.responses import Answer, missing_required, new_reference
from surveyapp.frameworks.model import Framework, Indicator
from surveyapp.storage.db import write_transaction
from surveyapp.storage.plain_text import control_character
from surveyapp.storage.text_files import FileProblem, Mappings, Problems, RowError, csv_records, decode_csv

COLUMNS = ("organisation", "area", "sector", "respondent", "domain", "indicator", "value", "comment")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell):
    """Stop spreadsheet programs from running a cell as a formula."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """Undo `neutralise`, so an exported file imports back unchanged."""
    if cell and len(cell) > 1 and cell[0] == "'" and cell[1] in "".join(FORMULA_STARTS):
        return cell[1:]
    return cell


def _parse_value(ind: Indicator, raw: str) -> tuple[Answer | None, str | None]:
    """Turn a CSV value into an Answer for this indicator, or an error message."""
    raw = restore((raw or "").strip())
    if not raw:
        return Answer(), None
    if ind.type == "rating":
        if ind.scale.option_for(raw):
            return Answer(option=raw), None
        try:
            number = float(raw)
        except ValueError:
            number = None
        if number is None or ind.scale.level_for(number) is None:
            allowed = [value_key(v) for v in ind.scale.values] + [o.key for o in ind.scale.options]
            return None, f"'{raw}' is not on the scale for {ind.id} (use one of {', '.join(allowed)})"
        return Answer(value=number), None
    if ind.type in ("choice", "yesno"):
        keys = [c.key for c in ind.choices]
        if raw not in keys:
            return None, f"'{raw}' is not a choice for {ind.id} (use one of {', '.join(keys)})"
        return Answer(option=raw), None
    if ind.type == "number":
        try:
            number = float(raw)
        except ValueError:
            return None, f"'{raw}' is not a number (write it like 12 or 12.5)"
        if (ind.minimum is not None and number < ind.minimum) or (ind.maximum is not None and number > ind.maximum):
            return None, f"{raw} is outside the range allowed for {ind.id} ({_range(ind)})"
        return Answer(value=number), None
    return Answer(text=raw), None


@dataclass
class ResponsesFile:
    """A checked responses file: the responses to write, or the problems that stop it."""

    responses: dict[tuple, dict[str, Answer]] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    mappings: Mappings = field(default_factory=Mappings)
    new_organisations: list[str] = field(default_factory=list)
    rows: int = 0


def _check_text(line: int, column: str, value: str, limit: int, problems: Problems) -> bool:
    """Refuse control characters and over-long text in one cell; return True when it is fine."""
    problem = control_character(value)
    if problem:
        problems.add(line, f"the {column} {problem}", column)
        return False
    if len(value) > limit:
        problems.add(line, f"the {column} is {len(value):,} characters long; at most {limit:,} are allowed", column)
        return False
    return True


def _check_row(line: int, row: dict, framework: Framework, checked: ResponsesFile, places: dict,
               first_lines: dict, may_import: Callable[[str], bool] | None) -> None:
    """Check one row and add its answer to the response it belongs to."""
    problems = checked.problems
    org = check_organisation_row(line, row["organisation"], row["area"], row["sector"], problems,
                                 checked.mappings, prefix="organisation ")
    ok = org is not None
    if org is not None:
        seen = places.setdefault(org["name"], (line, org["area"], org["sector"]))
        if seen[1:] != (org["area"], org["sector"]):
            problems.add(line, f"'{org['name']}' is on line {seen[0]} with a different area or sector",
                         "organisation")
            ok = False
        elif may_import is not None and not may_import(org["area"]):
            problems.add(line, f"you cannot import responses for organisations in {org['area']}", "area")
            ok = False
    respondent = (row["respondent"] or "").strip()
    if not respondent:
        problems.add(line, "the respondent is empty", "respondent")
        ok = False
    elif not _check_text(line, "respondent", respondent, 200, problems):
        ok = False
    ind = framework.indicator((row["indicator"] or "").strip())
    if ind is None:
        problems.add(line, f"unknown indicator '{(row['indicator'] or '').strip()}' in {framework.key}",
                     "indicator")
        return
    if (row["domain"] or "").strip() not in ("", framework.domain_of(ind.id).id):
        home = framework.domain_of(ind.id).id
        problems.add(line, f"indicator {ind.id} is in domain '{home}', not '{row['domain']}'",
                     "domain")
        ok = False
    answer, error = _parse_value(ind, row["value"] or "")
    if error:
        problems.add(line, error, "value")
        ok = False
    elif answer.text is not None and not _check_text(line, "value", answer.text, MAX_TEXT, problems):
        ok = False
    comment = restore((row.get("comment") or "").strip()) or None
    if comment is not None and not _check_text(line, "comment", comment, MAX_COMMENT, problems):
        ok = False
    if not ok:
        return
    key = (org["name"], org["area"], org["sector"], respondent)
    first_lines.setdefault(key, line)
    answers = checked.responses.setdefault(key, {})
    if ind.id in answers:
        problems.add(line, f"{ind.id} is answered twice for {respondent} at {org['name']}", "indicator")
        return
    answers[ind.id] = Answer(answer.value, answer.option, answer.text, comment)


def _check_complete(framework: Framework, checked: ResponsesFile, first_lines: dict) -> None:
    """Refuse a submitted response that leaves a required question (or required evidence) unanswered."""
    for key, answers in checked.responses.items():
        missing = [i for d in framework.domains for i in missing_required(d, answers)]
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            checked.problems.add(first_lines[key], f"the response of {key[3]} at {key[0]} is submitted but has no "
                                                   f"answer (or no required evidence) for {shown}", "indicator")


def _check_against_database(db, round_id: int, checked: ResponsesFile, first_lines: dict) -> None:
    """Refuse rows that disagree with what is stored: an organisation elsewhere, a response already there."""
    stored = {name: (oid, area, sector) for oid, name, area, sector in
              db.execute("SELECT id, name, area, sector FROM organisations").fetchall()}
    existing = {tuple(r) for r in db.execute(
        "SELECT organisation_id, respondent FROM responses WHERE round_id = ?", [round_id]).fetchall()}
    new = set()
    for key in checked.responses:
        name, area, sector, respondent = key
        if name not in stored:
            new.add(name)
            continue
        oid, stored_area, stored_sector = stored[name]
        if (stored_area, stored_sector) != (area, sector):
            checked.problems.add(first_lines[key], f"'{name}' is recorded in {stored_area} "
                                                   f"({stored_sector}), not {area} ({sector})", "organisation")
        elif (oid, respondent) in existing:
            checked.problems.add(first_lines[key], f"{respondent} at {name} already has a response in this round",
                                 "respondent")
    checked.new_organisations = sorted(new)


def check_responses_file(db, round_id: int, framework: Framework, data: bytes | str,
                         progress: Callable[[int], None] | None = None,
                         may_import: Callable[[str], bool] | None = None) -> ResponsesFile:
    """Read and check a whole long-format file against the framework and the database; write nothing."""
    checked = ResponsesFile()
    places: dict[str, tuple] = {}
    first_lines: dict[tuple, int] = {}
    try:
        text = data if isinstance(data, str) else decode_csv(data)
        for line, row in csv_records(text, COLUMNS):
            checked.rows += 1
            if progress and checked.rows % PROGRESS_EVERY == 0:
                progress(checked.rows)
            _check_row(line, row, framework, checked, places, first_lines, may_import)
    except FileProblem as exc:
        checked.problems.add(exc.line, exc.message)
        return checked
    if not checked.rows:
        checked.problems.add(2, "the file has no rows after the column names")
    _check_complete(framework, checked, first_lines)
    _check_against_database(db, round_id, checked, first_lines)
    return checked


def _range(ind: Indicator) -> str:
    """Say which numbers an indicator accepts."""
    low, high = ind.minimum, ind.maximum
    if low is not None and high is not None:
        return f"{value_key(low)} to {value_key(high)}"
    return f"at least {value_key(low)}" if low is not None else f"at most {value_key(high)}"


def parse_responses_csv(text: str, framework: Framework):
    """Check every row; return ({(org, area, sector, respondent): {indicator: Answer}}, errors)."""
    checked = ResponsesFile()
    first_lines: dict[tuple, int] = {}
    places: dict[str, tuple] = {}
    try:
        for line, row in csv_records(text, COLUMNS):
            checked.rows += 1
            _check_row(line, row, framework, checked, places, first_lines, None)
    except FileProblem as exc:
        checked.problems.add(exc.line, exc.message)
    _check_complete(framework, checked, first_lines)
    return checked.responses, list(checked.problems.listed)


class ImportConflict(ValueError):
    """What is stored changed between checking the file and writing it."""


def write_responses(db, round_id: int, framework: Framework, responses: dict[tuple, dict[str, Answer]]) -> int:
    """Write checked responses as submitted ones; the caller holds the transaction."""
    for (name, area, sector, respondent), answers in responses.items():
        db.execute("INSERT INTO organisations (name, area, sector) VALUES (?, ?, ?) "
                   "ON CONFLICT(name) DO NOTHING", [name, area, sector])
        org_id = db.execute("SELECT id FROM organisations WHERE name = ?", [name]).fetchone()[0]
        if db.execute("SELECT 1 FROM responses WHERE round_id = ? AND organisation_id = ? AND respondent = ?",
                      [round_id, org_id, respondent]).fetchone():
            raise ImportConflict(f"{respondent} at {name} already has a response in this round")
        response_id = db.execute(
            "INSERT INTO responses (round_id, organisation_id, respondent, status, reference, submitted_at) "
            "VALUES (?, ?, ?, 'submitted', ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            [round_id, org_id, respondent, new_reference()]).lastrowid
        db.conn.executemany(
            "INSERT INTO answers (response_id, indicator_id, domain_id, value, option, text, comment) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(response_id, i, framework.domain_of(i).id, a.value, a.option, a.text, a.comment)
             for i, a in answers.items()])
        db.conn.executemany(
            "INSERT INTO domain_status (response_id, domain_id, status) VALUES (?, ?, 'completed')",
            [(response_id, d.id) for d in framework.domains])
    return len(responses)


def import_responses(db, round_id: int, framework: Framework, text: str) -> tuple[int, list[RowError]]:
    """Import a CSV as submitted responses; on any error import nothing."""
    checked = check_responses_file(db, round_id, framework, text)
    if checked.problems:
        return 0, list(checked.problems.listed)
    with write_transaction(db):
        return write_responses(db, round_id, framework, checked.responses), []


def export_rows(db, round_id: int, framework: Framework):
    """Yield the long-format rows of a round's submitted responses."""
    order = {ind.id: n for n, ind in enumerate(framework.indicators)}
    rows = db.execute(
        """
        SELECT o.name, o.area, o.sector, r.respondent, a.domain_id, a.indicator_id,
               a.value, a.option, a.text, a.comment
          FROM answers a JOIN responses r ON r.id = a.response_id
          JOIN organisations o ON o.id = r.organisation_id
         WHERE r.round_id = ? AND r.status = 'submitted'
        """, [round_id]).fetchall()
    rows.sort(key=lambda r: (r[0], r[3], order.get(r[5], 0)))
    for name, area, sector, respondent, domain, indicator, value, option, text, comment in rows:
        if option is not None:
            shown = option
        elif value is not None:
            shown = value_key(value)
        else:
            shown = text or ""
        yield (name, area, sector, respondent, domain, indicator, shown, comment or "")


def export_csv(db, round_id: int, framework: Framework) -> str:
    """Return a round's submitted responses as long-format CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; a bare CR in a comment is then quoted
    writer.writerow(COLUMNS)
    for row in export_rows(db, round_id, framework):
        writer.writerow([neutralise(c) for c in row])
    return out.getvalue()
