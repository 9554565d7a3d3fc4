"""Outgoing messages, kept in the outbox table.

No mail server is wired in yet, so the outbox is how invitations and reset
links reach people: an administrator reads it and passes links on, and in
development the web layer also writes each message to the log.
"""
from __future__ import annotations

from surveyapp.storage.timestamps import iso, utc_now


def queue_message(db, to_address: str, subject: str, body: str) -> int:
    """Put a message in the outbox; return its id."""
    return db.execute(
        "INSERT INTO outbox (to_address, subject, body, created_at) VALUES (?, ?, ?, ?)",
        [to_address, subject, body, iso(utc_now())]).lastrowid


def list_messages(db, limit: int = 200) -> list[dict]:
    """Return the newest messages first, without their bodies."""
    return list(db.query("SELECT id, to_address, subject, created_at, sent_at FROM outbox "
                         "ORDER BY id DESC LIMIT ?", [limit]))


def get_message(db, message_id: int) -> dict | None:
    """Return one message with its body."""
    rows = list(db.query("SELECT * FROM outbox WHERE id = ?", [message_id]))
    return rows[0] if rows else None
