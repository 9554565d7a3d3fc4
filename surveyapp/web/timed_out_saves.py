"""Forms that arrived after their session timed out, kept until the person signs in again.

The fields are stored against the user whose session it was, under a random
token, and handed back once to that same user after sign-in; nothing else
can read them, and they are deleted when used or when they expire.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets

from surveyapp.storage.timestamps import iso, utc_now

KEEP_HOURS = 24
MAX_TOKEN = 100


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def keep_form(db, user_id: int, path: str, fields: list[tuple[str, str]]) -> str:
    """Keep a form's fields for a user; return the token that fetches them back."""
    token = secrets.token_urlsafe(24)
    now = utc_now()
    db.execute("DELETE FROM kept_forms WHERE expires_at < ?", [iso(now)])
    db.execute(
        "INSERT INTO kept_forms (token_hash, user_id, path, fields, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [_hash(token), user_id, path, json.dumps(fields), iso(now), iso(now + dt.timedelta(hours=KEEP_HOURS))])
    return token


def belongs_to(db, token: str, user_id: int) -> bool:
    """Return True when a kept form exists for this token and user."""
    if not token or len(token) > MAX_TOKEN:
        return False
    return db.execute("SELECT 1 FROM kept_forms WHERE token_hash = ? AND user_id = ? AND expires_at > ?",
                      [_hash(token), user_id, iso(utc_now())]).fetchone() is not None


def take_form(db, token: str, user_id: int) -> tuple[str, list[tuple[str, str]]] | None:
    """Return (path, fields) kept for this user under token, deleting them; None if none."""
    if not token or len(token) > MAX_TOKEN:
        return None
    row = db.execute("SELECT path, fields FROM kept_forms WHERE token_hash = ? AND user_id = ? AND expires_at > ?",
                     [_hash(token), user_id, iso(utc_now())]).fetchone()
    if row is None:
        return None
    db.execute("DELETE FROM kept_forms WHERE token_hash = ?", [_hash(token)])
    return row[0], [tuple(pair) for pair in json.loads(row[1])]
