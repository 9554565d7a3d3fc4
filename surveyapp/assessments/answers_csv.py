"""Responses in one long CSV format, for import and export.

Columns: organisation, area, sector, respondent, domain, indicator, value,
comment. `value` is a level's numeric value, a non-scoring option's key,
a choice key, a number or free text, as the indicator's type needs.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict

from surveyapp.accounts.organisations import RowError, check_organisation
from surveyapp.assessments.forms import value_key
from surveyapp.assessments.responses import Answer, new_reference
from surveyapp.frameworks.model import Framework, Indicator
from surveyapp.storage.db import write_transaction

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
            return Answer(value=float(raw)), None
        except ValueError:
            return None, f"'{raw}' is not a number"
    return Answer(text=raw), None


def parse_responses_csv(text: str, framework: Framework):
    """Check every row; return ({(org, area, sector, respondent): {indicator: Answer}}, errors)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = set(COLUMNS) - set(reader.fieldnames or ())
    if missing:
        return {}, [RowError(1, f"missing column(s): {', '.join(sorted(missing))}")]
    responses: dict[tuple, dict[str, Answer]] = defaultdict(dict)
    org_places: dict[str, tuple] = {}
    errors = []
    for line, row in enumerate(reader, start=2):
        org, error = check_organisation(row["organisation"], row["area"], row["sector"])
        if error:
            errors.append(RowError(line, error))
            continue
        if org_places.setdefault(org["name"], (org["area"], org["sector"])) != (org["area"], org["sector"]):
            errors.append(RowError(line, f"'{org['name']}' appears with two different areas or sectors"))
            continue
        respondent = (row["respondent"] or "").strip()
        if not respondent:
            errors.append(RowError(line, "respondent is empty"))
            continue
        ind = framework.indicator((row["indicator"] or "").strip())
        if ind is None:
            errors.append(RowError(line, f"unknown indicator '{row['indicator']}' in {framework.key}"))
            continue
        if (row["domain"] or "").strip() not in ("", framework.domain_of(ind.id).id):
            home = framework.domain_of(ind.id).id
            errors.append(RowError(line, f"indicator {ind.id} is in domain '{home}', not '{row['domain']}'"))
            continue
        answer, error = _parse_value(ind, row["value"])
        if error:
            errors.append(RowError(line, error))
            continue
        key = (org["name"], org["area"], org["sector"], respondent)
        if ind.id in responses[key]:
            errors.append(RowError(line, f"{ind.id} is answered twice for {respondent} at {org['name']}"))
            continue
        comment = restore((row.get("comment") or "").strip()) or None
        responses[key][ind.id] = Answer(answer.value, answer.option, answer.text, comment)
    return dict(responses), errors


def import_responses(db, round_id: int, framework: Framework, text: str) -> tuple[int, list[RowError]]:
    """Import a CSV as submitted responses; on any error import nothing."""
    responses, errors = parse_responses_csv(text, framework)
    if errors:
        return 0, errors
    with write_transaction(db):
        for (name, area, sector, respondent), answers in responses.items():
            db.execute("INSERT INTO organisations (name, area, sector) VALUES (?, ?, ?) "
                       "ON CONFLICT(name) DO NOTHING", [name, area, sector])
            org_id = db.execute("SELECT id FROM organisations WHERE name = ?", [name]).fetchone()[0]
            if db.execute("SELECT 1 FROM responses WHERE round_id = ? AND organisation_id = ? AND respondent = ?",
                          [round_id, org_id, respondent]).fetchone():
                raise ValueError(f"{respondent} at {name} already has a response in this round")
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
    return len(responses), []


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
