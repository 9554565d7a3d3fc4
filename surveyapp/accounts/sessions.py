"""Signed-in sessions kept on the server, so signing out really ends them.

The browser's cookie carries only a random session id. The database keeps a
hash of it with the user and the times, so a session can be ended (sign-out,
time-out, deactivation, password change) and a copied cookie stops working.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from surveyapp.accounts.users import ACCESS_COLUMNS, signed_in_user
from surveyapp.storage.db import first_row
from surveyapp.storage.timestamps import iso, parse, utc_now

IDLE_MINUTES = 60        # a long domain page can take a while to write
ABSOLUTE_HOURS = 12      # one working day, then sign in again
TOUCH_SECONDS = 60       # write last_seen_at at most this often, not on every request


@dataclass(frozen=True)
class SessionState:
    user_id: int | None = None            # the signed-in user, when the session is live
    timed_out_user_id: int | None = None  # whose session has just timed out, if that is why not
    user: dict | None = None              # that user, as g.user holds it, unless deactivated


# The session and its user in one read: every signed-in request makes it. The user's
# columns are NULL when the account has been deactivated since signing in.
SESSION_USER_SQL = (
    "SELECT sessions.user_id AS session_user_id, sessions.created_at AS session_created_at, "
    "sessions.last_seen_at AS session_last_seen_at, sessions.ended_at AS session_ended_at, "
    f"users.*, {ACCESS_COLUMNS} "
    "FROM sessions LEFT JOIN users ON users.id = sessions.user_id AND users.active = 1 "
    "WHERE sessions.id_hash = ?"
)
SESSION_COLUMNS = ("session_user_id", "session_created_at", "session_last_seen_at", "session_ended_at")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start_session(db, user_id: int, now: dt.datetime | None = None) -> str:
    """Start a session for a user; return the id to put in the cookie."""
    token = secrets.token_urlsafe(32)
    moment = iso(now or utc_now())
    db.execute("INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
               [_hash(token), user_id, moment, moment])
    return token


def check_session(db, token: str, idle_minutes: int = IDLE_MINUTES,
                  absolute_hours: int = ABSOLUTE_HOURS, now: dt.datetime | None = None) -> SessionState:
    """Return who a session belongs to, with their user row, ending the session when it has timed out."""
    now = now or utc_now()
    row = first_row(db, SESSION_USER_SQL, [_hash(token)])
    if row is None:
        return SessionState()
    user_id, created, last_seen, ended = (row.pop(column) for column in SESSION_COLUMNS)  # the rest is the user
    if ended is not None:
        return SessionState()
    created, last_seen = parse(created), parse(last_seen)
    reason = ("absolute" if now - created > dt.timedelta(hours=absolute_hours)
              else "idle" if now - last_seen > dt.timedelta(minutes=idle_minutes) else None)
    if reason:
        end_session(db, token, reason, now)
        return SessionState(timed_out_user_id=user_id)
    if now - last_seen > dt.timedelta(seconds=TOUCH_SECONDS):
        db.execute("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", [iso(now), _hash(token)])
    return SessionState(user_id=user_id, user=None if row["id"] is None else signed_in_user(row))


def end_session(db, token: str, reason: str, now: dt.datetime | None = None) -> None:
    """End one session; its cookie no longer signs anyone in."""
    db.execute("UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id_hash = ? AND ended_at IS NULL",
               [iso(now or utc_now()), reason, _hash(token)])


def end_user_sessions(db, user_id: int, reason: str) -> None:
    """End every live session of a user, e.g. after a password change or deactivation."""
    db.execute("UPDATE sessions SET ended_at = ?, end_reason = ? WHERE user_id = ? AND ended_at IS NULL",
               [iso(utc_now()), reason, user_id])


def purge_old_sessions(db, keep_days: int = 30) -> None:
    """Delete ended or long-expired sessions older than keep_days."""
    cutoff = iso(utc_now() - dt.timedelta(days=keep_days))
    db.execute("DELETE FROM sessions WHERE last_seen_at < ?", [cutoff])
