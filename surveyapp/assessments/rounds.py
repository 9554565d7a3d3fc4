"""Assessment rounds: a framework version, a title and the dates it is open."""
from __future__ import annotations

import datetime as dt

from surveyapp.storage.db import first_row


def create_round(db, framework_key: str, title: str, opens_on: str | None = None,
                 closes_on: str | None = None, status: str = "open") -> int:
    """Create a round and return its id."""
    for value in (opens_on, closes_on):
        if value:
            dt.date.fromisoformat(value)  # raises ValueError on a bad date
    if opens_on and closes_on and closes_on < opens_on:
        raise ValueError("the closing date is before the opening date")
    cursor = db.execute(
        "INSERT INTO rounds (framework_key, title, opens_on, closes_on, status) VALUES (?, ?, ?, ?, ?)",
        [framework_key, title.strip(), opens_on, closes_on, status])
    return cursor.lastrowid


def get_round(db, round_id: int) -> dict | None:
    """Return one round as a dict."""
    return first_row(db, "SELECT * FROM rounds WHERE id = ?", [round_id])


def is_open(round_row: dict, today: dt.date | None = None) -> bool:
    """Return True when answers may be started or changed in this round."""
    today = (today or dt.date.today()).isoformat()
    if round_row["status"] != "open":
        return False
    if round_row["opens_on"] and today < round_row["opens_on"]:
        return False
    return not (round_row["closes_on"] and today > round_row["closes_on"])


def list_rounds(db) -> list[dict]:
    """Return every round with its framework and submitted-response count."""
    return list(db.query(
        """
        SELECT rounds.*, framework_versions.framework_id, framework_versions.version,
               framework_versions.title AS framework_title,
               (SELECT count(*) FROM responses
                 WHERE responses.round_id = rounds.id AND status = 'submitted') AS submitted
          FROM rounds JOIN framework_versions ON framework_versions.key = rounds.framework_key
         ORDER BY rounds.id
        """))


def rounds_page(db, page: int, per_page: int) -> tuple[list[dict], int]:
    """Return one page of rounds, newest first, with their submitted-response counts, and the number of rounds."""
    rows = list(db.query(
        """
        SELECT rounds.*, framework_versions.framework_id, framework_versions.version,
               framework_versions.title AS framework_title,
               (SELECT count(*) FROM responses
                 WHERE responses.round_id = rounds.id AND status = 'submitted') AS submitted
          FROM rounds JOIN framework_versions ON framework_versions.key = rounds.framework_key
         ORDER BY rounds.id DESC LIMIT ? OFFSET ?
        """, [per_page, (page - 1) * per_page]))
    return rows, db.execute("SELECT count(*) FROM rounds").fetchone()[0]


def previous_round_id(db, round_id: int) -> int | None:
    """Return the latest earlier round of the same framework, if any."""
    row = db.execute(
        """
        SELECT r2.id FROM rounds r1
          JOIN framework_versions f1 ON f1.key = r1.framework_key
          JOIN rounds r2 ON r2.id < r1.id
          JOIN framework_versions f2 ON f2.key = r2.framework_key AND f2.framework_id = f1.framework_id
         WHERE r1.id = ? ORDER BY r2.id DESC LIMIT 1
        """, [round_id]).fetchone()
    return row[0] if row else None


def latest_round_with_results(db, round_id: int, organisation_ids) -> int | None:
    """Return the most recent earlier round of the same framework in which any of these organisations
    (one organisation, or the members of an area or sector) submitted responses: what "change since the
    last round" compares with when they skipped a round."""
    ids = list(organisation_ids)
    if not ids:
        return None
    row = db.execute(
        f"""
        SELECT r2.id FROM rounds r1
          JOIN framework_versions f1 ON f1.key = r1.framework_key
          JOIN rounds r2 ON r2.id < r1.id
          JOIN framework_versions f2 ON f2.key = r2.framework_key AND f2.framework_id = f1.framework_id
         WHERE r1.id = ? AND EXISTS (SELECT 1 FROM responses WHERE round_id = r2.id AND status = 'submitted'
                                        AND organisation_id IN ({",".join("?" * len(ids))}))
         ORDER BY r2.id DESC LIMIT 1
        """, [round_id, *ids]).fetchone()
    return row[0] if row else None


def group_members(db, kind: str, name: str) -> list[int]:
    """Return the ids of the organisations in an area or a sector."""
    column = {"area": "area", "sector": "sector"}[kind]
    return [r[0] for r in db.execute(f"SELECT id FROM organisations WHERE {column} = ?", [name])]


def set_round_status(db, round_id: int, status: str) -> None:
    """Open or close a round."""
    if status not in ("draft", "open", "closed"):
        raise ValueError(f"unknown round status {status!r}")
    db.execute("UPDATE rounds SET status = ? WHERE id = ?", [status, round_id])
