"""The audit log: who did what, to which organisation, when (UTC).

Entries name people, organisations and actions, never answer text: callers
pass a short detail such as a round id or a reference, not form contents.
"""
from __future__ import annotations

import csv
import io

from surveyapp.storage.timestamps import iso, utc_now

MAX_DETAIL = 1_000
PAGE_SIZE = 100
CSV_COLUMNS = ("at", "user_email", "user_id", "organisation", "organisation_id", "action", "detail", "client")


def record(db, action: str, *, user_id: int | None = None, user_email: str | None = None,
           organisation_id: int | None = None, detail: str = "", client: str | None = None) -> None:
    """Append one entry to the audit log."""
    db.execute(
        "INSERT INTO audit_log (at, user_id, user_email, organisation_id, action, detail, client) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [iso(utc_now()), user_id, user_email, organisation_id, action, (detail or "")[:MAX_DETAIL], client])


def _entries_query(where: str = "") -> str:
    return ("SELECT audit_log.*, organisations.name AS organisation FROM audit_log "
            "LEFT JOIN organisations ON organisations.id = audit_log.organisation_id "
            f"{where} ORDER BY audit_log.id DESC")


def list_entries(db, page: int = 1, action: str | None = None) -> list[dict]:
    """Return one page of entries, newest first, optionally of one action only."""
    where, params = ("WHERE action = ?", [action]) if action else ("", [])
    return list(db.query(_entries_query(where) + " LIMIT ? OFFSET ?",
                         params + [PAGE_SIZE, (page - 1) * PAGE_SIZE]))


def count_entries(db, action: str | None = None) -> int:
    """Count entries, optionally of one action only."""
    if action:
        return db.execute("SELECT count(*) FROM audit_log WHERE action = ?", [action]).fetchone()[0]
    return db.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def actions(db) -> list[str]:
    """Return every action that appears in the log."""
    return [r[0] for r in db.execute("SELECT DISTINCT action FROM audit_log ORDER BY action")]


def csv_cell(value) -> str:
    """Return a value safe to open in a spreadsheet: no cell starts a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def entries_csv(db) -> str:
    """Return the whole log as CSV, oldest first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in reversed(list(db.query(_entries_query()))):
        writer.writerow([csv_cell(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()
